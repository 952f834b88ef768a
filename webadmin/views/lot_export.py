"""The stock list as CSV or XLSX, with the list's current search and filters, read through the core (its scope)."""

from __future__ import annotations

import io
from datetime import datetime
from typing import Any

from flask import Response, flash, redirect, stream_with_context
from flask_admin.helpers import get_redirect_target
from flask_babel import gettext as _

from supplies.services.io.tabular import Sheet, csv_chunks, write_xlsx

from .. import labels
from ..auth import acting

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _columns() -> list[tuple[str, Any]]:
    """(header, value of a lot) for every exported column, headers in the user's language."""
    return [
        (_("Storage point"), lambda x: x.point),
        (_("Point name"), lambda x: x.point_name),
        (_("Item"), lambda x: x.item),
        (_("Item name"), lambda x: x.item_name),
        (_("Supply class"), lambda x: x.supply_class),
        (_("Agency"), lambda x: x.agency),
        (_("Batch"), lambda x: x.batch),
        (_("Reserve mode"), lambda x: str(labels.RESERVE_MODES.get(x.mode, x.mode))),
        (_("Expires"), lambda x: x.expires),
        (_("On hand"), lambda x: x.on_hand),
        (_("Reserved"), lambda x: x.reserved),
        (_("Free"), lambda x: x.free),
        (_("Unit"), lambda x: x.unit),
        (_("Lead time (hours)"), lambda x: x.lead_time_hours),
        (_("Level"), lambda x: str(labels.LEVELS.get(x.level, x.level))),
        (_("Region code"), lambda x: x.region_code),
    ]


def export_lots(view: Any, export_type: str) -> Any:
    """The lots the list at the same URL shows (every page of it, up to ``view.export_max_rows``) as a file.

    The list's search, filters and sort pick the lots; the core reads them, applying the user's
    scope, and the project's writers keep formula-like text inert.
    """
    if export_type not in view.export_types:
        flash(_('Export type "%(type)s" is not supported.', type=export_type), "error")
        return redirect(get_redirect_target() or view.get_url(".index_view"))
    args = view._get_list_extra_args()
    sort = view._get_column_by_idx(args.sort)
    _count, query = view.get_list(
        0,
        sort[0] if sort else None,
        args.sort_desc,
        args.search,
        args.filters,
        page_size=view.export_max_rows,
        execute=False,
    )
    chosen = query.with_entities(view.model.id).statement
    lots = acting().stock.lots(lot_ids=chosen, with_stock_only=False, limit=view.export_max_rows)
    columns = _columns()
    headers = [h for h, _value in columns]
    rows = ([value(lot) for _h, value in columns] for lot in lots)
    stamp = datetime.now().strftime("%Y%m%d-%H%M")
    if export_type == "csv":
        body = stream_with_context(_csv(headers, rows))
        return Response(
            body, mimetype="text/csv", headers={"Content-Disposition": f"attachment; filename=stock-{stamp}.csv"}
        )
    out = io.BytesIO()
    write_xlsx(out, [Sheet(_("Stock lots"), headers, rows)])
    return Response(
        out.getvalue(), mimetype=XLSX, headers={"Content-Disposition": f"attachment; filename=stock-{stamp}.xlsx"}
    )


def _csv(headers: list[str], rows: Any) -> Any:
    yield "\ufeff"  # Excel reads the file as UTF-8 (Chinese names intact)
    yield from csv_chunks(headers, rows)
