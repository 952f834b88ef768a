"""The stock list: every lot with its point, item, class, agency and balances, in the user's scope."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from flask_admin import expose
from flask_admin.contrib.sqla.filters import BaseSQLAFilter
from flask_admin.contrib.sqla.tools import parse_like_term
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.selectable import Join

from supplies.config import local_today
from supplies.models import Agency, Item, Role, StockLot, StoragePoint, SupplyClass
from supplies.permissions import scoped

from .. import labels
from .base import ReadOnlyModelView, RowLink
from .rows import (
    RowBase,
    agency_options,
    class_options,
    code_filters,
    contains,
    ids_matching,
    item_options,
    own_point_options,
    row_table,
)

STOCK_WRITERS = (Role.ADMIN.value, Role.WAREHOUSE.value, Role.AGENCY_OFFICER.value)


class _PointsFirst(Join):
    """An inner join that SQLite must run in the order written (``CROSS JOIN``); other databases plan it freely.

    PostgreSQL, with its statistics, walks the points' code index and sorts each point's lots for the
    default order. SQLite without statistics (a database nobody ran ANALYZE on) guessed otherwise and
    sorted all 200,000 lots of a province for a page of 50 (150 ms instead of 3 ms).
    """

    inherit_cache = True


@compiles(_PointsFirst, "sqlite")
def _points_first_sqlite(join: _PointsFirst, compiler: Any, **kw: Any) -> str:
    # The left side is one table, so the first " JOIN " is this join's own keyword.
    return str(compiler.visit_join(join, **kw)).replace(" JOIN ", " CROSS JOIN ", 1)


_lot_rows = row_table(
    select(
        StockLot.id,
        StockLot.point_id,
        StoragePoint.code.label("point"),
        StoragePoint.name.label("point_name"),
        StoragePoint.level,
        StoragePoint.region_code,
        StockLot.item_id,
        Item.code.label("item"),
        Item.name.label("item_name"),
        Item.unit,
        SupplyClass.code.label("supply_class"),
        StockLot.agency_id,
        Agency.code.label("agency"),
        StockLot.batch,
        StockLot.mode,
        StockLot.expires_on,
        StockLot.lead_time_hours,
        StockLot.on_hand,
        StockLot.reserved,
        (StockLot.on_hand - StockLot.reserved).label("free"),
        StockLot.updated_at,
    )
    # The points first, then their lots: the default order (point, item, expiry) walks the points'
    # code index and sorts each point's lots, and a page of 50 stops early (see _PointsFirst).
    .select_from(_PointsFirst(StoragePoint, StockLot, StoragePoint.id == StockLot.point_id))
    # Every lot has its item, class and agency (NOT NULL foreign keys), so outer joins give the same
    # rows; a query that reads none of their columns (the page's count) then leaves them out
    # (PostgreSQL's join removal) instead of planning and running three joins for nothing.
    .outerjoin(Item, Item.id == StockLot.item_id)
    .outerjoin(SupplyClass, SupplyClass.id == StockLot.class_id)
    .outerjoin(Agency, Agency.id == StockLot.agency_id),
    "lot_rows",
)


class LotRow(RowBase):
    __table__ = _lot_rows


def scope_stock(query: Any, point_col: Any, agency_col: Any) -> Any:
    """Warehouse staff read their own points, agency officers their agency's stock: the core's own rule."""
    return scoped(query, current_user.actor, point_col, agency_col)


class ExpiringWithin(BaseSQLAFilter):
    """Lots with an expiry date no later than N days from today (expired ones included)."""

    def apply(self, query: Any, value: Any, alias: Any = None) -> Any:
        limit = local_today() + timedelta(days=int(value))
        return query.filter(LotRow.expires_on.is_not(None), LotRow.expires_on <= limit)

    def clean(self, value: str) -> int:
        days = int(value)
        if days < 0:
            raise ValueError("days must be 0 or more")
        return days

    def operation(self) -> Any:
        return _l("within (days)")


class InStock(BaseSQLAFilter):
    def apply(self, query: Any, value: Any, alias: Any = None) -> Any:
        return query.filter(LotRow.on_hand > 0) if value == "1" else query.filter(LotRow.on_hand == 0)

    def operation(self) -> Any:
        return _l("is")


def _lot_action(endpoint: str, icon: str, title: Any) -> RowLink:
    return RowLink(icon, endpoint, title, "lot", roles=STOCK_WRITERS)


class LotView(ReadOnlyModelView):
    """Stock lots, read-only: quantities change only through the stock actions (and the ledger)."""

    column_list = (
        "point",
        "item",
        "item_name",
        "batch",
        "expires_on",
        "mode",
        "on_hand",
        "reserved",
        "free",
        "unit",
        "agency",
    )
    column_searchable_list = ("item", "item_name", "point", "point_name", "batch")
    column_filters = (
        *code_filters(LotRow.point, _l("Storage point"), own_point_options),
        *code_filters(LotRow.item, _l("Item"), item_options),
        *code_filters(LotRow.supply_class, _l("Supply class"), class_options),
        *code_filters(LotRow.agency, _l("Agency"), agency_options),
        "mode",
        "expires_on",
        "level",
        "region_code",
        "on_hand",
        ExpiringWithin(
            LotRow.expires_on,
            _l("Expires"),
            options=[("0", _l("already expired")), ("30", "30"), ("90", "90"), ("365", "365")],
        ),
        InStock(LotRow.on_hand, _l("In stock"), options=[("1", _l("yes")), ("0", _l("no"))]),
    )
    column_choices = {"mode": labels.choices(labels.RESERVE_MODES), "level": labels.choices(labels.LEVELS)}
    column_sortable_list = (
        "point",
        "item",
        "item_name",
        "batch",
        "expires_on",
        "mode",
        "on_hand",
        "reserved",
        "free",
        "agency",
    )
    column_default_sort = [("point", False), ("item", False), ("expires_on", False)]
    column_labels = {
        "point": _l("Storage point"),
        "point_name": _l("Point name"),
        "item": _l("Item"),
        "item_name": _l("Item name"),
        "batch": _l("Batch"),
        "expires_on": _l("Expires"),
        "mode": _l("Reserve mode"),
        "on_hand": _l("On hand"),
        "reserved": _l("Reserved"),
        "free": _l("Free"),
        "unit": _l("Unit"),
        "agency": _l("Agency"),
        "supply_class": _l("Supply class"),
        "level": _l("Level"),
        "region_code": _l("Region code"),
    }
    column_descriptions = {
        "reserved": _l("Held for approved dispatch requests."),
        "free": _l("On hand less reserved: what can be issued."),
    }
    column_formatters = {
        "mode": labels.formatter(labels.RESERVE_MODES),
        "expires_on": lambda v, c, m, n: _expiry(m.expires_on),
    }
    column_extra_row_actions = [
        _lot_action("stock_actions.issue", "fa fa-sign-out", _l("Issue")),
        _lot_action("stock_actions.transfer", "fa fa-exchange", _l("Transfer")),
        _lot_action("stock_actions.adjust", "fa fa-calculator", _l("Count")),
        _lot_action("stock_actions.rotate", "fa fa-refresh", _l("Rotate")),
        _lot_action("stock_actions.write_off", "fa fa-trash", _l("Write off")),
        RowLink("fa fa-book", "ledger.index_view", _l("Ledger"), "lot"),
    ]
    list_template = "supplies/lot_list.html"
    can_view_details = True  # the eye button opens the lot's own page (facts and ledger)
    can_export = True
    export_types = ["csv", "xlsx"]
    export_max_rows = 100_000

    def scope(self, query: Any) -> Any:
        return scope_stock(query, LotRow.point_id, LotRow.agency_id)

    def _apply_search(self, query: Any, count_query: Any, joins: Any, count_joins: Any, search: str) -> Any:
        """The search box over the columns of ``column_searchable_list``, each term in any of them.

        A term is looked up in the item and point tables (1,000 and 2,000 rows at a province) and
        their lots taken by their keys' indexes, and the batches through their own index, rather
        than matched against the same codes and names repeated on each of 200,000 lot rows: same
        rows found (see :func:`.rows.ids_matching`).
        """
        for term in search.split(" "):
            if not term:
                continue
            like = parse_like_term(term)
            found = ids_matching(
                LotRow.id,
                select(StockLot.id).where(
                    StockLot.item_id.in_(select(Item.id).where(contains(like, Item.code, Item.name)))
                ),
                select(StockLot.id).where(
                    StockLot.point_id.in_(
                        select(StoragePoint.id).where(contains(like, StoragePoint.code, StoragePoint.name))
                    )
                ),
                # A trigram index serves this on PostgreSQL (migration 0014).
                select(StockLot.id).where(contains(like, StockLot.batch)),
            )
            query = query.filter(found)
            count_query = count_query.filter(found) if count_query is not None else None
        return query, count_query, joins, count_joins

    @expose("/details/")
    def details_view(self) -> Any:
        from .lot_detail import lot_page

        return lot_page(self)

    @expose("/export/<export_type>/")
    def export(self, export_type: str) -> Any:
        from .lot_export import export_lots

        return export_lots(self, export_type)


def _expiry(value: date | None) -> Any:
    if value is None:
        return ""
    days = (value - local_today()).days
    style = "danger" if days < 0 else "warning" if days <= 30 else "info" if days <= 90 else ""
    if not style:
        return value.isoformat()
    return Markup('<span class="badge badge-{}">{}</span>').format(style, value.isoformat())
