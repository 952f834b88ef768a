"""Users, their roles and their scopes (storage points for warehouse staff, an agency for officers)."""

from datetime import datetime

from sqlmodel import Field, SQLModel

from .base import unique_without_case, utcnow
from .regions import ROOT_REGION


class User(SQLModel, table=True):
    """Someone who acts on the inventory; every operation records its actor."""

    __tablename__ = "app_user"
    __table_args__ = (unique_without_case("app_user", "name"),)

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=80, unique=True, index=True)
    role: str = Field(max_length=20)
    agency_id: int | None = Field(default=None, foreign_key="agency.id")
    password_hash: str | None = Field(default=None, max_length=255)
    active: bool = True
    locale: str | None = Field(default=None, max_length=10)
    region_code: str | None = Field(default=None, max_length=20)
    # The jurisdiction (county level or above) this belongs to: what scopes reads and writes.
    jurisdiction_code: str = Field(default=ROOT_REGION, foreign_key="region.code", max_length=12, index=True)
    created_at: datetime = Field(default_factory=utcnow)

    def __str__(self) -> str:
        return self.name


class UserPoint(SQLModel, table=True):
    """A storage point in the scope of a warehouse user."""

    __tablename__ = "user_point"

    user_id: int = Field(foreign_key="app_user.id", primary_key=True)
    point_id: int = Field(foreign_key="storage_point.id", primary_key=True)
