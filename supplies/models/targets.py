"""Reserve targets: how much of an item a storage point (or a whole region) should hold.

Loaded on first use (``supplies.models.ReserveTarget``): listing stock needs no targets.
"""

from datetime import datetime

from sqlalchemy import CheckConstraint, UniqueConstraint
from sqlmodel import Field, SQLModel

from ..limits import MAX_BALANCE
from .base import utcnow
from .regions import ROOT_REGION
from .stock import big_column


class ReserveTarget(SQLModel, table=True):
    """How much of an item a storage point (or a whole region) should hold."""

    __tablename__ = "reserve_target"
    __table_args__ = (
        UniqueConstraint("item_id", "point_id", "region_code", name="uq_reserve_target_scope"),
        CheckConstraint("quantity >= 0", name="quantity_not_negative"),
        CheckConstraint(f"quantity <= {MAX_BALANCE}", name="quantity_bounded"),
        CheckConstraint("point_id IS NOT NULL OR region_code IS NOT NULL", name="has_scope"),
    )

    id: int | None = Field(default=None, primary_key=True)
    item_id: int = Field(foreign_key="item.id", index=True)
    point_id: int | None = Field(default=None, foreign_key="storage_point.id", index=True)
    region_code: str | None = Field(default=None, max_length=20)
    # The jurisdiction (county level or above) this belongs to: what scopes reads and writes.
    jurisdiction_code: str = Field(default=ROOT_REGION, foreign_key="region.code", max_length=12, index=True)
    quantity: int = Field(sa_column=big_column(nullable=False))
    updated_at: datetime = Field(default_factory=utcnow)
