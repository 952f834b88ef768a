"""Every row of every table, to compare a database before and after an operation."""

from typing import Any

from sqlalchemy import select

import supplies
from supplies.models import metadata


def snapshot(inv: supplies.Inventory) -> dict[str, list[tuple[Any, ...]]]:
    with inv.engine.connect() as conn:
        return {
            t.name: [tuple(r) for r in conn.execute(select(t).order_by(*t.primary_key.columns)).all()]
            for t in metadata.sorted_tables
        }
