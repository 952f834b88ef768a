"""Stock tables: lots with their kept balances and the append-only ledger (reserve targets: :mod:`.targets`)."""

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    ForeignKeyConstraint,
    Index,
    Integer,
    UniqueConstraint,
)
from sqlmodel import Field, SQLModel

from ..limits import MAX_BALANCE, MAX_MOVEMENT_QTY
from .base import utcnow
from .regions import ROOT_REGION


def big_column(**kw: Any) -> Column[int]:
    """A whole-number column wide enough for 10^12 on PostgreSQL (SQLite integers are 64-bit anyway)."""
    return Column(BigInteger().with_variant(Integer(), "sqlite"), **kw)


class StockLot(SQLModel, table=True):
    """An item at a storage point in one batch, with on-hand and reserved kept beside the ledger.

    ``class_id``, ``jurisdiction_code`` and ``agency_id`` are copies that the database ties, with
    composite foreign keys, to the item's class, the point's jurisdiction and the agency answering
    for the class there: stock cannot be recorded under any other agency, and handing a class over
    in a jurisdiction cascades the ownership to all its lots there.
    """

    __tablename__ = "stock_lot"
    __table_args__ = (
        ForeignKeyConstraint(["item_id", "class_id"], ["item.id", "item.class_id"], name="fk_stock_lot_item_class"),
        ForeignKeyConstraint(
            ["class_id", "jurisdiction_code", "agency_id"],
            [
                "class_responsibility.class_id",
                "class_responsibility.jurisdiction_code",
                "class_responsibility.agency_id",
            ],
            onupdate="CASCADE",
            name="fk_stock_lot_responsibility",
        ),
        ForeignKeyConstraint(
            ["point_id", "jurisdiction_code"],
            ["storage_point.id", "storage_point.jurisdiction_code"],
            name="fk_stock_lot_point_jurisdiction",
        ),
        UniqueConstraint("point_id", "item_id", "batch", name="uq_stock_lot_point_item_batch"),
        CheckConstraint("on_hand >= 0", name="on_hand_not_negative"),
        CheckConstraint("reserved >= 0", name="reserved_not_negative"),
        CheckConstraint("reserved <= on_hand", name="reserved_within_on_hand"),
        CheckConstraint("lead_time_hours >= 0", name="lead_time_not_negative"),
        CheckConstraint(f"on_hand <= {MAX_BALANCE}", name="on_hand_bounded"),
        Index("ix_stock_lot_item_point", "item_id", "point_id"),
        # Covers the stock summary (class x point totals from the index alone) and, by its first
        # column, lookups by class.
        Index("ix_stock_lot_class_point_balance", "class_id", "point_id", "on_hand", "reserved"),
        Index("ix_stock_lot_agency_id", "agency_id"),
        Index("ix_stock_lot_jurisdiction_code", "jurisdiction_code"),
        Index("ix_stock_lot_expires_on", "expires_on"),
        # The search box's match anywhere in a batch (ILIKE '%term%'): on PostgreSQL a GIN index
        # of trigrams (pg_trgm), on SQLite a plain one; migration 0014 makes it so. Declared
        # plain here: PostgreSQL options would load that dialect whenever the models are
        # imported (a `supplies stock list` on SQLite), and Alembic compares columns, not methods.
        Index("ix_stock_lot_batch_trgm", "batch"),
    )

    id: int | None = Field(default=None, primary_key=True)
    item_id: int
    class_id: int
    agency_id: int
    jurisdiction_code: str = Field(default=ROOT_REGION, max_length=12)
    point_id: int = Field(foreign_key="storage_point.id")
    batch: str = Field(default="", max_length=60)
    mode: str = Field(default="physical", max_length=20)
    expires_on: date | None = None
    lead_time_hours: float = 0.0
    unit_cost: Decimal | None = Field(default=None, max_digits=14, decimal_places=2)
    on_hand: int = Field(default=0, sa_column=big_column(nullable=False, default=0))
    reserved: int = Field(default=0, sa_column=big_column(nullable=False, default=0))
    version: int = 1
    # The hash of the lot's last movement: the head of its ledger chain (see services.ledger).
    ledger_hash: str = Field(default="", max_length=64)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)

    @property
    def free(self) -> int:
        return self.on_hand - self.reserved


class PointClassStock(SQLModel, table=True):
    """One supply class at one storage point: its lots' count and sums, kept in step with them at each commit.

    A derived table (never a source of quantities): written only by
    :mod:`supplies.services.stock.point_totals` in the transaction that changed the lots, and
    checked against them by ``verify``. The map's points layer reads it instead of summing every lot.
    """

    __tablename__ = "point_class_stock"
    # On SQLite the rows are stored in key order: the map reads them point by point in one pass.
    __table_args__ = {"sqlite_with_rowid": False}

    point_id: int = Field(foreign_key="storage_point.id", primary_key=True)
    class_id: int = Field(foreign_key="supply_class.id", primary_key=True)
    agency_id: int = Field(foreign_key="agency.id", index=True)
    lots: int = 0
    on_hand: int = Field(default=0, sa_column=big_column(nullable=False, default=0))
    reserved: int = Field(default=0, sa_column=big_column(nullable=False, default=0))


class Movement(SQLModel, table=True):
    """One line of the ledger (台账). Append-only: the database refuses updates and deletes.

    ``qty`` is the signed change of on-hand, ``reserved_delta`` the signed change of reserved.
    """

    __tablename__ = "movement"
    __table_args__ = (
        Index("ix_movement_lot_id", "lot_id"),
        Index("ix_movement_point_at", "point_id", "at"),
        Index("ix_movement_item_at", "item_id", "at"),
        Index("ix_movement_at", "at"),
        Index("ix_movement_reference", "reference"),
        # The ledger search's match anywhere in a reference or reason: trigrams on PostgreSQL, a
        # plain index on SQLite (narrower than the table, so the search scans less); declared
        # plain here, made by migration 0014 (see ix_stock_lot_batch_trgm).
        Index("ix_movement_text_trgm", "reference", "reason"),
        CheckConstraint(f"qty >= -{MAX_MOVEMENT_QTY} AND qty <= {MAX_MOVEMENT_QTY}", name="qty_bounded"),
        CheckConstraint(
            f"reserved_delta >= -{MAX_MOVEMENT_QTY} AND reserved_delta <= {MAX_MOVEMENT_QTY}",
            name="reserved_delta_bounded",
        ),
    )

    id: int | None = Field(default=None, sa_column=big_column(primary_key=True))
    lot_id: int = Field(foreign_key="stock_lot.id")
    kind: str = Field(max_length=20)
    qty: int = 0
    reserved_delta: int = 0
    balance_after: int = Field(default=0, sa_column=big_column(nullable=False, default=0))
    at: datetime = Field(default_factory=utcnow)
    actor_id: int | None = Field(default=None, foreign_key="app_user.id")
    agency_id: int = Field(foreign_key="agency.id")
    point_id: int = Field(foreign_key="storage_point.id")
    item_id: int = Field(foreign_key="item.id")
    reference: str | None = Field(default=None, max_length=100)
    reason: str | None = Field(default=None, max_length=500)
    related_lot_id: int | None = Field(default=None, foreign_key="stock_lot.id")
    hash: str = Field(default="", max_length=64)
