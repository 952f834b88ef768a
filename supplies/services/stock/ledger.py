"""Posting one change to a lot: the balances and the ledger movement that records it, in one transaction.

:func:`post` is how single operations (receive, issue, transfer, count, rotate, write off,
reserve, release, dispatch, handover, arrival) change a lot. The bulk paths (:mod:`.bulk` for receipts
from files, :mod:`.bulk_ledger` for loading a history) change many lots at once by the same
rules and chain their movements with the same :func:`movement_hash`; nothing else writes a
balance.

Each lot's movements form a hash chain: a movement's ``hash`` covers the previous movement's
hash and its own fields, and the lot keeps the last one as ``ledger_hash``. ``verify`` walks
every chain, so a movement rewritten or slipped in behind the services' back is found, not only
a wrong balance.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime

from sqlalchemy import func, text
from sqlmodel import Session, col, select

from ...errors import (
    InsufficientStock,
    InvalidInput,
    NotFound,
    RuleViolation,
    SuppliesError,
)
from ...i18n import t
from ...limits import MAX_BALANCE, MAX_MOVEMENT_QTY
from ...models import Movement, StockLot
from ...models.base import persisted_id, utcnow
from .point_totals import touch

_SEP = "\x1f"  # a control character: refused in every text a user gives, so fields never run together


def stamp(at: datetime | str) -> str:
    """The canonical text of a movement time: UTC, microseconds, no offset (as both databases keep it)."""
    if isinstance(at, str):  # a SQLite cell read without type processing
        text = at.replace("T", " ")
        if len(text) == 26:
            return text
        return stamp(datetime.fromisoformat(text))
    if at.tzinfo is not None:
        at = at.astimezone(UTC).replace(tzinfo=None)
    return at.isoformat(" ", timespec="microseconds")


def movement_hash(
    prev: str,
    lot_id: int,
    kind: str,
    qty: int,
    reserved_delta: int,
    balance_after: int,
    at: datetime | str,
    actor_id: int | None,
    agency_id: int,
    point_id: int,
    item_id: int,
    reference: str | None,
    reason: str | None,
    related_lot_id: int | None,
) -> str:
    """SHA-256 of the previous movement's hash of the lot and every field of this movement."""
    text = _SEP.join(
        (
            prev,
            str(lot_id),
            kind,
            str(qty),
            str(reserved_delta),
            str(balance_after),
            stamp(at),
            "" if actor_id is None else str(actor_id),
            str(agency_id),
            str(point_id),
            str(item_id),
            reference or "",
            reason or "",
            "" if related_lot_id is None else str(related_lot_id),
        )
    )
    return hashlib.sha256(text.encode()).hexdigest()


def check_change(
    name: object, on_hand: int, reserved: int, kind: str, qty: int, reserved_delta: int
) -> tuple[int, int]:
    """A lot's on-hand and reserved after a change, or the error that refuses it (``name`` names the lot)."""
    if abs(qty) > MAX_MOVEMENT_QTY or abs(reserved_delta) > MAX_MOVEMENT_QTY:
        raise InvalidInput(
            t("one movement moves at most {max_movement_qty:,} units", max_movement_qty=MAX_MOVEMENT_QTY), "qty"
        )
    after, held = on_hand + qty, reserved + reserved_delta
    if after < 0 or held > after:
        raise InsufficientStock(
            t(
                "lot {name} has {free} free ({on_hand} on hand, {reserved} reserved); {kind} needs {abs_qty}",
                name=name,
                free=on_hand - reserved,
                on_hand=on_hand,
                reserved=reserved,
                kind=kind,
                abs_qty=abs(qty) or reserved_delta,
            ),
            "qty",
        )
    if held < 0:
        raise InsufficientStock(t("lot {name} has only {reserved} reserved", name=name, reserved=reserved), "qty")
    if after > MAX_BALANCE:
        raise RuleViolation(
            t(
                "lot {name} would hold {after:,} units; a lot holds at most {max_balance:,}",
                name=name,
                after=after,
                max_balance=MAX_BALANCE,
            ),
            "qty",
        )
    return after, held


def lock_lot(session: Session, lot_id: int) -> StockLot:
    """Load a lot for change, locking its row (PostgreSQL) so no other writer can race us."""
    lot = lock_lots(session, {lot_id}).get(lot_id)
    if lot is None:
        raise NotFound(t("no stock lot with id {lot_id}", lot_id=lot_id), "lot")
    return lot


def lock_lots(session: Session, lot_ids: set[int] | list[int]) -> dict[int, StockLot]:
    """Lock lots in id order (one statement): every writer takes locks in the same order, so none deadlock."""
    if not lot_ids:
        return {}
    rows = session.exec(
        select(StockLot)
        .where(col(StockLot.id).in_(sorted(lot_ids)))
        .order_by(col(StockLot.id))
        .with_for_update()
        .execution_options(populate_existing=True)
    ).all()
    return {persisted_id(lot): lot for lot in rows}


def find_lot(session: Session, point_id: int, item_id: int, batch: str) -> StockLot | None:
    """The lot (point, item, batch), unlocked, or ``None``."""
    return session.exec(
        select(StockLot).where(StockLot.point_id == point_id, StockLot.item_id == item_id, StockLot.batch == batch)
    ).one_or_none()


def same_terms(
    lot: StockLot,
    *,
    mode: str,
    expires_on: date | None,
    mode_field: str = "mode",
    expiry_field: str = "expires_on",
    where: str = "",
    error: type[SuppliesError] = RuleViolation,
) -> None:
    """Refuse to add stock to ``lot`` held on other terms: one batch has one reserve mode and one expiry.

    Merging would hide the other units' expiry date (the expiry report would lose them) or turn
    government stock into a donation.
    """
    place = f" at {where}" if where else ""
    if mode != lot.mode:
        raise error(
            t(
                "batch {batch!r}{place} is held as {held_mode}, not {mode}: give the stock another batch code",
                batch=lot.batch,
                place=place,
                held_mode=lot.mode,
                mode=mode,
            ),
            mode_field,
        )
    if expires_on != lot.expires_on:
        held = f"expires on {lot.expires_on}" if lot.expires_on else "has no expiry date"
        given = f"expires on {expires_on}" if expires_on else "has no expiry date"
        raise error(
            t(
                "batch {batch!r}{place} {held}, this stock {given}: give the stock another batch code",
                batch=lot.batch,
                place=place,
                held=held,
                given=given,
            ),
            expiry_field,
        )


def post(
    session: Session,
    lot: StockLot,
    kind: str,
    *,
    qty: int = 0,
    reserved_delta: int = 0,
    actor_id: int | None,
    reference: str | None = None,
    reason: str | None = None,
    related_lot_id: int | None = None,
    at: datetime | None = None,
) -> Movement:
    """Apply a signed change to a locked lot and append the movement that records it.

    Refuses (writing nothing) any change that would make on-hand negative, reserved negative,
    reserved larger than on-hand, or a balance beyond :data:`~supplies.limits.MAX_BALANCE`.
    """
    on_hand, reserved = check_change(lot.batch or lot.id, lot.on_hand, lot.reserved, kind, qty, reserved_delta)
    now = utcnow() if at is None else (at.astimezone(UTC) if at.tzinfo else at)
    assert lot.id is not None, "post() needs a lot that is in the database (flush it first)"
    digest = movement_hash(
        lot.ledger_hash or "",
        lot.id,
        kind,
        qty,
        reserved_delta,
        on_hand,
        now,
        actor_id,
        lot.agency_id,
        lot.point_id,
        lot.item_id,
        reference,
        reason,
        related_lot_id,
    )
    lot.on_hand, lot.reserved = on_hand, reserved
    lot.version += 1
    lot.updated_at = now
    lot.ledger_hash = digest
    movement = Movement(
        lot_id=lot.id,
        kind=kind,
        qty=qty,
        reserved_delta=reserved_delta,
        balance_after=on_hand,
        at=now,
        actor_id=actor_id,
        agency_id=lot.agency_id,
        point_id=lot.point_id,
        item_id=lot.item_id,
        reference=reference,
        reason=reason,
        related_lot_id=related_lot_id,
        hash=digest,
    )
    session.add(lot)
    session.add(movement)
    touch(session, lot.point_id, lot.class_id)
    return movement


def new_lot_ids(session: Session, n: int) -> list[int]:
    """``n`` ids for new lots, taken before inserting so that their movements can follow in bulk.

    Call inside a write unit of work: on SQLite it holds the write lock, so the ids taken are ours.
    """
    if n == 0:
        return []
    if session.get_bind().dialect.name == "postgresql":
        got = (
            session.execute(
                text("SELECT nextval(pg_get_serial_sequence('stock_lot', 'id')) FROM generate_series(1, :n)"), {"n": n}
            )
            .scalars()
            .all()
        )
        return sorted(int(i) for i in got)
    # SQLite hands out max(id) + 1; the write unit of work holds the lock (BEGIN IMMEDIATE).
    top = session.execute(select(func.coalesce(func.max(StockLot.id), 0))).scalar_one()
    return list(range(top + 1, top + 1 + n))
