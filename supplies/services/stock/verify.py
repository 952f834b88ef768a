"""Proving the books: every balance, every ledger chain and the one-agency rule checked against the stored rows.

Each check is one set-based query on one snapshot; the database does the work and returns only
the rows that are wrong. A movement's hash is checked against the stored hash of the movement
before it in its lot (a window function), so every row is checked on its own and the chain is
still whole: a row changed without its hash fails its own check, and a row whose hash was
recomputed fails the next row's. Each problem found is a row naming the lot and what is wrong.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import Connection

from ...i18n import Message, t
from ...limits import MAX_BALANCE
from .ledger import stamp
from .point_totals import differences as point_differences
from .point_totals import pairs_of

_FIELDS_POSTGRES = (
    "encode(sha256(convert_to(concat_ws(chr(31), coalesce(lag(hash) OVER w, ''), lot_id::text, kind, "
    "qty::text, reserved_delta::text, balance_after::text, "
    "to_char(at, 'YYYY-MM-DD HH24:MI:SS.US'), coalesce(actor_id::text, ''), agency_id::text, "
    "point_id::text, item_id::text, coalesce(reference, ''), coalesce(reason, ''), "
    "coalesce(related_lot_id::text, '')), 'UTF8')), 'hex')"
)
# PostgreSQL: one pass over the ledger in each lot's order checks every movement's hash against the
# one before it and its balance against the running sum, and at each lot's last movement the lot's
# kept balances and chain head against the ledger's. Only rows with something wrong come back.
_PASS = (
    "SELECT c.id, c.lot_id, c.hash = c.expected AS sound, c.balance_after, c.running, c.last,"
    " l.on_hand, l.reserved, c.res, l.ledger_hash = c.hash AS head_ok FROM ("
    " SELECT id, lot_id, hash, balance_after, sum(qty) OVER w AS running, sum(reserved_delta) OVER w AS res,"
    " lead(id) OVER w IS NULL AS last, {expected} AS expected"
    " FROM movement {part} WINDOW w AS (PARTITION BY lot_id ORDER BY id)) AS c"
    " LEFT JOIN stock_lot l ON c.last AND l.id = c.lot_id"
    " WHERE c.hash <> c.expected OR c.balance_after <> c.running"
    " OR (l.id IS NOT NULL AND (l.on_hand <> c.running OR l.reserved <> c.res OR l.ledger_hash <> c.hash))"
    " ORDER BY c.lot_id, c.id"
)
# Lots without a single movement: their balances must be nought and their chain head empty.
_UNMOVED = (
    "SELECT l.id, l.on_hand, l.reserved, l.ledger_hash = '' FROM stock_lot l"
    " WHERE NOT EXISTS (SELECT 1 FROM movement m WHERE m.lot_id = l.id)"
    " AND (l.on_hand <> 0 OR l.reserved <> 0 OR l.ledger_hash <> '')"
)
# The agency answering for the lot's class in its point's jurisdiction: a SQLite shell runs without
# foreign keys, so the rule is checked here as well as held by the keys.
_RULES = (
    "SELECT l.id, l.on_hand, l.reserved, l.agency_id, c.agency_id, l.class_id, i.class_id,"
    " l.jurisdiction_code, p.jurisdiction_code FROM stock_lot l"
    " LEFT JOIN storage_point p ON p.id = l.point_id"
    " LEFT JOIN class_responsibility c ON c.class_id = l.class_id AND c.jurisdiction_code = p.jurisdiction_code"
    " LEFT JOIN item i ON i.id = l.item_id"
    f" WHERE l.on_hand < 0 OR l.reserved < 0 OR l.reserved > l.on_hand OR l.on_hand > {MAX_BALANCE}"
    " OR c.agency_id IS NULL OR l.agency_id <> c.agency_id OR i.class_id IS NULL OR l.class_id <> i.class_id"
    " OR l.jurisdiction_code <> p.jurisdiction_code"
)
# Items tracked by unit (supplies.services.equipment): the units in each lot number its on-hand, the
# units named for dispatch number its reserved, and each unit sits in a lot of its own item and point,
# the serviceable ones in a lot that may be allocated, the others in a repair lot.
_UNIT_COUNTS = (
    "SELECT l.id, l.on_hand, l.reserved, coalesce(u.n, 0), coalesce(u.named, 0) FROM stock_lot l"
    " JOIN item i ON i.id = l.item_id"
    " LEFT JOIN (SELECT lot_id, count(*) AS n, count(allocation_id) AS named FROM equipment_unit"
    " WHERE lot_id IS NOT NULL GROUP BY lot_id) u ON u.lot_id = l.id"
    " WHERE (i.tracked AND (l.on_hand <> coalesce(u.n, 0) OR l.reserved <> coalesce(u.named, 0)))"
    " OR (NOT i.tracked AND coalesce(u.n, 0) > 0)"
)
_UNIT_PLACES = (
    "SELECT u.lot_id, l.on_hand, l.reserved, u.serial FROM equipment_unit u JOIN stock_lot l ON l.id = u.lot_id"
    " WHERE l.item_id <> u.item_id OR l.point_id <> u.point_id"
    " OR (u.status = 'serviceable' AND l.mode = 'repair') OR (u.status <> 'serviceable' AND l.mode <> 'repair')"
)
_PARALLEL_FROM = 200_000  # movements: below this, starting processes costs more than it saves
_ORPHANS = "SELECT DISTINCT m.lot_id FROM movement m LEFT JOIN stock_lot l ON l.id = m.lot_id WHERE l.id IS NULL"


@dataclass
class VerifyReport:
    """The result of checking the books: what was checked, and every problem found (none when ``ok``).

    ``fingerprint`` is a SHA-256 over every lot's chain head: written down elsewhere (a report
    sent upward, a printed 台账), it shows later that no history was rewritten since.
    """

    lots_checked: int
    movements: int
    differences: list[dict[str, Any]] = field(default_factory=list)
    fingerprint: str = ""

    @property
    def ok(self) -> bool:
        return not self.differences


def verify(conn: Connection, *, parallel: bool = False) -> VerifyReport:
    """Check the books on ``conn`` (which should hold one snapshot: a read transaction).

    ``parallel`` lets a large SQLite ledger be read by several processes, each in its own
    snapshot: only for a connection that has written nothing it has not committed.
    """
    postgres = conn.dialect.name == "postgresql"
    if not postgres:
        return _verify_in_one_pass(conn, parallel)
    out: list[dict[str, Any]] = []
    breaks: dict[int, Message] = {}
    heads: list[tuple[int, int, int]] = []
    for row in _pass_rows(conn, parallel):
        movement_id, lot_id, sound, balance_after, running, last, on_hand, reserved, ledger_res, head_ok = row
        if last and on_hand is not None:
            out += _balance_problems(lot_id, on_hand, reserved, int(running), int(ledger_res))
            if not head_ok:
                heads.append((lot_id, on_hand, reserved))
        if lot_id in breaks or (sound and balance_after == running):
            continue  # the first break of a lot's chain says it; the rest follow from it
        if not sound:
            breaks[lot_id] = t(
                "movement {id} does not match its hash: it was changed, replaced or inserted behind the ledger's back",
                id=movement_id,
            )
        else:
            breaks[lot_id] = t(
                "movement {id} says the balance after it is {balance}, but the movements before it "
                "sum to {ledger}: the history was rewritten",
                id=movement_id,
                balance=balance_after,
                ledger=int(running),
            )
    for lot_id, on_hand, reserved, empty_head in conn.execute(text(_UNMOVED)):
        out += _balance_problems(lot_id, on_hand, reserved, 0, 0)
        if not empty_head:
            heads.append((lot_id, on_hand, reserved))
    for lot_id, facts in _balances_of(conn, sorted(breaks)).items():
        out.append(_problem(*facts, breaks.pop(lot_id)))
    out += [_problem(lot_id, None, None, None, None, what) for lot_id, what in breaks.items()]
    broken = {d["lot_id"] for d in out}
    for lot_id, on_hand, reserved in heads:
        if lot_id not in broken:
            out.append(
                _problem(
                    lot_id,
                    on_hand,
                    reserved,
                    None,
                    None,
                    t(
                        "the lot's chain head does not match its last movement: movements were removed "
                        "or the lot was rewritten"
                    ),
                )
            )
    return _finish(conn, lambda: out)


def _pass_rows(conn: Connection, parallel: bool) -> list[Any]:
    """The rows of the PostgreSQL pass that show a problem, in lot order.

    With ``parallel`` and a large ledger the lots are split into ranges, each checked on its own
    connection in a thread (the server does the hashing, a core each) that imports this
    transaction's snapshot (``pg_export_snapshot``), so every range sees the same books."""
    whole = text(_PASS.format(expected=_FIELDS_POSTGRES, part=""))
    parts = min(os.cpu_count() or 1, 4)
    low, high = conn.execute(text("SELECT min(lot_id), max(lot_id) FROM movement")).one()
    if not parallel or parts < 2 or low is None:
        return list(conn.execute(whole))
    moves = conn.execute(text("SELECT reltuples FROM pg_class WHERE relname = 'movement'")).scalar()
    if (moves or 0) < _PARALLEL_FROM:
        return list(conn.execute(whole))
    from concurrent.futures import ThreadPoolExecutor

    snapshot = conn.execute(text("SELECT pg_export_snapshot()")).scalar_one()
    bounds = [low + (high - low + 1) * k // parts for k in range(parts + 1)]
    ranged = text(_PASS.format(expected=_FIELDS_POSTGRES, part="WHERE lot_id >= :lo AND lot_id < :hi"))

    def check(k: int) -> list[Any]:
        with conn.engine.connect() as own:
            own.execution_options(isolation_level="REPEATABLE READ")
            with own.begin():
                own.execute(text(f"SET TRANSACTION SNAPSHOT '{snapshot}'"))
                return list(own.execute(ranged, {"lo": bounds[k], "hi": bounds[k + 1]}))

    with ThreadPoolExecutor(parts) as pool:
        return [row for rows in pool.map(check, range(parts)) for row in rows]


def _finish(conn: Connection, replayed: Callable[[], list[dict[str, Any]]]) -> VerifyReport:
    """The checks every database runs the same way: rules of each lot, orphans, the kept totals, the fingerprint.

    ``replayed()`` gives the problems the ledger's replay found; it is called once these checks are
    done, so a replay running in other processes meanwhile overlaps them.
    """
    out: list[dict[str, Any]] = []
    for lot_id, on_hand, reserved, agency_id, owner, class_id, item_class, filed, point_jurisdiction in conn.execute(
        text(_RULES)
    ):
        facts5 = (lot_id, on_hand, reserved, None, None)
        if on_hand < 0 or reserved < 0 or reserved > on_hand or on_hand > MAX_BALANCE:
            out.append(
                _problem(
                    *facts5,
                    t("impossible balance: {on_hand} on hand, {reserved} reserved", on_hand=on_hand, reserved=reserved),
                )
            )
        if owner is None or agency_id != owner:
            out.append(
                _problem(
                    *facts5,
                    t(
                        "held by agency {agency}, but its class's responsible agency is {owner}: "
                        "the one-agency rule is broken",
                        agency=agency_id,
                        owner=owner,
                    ),
                )
            )
        if filed != point_jurisdiction:
            out.append(
                _problem(
                    *facts5,
                    t(
                        "filed in jurisdiction {filed}, but its storage point is in {actual}",
                        filed=filed,
                        actual=point_jurisdiction,
                    ),
                )
            )
        if item_class is None or class_id != item_class:
            out.append(
                _problem(
                    *facts5,
                    t(
                        "filed under class {supply_class}, but its item is in class {item_class}",
                        supply_class=class_id,
                        item_class=item_class,
                    ),
                )
            )
    for lot_id, on_hand, reserved, units, named in conn.execute(text(_UNIT_COUNTS)):
        out.append(
            _problem(
                lot_id,
                on_hand,
                reserved,
                None,
                None,
                t(
                    "{units} units of equipment are in this lot ({named} named for dispatch), but it holds "
                    "{on_hand} ({reserved} reserved)",
                    units=units,
                    named=named,
                    on_hand=on_hand,
                    reserved=reserved,
                ),
            )
        )
    for lot_id, on_hand, reserved, serial in conn.execute(text(_UNIT_PLACES)):
        out.append(
            _problem(
                lot_id,
                on_hand,
                reserved,
                None,
                None,
                t("unit {serial} is in a lot of another item or point, or of the wrong condition", serial=serial),
            )
        )
    differences = point_differences(conn)
    orphans = []
    for (lot_id,) in conn.execute(text(_ORPHANS)):
        orphans.append(
            _problem(
                lot_id,
                None,
                None,
                None,
                None,
                t("movements of lot {lot} remain, but the lot does not exist", lot=lot_id),
            )
        )
    digest = hashlib.sha256()
    lots_checked = 0
    # Streamed (a server-side cursor on PostgreSQL), not every lot's head held at once.
    heads = text("SELECT id, ledger_hash FROM stock_lot ORDER BY id").execution_options(
        stream_results=True, yield_per=20_000
    )
    for lot_id, head in conn.execute(heads):
        digest.update(f"{lot_id}:{head};".encode())
        lots_checked += 1
    moves = int(conn.execute(text("SELECT count(*) FROM movement")).scalar_one())
    out = replayed() + out
    # Pairs holding a lot found wrong on its own are left out: the lot's own problem says why.
    skip = pairs_of(conn, [d["lot_id"] for d in out])
    for d in differences:
        if (d["point_id"], d["class_id"]) in skip:
            continue
        kept, lots = d["kept"] or (None, 0, 0, 0), d["lots"] or (None, 0, 0, 0)
        out.append(
            _problem(
                d["lot_id"],
                lots[2],
                lots[3],
                None,
                None,
                t(
                    "the stock kept for class {supply_class} at point {point} ({kept_on_hand} on hand, "
                    "{kept_reserved} reserved in {kept_lots} lots) differs from its lots ({on_hand} on hand, "
                    "{reserved} reserved in {lots} lots)",
                    supply_class=d["class_id"],
                    point=d["point_id"],
                    kept_on_hand=kept[2],
                    kept_reserved=kept[3],
                    kept_lots=kept[1],
                    on_hand=lots[2],
                    reserved=lots[3],
                    lots=lots[1],
                ),
            )
        )
    out += orphans
    out.sort(key=lambda d: d["lot_id"])
    return VerifyReport(lots_checked, moves, out, digest.hexdigest())


def _verify_in_one_pass(conn: Connection, parallel: bool) -> VerifyReport:
    """SQLite: one scan of the ledger in storage order, replaying every lot's balances and chain in Python.

    A window query over the lots' index visits the movements in random order and builds each
    text in SQL; reading the table in order and hashing here is four times as fast. With
    ``parallel``, a large ledger is split between processes by lot (each reads its own snapshot,
    which holds every lot's movements and balance together, so each lot's check is sound).
    """
    path = conn.engine.url.database
    parts = min(os.cpu_count() or 1, 4)
    if parallel and parts > 1 and path and path != ":memory:" and os.path.exists(path):
        moves = int(conn.execute(text("SELECT count(*) FROM movement")).scalar_one())
        if moves >= _PARALLEL_FROM:
            # The workers replay the ledger while this process runs the other checks.
            replaying = _Replaying(path, parts)
            try:
                return _finish(conn, replaying)
            finally:
                replaying.stop()
    found = _replay(conn.connection.driver_connection, 0, 1)
    return _finish(conn, lambda: found)


class _Replaying:
    """The lots replayed in ``parts`` worker processes (``python -m supplies.services.stock.commands.verify``), a share
    each: started at once; calling the object waits for them and gives what they found.

    Plain subprocesses rather than multiprocessing: a worker must not import the caller's main
    module (a script, a web server) as multiprocessing's spawn does.
    """

    def __init__(self, path: str, parts: int) -> None:
        self.workers = [
            subprocess.Popen(
                [sys.executable, "-m", __name__, path, str(part), str(parts)],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
            )
            for part in range(parts)
        ]

    def __call__(self) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        for worker in self.workers:
            out, err = worker.communicate()
            if worker.returncode != 0:
                raise RuntimeError(f"a verify worker failed: {err.decode(errors='replace').strip()[-2000:]}")
            found += pickle.loads(out)
        return found

    def stop(self) -> None:
        """End the workers still running (when the checks beside them failed)."""
        for worker in self.workers:
            if worker.poll() is None:
                worker.kill()
                worker.communicate()


def _replay_file(path: str, part: int, parts: int) -> list[dict[str, Any]]:
    """In a worker process: replay the lots ``lot_id % parts == part`` of the SQLite file at ``path``."""
    import sqlite3

    raw = sqlite3.connect(f"file:{path}?mode=ro", uri=True, isolation_level=None)
    try:
        raw.execute("BEGIN")  # one snapshot for the movements and the balances read below
        return _replay(raw, part, parts)
    finally:
        raw.close()


def _replay(raw: Any, part: int, parts: int) -> list[dict[str, Any]]:
    """Replay the balances and chains of the lots ``lot_id % parts == part``; return their problems."""
    heads: dict[int, str] = {}
    sums: dict[int, list[int]] = {}
    breaks: dict[int, Message] = {}
    sha = hashlib.sha256
    cursor = raw.execute(
        "SELECT id, lot_id, kind, qty, reserved_delta, balance_after, at, actor_id, agency_id, point_id, item_id, "
        "reference, reason, related_lot_id, hash FROM movement WHERE lot_id % ? = ? ORDER BY id",
        (parts, part),
    )
    for mid, lot, kind, qty, delta, after, at, actor, agency, point, item, ref, why, related, stored in cursor:
        acc = sums.get(lot)
        if acc is None:
            acc = sums[lot] = [0, 0]
        acc[0] += qty
        acc[1] += delta
        if lot in breaks:
            continue
        moment = at if len(at) == 26 and at[10] == " " else stamp(at)
        expected = sha(
            f"{heads.get(lot, '')}\x1f{lot}\x1f{kind}\x1f{qty}\x1f{delta}\x1f{after}\x1f{moment}\x1f"
            f"{'' if actor is None else actor}\x1f{agency}\x1f{point}\x1f{item}\x1f{ref or ''}\x1f"
            f"{why or ''}\x1f{'' if related is None else related}".encode()
        ).hexdigest()
        if stored != expected:
            breaks[lot] = t(
                "movement {id} does not match its hash: it was changed, replaced or inserted behind the ledger's back",
                id=mid,
            )
        elif after != acc[0]:
            breaks[lot] = t(
                "movement {id} says the balance after it is {balance}, but the movements before it "
                "sum to {ledger}: the history was rewritten",
                id=mid,
                balance=after,
                ledger=acc[0],
            )
        heads[lot] = stored
    out: list[dict[str, Any]] = []
    lots = raw.execute("SELECT id, on_hand, reserved, ledger_hash FROM stock_lot WHERE id % ? = ?", (parts, part))
    for lot_id, on_hand, reserved, head in lots:
        ledger_on_hand, ledger_reserved = sums.pop(lot_id, (0, 0))
        facts = (lot_id, on_hand, reserved, ledger_on_hand, ledger_reserved)
        out += _balance_problems(*facts)
        if lot_id in breaks:
            out.append(_problem(*facts, breaks.pop(lot_id)))
        elif head != heads.get(lot_id, "") and on_hand == ledger_on_hand and reserved == ledger_reserved:
            out.append(
                _problem(
                    *facts,
                    t(
                        "the lot's chain head does not match its last movement: movements were "
                        "removed or the lot was rewritten"
                    ),
                )
            )
    return out


def _balances_of(conn: Connection, lot_ids: list[int]) -> dict[int, tuple[int, int, int, int, int]]:
    """(lot, on hand, reserved, ledger on hand, ledger reserved) of a few lots."""
    out = {}
    for start in range(0, len(lot_ids), 500):
        chunk = lot_ids[start : start + 500]
        rows = conn.execute(
            text(
                "SELECT l.id, l.on_hand, l.reserved, coalesce(sum(m.qty), 0), coalesce(sum(m.reserved_delta), 0) "
                "FROM stock_lot l LEFT JOIN movement m ON m.lot_id = l.id "
                f"WHERE l.id IN ({', '.join(str(int(i)) for i in chunk)}) GROUP BY l.id, l.on_hand, l.reserved"
            )
        )
        out.update({r[0]: (r[0], r[1], r[2], int(r[3]), int(r[4])) for r in rows})
    return out


def _balance_problems(
    lot_id: int, on_hand: int, reserved: int, ledger_on_hand: int, ledger_reserved: int
) -> list[dict[str, Any]]:
    """What is wrong with a lot's kept balances against the sums of its ledger (nothing when they agree)."""
    facts = (lot_id, on_hand, reserved, ledger_on_hand, ledger_reserved)
    out = []
    if on_hand != ledger_on_hand:
        out.append(
            _problem(*facts, t("on hand is {kept} but the ledger says {ledger}", kept=on_hand, ledger=ledger_on_hand))
        )
    if reserved != ledger_reserved:
        out.append(
            _problem(
                *facts, t("reserved is {kept} but the ledger says {ledger}", kept=reserved, ledger=ledger_reserved)
            )
        )
    return out


def _problem(
    lot_id: int,
    on_hand: int | None,
    reserved: int | None,
    ledger_on_hand: int | None,
    ledger_reserved: int | None,
    problem: Message,
) -> dict[str, Any]:
    return dict(
        lot_id=lot_id,
        on_hand=on_hand,
        reserved=reserved,
        ledger_on_hand=ledger_on_hand,
        ledger_reserved=ledger_reserved,
        problem=problem,
    )


if __name__ == "__main__":  # a worker of _Replaying: PATH PART PARTS in, pickled problems out
    sys.stdout.buffer.write(pickle.dumps(_replay_file(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]))))
