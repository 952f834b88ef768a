"""Stock per storage point and supply class, kept in step with the lots in the transaction that changes them.

Whatever changes a lot marks its (point, class) with :func:`touch`; just before the transaction
commits, :func:`settle` recounts those pairs from their lots (an index seek each). Recounting
rather than adding deltas keeps the table right whatever happened in between: a savepoint rolled
back, a lot written by a bulk statement, the same lot changed twice.

On PostgreSQL two transactions changing lots of the same pair meet at its row: each locks the
pairs it touched, in one order, only after it holds every lot it needs, and recounts after the
lock, in a new statement, so it sees what the one before it committed. Nobody waits for a lot
while holding a pair, so no lock cycle can form.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import and_, delete, event, func, insert, literal, select, tuple_, update
from sqlalchemy.engine import Connection
from sqlmodel import Session

from ...models import PointClassStock, StockLot

_PENDING = "point_class_pending"
_EVERY = "point_class_rebuild"
_CHUNK = 500  # pairs per statement: well under every driver's limit on bound parameters
# Beyond this many pairs (a bulk import into a whole region) one rebuild under a table lock is cheaper.
_REBUILD_FROM = 5_000

_COLUMNS = ["point_id", "class_id", "agency_id", "lots", "on_hand", "reserved"]
_T = PointClassStock.__table__  # type: ignore[attr-defined]
_L = StockLot.__table__  # type: ignore[attr-defined]


def touch(session: Session, point_id: int, class_id: int) -> None:
    """Mark that lots of ``class_id`` at ``point_id`` changed in this transaction."""
    _pending(session).add((point_id, class_id))


def touch_many(session: Session, pairs: Iterable[tuple[int, int]]) -> None:
    """Mark many (point, class) pairs at once (a bulk write)."""
    _pending(session).update(pairs)


def touch_lots(session: Session, lot_ids: Iterable[int]) -> None:
    """Mark the pairs of lots known by id (written by a bulk statement)."""
    ids = sorted(set(lot_ids))
    pending = _pending(session)
    if len(ids) >= _REBUILD_FROM:
        session.info[_EVERY] = True  # a loaded history: one recount of every pair at commit
        return
    conn = session.connection()
    for i in range(0, len(ids), _CHUNK):
        chunk = ids[i : i + _CHUNK]
        pending.update(
            (p, c) for p, c in conn.execute(select(_L.c.point_id, _L.c.class_id).where(_L.c.id.in_(chunk))).all()
        )


def _pending(session: Session) -> set[tuple[int, int]]:
    pending: set[tuple[int, int]] | None = session.info.get(_PENDING)
    if pending is None:
        pending = session.info[_PENDING] = set()
        event.listen(session, "before_commit", settle)
    return pending


def settle(session: Session) -> None:
    """Recount every pair marked in this transaction (called just before it commits)."""
    pending: set[tuple[int, int]] = session.info.get(_PENDING) or set()
    every = session.info.pop(_EVERY, False)
    if not pending and not every:
        return
    session.flush()  # the lots' last changes first: the recount reads them
    pairs = sorted(pending)
    pending.clear()
    conn = session.connection()
    if every or len(pairs) >= _REBUILD_FROM:
        rebuild(conn)
        return
    for i in range(0, len(pairs), _CHUNK):
        _recount(conn, pairs[i : i + _CHUNK])


def _recount(conn: Connection, pairs: list[tuple[int, int]]) -> None:
    postgres = conn.dialect.name == "postgresql"
    lots_in = tuple_(_L.c.point_id, _L.c.class_id).in_(pairs)
    rows_in = tuple_(_T.c.point_id, _T.c.class_id).in_(pairs)
    # A row for every pair that has lots, so that there is something to lock and update.
    fresh = (
        select(_L.c.point_id, _L.c.class_id, func.min(_L.c.agency_id), literal(0), literal(0), literal(0))
        .where(lots_in)
        .group_by(_L.c.point_id, _L.c.class_id)
    )
    if postgres:
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        conn.execute(pg_insert(_T).from_select(_COLUMNS, fresh).on_conflict_do_nothing())
        conn.execute(
            select(_T.c.point_id).where(rows_in).order_by(_T.c.point_id, _T.c.class_id).with_for_update()
        ).all()
    else:
        conn.execute(insert(_T).from_select(_COLUMNS, fresh).prefix_with("OR IGNORE"))
    same = and_(_L.c.point_id == _T.c.point_id, _L.c.class_id == _T.c.class_id)
    conn.execute(
        update(_T)
        .where(rows_in)
        .values(
            lots=select(func.count()).where(same).scalar_subquery(),
            on_hand=select(func.coalesce(func.sum(_L.c.on_hand), 0)).where(same).scalar_subquery(),
            reserved=select(func.coalesce(func.sum(_L.c.reserved), 0)).where(same).scalar_subquery(),
            agency_id=func.coalesce(select(func.min(_L.c.agency_id)).where(same).scalar_subquery(), _T.c.agency_id),
        )
    )
    conn.execute(delete(_T).where(rows_in, _T.c.lots == 0))


def totals_query(*extra: Any) -> Any:
    """(point, class, agency, lots, on hand, reserved, *extra) summed from the lots themselves."""
    return select(
        _L.c.point_id,
        _L.c.class_id,
        func.min(_L.c.agency_id),
        func.count(),
        func.sum(_L.c.on_hand),
        func.sum(_L.c.reserved),
        *extra,
    ).group_by(_L.c.point_id, _L.c.class_id)


def rebuild(conn: Connection) -> None:
    """Recount every pair from the lots (after a bulk load, a restore, or to repair what ``verify`` found)."""
    if conn.dialect.name == "postgresql":
        # Writers of single pairs wait; readers go on reading the old rows until this commits.
        conn.exec_driver_sql("LOCK TABLE point_class_stock IN SHARE ROW EXCLUSIVE MODE")
    conn.execute(delete(_T))
    conn.execute(insert(_T).from_select(_COLUMNS, totals_query()))


def pairs_of(conn: Connection, lot_ids: Iterable[int]) -> set[tuple[int, int]]:
    """The (point, class) pairs that hold the lots ``lot_ids``."""
    pairs: set[tuple[int, int]] = set()
    ids = sorted({i for i in lot_ids if i})
    for i in range(0, len(ids), _CHUNK):
        rows = conn.execute(select(_L.c.point_id, _L.c.class_id).where(_L.c.id.in_(ids[i : i + _CHUNK]))).all()
        pairs.update((p, c) for p, c in rows)
    return pairs


def differences(conn: Connection) -> list[dict[str, Any]]:
    """Pairs whose kept totals differ from their lots: point, class, their first lot (or 0), what is
    kept and what the lots hold (agency, lots, on hand, reserved; None where there is no row or lot).
    """
    # Both sides in key order, streamed and walked side by side: at ten times a province, 478,000
    # pairs held in a dict and a list took most of verify's 351 MB.
    stream = {"stream_results": True, "yield_per": 20_000}
    kept_rows = conn.execute(
        select(_T.c.point_id, _T.c.class_id, _T.c.agency_id, _T.c.lots, _T.c.on_hand, _T.c.reserved)
        .order_by(_T.c.point_id, _T.c.class_id)
        .execution_options(**stream)
    )
    lot_rows = conn.execute(
        totals_query(func.min(_L.c.id)).order_by(_L.c.point_id, _L.c.class_id).execution_options(**stream)
    )
    kept, lots = next(kept_rows, None), next(lot_rows, None)
    out: list[dict[str, Any]] = []
    only_kept: list[dict[str, Any]] = []
    while kept is not None or lots is not None:
        if lots is None or (kept is not None and (kept[0], kept[1]) < (lots[0], lots[1])):
            assert kept is not None
            only_kept.append(
                {"point_id": kept[0], "class_id": kept[1], "lot_id": 0, "kept": tuple(kept[2:]), "lots": None}
            )
            kept = next(kept_rows, None)
            continue
        p, c, a, n, h, r, first = lots
        have = None
        if kept is not None and (kept[0], kept[1]) == (p, c):
            have = tuple(kept[2:])
            kept = next(kept_rows, None)
        lots = next(lot_rows, None)
        actual = (int(a), int(n), int(h or 0), int(r or 0))
        if have is None or tuple(int(v) for v in have) != actual:
            out.append({"point_id": p, "class_id": c, "lot_id": first, "kept": have, "lots": actual})
    out += only_kept
    return sorted(out, key=lambda d: (d["point_id"], d["class_id"]))
