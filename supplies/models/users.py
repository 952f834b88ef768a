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


class ApiToken(SQLModel, table=True):
    """A bearer token of the HTTP API: it acts as its user; only its SHA-256 digest is kept."""

    __tablename__ = "api_token"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="app_user.id", index=True)
    # The token is 256 random bits (secrets.token_urlsafe): a plain SHA-256 is enough, unlike a password.
    digest: str = Field(max_length=64, unique=True)
    # The token's first characters, so its owner recognises it in a list (not enough to use it).
    prefix: str = Field(max_length=12)
    label: str | None = Field(default=None, max_length=100)
    created_by: int | None = Field(default=None, foreign_key="app_user.id")
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime | None = None
    last_used_at: datetime | None = None
    revoked_at: datetime | None = None


class LoginAttempt(SQLModel, table=True):
    """Failed log-ins of one (name, address) pair, in the database so that every web process shares them.

    The pair is kept as a digest: a log-in limit needs to recognise it, not to know who or where.
    """

    __tablename__ = "login_attempt"

    key: str = Field(primary_key=True, max_length=64)
    failures: int = 0
    first_at: datetime = Field(index=True)
    locked_until: datetime | None = None
