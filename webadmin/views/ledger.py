"""The ledger (台账): every movement, read-only, with filters and CSV / Excel export."""

from __future__ import annotations

import io
from datetime import datetime
from typing import Any

from flask import Response, flash, g, redirect, request, stream_with_context
from flask_admin import expose
from flask_admin.contrib.sqla.tools import parse_like_term
from flask_admin.helpers import get_redirect_target
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, union_all

from supplies.limits import MAX_ID
from supplies.models import Agency, Item, Movement, StockLot, StoragePoint, User
from supplies.services.io.tabular import Sheet, csv_chunks, write_xlsx

from .. import labels
from ..converters import to_local
from .base import ReadOnlyModelView
from .rows import (
    RowBase,
    agency_options,
    code_filters,
    contains,
    ids_matching,
    item_options,
    own_point_options,
    row_table,
)
from .stock import scope_stock

_ledger_rows = row_table(
    select(
        Movement.id,
        Movement.at,
        Movement.kind,
        Movement.point_id,
        StoragePoint.code.label("point"),
        Movement.item_id,
        Item.code.label("item"),
        Item.name.label("item_name"),
        Item.unit,
        Movement.lot_id,
        StockLot.batch,
        Movement.agency_id,
        Agency.code.label("agency"),
        Movement.qty,
        Movement.reserved_delta,
        Movement.balance_after,
        Movement.actor_id,
        User.name.label("actor"),
        Movement.reference,
        Movement.reason,
        Movement.related_lot_id,
    )
    .join(StockLot, StockLot.id == Movement.lot_id)
    .join(Item, Item.id == Movement.item_id)
    .join(StoragePoint, StoragePoint.id == Movement.point_id)
    .join(Agency, Agency.id == Movement.agency_id)
    .outerjoin(User, User.id == Movement.actor_id),
    "ledger_rows",
)


class LedgerRow(RowBase):
    __table__ = _ledger_rows


_COLUMNS = (
    "at",
    "kind",
    "point",
    "item",
    "item_name",
    "batch",
    "agency",
    "qty",
    "reserved_delta",
    "balance_after",
    "unit",
    "actor",
    "reference",
    "reason",
)


class LedgerView(ReadOnlyModelView):
    """The append-only ledger: nothing here can be changed, only read and exported."""

    column_list = (
        "at",
        "kind",
        "point",
        "item",
        "item_name",
        "batch",
        "qty",
        "reserved_delta",
        "balance_after",
        "actor",
        "reference",
        "reason",
    )
    column_export_list = _COLUMNS
    column_searchable_list = ("item", "item_name", "point", "batch", "reference", "reason", "actor")
    column_filters = (
        "at",
        "kind",
        *code_filters(LedgerRow.point, _l("Storage point"), own_point_options),
        *code_filters(LedgerRow.item, _l("Item"), item_options),
        *code_filters(LedgerRow.agency, _l("Agency"), agency_options),
        "actor",
        "reference",
    )
    column_choices = {"kind": labels.choices(labels.MOVEMENT_KINDS)}
    column_sortable_list = ("at", "kind", "point", "item", "qty", "balance_after", "actor")
    column_default_sort = [("at", True), ("id", True)]
    column_labels = {
        "at": _l("Time"),
        "kind": _l("Movement"),
        "point": _l("Storage point"),
        "item": _l("Item"),
        "item_name": _l("Item name"),
        "batch": _l("Batch"),
        "agency": _l("Agency"),
        "qty": _l("Quantity"),
        "reserved_delta": _l("Reserved change"),
        "balance_after": _l("Balance after"),
        "unit": _l("Unit"),
        "actor": _l("By"),
        "reference": _l("Reference"),
        "reason": _l("Reason"),
        "lot_id": _l("Lot"),
    }
    column_formatters = {
        "kind": labels.formatter(labels.MOVEMENT_KINDS),
        "qty": lambda v, c, m, n: f"{m.qty:+d}" if m.qty else "0",
        "reserved_delta": lambda v, c, m, n: f"{m.reserved_delta:+d}" if m.reserved_delta else "",
    }
    column_formatters_export = {"kind": labels.formatter(labels.MOVEMENT_KINDS)}
    column_display_actions = False
    can_export = True
    export_types = ["csv", "xlsx"]
    # The web export is for a filtered period; the whole ledger of a province goes through the CLI.
    export_max_rows = 100_000
    # Counting two million lines for a page total is slow; the ledger pages forward and back instead.
    simple_list_pager = True

    def scope(self, query: Any) -> Any:
        return scope_stock(query, LedgerRow.point_id, LedgerRow.agency_id)

    def get_list(  # type: ignore[override]
        self,
        page: int | None,
        sort_column: Any,
        sort_desc: bool,
        search: str | None,
        filters: Any,
        execute: bool = True,
        page_size: int | None = None,
    ) -> Any:
        # A search shown newest first with no filter (the search box alone) needs, of each way a
        # movement is found, only its newest rows up to the end of the page: see _apply_search.
        size = page_size if page_size is not None else self.page_size
        plain = sort_column is None and not filters and request.args.get("lot") is None and bool(size)
        g.ledger_search_newest = (page or 0) * size + size + 1 if plain else None
        return super().get_list(page, sort_column, sort_desc, search, filters, execute, page_size)

    def _apply_search(self, query: Any, count_query: Any, joins: Any, count_joins: Any, search: str) -> Any:
        """The search box over the columns of ``column_searchable_list``, each term in any of them.

        The codes and names are looked up in their own tables (items, points, lots' batches,
        users) and the movements taken by those keys' indexes; the reference and reason through
        their own index (trigrams on PostgreSQL). Matching the joined row's seven columns read all
        2,000,000 movements of a province for every search. Same rows found.

        Newest first with no filter (the default order), the movements found (in the user's scope)
        are cut to as many as the pages up to this one hold before the page reads them: a city
        depot's 30,000 movements are found from the indexes, but only 50 of them read in full.
        """
        newest = g.get("ledger_search_newest")
        for term in search.split(" "):
            if not term:
                continue
            like = parse_like_term(term)
            branches = [
                Movement.item_id.in_(select(Item.id).where(contains(like, Item.code, Item.name))),
                Movement.point_id.in_(select(StoragePoint.id).where(contains(like, StoragePoint.code))),
                Movement.lot_id.in_(select(StockLot.id).where(contains(like, StockLot.batch))),
                Movement.actor_id.in_(select(User.id).where(contains(like, User.name))),
                contains(like, Movement.reference, Movement.reason),
            ]
            found = (
                ids_matching(LedgerRow.id, *(select(Movement.id).where(where) for where in branches))
                if newest is None
                else LedgerRow.id.in_(_newest(branches, newest))
            )
            query = query.filter(found)
            count_query = count_query.filter(found) if count_query is not None else None
        return query, count_query, joins, count_joins

    def get_query(self) -> Any:
        return _of_lot(super().get_query())

    def get_count_query(self) -> Any:
        return _of_lot(super().get_count_query())

    @expose("/export/<export_type>/")
    def export(self, export_type: str) -> Any:
        return_url = get_redirect_target() or self.get_url(".index_view")
        if export_type not in self.export_types:
            flash(_('Export type "%(type)s" is not supported.', type=export_type), "error")
            return redirect(return_url)
        _count, rows = self._export_data()
        headers = [str(label) for _name, label in self._export_columns]
        names = [name for name, _label in self._export_columns]
        stamp = datetime.now().strftime("%Y%m%d-%H%M")
        if export_type == "csv":
            return Response(
                stream_with_context(self._csv(headers, names, rows)),
                mimetype="text/csv",
                headers={"Content-Disposition": f"attachment; filename=ledger-{stamp}.csv"},
            )
        return Response(
            self._xlsx(headers, names, rows),
            mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            headers={"Content-Disposition": f"attachment; filename=ledger-{stamp}.xlsx"},
        )

    def _value(self, row: Any, name: str) -> Any:
        if name == "at":
            return to_local(row.at).replace(tzinfo=None, microsecond=0)
        if name == "kind":
            return str(labels.MOVEMENT_KINDS.get(row.kind, row.kind))
        return getattr(row, name)

    def _csv(self, headers: list[str], names: list[str], rows: list[Any]) -> Any:
        # The byte-order mark makes Excel read the file as UTF-8 (Chinese names intact); the
        # library's writer keeps formula-like names and batches inert.
        yield "\ufeff"
        yield from csv_chunks(headers, ([self._value(row, n) for n in names] for row in rows))

    def _xlsx(self, headers: list[str], names: list[str], rows: list[Any]) -> bytes:
        out = io.BytesIO()
        write_xlsx(out, [Sheet(str(_("Ledger")), headers, ([self._value(row, n) for n in names] for row in rows))])
        return out.getvalue()


def _newest(branches: list[Any], newest: int) -> Any:
    """The ids of the ``newest`` movements in the user's scope that any of ``branches`` finds, newest first."""
    found = union_all(
        *(
            scope_stock(select(Movement.id, Movement.at).where(where), Movement.point_id, Movement.agency_id)
            for where in branches
        )
    ).subquery()
    return select(found.c.id).order_by(found.c.at.desc(), found.c.id.desc()).limit(newest)


def _of_lot(query: Any) -> Any:
    """The ledger of one lot when ``?lot=ID`` asks for it (an id no lot can have shows nothing)."""
    lot = request.args.get("lot", type=int)
    if lot is None:
        return query
    return query.filter(LedgerRow.lot_id == (lot if 1 <= lot <= MAX_ID else -1))
