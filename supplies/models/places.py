"""Storage points: depots, pre-positioned points, shelters, agreement warehouses and factories."""

from datetime import datetime

from sqlalchemy import CheckConstraint, UniqueConstraint
from sqlmodel import Field, SQLModel

from .base import unique_without_case, utcnow
from .regions import ROOT_REGION


class StoragePoint(SQLModel, table=True):
    """A place that holds stock (储备库 / 储备点), on one administrative level."""

    __tablename__ = "storage_point"
    __table_args__ = (
        CheckConstraint("lat >= -90 AND lat <= 90", name="lat_range"),
        CheckConstraint("lon >= -180 AND lon <= 180", name="lon_range"),
        unique_without_case("storage_point"),
        # The target of the lots' (point_id, jurisdiction_code) key.
        UniqueConstraint("id", "jurisdiction_code", name="uq_storage_point_id_jurisdiction"),
    )

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=40, unique=True, index=True)
    name: str = Field(max_length=200)
    kind: str = Field(default="depot", max_length=20)
    level: str = Field(max_length=20, index=True)
    region_code: str | None = Field(default=None, max_length=20, index=True)
    # The jurisdiction (county level or above) this belongs to: what scopes reads and writes.
    jurisdiction_code: str = Field(default=ROOT_REGION, foreign_key="region.code", max_length=12, index=True)
    address: str | None = Field(default=None, max_length=300)
    lat: float
    lon: float
    capacity_m3: float | None = Field(default=None, ge=0)
    status: str = Field(default="active", max_length=10)
    created_at: datetime = Field(default_factory=utcnow)

    def __str__(self) -> str:
        return f"{self.code} {self.name}"
