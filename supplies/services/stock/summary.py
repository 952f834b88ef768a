"""Stock totals by class, item, point, region, level, agency or mode: added up per id in SQL, folded into groups after.

A province holds 200,000 lots in some 41,000 (class, level, region) groups. The database adds the
lots up per the stock_lot columns that determine the groups (for the default grouping a scan of
the covering index on class, point, on-hand and reserved), which leaves some 48,000 rows. Folding
those into groups and ordering them is done here with numpy on integer ranks (a second GROUP BY
over the joined codes spent 45 ms in SQLite's sorter alone), and every code is looked up once per
class or point, not once per row.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import repeat
from typing import Any, NamedTuple

from sqlalchemy import Select, func, select
from sqlmodel import Session

from ...models import Agency, Item, PointClassStock, StockLot, StoragePoint, SupplyClass
from ..collector import collector_paused


class SummaryRow(NamedTuple):
    """Stock totals for one group (keys as asked: class, item, point, region, level, agency).

    A named tuple, not a dataclass: a province's summary makes 41,000 of them, and a tuple is made
    in one step of C (a frozen dataclass's init was a third of the summary's time).
    """

    key: dict[str, Any]
    lots: int
    on_hand: int
    reserved: int

    @property
    def free(self) -> int:
        return self.on_hand - self.reserved


# Each grouping: the stock_lot column that determines it, and the table and column that show it.
GROUPS: dict[str, tuple[Any, Any, Any]] = {
    "class": (StockLot.class_id, SupplyClass, SupplyClass.code),
    "item": (StockLot.item_id, Item, Item.code),
    "point": (StockLot.point_id, StoragePoint, StoragePoint.code),
    "region": (StockLot.point_id, StoragePoint, StoragePoint.region_code),
    "level": (StockLot.point_id, StoragePoint, StoragePoint.level),
    "agency": (StockLot.agency_id, Agency, Agency.code),
    "mode": (StockLot.mode, None, None),
}


# Groupings the kept per point and class totals answer: each (point, class) holds one class at one
# point, so any grouping by class, point or the point's region and level adds up whole rows of it.
KEPT_GROUPS = frozenset({"class", "point", "region", "level"})


def per_id_totals(by: Sequence[str], *, kept: bool = False) -> Select[*tuple[Any, ...]]:
    """Lots, on-hand and reserved per distinct value of the stock_lot columns behind ``by``; callers
    add their filters (joining storage_point if they filter on it) before :func:`summary_rows`.

    With ``kept`` (only for ``by`` within :data:`KEPT_GROUPS`) the sums are read from the totals kept
    per point and class (point_class_stock, some 47,000 rows in a province) instead of added up over
    every lot (200,000): the same figures, the table being recounted in each transaction that
    changes a lot."""
    if kept:
        t = PointClassStock.__table__  # type: ignore[attr-defined]
        ids = [t.c[c.key] for c in _id_columns(by)]
        if len(ids) == 2:  # both keys: a row each already, read in the table's own order, nothing to add up
            return select(*ids, t.c.lots, t.c.on_hand, t.c.reserved)
        return select(*ids, func.sum(t.c.lots), func.sum(t.c.on_hand), func.sum(t.c.reserved)).group_by(*ids)
    ids = _id_columns(by)
    return (
        select(*ids, func.count(), func.sum(StockLot.on_hand), func.sum(StockLot.reserved))
        .select_from(StockLot)
        .group_by(*ids)
    )


def summary_rows(s: Session, by: Sequence[str], q: Select[*tuple[Any, ...]]) -> list[SummaryRow]:
    """Run ``q`` (from :func:`per_id_totals`) and fold its rows into the groups ``by``, ordered by the
    groups' values (code-point order, a missing value first)."""
    import numpy as np  # here, not at the top: the command line imports this module and needs no numpy

    ids = [c.key for c in _id_columns(by)]
    with collector_paused():
        # Core, not the ORM session's result machinery: half the time for tens of thousands of rows.
        result = s.connection().execute(q)
        rows = result.cursor.fetchall()  # the driver's tuples: no row objects for 47,000 rows
        result.close()
        if not rows:
            return []
        columns = list(zip(*rows))
        n = len(rows)
        shown = _shown(s, by, {key: set(columns[i]) for i, key in enumerate(ids)})
        # Each row's group as the ranks of its values, one column per grouping: grouping and
        # ordering the rows is then a sort of small integers.
        values, ranks = [], np.empty((n, len(by)), np.int64)
        for i, g in enumerate(by):
            values.append(sorted(set(shown[i].values()), key=_missing_first))
            rank = {v: r for r, v in enumerate(values[i])}
            rank_of_id = {id_: rank[v] for id_, v in shown[i].items()}
            ranks[:, i] = np.fromiter(map(rank_of_id.__getitem__, columns[ids.index(GROUPS[g][0].key)]), np.int64, n)
        order = np.lexsort(ranks.T[::-1])  # the first grouping most significant
        ranks = ranks[order]
        starts = np.empty(n, bool)  # where a new group begins, in that order
        starts[0] = True
        starts[1:] = (ranks[1:] != ranks[:-1]).any(axis=1)
        group_of_row = np.empty(n, np.int64)
        group_of_row[order] = np.cumsum(starts) - 1
        totals = [
            np.bincount(group_of_row, np.fromiter(columns[j], np.float64, n)).astype(np.int64).tolist()
            for j in range(len(ids), len(ids) + 3)
        ]  # float sums are exact far beyond any stock
        shown_by = [np.array(values[i], object)[ranks[starts, i]].tolist() for i in range(len(by))]
        del rows, columns, ranks  # freed now, by reference counting, not traced when collection resumes
        # Each group's key from its (name, value) pairs and each row as a tuple, all in C: no
        # Python call per group (a dict of zip(by, values) per group took a third longer).
        keys = map(dict, zip(*(zip(repeat(g), shown) for g, shown in zip(by, shown_by))))
        return list(map(tuple.__new__, repeat(SummaryRow), zip(keys, *totals)))


def _id_columns(by: Sequence[str]) -> list[Any]:
    return list({GROUPS[g][0].key: GROUPS[g][0] for g in by}.values())


def _shown(s: Session, by: Sequence[str], present: dict[str, set[Any]]) -> list[dict[Any, Any]]:
    """For each grouping of ``by``, the value shown for each id present (one query per table)."""
    tables: dict[Any, list[Any]] = {}
    for g in by:
        _, table, col = GROUPS[g]
        if table is not None and col not in tables.setdefault(table, []):
            tables[table].append(col)
    fetched = {
        table: {row[0]: row[1:] for row in s.connection().execute(select(table.id, *cols))}
        for table, cols in tables.items()
    }
    out = []
    for g in by:
        id_col, table, col = GROUPS[g]
        ids = present[id_col.key]
        if table is None:
            out.append({v: v for v in ids})
        else:
            at, rows = tables[table].index(col), fetched[table]
            out.append({i: rows[i][at] for i in ids})
    return out


def _missing_first(value: Any) -> tuple[bool, Any]:
    return (value is not None, value if value is not None else "")
