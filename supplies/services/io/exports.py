"""Exporting every import kind to CSV or XLSX (English or Chinese headers), and blank templates.

An export is a file the import takes back unchanged: same columns, same codes, the closed
vocabularies in English or (with Chinese headers) in the Chinese labels the import reads.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from ...db import select_columns
from ...errors import InvalidInput
from ...i18n import t
from ...models import (
    Agency,
    ContractLine,
    Donation,
    DonationLot,
    Item,
    RequisitionLine,
    ReserveTarget,
    StockLot,
    StoragePoint,
    SupplyClass,
)
from ...permissions import Actor, scoped
from ...pii import mask_phone
from ..base import Service
from .columns import columns, headers, label
from .tabular import Sheet, format_of, write_csv, write_xlsx

if TYPE_CHECKING:
    from ...inventory import Inventory

Target = str | Path | IO[bytes]
# A run of digits (with dashes or spaces between) long enough to be a phone number.
_PHONE = re.compile(r"\+?\d[\d -]{5,}\d")


def without_phones(text: str | None) -> str | None:
    """``text`` with every phone number in it masked (``张经理 139****1111``): exports carry no phone."""
    if not text:
        return text
    return _PHONE.sub(lambda m: mask_phone(m.group()) or "", text)


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
                Item.tracked,
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
        # Lots booked by a contract, a donation or a requisition are exported with that kind: their
        # import signs, receives or requisitions them again (a stock row would book them twice).
        .where(
            col(StockLot.id).not_in(select(ContractLine.lot_id)),
            col(StockLot.id).not_in(select(DonationLot.lot_id)),
            col(StockLot.id).not_in(select(RequisitionLine.lot_id)),
        )
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


# The kinds of the contract, donation and requisition services: read through the services' own
# lists, so that an export shows what the list shows the user (scoped by jurisdiction and point).


def _contracts(inv: Inventory) -> list[tuple[Any, ...]]:
    return [
        (
            c.code,
            c.company,
            c.credit_code,
            without_phones(c.contact),
            c.point,
            ln.item,
            ln.quantity,
            ln.unit_price,
            c.valid_from,
            c.valid_to,
            c.lead_time_hours,
            c.mode,
        )
        for c in sorted(inv.contracts.list(), key=lambda c: c.code)
        for ln in c.lines
    ]


def _donors(inv: Inventory) -> list[tuple[Any, ...]]:
    # The contact (a person's phone or address) is personal data: never in an export.
    return [(d.code, d.name, d.kind, d.anonymous, None) for d in inv.donors.list()]


def _donations(inv: Inventory) -> list[tuple[Any, ...]]:
    receipts = inv.donations.list()
    with inv.exports._work(write=False, lag_ok=True) as (s, _):
        lot_ids = {d.lot_id for d in receipts if d.lot_id is not None}
        expiry = dict(
            s.exec(select(col(StockLot.id), col(StockLot.expires_on)).where(col(StockLot.id).in_(lot_ids))).all()
        )
        # The certificate as given (the receipt shows DON-<id> when none was).
        given = dict(
            s.exec(
                select(col(Donation.id), col(Donation.certificate)).where(
                    col(Donation.id).in_([d.id for d in receipts])
                )
            ).all()
        )
    return [
        (
            d.donor,
            d.point,
            d.item,
            d.quantity,
            d.batch,
            expiry.get(d.lot_id) if d.lot_id is not None else None,
            given.get(d.id),
            d.triage,
            d.reason,
            d.restriction,
        )
        for d in receipts
    ]


def _requisitions(inv: Inventory) -> list[tuple[Any, ...]]:
    # owner_id is the service's own: a person's ID number masked, a company's credit code (public).
    return [
        (
            r.id,
            r.authority,
            r.basis,
            r.owner,
            r.owner_kind,
            r.owner_id,
            r.point,
            ln.item,
            ln.quantity,
            ln.unit_value,
            ln.daily_rate,
            r.started_at.replace(tzinfo=None, microsecond=0),
            r.status,
            r.compensation_status,
            r.compensation_total,
        )
        for r in sorted(inv.requisitions.list(), key=lambda r: r.id)
        for ln in r.lines
    ]


_SERVICE_QUERIES: dict[str, Callable[[Inventory], list[tuple[Any, ...]]]] = {
    "contracts": _contracts,
    "donors": _donors,
    "donations": _donations,
    "requisitions": _requisitions,
}


class Exports(Service):
    """Exports and templates of every import kind: ``inv.exports``."""

    def rows(self, kind: str, *, lang: str = "en") -> tuple[list[str], list[list[Any]]]:
        """The header and the rows an export of ``kind`` writes (warehouse staff see their own stock)."""
        heads = headers(kind, lang)
        keys = [c.key for c in columns(kind)]
        if kind in _SERVICE_QUERIES:
            raw = _SERVICE_QUERIES[kind](self._inv)
        else:
            with self._work(write=False, lag_ok=True) as (s, actor):
                raw = _QUERIES[kind](s, actor)
        return heads, [[label(k, v, lang, kind) if isinstance(v, str) else v for k, v in zip(keys, row)] for row in raw]

    def file(
        self, kind: str, target: Target, *, format: str | None = None, lang: str = "en", encoding: str = "utf-8-sig"
    ) -> int:
        """Write ``kind`` to ``target`` as CSV (``encoding`` utf-8-sig, utf-8 or gb18030) or XLSX;
        returns the number of rows written."""
        heads, rows = self.rows(kind, lang=lang)
        _write(target, kind, heads, rows, format, encoding, lang)
        return len(rows)

    def ledger(
        self,
        target: Target,
        *,
        format: str | None = None,
        lang: str = "en",
        encoding: str = "utf-8-sig",
        tz: str | None = None,
        point: str | None = None,
        item: str | None = None,
        since: date | datetime | None = None,
        until: date | datetime | None = None,
        kinds: tuple[str, ...] | None = None,
    ) -> int:
        """Write the ledger (every movement the user may read, oldest first) to ``target`` as CSV or XLSX.

        The lines are read and written a chunk at a time (a server-side cursor on PostgreSQL): a
        province's whole ledger exports in bounded memory. Filters as :meth:`~supplies.services.stock.
        queries.StockQueries.ledger`; returns the number of lines written.
        """
        from .ledger_file import write_ledger

        lines = self._inv.stock.ledger_stream(point=point, item=item, since=since, until=until, kinds=kinds)
        try:
            return write_ledger(lines, target, format=format, lang=lang, encoding=encoding, tz=tz)
        finally:
            lines.close()

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
