"""The last mile: households registered per incident, what they are entitled to, and what they received."""

from datetime import datetime

from sqlalchemy import CheckConstraint, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from .base import utcnow
from .regions import ROOT_REGION


class Household(SQLModel, table=True):
    """A registered household (受灾群众登记) of an incident.

    The ID number is never stored: only its keyed hash (HMAC-SHA256 with the installation's key,
    see :mod:`supplies.pii`) for duplicate checks, its first four and last four characters and its
    length for the masked form ``5201**********1234``.
    """

    __tablename__ = "household"
    __table_args__ = (
        UniqueConstraint("incident_id", "number", name="uq_household_incident_number"),
        Index("ix_household_incident_id_hash", "incident_id", "id_hash"),
        CheckConstraint("members >= 1", name="members_positive"),
        CheckConstraint("under_5 >= 0 AND age_60_plus >= 0", name="age_groups_not_negative"),
        CheckConstraint("under_5 + age_60_plus <= members", name="age_groups_within_members"),
    )

    id: int | None = Field(default=None, primary_key=True)
    incident_id: int = Field(foreign_key="incident.id")
    # The incident's jurisdiction: what scopes reads and writes.
    jurisdiction_code: str = Field(default=ROOT_REGION, foreign_key="region.code", max_length=12, index=True)
    number: str = Field(max_length=40)
    head: str = Field(max_length=100)
    members: int
    under_5: int = 0
    age_60_plus: int = 0
    village: str = Field(max_length=100)
    phone: str | None = Field(default=None, max_length=30)
    id_hash: str | None = Field(default=None, max_length=64)
    id_first4: str | None = Field(default=None, max_length=4)
    id_last4: str | None = Field(default=None, max_length=4)
    id_length: int | None = None
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class Entitlement(SQLModel, table=True):
    """A distribution standard (发放标准): so many units of an item per person or per household.

    ``incident_id`` None is a default rule, used by every incident without its own rule for the
    item. ``max_members`` K makes a per-household rule count one share per K members or part of
    it (one 12 m² tent per household of up to four: a household of six gets two).
    """

    __tablename__ = "entitlement"
    __table_args__ = (
        UniqueConstraint("incident_id", "item_id", name="uq_entitlement_incident_item"),
        CheckConstraint("quantity >= 0", name="quantity_not_negative"),
        CheckConstraint("basis IN ('person','household')", name="basis_known"),
        CheckConstraint("max_members IS NULL OR max_members >= 1", name="max_members_positive"),
    )

    id: int | None = Field(default=None, primary_key=True)
    incident_id: int | None = Field(default=None, foreign_key="incident.id", index=True)
    item_id: int = Field(foreign_key="item.id", index=True)
    basis: str = Field(max_length=10)
    quantity: int
    max_members: int | None = None
    source: str | None = Field(default=None, max_length=300)
    updated_at: datetime = Field(default_factory=utcnow)


class Distribution(SQLModel, table=True):
    """One handing-out (发放) to a household at a point, with who collected and any override."""

    __tablename__ = "distribution"
    __table_args__ = (Index("ix_distribution_household_id", "household_id"),)

    id: int | None = Field(default=None, primary_key=True)
    incident_id: int = Field(foreign_key="incident.id", index=True)
    household_id: int = Field(foreign_key="household.id")
    point_id: int = Field(foreign_key="storage_point.id", index=True)
    at: datetime = Field(default_factory=utcnow)
    actor_id: int | None = Field(default=None, foreign_key="app_user.id")
    # Proxy collection (代领): the name of who collected for the household.
    collector: str | None = Field(default=None, max_length=100)
    # A supervisor's reason for giving more than is due (a second distribution of an entitlement).
    override_reason: str | None = Field(default=None, max_length=500)


class DistributionLine(SQLModel, table=True):
    """What one lot gave to a distribution, with the ledger movement that records it."""

    __tablename__ = "distribution_line"
    __table_args__ = (
        CheckConstraint("qty > 0", name="qty_positive"),
        Index("ix_distribution_line_household_item", "household_id", "item_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    distribution_id: int = Field(foreign_key="distribution.id", index=True)
    household_id: int = Field(foreign_key="household.id")
    item_id: int = Field(foreign_key="item.id")
    lot_id: int = Field(foreign_key="stock_lot.id")
    movement_id: int
    qty: int
    # More than was due: allowed only with the distribution's override reason.
    over: bool = False


class LoanReturn(SQLModel, table=True):
    """A return (回收) of lent equipment: a household's or a request's units of an item, back at a point.

    Exactly one of ``household_id`` (lent by distribution) and ``request_id`` (sent to a site given
    as coordinates) is set. ``condition`` says where the units went: ``good`` back into stock in
    their own batch, ``repair`` into a repair lot, ``unusable`` nowhere (written off, ``reason``
    required). What is still out on loan is never kept: it is what was lent less what came back,
    computed from the lines of both sides (see :mod:`supplies.services.relief.returns`).
    """

    __tablename__ = "loan_return"
    __table_args__ = (
        CheckConstraint("(household_id IS NULL) <> (request_id IS NULL)", name="household_xor_request"),
        CheckConstraint("qty > 0", name="qty_positive"),
        CheckConstraint("condition IN ('good','repair','unusable')", name="condition_known"),
        CheckConstraint("condition <> 'unusable' OR reason IS NOT NULL", name="unusable_has_reason"),
        Index("ix_loan_return_household_item", "household_id", "item_id"),
        Index("ix_loan_return_request_item", "request_id", "item_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    incident_id: int = Field(foreign_key="incident.id", index=True)
    # The incident's jurisdiction: what scopes reads.
    jurisdiction_code: str = Field(default=ROOT_REGION, foreign_key="region.code", max_length=12, index=True)
    household_id: int | None = Field(default=None, foreign_key="household.id")
    request_id: int | None = Field(default=None, foreign_key="dispatch_request.id")
    item_id: int = Field(foreign_key="item.id")
    point_id: int = Field(foreign_key="storage_point.id", index=True)
    qty: int
    condition: str = Field(max_length=10)
    reason: str | None = Field(default=None, max_length=500)
    actor_id: int | None = Field(default=None, foreign_key="app_user.id")
    at: datetime = Field(default_factory=utcnow)


class LoanReturnLine(SQLModel, table=True):
    """What one return gave back of the units that left one lot, with where they went.

    ``source_lot_id`` is the lot the units were lent from (a distribution line's or an allocation's
    lot); ``lot_id`` and ``movement_id`` the lot they came back into and its ``return`` ledger line
    (both None for unusable units: no stock comes back).
    """

    __tablename__ = "loan_return_line"
    __table_args__ = (CheckConstraint("qty > 0", name="qty_positive"),)

    id: int | None = Field(default=None, primary_key=True)
    return_id: int = Field(foreign_key="loan_return.id", index=True)
    source_lot_id: int = Field(foreign_key="stock_lot.id", index=True)
    lot_id: int | None = Field(default=None, foreign_key="stock_lot.id")
    movement_id: int | None = None
    qty: int
