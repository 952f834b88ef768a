"""Who answers for a supply class in each jurisdiction (分级负责): one agency per class and jurisdiction.

Loaded on first use (``supplies.models.ClassResponsibility``): listing stock needs none of them.
"""

from datetime import datetime

from sqlalchemy import ForeignKeyConstraint, UniqueConstraint
from sqlmodel import Field, SQLModel

from .base import utcnow


class ClassResponsibility(SQLModel, table=True):
    """The one agency that answers for a supply class in one jurisdiction (分级负责).

    Stock lots point at this row with a composite key, so the database holds the rule: every lot
    belongs to the responsible agency of its class in its point's jurisdiction, and a handover
    (an update of ``agency_id``) carries all those lots with it.
    """

    __tablename__ = "class_responsibility"
    __table_args__ = (
        UniqueConstraint("class_id", "jurisdiction_code", name="uq_class_responsibility_class_jurisdiction"),
        UniqueConstraint("class_id", "jurisdiction_code", "agency_id", name="uq_class_responsibility_key"),
        ForeignKeyConstraint(
            ["agency_id", "jurisdiction_code"],
            ["agency.id", "agency.jurisdiction_code"],
            name="fk_class_responsibility_agency_jurisdiction",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    class_id: int = Field(foreign_key="supply_class.id", index=True)
    jurisdiction_code: str = Field(foreign_key="region.code", max_length=12, index=True)
    agency_id: int = Field(index=True)
    created_at: datetime = Field(default_factory=utcnow)
