"Posting a long ledger history at once: new lots, then movements of any kind with their running balances.\n\nThis is the set-based twin of :func:`supplies.services.stock.commands.ledger.post` for loading a history (from\nanother system, or the benchmark generator): the movements are applied in the order given, each\nchecked exactly as ``post`` checks it (on-hand never negative, reserved never negative nor above\non-hand), each carrying the lot's running ``balance_after``; the lots' kept balances are updated\nin the same transaction. Nothing is written unless every movement passes, so\n``inv.stock.verify()`` holds afterwards. Permissions are the caller's business, as for ``post``.\n"

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any, NamedTuple

from sqlalchemy import insert, select, update
from sqlalchemy.sql.expression import bindparam
from sqlmodel import Session, col

from ...db import select_columns
from ...errors import InvalidInput, NotFound, OneAgencyRuleViolation
from ...i18n import t
from ...models import ClassResponsibility, Item, Movement, MovementKind, StockLot, StoragePoint
from ...models.base import table_of, utcnow
from ..io.tabular import iter_chunks
from .ledger import check_change, movement_hash, new_lot_ids
from .point_totals import touch_lots

_KINDS = frozenset(k.value for k in MovementKind)
_CHUNK = 10_000  # rows per executemany: big enough to amortise, small enough to bound memory
_IN_LIST = 900  # ids per IN (...) list, under SQLite's old 999-parameter limit


class NewLot(NamedTuple):
    """A lot to open at zero balance; its class follows from the item, its jurisdiction from the point,
    and its agency from both (the agency answering for the class there)."""

    item_id: int
    point_id: int
    batch: str = ""
    mode: str = "physical"
    expires_on: date | None = None
    lead_time_hours: float = 0.0
    unit_cost: Decimal | None = None
    created_at: datetime | None = None


class Entry(NamedTuple):
    """One movement to post: signed on-hand change ``qty`` and reserved change ``reserved_delta``."""

    lot_id: int
    kind: str
    qty: int = 0
    reserved_delta: int = 0
    at: datetime | None = None
    actor_id: int | None = None
    reference: str | None = None
    reason: str | None = None
    related_lot_id: int | None = None


def open_lots(session: Session, lots: Sequence[NewLot]) -> list[int]:
    """Insert ``lots`` at zero balance and return their ids, in the order given.

    Call inside a write unit of work (on SQLite it holds the write lock, so the ids taken are ours).
    """
    if not lots:
        return []
    item_ids = sorted({lot.item_id for lot in lots})
    point_ids = sorted({lot.point_id for lot in lots})
    class_of: dict[int, int] = {}
    for chunk in iter_chunks(item_ids, _IN_LIST):
        class_of.update(session.execute(select(col(Item.id), col(Item.class_id)).where(col(Item.id).in_(chunk))).all())
    missing = [i for i in item_ids if i not in class_of]
    if missing:
        raise NotFound(t("no item with id {missing}", missing=missing[0]), "item")
    jurisdiction_of: dict[int, str] = {}
    for chunk in iter_chunks(point_ids, _IN_LIST):
        jurisdiction_of.update(
            session.execute(
                select(col(StoragePoint.id), col(StoragePoint.jurisdiction_code)).where(col(StoragePoint.id).in_(chunk))
            ).all()
        )
    missing = [i for i in point_ids if i not in jurisdiction_of]
    if missing:
        raise NotFound(t("no storage point with id {missing}", missing=missing[0]), "point")
    # The agency answering for each class in each jurisdiction (one agency per class per jurisdiction).
    agency_of: dict[tuple[int, str], int] = {}
    for chunk in iter_chunks(sorted(set(class_of.values())), _IN_LIST):
        rows = session.execute(
            select(
                col(ClassResponsibility.class_id),
                col(ClassResponsibility.jurisdiction_code),
                col(ClassResponsibility.agency_id),
            ).where(col(ClassResponsibility.class_id).in_(chunk))
        ).all()
        agency_of.update({(r[0], r[1]): r[2] for r in rows})
    owner: list[tuple[int, str, int]] = []
    for lot in lots:
        class_id, jurisdiction = class_of[lot.item_id], jurisdiction_of[lot.point_id]
        agency_id = agency_of.get((class_id, jurisdiction))
        if agency_id is None:
            raise OneAgencyRuleViolation(
                t(
                    "the item's class has no responsible agency in jurisdiction {region}; assign one first",
                    region=jurisdiction,
                ),
                "item",
            )
        owner.append((class_id, jurisdiction, agency_id))
    ids = new_lot_ids(session, len(lots))
    now = utcnow()
    table = table_of(StockLot)
    rows_out = []
    for lot_id, lot, (class_id, jurisdiction, agency_id) in zip(ids, lots, owner):
        rows_out.append(
            {
                "id": lot_id,
                "item_id": lot.item_id,
                "class_id": class_id,
                "agency_id": agency_id,
                "jurisdiction_code": jurisdiction,
                "point_id": lot.point_id,
                "batch": lot.batch or "",
                "mode": lot.mode,
                "expires_on": lot.expires_on,
                "lead_time_hours": lot.lead_time_hours,
                "unit_cost": lot.unit_cost,
                "on_hand": 0,
                "reserved": 0,
                "version": 1,
                "created_at": lot.created_at or now,
                "updated_at": lot.created_at or now,
            }
        )
    for chunk in iter_chunks(rows_out, _CHUNK):
        session.execute(insert(table), list(chunk))
    return ids


def post_many(session: Session, entries: Iterable[Entry], *, actor_id: int | None = None) -> int:
    "Apply ``entries`` in order, as :func:`~supplies.services.stock.commands.ledger.post` would one by one; return how many.\n\n    ``actor_id`` is used for entries that name none; entries without ``at`` get the current time.\n    Raises (writing nothing of this call) on an unknown lot or kind, or on a change the ledger\n    refuses; the error names the entry by its position.\n"
    entries = entries if isinstance(entries, list) else list(entries)
    if not entries:
        return 0
    balances = _lock_balances(session, sorted({e.lot_id for e in entries}))
    now = utcnow()
    rows: list[dict[str, Any]] = []
    append = rows.append
    for n, e in enumerate(entries):
        b = balances.get(e.lot_id)
        if b is None:
            raise NotFound(t("entry {n}: no stock lot with id {lot_id}", n=n, lot_id=e.lot_id), "lot")
        if e.kind not in _KINDS:
            raise InvalidInput(t("entry {n}: {kind!r} is not a movement kind", n=n, kind=e.kind), "kind")
        on_hand, reserved = check_change(f"{e.lot_id} (entry {n})", b[0], b[1], e.kind, e.qty, e.reserved_delta)
        at = now if e.at is None else (e.at.astimezone(UTC) if e.at.tzinfo else e.at)
        actor = e.actor_id if e.actor_id is not None else actor_id
        b[7] = movement_hash(
            b[7],
            e.lot_id,
            e.kind,
            e.qty,
            e.reserved_delta,
            on_hand,
            at,
            actor,
            b[2],
            b[3],
            b[4],
            e.reference,
            e.reason,
            e.related_lot_id,
        )
        b[0], b[1], b[5] = on_hand, reserved, b[5] + 1
        if b[6] is None or at > b[6]:
            b[6] = at
        append(
            {
                "lot_id": e.lot_id,
                "kind": e.kind,
                "qty": e.qty,
                "reserved_delta": e.reserved_delta,
                "balance_after": on_hand,
                "at": at,
                "actor_id": actor,
                "agency_id": b[2],
                "point_id": b[3],
                "item_id": b[4],
                "reference": e.reference,
                "reason": e.reason,
                "related_lot_id": e.related_lot_id,
                "hash": b[7],
            }
        )
    move_table, lot_table = table_of(Movement), table_of(StockLot)
    for chunk in iter_chunks(rows, _CHUNK):
        session.execute(insert(move_table), list(chunk))
    stmt = (
        update(lot_table)
        .where(lot_table.c.id == bindparam("b_id"))
        .values(
            on_hand=bindparam("b_on_hand"),
            reserved=bindparam("b_reserved"),
            ledger_hash=bindparam("b_head"),
            version=lot_table.c.version + bindparam("b_changes"),
            updated_at=bindparam("b_at"),
        )
    )
    changed = [
        {"b_id": lot_id, "b_on_hand": b[0], "b_reserved": b[1], "b_changes": b[5], "b_at": b[6], "b_head": b[7]}
        for lot_id, b in balances.items()
        if b[5]
    ]
    for chunk in iter_chunks(changed, _CHUNK):
        session.execute(stmt, list(chunk), execution_options={"synchronize_session": False})
    touch_lots(session, [lot_id for lot_id, b in balances.items() if b[5]])
    return len(rows)


def _lock_balances(session: Session, lot_ids: list[int]) -> dict[int, list[Any]]:
    """lot id -> [on_hand, reserved, agency_id, point_id, item_id, changes, last at, chain head], locked rows."""
    lock = session.get_bind().dialect.name != "sqlite"
    out: dict[int, list[Any]] = {}
    for chunk in iter_chunks(lot_ids, _IN_LIST):
        q = (
            select_columns(
                StockLot.id,
                StockLot.on_hand,
                StockLot.reserved,
                StockLot.agency_id,
                StockLot.point_id,
                StockLot.item_id,
                StockLot.ledger_hash,
            )
            .where(col(StockLot.id).in_(chunk))
            .order_by(col(StockLot.id))
        )
        if lock:
            q = q.with_for_update()
        for r in session.execute(q).all():
            out[r[0]] = [r[1], r[2], r[3], r[4], r[5], 0, None, r[6]]
    return out
