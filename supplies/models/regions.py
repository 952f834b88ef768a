"""Administrative divisions (GB/T 2260) as a tree, and who answers for a supply class in each jurisdiction."""

from datetime import datetime

from sqlalchemy import CheckConstraint, ColumnElement, ForeignKeyConstraint, UniqueConstraint, and_
from sqlmodel import Field, SQLModel, col

from .base import prefix_index, utcnow

# Every installation has one top region above whatever it loads: a county running alone keeps all
# its things here, and a loaded province or city hangs below it.
ROOT_REGION = "000000"
ROOT_PATH = f"{ROOT_REGION}/"
# A region at one of these levels is a jurisdiction: it keeps and dispatches reserves of its own.
JURISDICTION_LEVELS = ("root", "province", "city", "county")


class Region(SQLModel, table=True):
    """A division: province, city (州/市), county (区/县), township (乡/镇) or village (村).

    ``path`` lists the codes from the top down (``000000/520000/522700/522731/``): a subtree is a
    prefix of it, read with the index, never a recursive walk. ``jurisdiction_code`` is the region's
    nearest ancestor (or itself) at county level or above.
    """

    __tablename__ = "region"
    __table_args__ = (
        # text_pattern_ops on PostgreSQL: ``path LIKE 'prefix%'`` is served from the index.
        prefix_index("ix_region_path", "path"),
        CheckConstraint("level IN ('root','province','city','county','township','village')", name="level_known"),
    )

    code: str = Field(primary_key=True, max_length=12)
    name: str = Field(max_length=100)
    level: str = Field(max_length=10)
    parent_code: str | None = Field(default=None, foreign_key="region.code", max_length=12, index=True)
    path: str = Field(max_length=120)
    jurisdiction_code: str = Field(foreign_key="region.code", max_length=12, index=True)
    # The key a child installation signs its reports with, registered by this (parent) installation.
    public_key: str | None = Field(default=None, max_length=200)
    created_at: datetime = Field(default_factory=utcnow)

    @property
    def is_jurisdiction(self) -> bool:
        return self.level in JURISDICTION_LEVELS

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


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


def path_under(path: str, dialect: str) -> ColumnElement[bool]:
    """Regions whose path starts with ``path`` (the subtree), in the form the path's index serves.

    SQLite uses an index for LIKE only when it is case-sensitive, so it gets the range the prefix
    spans: paths hold digits and '/', and '0' sorts right after '/', so ``000000/520000/`` spans
    [``000000/520000/``, ``000000/5200000``). PostgreSQL gets LIKE with the whole pattern as one
    value, which its ``text_pattern_ops`` index serves (a range would follow the database's
    collation, which may ignore the '/').
    """
    column = col(Region.path)
    if dialect == "postgresql":
        return column.like(path + "%")  # nothing to escape: digits and '/'
    return and_(column >= path, column < path[:-1] + "0")
