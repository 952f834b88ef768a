"""The records of supply classes handed from one responsible agency to another.

Loaded on first use (``supplies.models.ClassHandover``): listing stock needs none of them.
"""

from datetime import datetime

from sqlalchemy import ForeignKeyConstraint
from sqlmodel import Field, SQLModel

from .base import utcnow


class ClassHandover(SQLModel, table=True):
    """The record of a supply class handed from one responsible agency to another."""

    __tablename__ = "class_handover"
    __table_args__ = (
        ForeignKeyConstraint(["from_agency_id"], ["agency.id"]),
        ForeignKeyConstraint(["to_agency_id"], ["agency.id"]),
    )

    id: int | None = Field(default=None, primary_key=True)
    class_id: int = Field(foreign_key="supply_class.id", index=True)
    from_agency_id: int
    to_agency_id: int
    at: datetime = Field(default_factory=utcnow)
    actor_id: int | None = Field(default=None, foreign_key="app_user.id")
    reason: str | None = Field(default=None, max_length=500)
    lots_moved: int = 0
