"""Catalog tables: responsible agencies, the supply-class tree and the items under it."""

from datetime import datetime

from sqlalchemy import UniqueConstraint, false
from sqlmodel import Field, Relationship, SQLModel

from .base import unique_without_case, utcnow
from .regions import ROOT_REGION


class Agency(SQLModel, table=True):
    """A responsible unit (责任单位) that stockpiles one or more supply classes."""

    __tablename__ = "agency"
    # (id, jurisdiction_code) is the target of a responsibility's key: an agency answers only at home.
    __table_args__ = (
        unique_without_case("agency"),
        UniqueConstraint("id", "jurisdiction_code", name="uq_agency_id_jurisdiction"),
    )

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=40, unique=True, index=True)
    name: str = Field(max_length=200)
    contact: str | None = Field(default=None, max_length=100)
    phone: str | None = Field(default=None, max_length=40)
    level: str | None = Field(default=None, max_length=20)
    region_code: str | None = Field(default=None, max_length=20)
    # The jurisdiction (county level or above) this belongs to: what scopes reads and writes.
    jurisdiction_code: str = Field(default=ROOT_REGION, foreign_key="region.code", max_length=12, index=True)
    created_at: datetime = Field(default_factory=utcnow)

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class SupplyClass(SQLModel, table=True):
    """A node of the catalog tree (统一储备目录: one catalog for every jurisdiction).

    ``agency_id`` is the agency that filed the class; who answers for it in each jurisdiction is a
    :class:`~supplies.models.regions.ClassResponsibility` (in the filing agency's own jurisdiction
    it is that agency).
    """

    __tablename__ = "supply_class"
    # (id, agency_id) is the target of the stock lots' ownership key: see StockLot.
    __table_args__ = (
        UniqueConstraint("id", "agency_id", name="uq_supply_class_id_agency"),
        unique_without_case("supply_class"),
    )

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=40, unique=True, index=True)
    name: str = Field(max_length=200)
    name_en: str | None = Field(default=None, max_length=200)
    parent_id: int | None = Field(default=None, foreign_key="supply_class.id", index=True)
    agency_id: int = Field(foreign_key="agency.id", index=True)
    created_at: datetime = Field(default_factory=utcnow)

    agency: Agency | None = Relationship()

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Item(SQLModel, table=True):
    """A concrete supply under a class, counted in whole numbers of its base unit."""

    __tablename__ = "item"
    __table_args__ = (UniqueConstraint("id", "class_id", name="uq_item_id_class"), unique_without_case("item"))

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=40, unique=True, index=True)
    name: str = Field(max_length=200)
    name_en: str | None = Field(default=None, max_length=200)
    spec: str | None = Field(default=None, max_length=200)
    unit: str = Field(max_length=20)
    class_id: int = Field(foreign_key="supply_class.id", index=True)
    shelf_life_days: int | None = Field(default=None, ge=0)
    unit_weight_kg: float | None = Field(default=None, ge=0)
    unit_volume_m3: float | None = Field(default=None, ge=0)
    # Equipment lent out and returned after the emergency (tents, folding beds, pumps, generators):
    # what households and sites hold of it is a loan (借用), see supplies.services.relief.returns.
    reusable: bool = Field(default=False, sa_column_kwargs={"server_default": false()})
    # Tracked by unit (装备): each unit has a serial number and a service history, see
    # supplies.services.equipment; its quantities change only through the unit services.
    tracked: bool = Field(default=False, sa_column_kwargs={"server_default": false()})
    created_at: datetime = Field(default_factory=utcnow)

    supply_class: SupplyClass | None = Relationship()

    def __str__(self) -> str:
        return f"{self.code} {self.name}"
