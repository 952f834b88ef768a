"""Proving the books: every balance, every ledger chain and the one-agency rule checked against the stored rows.

One pass over the lots (by id) and their movements (by lot, then id), read from one snapshot
with the driver's own cursors: a province's two million movements take seconds. Each problem
found is a row saying which lot and what is wrong, in words.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.engine import Connection

from ..i18n import t
from ..limits import MAX_BALANCE
from .ledger import movement_hash

_LOTS = ("SELECT l.id, l.on_hand, l.reserved, l.ledger_hash, l.agency_id, c.agency_id, l.class_id, i.class_id "
         "FROM stock_lot l LEFT JOIN supply_class c ON c.id = l.class_id LEFT JOIN item i ON i.id = l.item_id "
         "ORDER BY l.id")
_MOVEMENTS = ("SELECT id, lot_id, kind, qty, reserved_delta, balance_after, at, actor_id, agency_id, point_id, "
              "item_id, reference, reason, related_lot_id, hash FROM movement ORDER BY lot_id, id")
_FETCH = 20_000


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


@dataclass
class _Walk:
    """A lot's ledger replayed: the running balances and chain, and the first break found."""

    on_hand: int = 0
    reserved: int = 0
    head: str = ""
    count: int = 0
    problem: str | None = None


def verify(conn: Connection) -> VerifyReport:
    """Check the books on ``conn`` (which should hold one snapshot: a read transaction)."""
    raw = conn.connection.driver_connection
    postgres = conn.dialect.name == "postgresql"
    lots = _rows(raw, _LOTS, "verify_lots" if postgres else None)
    moves = _rows(raw, _MOVEMENTS, "verify_movements" if postgres else None)
    out: list[dict[str, Any]] = []
    chain = hashlib.sha256()
    n_lots = n_moves = 0
    pending = next(moves, None)
    for lot_id, on_hand, reserved, head, agency_id, class_agency, class_id, item_class in lots:
        n_lots += 1
        while pending is not None and pending[1] < lot_id:  # movements of a lot that does not exist
            out.append(_problem(pending[1], None, None, None, None,
                                t("movement {id} belongs to a lot that does not exist", id=pending[0])))
            n_moves += 1
            pending = next(moves, None)
        walk = _Walk()
        while pending is not None and pending[1] == lot_id:
            _replay(walk, pending)
            n_moves += 1
            pending = next(moves, None)
        chain.update(f"{lot_id}:{head};".encode())
        facts = (lot_id, on_hand, reserved, walk.on_hand, walk.reserved)
        if on_hand != walk.on_hand or reserved != walk.reserved:
            if on_hand != walk.on_hand:
                out.append(_problem(*facts, t("on hand is {kept} but the ledger says {ledger}", kept=on_hand,
                                              ledger=walk.on_hand)))
            if reserved != walk.reserved:
                out.append(_problem(*facts, t("reserved is {kept} but the ledger says {ledger}", kept=reserved,
                                              ledger=walk.reserved)))
        if walk.problem:
            out.append(_problem(*facts, walk.problem))
        elif head != walk.head:
            out.append(_problem(*facts, t("the lot's chain head does not match its last movement: "
                                          "movements were removed or the lot was rewritten")))
        if on_hand < 0 or reserved < 0 or reserved > on_hand or on_hand > MAX_BALANCE:
            out.append(_problem(*facts, t("impossible balance: {on_hand} on hand, {reserved} reserved",
                                          on_hand=on_hand, reserved=reserved)))
        if class_agency is None or agency_id != class_agency:
            out.append(_problem(*facts, t("held by agency {agency}, but its class's responsible agency is "
                                          "{owner}: the one-agency rule is broken", agency=agency_id, owner=class_agency)))
        if item_class is None or class_id != item_class:
            out.append(_problem(*facts, t("filed under class {supply_class}, but its item is in class {item_class}",
                                          supply_class=class_id, item_class=item_class)))
    while pending is not None:
        out.append(_problem(pending[1], None, None, None, None,
                            t("movement {id} belongs to a lot that does not exist", id=pending[0])))
        n_moves += 1
        pending = next(moves, None)
    return VerifyReport(n_lots, n_moves, out, chain.hexdigest())


def _replay(walk: _Walk, m: tuple[Any, ...]) -> None:
    walk.on_hand += m[3]
    walk.reserved += m[4]
    walk.count += 1
    if walk.problem is not None:
        return
    if m[5] != walk.on_hand:
        walk.problem = t("movement {id} says the balance after it is {balance}, but the movements before it sum "
                         "to {ledger}: the history was rewritten", id=m[0], balance=m[5], ledger=walk.on_hand)
    expected = movement_hash(walk.head, *m[1:14])
    if m[14] != expected:
        walk.problem = walk.problem or t("movement {id} does not match its hash: it was changed, replaced "
                                         "or inserted behind the ledger's back", id=m[0])
    walk.head = m[14]


def _problem(lot_id: int, on_hand: int | None, reserved: int | None, ledger_on_hand: int | None,
             ledger_reserved: int | None, problem: str) -> dict[str, Any]:
    return dict(lot_id=lot_id, on_hand=on_hand, reserved=reserved, ledger_on_hand=ledger_on_hand,
                ledger_reserved=ledger_reserved, problem=problem)


def _rows(raw: Any, sql: str, name: str | None) -> Iterator[tuple[Any, ...]]:
    """Stream the rows of ``sql`` in batches: a server-side cursor on PostgreSQL, a plain one on SQLite."""
    cursor = raw.cursor(name=name) if name else raw.cursor()
    try:
        if name:
            cursor.itersize = _FETCH
        cursor.execute(sql)
        while True:
            batch = cursor.fetchmany(_FETCH)
            if not batch:
                return
            yield from batch
    finally:
        cursor.close()
