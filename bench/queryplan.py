"""The query plans of the SQL a case issues (SQLite): which big tables it reads whole instead of through an index.

A scoped read (a county's lots, a county's summary) must reach its rows through indexes: the
point's jurisdiction, the lot's point, the region's path. ``SCAN stock_lot`` in a plan means every
lot of the province is read to find the county's; ``SEARCH`` means an index led there.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine

# Tables that grow with the province: reading one whole is what a scoped query must not do.
BIG_TABLES = ("stock_lot", "movement", "region")
_SCAN = re.compile(r"^SCAN (\w+)")


@contextmanager
def recording(engine: Engine) -> Iterator[list[tuple[str, Any]]]:
    """Collect the SELECT statements (with their parameters) run on ``engine`` inside the block."""
    statements: list[tuple[str, Any]] = []

    def record(_conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, executemany: bool) -> None:
        if not executemany and statement.lstrip().upper().startswith(("SELECT", "WITH")):
            statements.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


def plans(engine: Engine, statements: list[tuple[str, Any]]) -> list[list[str]]:
    """SQLite's ``EXPLAIN QUERY PLAN`` of each statement, as its lines."""
    out = []
    with engine.connect() as conn:
        for statement, parameters in statements:
            rows = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters or ()).all()
            out.append([str(row[3]) for row in rows])
    return out


def full_scans(plan_lines: list[list[str]], tables: tuple[str, ...] = BIG_TABLES) -> list[str]:
    """The plan lines that read one of ``tables`` whole (a table scan or a scan of a whole index)."""
    found = []
    for lines in plan_lines:
        for line in lines:
            m = _SCAN.match(line)
            if m and m.group(1) in tables and line not in found:
                found.append(line)
    return found


def judge_plans(engine: Engine, statements: list[tuple[str, Any]]) -> dict[str, Any]:
    """What the statements' plans show: how many statements, and which read a big table whole."""
    if engine.dialect.name != "sqlite":
        return {"statements": len(statements), "full_scans": None}
    return {"statements": len(statements), "full_scans": full_scans(plans(engine, statements))}
