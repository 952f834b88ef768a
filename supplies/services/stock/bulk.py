"Receiving many stock rows at once, a chunk at a time: set-based look-ups, then lots, balances and ledger lines in bulk.\n\nThis is the set-based twin of :func:`supplies.services.stock.commands.ledger.post` for receipts: every balance\nit changes gets its ``receive`` movement in the same transaction, and the movements of a lot\ncarry the running balance exactly as if the rows had been posted one by one, so\n``inv.stock.verify()`` holds afterwards.\n"

from __future__ import annotations

import sqlite3
from array import array
from bisect import bisect_left
from collections.abc import Callable, Sequence, Set
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from itertools import chain
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import (
    Column,
    Integer,
    MetaData,
    String,
    Table,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.engine import Connection
from sqlalchemy.sql.expression import bindparam
from sqlmodel import Session, col

from ...db import select_columns
from ...errors import RuleViolation
from ...i18n import t
from ...limits import MAX_BALANCE
from ...models import (
    ROOT_REGION,
    Agency,
    ClassResponsibility,
    Item,
    Movement,
    MovementKind,
    PointStatus,
    Role,
    StockLot,
    StoragePoint,
)
from ...models.base import persisted_id, table_of, utcnow
from ...permissions import Actor, may_change_stock
from ...terms import term
from ..collector import collector_paused
from ..io.rows import Problem
from ..io.tabular import iter_chunks
from .ledger import movement_hash, new_lot_ids, stamp
from .point_totals import touch_many

if TYPE_CHECKING:
    from sqlalchemy.orm import Mapped

Progress = Callable[[str, int, int], None]
_CHUNK = 5000


@dataclass(frozen=True)
class _Codes:
    """The codes a receipt looks up, read once per import: points, items, classes' agencies, agencies."""

    points: dict[str, tuple[int, str, str]]  # code: (id, status, jurisdiction)
    items: dict[str, tuple[int, int]]
    class_agency: dict[tuple[int, str], int]  # (class, jurisdiction): the agency answering for it there
    agencies: dict[str, int]
    agency_code: dict[int, str]
    # Items tracked by unit: received unit by unit (services.equipment), never by number from a file.
    tracked: frozenset[str] = frozenset()

    @classmethod
    def read(cls, s: Session) -> _Codes:
        # Primary keys: never NULL in a row read back, though the attributes are typed int | None.
        point_id, item_id = cast("Mapped[int]", StoragePoint.id), cast("Mapped[int]", Item.id)
        agency_id = cast("Mapped[int]", Agency.id)
        points = {
            code: (pid, status, jurisdiction)
            for pid, code, status, jurisdiction in s.execute(
                select(point_id, col(StoragePoint.code), col(StoragePoint.status), col(StoragePoint.jurisdiction_code))
            ).all()
        }
        items = {
            code: (iid, cid) for iid, code, cid in s.execute(select(item_id, col(Item.code), col(Item.class_id))).all()
        }
        agencies = dict(s.execute(select(col(Agency.code), agency_id)).all())
        return cls(
            points,
            items,
            {
                (cid, jurisdiction): aid
                for cid, jurisdiction, aid in s.execute(
                    select(
                        col(ClassResponsibility.class_id),
                        col(ClassResponsibility.jurisdiction_code),
                        col(ClassResponsibility.agency_id),
                    )
                ).all()
            },
            agencies,
            {v: k for k, v in agencies.items()},
            frozenset(s.execute(select(col(Item.code)).where(col(Item.tracked).is_(True))).scalars().all()),
        )


@dataclass(frozen=True)
class BulkResult:
    """What a bulk receipt wrote."""

    rows: int
    lots_created: int
    lots_updated: int
    movements: int


@dataclass(slots=True)
class _Lot:
    id: int | None
    point_id: int
    item_id: int
    class_id: int
    agency_id: int
    batch: str
    mode: str
    expires_on: date | None
    lead_time_hours: float
    unit_cost: Decimal | None
    on_hand: int
    first_row: int  # the row of this file that opened the lot; 0 if it was there before
    existing: bool  # in the database already (before this import, or from an earlier chunk)
    head: str = ""  # the hash of the lot's last movement (its ledger chain)
    jurisdiction: str = ROOT_REGION  # its point's; read only for new lots


class BulkReceipt:
    "Check, then post, many receipts (入库) in one transaction of ``session``, a chunk of rows at a time.\n\n    :meth:`check` a chunk, then :meth:`apply` it, then the next chunk: each chunk is checked\n    against the database as the chunks before it left it, in the same open transaction, so\n    memory holds one chunk whatever the size of the file. The caller rolls the transaction back\n    if any chunk had a problem (rows with problems are not written; the others are, so that\n    later rows are checked against them). ``headers`` maps column keys to the headers as\n    written, for the report.\n\n    A chunk's ``columns`` are validated values by column (``point``, ``item``, ``qty``,\n    ``batch``, ``expires_on``, ``mode``, ``lead_time_hours``, ``unit_cost``, ``agency``,\n    ``reference``, ``reason``), as :class:`~supplies.services.io.rows.RowValidator` returns\n    them; ``rows`` the spreadsheet row numbers.\n"

    def __init__(
        self, session: Session, actor: Actor, headers: dict[str, str], *, default_reference: str | None = None
    ) -> None:
        self.s, self.actor, self.headers = session, actor, headers
        self.default_reference = default_reference
        self.rows: Sequence[int] = ()
        self.cols: dict[str, list[Any]] = {}
        self._codes: _Codes | None = None
        self._lot_of_row: list[tuple[int, _Lot]] = []
        self._lots: dict[tuple[int, int, str], _Lot] = {}
        # Over the whole file, a few bytes a row: the lots this import opened (ids ascending) with
        # their first rows, the lots it added to that were there before, and a hash of each row
        # to find the rows given twice.
        self._new_ids, self._new_rows = array("q"), array("i")
        self._old_ids = array("q")
        self._row_hashes, self._hashed_rows = array("q"), array("i")
        self._movements = 0

    def _h(self, key: str) -> str:
        return self.headers.get(key, key)

    @collector_paused()
    def check(
        self, rows: Sequence[int], columns: dict[str, list[Any]], malformed: Set[int] = frozenset()
    ) -> list[Problem]:
        """Every problem of a chunk's rows (unknown codes, closed points, one-agency rule, scope, lot terms).

        ``malformed`` rows were reported already: their codes are checked, nothing more.
        """
        self.rows, self.cols = rows, columns
        self._lots, self._lot_of_row = {}, []
        codes = self._codes = self._codes or _Codes.read(self.s)
        points, items, class_agency, agencies = codes.points, codes.items, codes.class_agency, codes.agencies
        c, n = columns, len(rows)
        problems: list[Problem] = []
        # Column by column: one dictionary look-up per cell, rules checked once per distinct value.
        p_col = [points.get(code) for code in c["point"]]
        i_col = [items.get(code) for code in c["item"]]
        ok = [rows[i] not in malformed for i in range(n)] if malformed else [True] * n
        for i in range(n):
            p, it = p_col[i], i_col[i]
            if (p is None or p[1] != PointStatus.ACTIVE) and c["point"][i] is not None:
                reason = (
                    f"no storage point with code {c['point'][i]!r}"
                    if p is None
                    else f"storage point {c['point'][i]} is closed"
                )
                problems.append(Problem(rows[i], self._h("point"), reason, c["point"][i]))
            if it is None and c["item"][i] is not None:
                problems.append(
                    Problem(rows[i], self._h("item"), t("no item with code {item!r}", item=c["item"][i]), c["item"][i])
                )
            if it is not None and c["item"][i] in codes.tracked:
                problems.append(
                    Problem(
                        rows[i],
                        self._h("item"),
                        t(
                            "item {item} is tracked by unit: receive and change it unit by unit (supplies unit ...), "
                            "so that its units and its lots agree",
                            item=c["item"][i],
                        ),
                        c["item"][i],
                    )
                )
                ok[i] = False
            if p is None or p[1] != PointStatus.ACTIVE or it is None:
                ok[i] = False
        owner_col = [
            class_agency.get((it[1], p[2])) if it is not None and p is not None else None for p, it in zip(p_col, i_col)
        ]
        for i in range(n):
            if ok[i] and owner_col[i] is None:
                p = p_col[i]
                problems.append(
                    Problem(
                        rows[i],
                        self._h("item"),
                        t(
                            "the item's class has no responsible agency in jurisdiction {region}; assign one first",
                            region=p[2] if p is not None else "",
                        ),
                        c["item"][i],
                    )
                )
                ok[i] = False
        for i, claimed in enumerate(c["agency"]):
            owner = owner_col[i]  # known wherever ok[i]: the row's item is
            if claimed is not None and ok[i] and owner is not None and agencies.get(claimed) != owner:
                reason = (
                    f"no agency with code {claimed!r}"
                    if claimed not in agencies
                    else f"the item's class is held by {codes.agency_code[owner]}, not {claimed}: "
                    "one agency per supply class"
                )
                problems.append(Problem(rows[i], self._h("agency"), reason, claimed))
                ok[i] = False
        actor = self.actor
        if actor.role != Role.ADMIN or actor.subtree is not None:
            allowed: dict[tuple[int, int, str], bool] = {}
            for i in range(n):
                p, owner = p_col[i], owner_col[i]
                if not ok[i] or p is None or owner is None:  # a row is ok only with a known point and item
                    continue
                pair = (p[0], owner, p[2])
                if pair not in allowed:
                    allowed[pair] = may_change_stock(actor, point_id=p[0], agency_id=owner, jurisdiction=p[2])
                if not allowed[pair]:
                    problems.append(
                        Problem(
                            rows[i],
                            self._h("point"),
                            t(
                                "{name} ({role}) may not receive stock at this storage point or of this agency",
                                name=actor.name,
                                role=term(actor.role),
                            ),
                            c["point"][i],
                            refused=True,
                        )
                    )
                    ok[i] = False
        # A row is ok only with a known point and item (so with the class's agency too).
        keys = [
            (p[0], it[0], b or "") if good and p is not None and it is not None else None
            for p, it, b, good in zip(p_col, i_col, c["batch"], ok)
        ]
        meta = [
            (it[1], owner, p[2]) if good and it is not None and p is not None and owner is not None else None
            for p, it, owner, good in zip(p_col, i_col, owner_col, ok)
        ]
        problems += self._match_lots(keys, meta)
        self._hash_rows(malformed | {p.row for p in problems} if problems or malformed else None)
        return problems

    def _hash_rows(self, reported: Set[int] | None) -> None:
        """Remember a hash of the point, item, batch, quantity and reference of each row not already reported."""
        c = self.cols
        keys = zip(c["point"], c["item"], c["batch"], c["qty"], c["reference"])
        if not reported:
            self._row_hashes.extend(map(hash, keys))
            self._hashed_rows.extend(self.rows)
            return
        for row, key in zip(self.rows, keys):
            if row not in reported:
                self._row_hashes.append(hash(key))
                self._hashed_rows.append(row)

    def repeated(self) -> list[Problem]:
        """The rows that repeat an earlier row's point, item, batch, quantity and reference, naming that row.

        Two such rows in one file are almost always a copy-paste; the hash of each row was kept
        (8 bytes), and rows whose hashes are equal are taken as equal (for 64-bit hashes of a
        million rows the odds of a false report are about one in 30 million).
        """
        import numpy as np

        hashes = np.frombuffer(self._row_hashes, dtype=np.int64)
        order = np.argsort(hashes, kind="stable")  # stable: of equal rows the first comes first
        ranked = hashes[order]
        repeats = np.flatnonzero(ranked[1:] == ranked[:-1]) + 1
        rows = self._hashed_rows
        problems = []
        first = previous = -2
        for k in repeats.tolist():
            if k != previous + 1:  # a new run of equal rows: it starts just before its first repeat
                first = k - 1
            previous = k
            problems.append(
                Problem(
                    rows[int(order[k])],
                    None,
                    t(
                        "repeats row {rows} (the same point, item, batch, quantity and reference): merge the two rows, or give each its own reference",
                        rows=rows[int(order[first])],
                    ),
                )
            )
        return problems

    def _match_lots(
        self, keys: list[tuple[int, int, str] | None], meta: list[tuple[int, int, str] | None]
    ) -> list[Problem]:
        """Find each row's lot (existing, or new from an earlier row) and check they agree on their terms."""
        c = self.cols
        wanted = {k for k in keys if k is not None}
        existing = {(lot.point_id, lot.item_id, lot.batch): lot for lot in _existing_lots(self.s, wanted)}
        problems: list[Problem] = []
        lots, pairs = self._lots, self._lot_of_row
        get_new, get_old = lots.get, existing.get
        modes, expiries = c["mode"], c["expires_on"]
        for i, (key, owners) in enumerate(zip(keys, meta)):
            if key is None or owners is None:  # both or neither: they come from the same rows
                continue
            lot = get_new(key) or get_old(key)
            if lot is None:
                class_id, agency_id, jurisdiction = owners
                lot = lots[key] = _Lot(
                    None,
                    key[0],
                    key[1],
                    class_id,
                    agency_id,
                    key[2],
                    modes[i],
                    expiries[i],
                    c["lead_time_hours"][i],
                    c["unit_cost"][i],
                    0,
                    self.rows[i],
                    False,
                    jurisdiction=jurisdiction,
                )
            else:
                lots[key] = lot
                mode, exp = modes[i], expiries[i]
                if mode != lot.mode or (exp is not None and lot.expires_on is not None and exp != lot.expires_on):
                    problems.append(self._term_problem(i, lot, mode, exp))
            pairs.append((i, lot))
        return problems

    def _term_problem(self, i: int, lot: _Lot, mode: str, exp: date | None) -> Problem:
        first = lot.first_row or self._opened_by(lot.id)
        where = f"row {first}" if first else "the existing lot"
        if mode != lot.mode:
            return Problem(
                self.rows[i],
                self._h("mode"),
                t(
                    "batch {batch!r} is held as {held_mode} in {where}, not {mode}",
                    batch=lot.batch,
                    held_mode=lot.mode,
                    where=where,
                    mode=mode,
                ),
                mode,
            )
        return Problem(
            self.rows[i],
            self._h("expires_on"),
            t(
                "batch {batch!r} expires on {expires_on} in {where}; use a new batch for another expiry date",
                batch=lot.batch,
                expires_on=lot.expires_on,
                where=where,
            ),
            exp.isoformat() if exp else None,
        )

    def _opened_by(self, lot_id: int | None) -> int:
        """The row of this file that opened lot ``lot_id`` in an earlier chunk, else 0."""
        at = bisect_left(self._new_ids, lot_id) if lot_id is not None else len(self._new_ids)
        return self._new_rows[at] if at < len(self._new_ids) and self._new_ids[at] == lot_id else 0

    @collector_paused()
    def apply(self, progress: Progress | None = None) -> None:
        """Write the lots, balances and movements of the chunk checked last (its rows without problems)."""
        s, c, now, actor_id = self.s, self.cols, utcnow(), self.actor.id
        old = [lot for lot in self._lots.values() if lot.existing]
        new = [lot for lot in self._lots.values() if not lot.existing]
        self._lock_existing(old)
        touch_many(s, {(lot.point_id, lot.class_id) for lot in self._lots.values()})
        for lot, first_id in zip(new, new_lot_ids(self.s, len(new))):
            lot.id = first_id
        self._new_ids.extend(persisted_id(lot) for lot in new)
        self._new_rows.extend(lot.first_row for lot in new)
        self._old_ids.extend(persisted_id(lot) for lot in old if not self._opened_by(lot.id))
        ref_col, reason_col, qty_col = c["reference"], c["reason"], c["qty"]
        default_ref, receive = self.default_reference, MovementKind.RECEIVE.value
        at = stamp(now)  # one time for the chunk: its canonical text made once, not once a row
        movements: list[tuple[Any, ...]] = []
        append = movements.append
        for i, lot in self._lot_of_row:
            qty = qty_col[i]
            on_hand = lot.on_hand + qty
            if on_hand > MAX_BALANCE:
                raise RuleViolation(
                    t(
                        "row {rows}: lot {batch} would hold {on_hand:,} units; a lot holds at most {max_balance:,}",
                        rows=self.rows[i],
                        batch=lot.batch or "(no batch)",
                        on_hand=on_hand,
                        max_balance=MAX_BALANCE,
                    ),
                    self._h("qty"),
                )
            lot.on_hand = on_hand
            ref = ref_col[i] or default_ref
            lot.head = movement_hash(
                lot.head,
                persisted_id(lot),
                receive,
                qty,
                0,
                on_hand,
                at,
                actor_id,
                lot.agency_id,
                lot.point_id,
                lot.item_id,
                ref,
                reason_col[i],
                None,
            )
            append(
                (
                    lot.id,
                    receive,
                    qty,
                    0,
                    on_hand,
                    now,
                    actor_id,
                    lot.agency_id,
                    lot.point_id,
                    lot.item_id,
                    ref,
                    reason_col[i],
                    lot.head,
                )
            )
        lot_rows = [
            (
                lot.id,
                lot.item_id,
                lot.class_id,
                lot.agency_id,
                lot.jurisdiction,
                lot.point_id,
                lot.batch,
                lot.mode,
                lot.expires_on,
                lot.lead_time_hours,
                lot.unit_cost,
                lot.on_hand,
                0,
                1,
                now,
                now,
                lot.head,
            )
            for lot in new
        ]
        total, done = len(new) + len(movements) + len(old), 0
        for chunk in iter_chunks(lot_rows, _CHUNK):
            insert_many(s, table_of(StockLot), _LOT_COLUMNS, chunk)
            done += len(chunk)
            _tick(progress, done, total)
        for chunk in iter_chunks(movements, _CHUNK):
            insert_many(s, table_of(Movement), _MOVEMENT_COLUMNS, chunk)
            done += len(chunk)
            _tick(progress, done, total)
        for chunk in iter_chunks(old, _CHUNK):
            _set_balances(s, [(lot.id, lot.on_hand, lot.head) for lot in chunk], now)
            done += len(chunk)
            _tick(progress, done, total)
        self._movements += len(movements)
        self.rows, self.cols, self._lots, self._lot_of_row = (), {}, {}, []

    def result(self) -> BulkResult:
        """What all the chunks applied so far wrote."""
        import numpy as np

        updated = int(np.unique(np.frombuffer(self._old_ids, dtype=np.int64)).size) if self._old_ids else 0
        return BulkResult(self._movements, len(self._new_ids), updated, self._movements)

    def _lock_existing(self, old: list[_Lot]) -> None:
        """Lock the lots this receipt adds to and read their balances afresh (PostgreSQL: row locks)."""
        if not old:
            return
        by_id = {persisted_id(lot): lot for lot in old}
        ids = sorted(by_id)
        for chunk in iter_chunks(ids, 1000):
            q = (
                select(col(StockLot.id), col(StockLot.on_hand), col(StockLot.ledger_hash))
                .where(col(StockLot.id).in_(chunk))
                .order_by(col(StockLot.id))
            )
            if self.s.get_bind().dialect.name != "sqlite":
                q = q.with_for_update()
            for lot_id, on_hand, head in self.s.execute(q).all():
                by_id[lot_id].on_hand = on_hand
                by_id[lot_id].head = head


# The (point, item, batch) keys a receipt looks up, joined to stock_lot's unique index: only
# the lots the file names are read, not every lot of every point it names (at province scale
# that was all 200,000 lots, over a third of a 100,000-row import). A temporary table: each
# connection has its own, so concurrent imports never see each other's keys.
_LOT_KEYS = Table(
    "bulk_lot_key",
    MetaData(),
    Column("point_id", Integer, nullable=False),
    Column("item_id", Integer, nullable=False),
    Column("batch", String(60), nullable=False),
)


def _existing_lots(s: Session, keys: set[tuple[int, int, str]]) -> list[_Lot]:
    """The lots that exist already for ``keys`` (point id, item id, batch)."""
    if not keys:
        return []
    conn = s.connection()
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(
            "CREATE TEMPORARY TABLE IF NOT EXISTS bulk_lot_key (point_id integer NOT NULL, "
            "item_id integer NOT NULL, batch varchar(60) NOT NULL) ON COMMIT DELETE ROWS"
        )
    else:
        conn.exec_driver_sql(
            "CREATE TEMPORARY TABLE IF NOT EXISTS bulk_lot_key (point_id INTEGER NOT NULL, "
            "item_id INTEGER NOT NULL, batch VARCHAR(60) NOT NULL)"
        )
    conn.exec_driver_sql("DELETE FROM bulk_lot_key")
    for chunk in iter_chunks(list(keys), _CHUNK):
        insert_many(s, _LOT_KEYS, ("point_id", "item_id", "batch"), chunk)
    k, lot = _LOT_KEYS.c, StockLot
    q = (
        select_columns(
            lot.id,
            lot.point_id,
            lot.item_id,
            lot.class_id,
            lot.agency_id,
            lot.batch,
            lot.mode,
            lot.expires_on,
            lot.lead_time_hours,
            lot.unit_cost,
            lot.on_hand,
        )
        .select_from(_LOT_KEYS)
        .join(
            lot,
            (col(lot.point_id) == k.point_id) & (col(lot.item_id) == k.item_id) & (col(lot.batch) == k.batch),
        )
    )
    found = [
        _Lot(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9], r[10], 0, True) for r in s.execute(q).all()
    ]
    if conn.dialect.name != "postgresql":  # PostgreSQL empties it at commit
        conn.exec_driver_sql("DELETE FROM bulk_lot_key")
    return found


_LOT_COLUMNS = (
    "id",
    "item_id",
    "class_id",
    "agency_id",
    "jurisdiction_code",
    "point_id",
    "batch",
    "mode",
    "expires_on",
    "lead_time_hours",
    "unit_cost",
    "on_hand",
    "reserved",
    "version",
    "created_at",
    "updated_at",
    "ledger_hash",
)
_MOVEMENT_COLUMNS = (
    "lot_id",
    "kind",
    "qty",
    "reserved_delta",
    "balance_after",
    "at",
    "actor_id",
    "agency_id",
    "point_id",
    "item_id",
    "reference",
    "reason",
    "hash",
)


def insert_many(s: Session, table: Table, names: Sequence[str], rows: Sequence[tuple[Any, ...]]) -> None:
    """INSERT many rows in one executemany.

    On SQLite the values go to the driver directly, after the column types' own bind
    conversions (each distinct value converted once), which saves SQLAlchemy's per-row
    parameter processing; other databases take the ordinary Core path.
    """
    if not rows:
        return
    conn = s.connection()
    dialect = conn.dialect
    if dialect.name == "postgresql" and dialect.driver == "psycopg":
        # COPY is PostgreSQL's bulk path: one round trip for the whole chunk. Binary, with the
        # columns' own types: the server parses no text (times, numbers), the client formats none.
        types = _column_types(conn, table.name, names)
        driver = conn.connection.driver_connection
        assert driver is not None  # the psycopg connection under this checked-out one
        cursor = driver.cursor()
        with cursor.copy(f"COPY {table.name} ({', '.join(names)}) FROM STDIN (FORMAT BINARY)") as copy:
            copy.set_types(types)
            for row in rows:
                copy.write_row(row)
        return
    if dialect.name != "sqlite":
        conn.execute(insert(table), [dict(zip(names, row)) for row in rows])
        return
    columns = list(zip(*rows))
    for pos, name in enumerate(names):
        process = table.c[name].type.dialect_impl(dialect).bind_processor(dialect)
        if process is not None or name in _TEMPORAL:
            memo: dict[Any, Any] = {}
            convert = _driver_value(process)
            columns[pos] = tuple(memo[v] if v in memo else memo.setdefault(v, convert(v)) for v in columns[pos])
    # Many rows per statement, not one: every SQLite statement that may fire a trigger (the
    # ledger's append-only guard) or break a foreign key keeps a journal of the pages it changes,
    # so one row per statement copied each index page it touched once per row (half the import).
    per = _rows_per_statement(conn, len(names))
    head = f"INSERT INTO {table.name} ({', '.join(names)}) VALUES "
    marks = f"({', '.join('?' * len(names))})"
    values = list(zip(*columns))
    for start in range(0, len(values), per):
        chunk = values[start : start + per]
        conn.exec_driver_sql(head + ", ".join([marks] * len(chunk)), tuple(chain.from_iterable(chunk)))


# Rows per INSERT on SQLite: past a few hundred, most of the per-statement page journal is saved.
SQLITE_ROWS_PER_INSERT = 1000


def _rows_per_statement(conn: Connection, width: int) -> int:
    """How many rows of ``width`` values one SQLite INSERT may carry (its bound-variable limit)."""
    driver = conn.connection.driver_connection
    assert driver is not None  # the sqlite3 connection under this checked-out one
    limit: int = driver.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    return max(1, min(SQLITE_ROWS_PER_INSERT, limit // width))


def _column_types(conn: Connection, table: str, names: Sequence[str]) -> list[int]:
    """The type oids of ``table``'s columns ``names`` on PostgreSQL (read once per connection and table)."""
    cache: dict[tuple[str, tuple[str, ...]], list[int]] = conn.info.setdefault("bulk_copy_types", {})
    key = (table, tuple(names))
    if key not in cache:
        found: dict[str, int] = dict(
            conn.execute(
                text(
                    "SELECT attname, atttypid FROM pg_attribute WHERE attrelid = to_regclass(:table) "
                    "AND attnum > 0 AND NOT attisdropped"
                ),
                {"table": table},
            ).all()
        )
        cache[key] = [int(found[name]) for name in names]
    return cache[key]


def _set_balances(s: Session, pairs: list[tuple[int | None, int, str]], now: datetime) -> None:
    """Set the on-hand and chain head of locked lots whose movements were just written (one executemany)."""
    conn = s.connection()
    if conn.dialect.name == "sqlite":
        column_type = table_of(StockLot).c.updated_at.type
        stamp = _driver_value(column_type.dialect_impl(conn.dialect).bind_processor(conn.dialect))(now)
        conn.exec_driver_sql(
            "UPDATE stock_lot SET on_hand = ?, ledger_hash = ?, version = version + 1, updated_at = ? WHERE id = ?",
            [(on_hand, head, stamp, lot_id) for lot_id, on_hand, head in pairs],
        )
        return
    if conn.dialect.name == "postgresql" and conn.dialect.driver == "psycopg":
        # Set-based: the new balances go in by COPY, then one UPDATE ... FROM joins them.
        conn.exec_driver_sql(
            "CREATE TEMPORARY TABLE IF NOT EXISTS bulk_lot_balance (id integer PRIMARY KEY, "
            "on_hand bigint NOT NULL, head varchar(64) NOT NULL) ON COMMIT DELETE ROWS"
        )
        conn.exec_driver_sql("DELETE FROM bulk_lot_balance")
        driver = conn.connection.driver_connection
        assert driver is not None  # the psycopg connection under this checked-out one
        cursor = driver.cursor()
        with cursor.copy("COPY bulk_lot_balance (id, on_hand, head) FROM STDIN") as copy:
            for row in pairs:
                copy.write_row(row)
        conn.execute(
            text(
                "UPDATE stock_lot SET on_hand = b.on_hand, ledger_hash = b.head, "
                "version = stock_lot.version + 1, updated_at = :now FROM bulk_lot_balance b "
                "WHERE stock_lot.id = b.id"
            ),
            {"now": now},
        )
        return
    lots = table_of(StockLot)
    stmt = (
        update(lots)
        .where(lots.c.id == bindparam("lot_id"))
        .values(
            on_hand=bindparam("new_on_hand"), ledger_hash=bindparam("head"), version=lots.c.version + 1, updated_at=now
        )
    )
    conn.execute(stmt, [{"lot_id": lot_id, "new_on_hand": on_hand, "head": head} for lot_id, on_hand, head in pairs])


_TEMPORAL = {"expires_on", "created_at", "updated_at", "at"}


def _driver_value(process: Callable[[Any], Any] | None) -> Callable[[Any], Any]:
    """The column's bind conversion, then what the sqlite3 module's own adapters would store."""

    def convert(value: Any) -> Any:
        if process is not None:
            value = process(value)
        if isinstance(value, datetime):
            return value.isoformat(" ")
        if isinstance(value, date):
            return value.isoformat()
        return value

    return convert


def _tick(progress: Progress | None, done: int, total: int) -> None:
    if progress is not None:
        progress("writing", done, total)
