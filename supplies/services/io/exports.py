"""Exporting every import kind to CSV or XLSX (English or Chinese headers), and blank templates.

An export is a file the import takes back unchanged: same columns, same codes, the closed
vocabularies in English or (with Chinese headers) in the Chinese labels the import reads.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from ...db import select_columns
from ...errors import InvalidInput
from ...i18n import t
from ...models import Agency, Item, ReserveTarget, StockLot, StoragePoint, SupplyClass
from ...permissions import Actor, scoped
from ..base import Service
from .columns import columns, headers, label
from .tabular import Sheet, format_of, write_csv, write_xlsx

Target = str | Path | IO[bytes]


def _agencies(s: Session, _a: Actor) -> list[tuple[Any, ...]]:
    return list(
        s.exec(
            select_columns(
                Agency.code, Agency.name, Agency.contact, Agency.phone, Agency.level, Agency.region_code
            ).order_by(Agency.code)
        ).all()
    )


def _points(s: Session, _a: Actor) -> list[tuple[Any, ...]]:
    return list(
        s.exec(
            select_columns(
                StoragePoint.code,
                StoragePoint.name,
                StoragePoint.kind,
                StoragePoint.level,
                StoragePoint.region_code,
                StoragePoint.address,
                StoragePoint.lat,
                StoragePoint.lon,
                StoragePoint.capacity_m3,
                StoragePoint.status,
            ).order_by(StoragePoint.code)
        ).all()
    )


def _classes(s: Session, _a: Actor) -> list[tuple[Any, ...]]:
    parent = aliased(SupplyClass)
    rows = s.exec(
        select_columns(SupplyClass.code, SupplyClass.name, SupplyClass.name_en, Agency.code, parent.code)
        .join(Agency, col(Agency.id) == SupplyClass.agency_id)
        .outerjoin(parent, col(parent.id) == SupplyClass.parent_id)
    ).all()
    # Parents before children, so that the file reads top-down like the tree.
    children: dict[str | None, list[tuple[Any, ...]]] = {}
    for r in rows:
        children.setdefault(r[4], []).append(tuple(r))
    out: list[tuple[Any, ...]] = []
    stack = sorted(children.get(None, []), reverse=True)
    while stack:
        row = stack.pop()
        out.append(row)
        stack.extend(sorted(children.get(row[0], []), reverse=True))
    return out


def _items(s: Session, _a: Actor) -> list[tuple[Any, ...]]:
    return list(
        s.exec(
            select_columns(
                Item.code,
                Item.name,
                Item.name_en,
                SupplyClass.code,
                Item.unit,
                Item.spec,
                Item.shelf_life_days,
                Item.unit_weight_kg,
                Item.unit_volume_m3,
                Item.reusable,
            )
            .join(SupplyClass, col(SupplyClass.id) == Item.class_id)
            .order_by(Item.code)
        ).all()
    )


def _stock(s: Session, actor: Actor) -> list[tuple[Any, ...]]:
    q = (
        select_columns(
            StoragePoint.code,
            Item.code,
            StockLot.on_hand,
            StockLot.batch,
            StockLot.expires_on,
            StockLot.mode,
            StockLot.lead_time_hours,
            StockLot.unit_cost,
            Agency.code,
        )
        .join(StoragePoint, col(StoragePoint.id) == StockLot.point_id)
        .join(Item, col(Item.id) == StockLot.item_id)
        .join(Agency, col(Agency.id) == StockLot.agency_id)
        .where(col(StockLot.on_hand) > 0)
        .order_by(StoragePoint.code, Item.code, StockLot.batch)
    )
    q = scoped(q, actor, StockLot.point_id, StockLot.agency_id)
    return [(*r[:3], r[3] or None, *r[4:], None, None) for r in s.exec(q).all()]


def _targets(s: Session, _a: Actor) -> list[tuple[Any, ...]]:
    return list(
        s.exec(
            select(Item.code, StoragePoint.code, ReserveTarget.region_code, ReserveTarget.quantity)
            .join(Item, col(Item.id) == ReserveTarget.item_id)
            .outerjoin(StoragePoint, col(StoragePoint.id) == ReserveTarget.point_id)
            .order_by(Item.code, StoragePoint.code, col(ReserveTarget.region_code))
        ).all()
    )


_QUERIES: dict[str, Callable[[Session, Actor], list[tuple[Any, ...]]]] = {
    "agencies": _agencies,
    "points": _points,
    "classes": _classes,
    "items": _items,
    "stock": _stock,
    "targets": _targets,
}


class Exports(Service):
    """Exports and templates of every import kind: ``inv.exports``."""

    def rows(self, kind: str, *, lang: str = "en") -> tuple[list[str], list[list[Any]]]:
        """The header and the rows an export of ``kind`` writes (warehouse staff see their own stock)."""
        heads = headers(kind, lang)
        keys = [c.key for c in columns(kind)]
        with self._work(write=False) as (s, actor):
            raw = _QUERIES[kind](s, actor)
        return heads, [[label(k, v, lang) if isinstance(v, str) else v for k, v in zip(keys, row)] for row in raw]

    def file(
        self, kind: str, target: Target, *, format: str | None = None, lang: str = "en", encoding: str = "utf-8-sig"
    ) -> int:
        """Write ``kind`` to ``target`` as CSV (``encoding`` utf-8-sig, utf-8 or gb18030) or XLSX;
        returns the number of rows written."""
        heads, rows = self.rows(kind, lang=lang)
        _write(target, kind, heads, rows, format, encoding, lang)
        return len(rows)

    def template(
        self, kind: str, target: Target, *, format: str | None = None, lang: str = "en", encoding: str = "utf-8-sig"
    ) -> None:
        """Write an empty file with the columns of ``kind`` (an XLSX template also explains each column)."""
        _write(target, kind, headers(kind, lang), [], format, encoding, lang)


def _write(
    target: Target, kind: str, heads: list[str], rows: list[list[Any]], fmt: str | None, encoding: str, lang: str
) -> None:
    path = target if isinstance(target, (str, Path)) else None
    fmt = format_of(path, None, fmt)
    if fmt == "csv":
        write_csv(target, heads, rows, encoding=encoding)
        return
    if encoding not in ("utf-8-sig", "utf-8", "gb18030"):
        raise InvalidInput(t("must be one of: utf-8-sig, utf-8, gb18030"), "encoding")
    notes_head = ["列", "必填", "说明"] if lang == "zh" else ["column", "required", "note"]
    notes = [[c.header(lang), ("是" if lang == "zh" else "yes") if c.required else "", c.note] for c in columns(kind)]
    write_xlsx(target, [Sheet(kind, heads, rows), Sheet("说明" if lang == "zh" else "notes", notes_head, notes)])
