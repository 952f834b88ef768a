"""Known road travel times from a storage point to another point or to a region.

Loaded on first use (``supplies.models.TravelTime``): listing stock needs no travel times.
"""

from sqlmodel import Field, SQLModel


class TravelTime(SQLModel, table=True):
    """A known road travel time from a point to another point or to a region, in hours."""

    __tablename__ = "travel_time"

    id: int | None = Field(default=None, primary_key=True)
    from_point_id: int = Field(foreign_key="storage_point.id", index=True)
    to_point_id: int | None = Field(default=None, foreign_key="storage_point.id")
    to_region_code: str | None = Field(default=None, max_length=20)
    hours: float = Field(ge=0)
