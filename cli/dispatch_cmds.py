"""`supplies incident ...`, `request ...` and `plan`: incidents, dispatch requests through to receipt, allocation."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

import click

from .complete import AGENCY, POINT
from .context import App, pass_app
from .output import local, to_jsonable
from .vocab import INCIDENT_LEVELS, INCIDENT_TYPES, REQUEST_STATES

STRATEGIES = ("earliest", "optimal")


class WhenType(click.ParamType):
    """A time: ISO 8601 (the department's time unless it names a zone) or relative to now: +90m, +12h, -2h, +2d."""

    name = "TIME"
    _relative = re.compile(r"^([+-])(\d+(?:\.\d+)?)([mhd])$")

    def convert(self, value: Any, param: Any, ctx: Any) -> datetime:
        if isinstance(value, datetime):
            return value
        text = str(value).strip()
        match = self._relative.match(text)
        if match:
            sign, amount, unit = match.groups()
            delta = timedelta(**{{"m": "minutes", "h": "hours", "d": "days"}[unit]: float(amount)})
            return datetime.now().astimezone() + (delta if sign == "+" else -delta)
        try:
            when = datetime.fromisoformat(text)
        except ValueError:
            self.fail(f"{text!r} is not a time: use 2025-07-01T18:00, 2025-07-01 18:00+08:00 or +12h", param, ctx)
        # A time without a zone is the department's wall-clock time (SUPPLIES_TIMEZONE), the zone the
        # command shows times in: the same on a dispatcher's laptop and on a server kept in UTC.
        from supplies.config import department_zone

        return when if when.tzinfo else when.replace(tzinfo=department_zone())


class CodeQtyType(click.ParamType):
    """CODE=QTY, e.g. PLAN14:3.05=200."""

    name = "CODE=QTY"

    def convert(self, value: Any, param: Any, ctx: Any) -> tuple[str, int]:
        if isinstance(value, tuple):
            return value
        code, sep, qty = str(value).rpartition("=")
        if not sep or not code.strip():
            self.fail(f"{value!r} is not CODE=QTY (for example PLAN14:3.05=200)", param, ctx)
        try:
            return code.strip(), int(qty)
        except ValueError:
            self.fail(f"{qty!r} in {value!r} is not a whole number", param, ctx)


WHEN = WhenType()
CODE_QTY = CodeQtyType()


# -- incidents ------------------------------------------------------------------------------------


@click.group()
def incident() -> None:
    """Incidents (disasters) that dispatch requests answer."""


@incident.command("add")
@click.argument("name")
@click.option("--type", "type_", required=True, type=click.Choice(INCIDENT_TYPES), help="What happened.")
@click.option("--level", required=True, type=click.Choice(INCIDENT_LEVELS), help="Response level I (gravest) to IV.")
@click.option("--lat", required=True, type=float, help="Latitude of the affected place.")
@click.option("--lon", required=True, type=float, help="Longitude of the affected place.")
@click.option("--population", default=0, type=int, help="People affected.")
@click.option("--region", "region_code", metavar="CODE", help="Region code of the affected place.")
@click.option("--started-at", type=WHEN, help="When it started: ISO time or -3h (default: now).")
@pass_app
def incident_add(
    app: App,
    name: str,
    type_: str,
    level: str,
    lat: float,
    lon: float,
    population: int,
    region_code: str | None,
    started_at: datetime | None,
) -> None:
    """Record an incident NAME and print its id.

    \b
    supplies incident add "羡塘镇洪涝" --type flood --level IV --lat 25.94 --lon 106.56 --population 3000
    """
    view = app.inventory().incidents.add(
        name,
        type=type_,
        level=level,
        lat=lat,
        lon=lon,
        population=population,
        region_code=region_code,
        started_at=started_at,
    )
    app.out.result(view, lambda: _print_id(app, view.id, f"recorded incident #{view.id} {view.name}"))


@incident.command("list")
@click.option("--status", type=click.Choice(("open", "closed")), help="Only open or closed incidents.")
@pass_app
def incident_list(app: App, status: str | None) -> None:
    """List incidents, newest first."""
    rows = app.inventory().incidents.list(status=status)
    app.out.result(
        rows,
        lambda: app.out.table(
            ["id", "name", "type", "level", "population", "region", "started", "status"],
            [(i.id, i.name, i.type, i.level, i.population, i.region_code, i.started_at, i.status) for i in rows],
            empty="no incidents",
        ),
    )


@incident.command("close")
@click.argument("incident_id", metavar="ID", type=int)
@pass_app
def incident_close(app: App, incident_id: int) -> None:
    """Close incident ID once none of its requests has work left."""
    view = app.inventory().incidents.close(incident_id)
    app.out.result(view, f"incident #{view.id} closed")


# -- requests -------------------------------------------------------------------------------------


@click.group()
def request() -> None:
    """Dispatch requests (调拨申请), from draft to receipt.

    \b
    draft → submitted → approved → allocated → dispatched → received → closed
    (or rejected, cancelled)
    """


@request.command("create")
@click.option("--incident", "incident_id", required=True, type=int, metavar="ID", help="The incident it answers.")
@click.option(
    "--line",
    "lines",
    required=True,
    multiple=True,
    type=CODE_QTY,
    help="ITEM_OR_CLASS=QTY; a class is served by any of its items. Repeat for more lines.",
)
@click.option("--dest-point", metavar="CODE", shell_complete=POINT, help="Destination: a storage point or shelter.")
@click.option("--dest-lat", type=float, help="Or destination latitude ...")
@click.option("--dest-lon", type=float, help="... and longitude.")
@click.option("--needed-by", type=WHEN, help="Needed by: ISO time (the department's unless zoned) or +12h.")
@click.option("--priority", default=3, show_default=True, type=int, help="1 (most urgent) to 5.")
@click.option("--unit", "requesting_unit", metavar="TEXT", help="The requesting unit (申请单位).")
@click.option("--note", metavar="TEXT", help="Free text.")
@pass_app
def request_create(
    app: App,
    incident_id: int,
    lines: tuple[tuple[str, int], ...],
    dest_point: str | None,
    dest_lat: float | None,
    dest_lon: float | None,
    needed_by: datetime | None,
    priority: int,
    requesting_unit: str | None,
    note: str | None,
) -> None:
    """Create a draft request and print its id.

    \b
    supplies request create --incident 1 --dest-point HS-SH01 \\
        --line PLAN14:3.05=300 --line PLAN14:3.01=40 --needed-by +8h --priority 1
    """
    view = app.inventory().requests.create(
        incident_id,
        lines=list(lines),
        dest_lat=dest_lat,
        dest_lon=dest_lon,
        dest_point=dest_point,
        needed_by=needed_by,
        priority=priority,
        requesting_unit=requesting_unit,
        note=note,
    )
    app.out.result(view, lambda: _print_id(app, view.id, f"created request #{view.id} (draft)"))


def _transition(app: App, request_id: int, action: str, **kwargs: Any) -> None:
    result = getattr(app.inventory().requests, action)(request_id, **kwargs)
    doc = to_jsonable(result) if result is not None else None
    if not isinstance(doc, dict):
        doc = {"id": request_id, "status": to_jsonable(app.inventory().requests.show(request_id)).get("status")}
    status = doc.get("status", "")
    app.out.result(doc, f"request #{request_id}: {status}" if status else f"request #{request_id}: {action} done")


@request.command("submit")
@click.argument("request_id", metavar="ID", type=int)
@pass_app
def request_submit(app: App, request_id: int) -> None:
    """Submit draft request ID for approval."""
    _transition(app, request_id, "submit")


@request.command("approve")
@click.argument("request_id", metavar="ID", type=int)
@pass_app
def request_approve(app: App, request_id: int) -> None:
    """Approve submitted request ID (dispatchers of the emergency-management department)."""
    _transition(app, request_id, "approve")


@request.command("reject")
@click.argument("request_id", metavar="ID", type=int)
@click.option("--reason", required=True, metavar="TEXT", help="Why it is rejected.")
@pass_app
def request_reject(app: App, request_id: int, reason: str) -> None:
    """Reject submitted request ID."""
    _transition(app, request_id, "reject", reason=reason)


@request.command("cancel")
@click.argument("request_id", metavar="ID", type=int)
@click.option("--reason", metavar="TEXT", help="Why it is cancelled.")
@pass_app
def request_cancel(app: App, request_id: int, reason: str | None) -> None:
    """Cancel request ID; stock reserved for it is released."""
    _transition(app, request_id, "cancel", reason=reason)


@request.command("escalate")
@click.argument("request_id", metavar="ID", type=int)
@click.option("--note", metavar="TEXT", help="A word for the level above.")
@pass_app
def request_escalate(app: App, request_id: int, note: str | None) -> None:
    """Ask the jurisdiction above for request ID's shortfall (上报 / 申请上级调拨); print the new request.

    The new request, submitted in the parent jurisdiction, asks for what ID could not be allocated
    here, with the same incident, destination, deadline and priority. `--json` gives its `id`.

    \b
    supplies request escalate 12
    """
    above = app.inventory().requests.escalate(request_id, note=note)
    app.out.result(
        above,
        f"request #{above.id} in jurisdiction {above.jurisdiction} asks for the shortfall of request #{request_id}"
        f" ({above.status})",
    )


@request.command("close")
@click.argument("request_id", metavar="ID", type=int)
@pass_app
def request_close(app: App, request_id: int) -> None:
    """Close received request ID."""
    _transition(app, request_id, "close")


@request.command("dispatch")
@click.argument("request_id", metavar="ID", type=int)
@click.option(
    "--agency", metavar="CODE", shell_complete=AGENCY, help="Only this agency's share (each agency executes its own)."
)
@click.option("--point", metavar="CODE", shell_complete=POINT, help="Only the rows at this storage point.")
@pass_app
def request_dispatch(app: App, request_id: int, agency: str | None, point: str | None) -> None:
    """Issue the stock reserved for request ID (出库) through the ledger.

    Issues the rows you may execute: warehouse staff the rows at their points, an agency officer
    the agency's rows, a dispatcher every row (or --agency / --point).
    """
    result = app.inventory().requests.dispatch(request_id, agency=agency, point=point)
    doc = to_jsonable(result)

    def human() -> None:
        rows = doc.get("rows", [])
        app.out.table(
            ["item", "point", "lot", "quantity", "agency"],
            [(r.get("item"), r.get("point"), r.get("lot"), r.get("quantity"), r.get("agency")) for r in rows],
        )
        issued = sum(r.get("quantity") or 0 for r in rows)
        share = f"{agency}'s share, " if agency else ""
        app.out.print(f"request #{request_id}: {share}{issued} units issued; status {doc.get('status')}")
        if doc.get("waiting"):
            app.out.note(f"{doc['waiting']} units are still reserved for other agencies to dispatch")

    app.out.result(doc, human)


@request.command("receive")
@click.argument("request_id", metavar="ID", type=int)
@click.option(
    "--received",
    "received",
    multiple=True,
    type=CODE_QTY,
    help="ITEM=QTY that arrived, when it differs from what was dispatched. Repeat per item.",
)
@pass_app
def request_receive(app: App, request_id: int, received: tuple[tuple[str, int], ...]) -> None:
    """Confirm that request ID arrived at its destination (differences are recorded)."""
    detail = to_jsonable(app.inventory().requests.receive(request_id, received=dict(received) or None))

    def human() -> None:
        _show_lines(app, detail)
        _show_arrivals(app, detail)
        app.out.print(f"request #{request_id}: {detail.get('status')}")

    app.out.result(detail, human)


@request.command("allocate")
@click.argument("request_id", metavar="ID", type=int)
@click.option(
    "--strategy",
    default="earliest",
    show_default=True,
    type=click.Choice(STRATEGIES),
    help="earliest: earliest arrival first, then earliest expiry; optimal: least weighted arrival.",
)
@click.option("--dry-run", is_flag=True, help="Show the plan without reserving anything.")
@pass_app
def request_allocate(app: App, request_id: int, strategy: str, dry_run: bool) -> None:
    """Reserve stock for approved request ID, nearest arrival first."""
    plan_ = app.inventory().requests.allocate(request_id, strategy=strategy, dry_run=dry_run)
    app.out.result(plan_, lambda: _show_plan(app, to_jsonable(plan_)))


@request.command("reallocate")
@click.argument("request_id", metavar="ID", type=int)
@click.option("--strategy", default="earliest", show_default=True, type=click.Choice(STRATEGIES))
@pass_app
def request_reallocate(app: App, request_id: int, strategy: str) -> None:
    """Release request ID's reservations and allocate again (after stock or travel times changed)."""
    plan_ = app.inventory().requests.reallocate(request_id, strategy=strategy)
    app.out.result(plan_, lambda: _show_plan(app, to_jsonable(plan_)))


@request.command("show")
@click.argument("request_id", metavar="ID", type=int)
@pass_app
def request_show(app: App, request_id: int) -> None:
    """Show request ID: its lines, allocation rows (point, lot, agency, arrival) and history."""
    detail = app.inventory().requests.show(request_id)
    app.out.result(detail, lambda: _show_detail(app, to_jsonable(detail)))


@request.command("list")
@click.option("--status", type=click.Choice(REQUEST_STATES), help="Only requests in this state.")
@click.option("--incident", "incident_id", type=int, metavar="ID", help="Only requests of this incident.")
@pass_app
def request_list(app: App, status: str | None, incident_id: int | None) -> None:
    """List dispatch requests."""
    rows = app.inventory().requests.list(status=status, incident_id=incident_id)
    docs = [to_jsonable(r) for r in rows]
    app.out.result(
        docs,
        lambda: app.out.table(
            ["id", "incident", "status", "priority", "needed by", "destination", "unit", "lines"],
            [
                (
                    d.get("id"),
                    d.get("incident_id"),
                    d.get("status"),
                    d.get("priority"),
                    _when(d.get("needed_by")),
                    _destination(d),
                    d.get("requesting_unit"),
                    d.get("lines_count"),
                )
                for d in docs
            ],
            empty="no requests match",
        ),
    )


@request.command("pick-list")
@click.argument("request_id", metavar="ID", type=int)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(("html", "xlsx")),
    help="Write printable documents instead of the table: html (A4, QR code, signature lines) or xlsx.",
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, writable=True),
    metavar="FILE",
    help="The file to write (html goes to stdout without it; xlsx needs it).",
)
@click.option(
    "--kind",
    type=click.Choice(("pick", "delivery")),
    default="pick",
    show_default=True,
    help="pick: what is reserved, to load (拣货单); delivery: what was dispatched (出库单).",
)
@click.option("--agency", metavar="CODE", shell_complete=AGENCY, help="Only this agency's documents.")
@click.option("--point", metavar="CODE", shell_complete=POINT, help="Only the documents of this storage point.")
@pass_app
def request_pick_list(
    app: App, request_id: int, fmt: str | None, out: str | None, kind: str, agency: str | None, point: str | None
) -> None:
    """Pick lists of request ID: per agency and storage point, what to load, with the contact to call.

    \b
    supplies request pick-list 12                                  # a table per agency and point
    supplies request pick-list 12 --format html --out pick-12.html # to print: A4, QR code, signatures
    supplies request pick-list 12 --format xlsx --out pick-12.xlsx --agency HSYJ
    supplies request pick-list 12 --kind delivery --format html --out notes-12.html   # 出库单
    """
    if fmt is not None:
        _write_documents(app, request_id, fmt, out, kind, agency, point)
        return
    if out:
        from supplies.errors import InvalidInput

        raise InvalidInput("--out needs --format html or xlsx", "out")
    if kind != "pick" or agency or point:
        _show_documents(app, request_id, kind, agency, point)
        return
    lists = app.inventory().requests.pick_lists(request_id)
    docs = [to_jsonable(p) for p in lists]

    def human() -> None:
        if not docs:
            app.out.note(f"request #{request_id} has nothing reserved to pick")
        for p in docs:
            contact = " ".join(x for x in (p.get("contact"), p.get("phone")) if x)
            title = f"{p.get('point')} {p.get('point_name') or ''} — {p.get('agency')} {p.get('agency_name') or ''}" + (
                f" ({contact})" if contact else ""
            )
            lines = p.get("lines", [])
            serials = any(_serials(x) for x in lines)  # units of equipment named: their serial numbers
            app.out.table(
                ["item", "name", "lot", "quantity", "unit"] + (["serials"] if serials else []),
                [_pick_line(x) + ((" ".join(_serials(x)),) if serials else ()) for x in lines],
                title=title,
            )

    app.out.result(docs, human)


def _show_documents(app: App, request_id: int, kind: str, agency: str | None, point: str | None) -> None:
    """Pick lists or delivery notes, narrowed to an agency or a point, as tables."""
    from supplies.services.dispatch.documents import pick_documents

    docs = pick_documents(app.inventory(), request_id, kind=kind, agency=agency, point=point)

    def human() -> None:
        if not docs:
            app.out.note(f"request #{request_id} has nothing {'reserved to pick' if kind == 'pick' else 'dispatched'}")
        for d in docs:
            contact = " ".join(x for x in (d.contact, d.phone) if x)
            app.out.table(
                ["item", "name", "lot", "expires", "quantity", "unit"],
                [(x.item, x.item_name, x.batch, x.expires, x.quantity, x.unit) for x in d.lines],
                title=f"{d.point} {d.point_name} — {d.agency} {d.agency_name}" + (f" ({contact})" if contact else ""),
            )

    app.out.result(docs, human)


def _write_documents(
    app: App, request_id: int, fmt: str, out: str | None, kind: str, agency: str | None, point: str | None
) -> None:
    """Pick lists or delivery notes as a printable HTML page or an XLSX workbook."""
    from supplies.errors import InvalidInput, RuleViolation
    from supplies.services.dispatch.documents import (
        pick_documents,
        write_documents_xlsx,
    )

    if fmt == "xlsx" and not out:
        raise InvalidInput("an xlsx workbook needs --out FILE", "out")
    if app.out.json_mode and not out:
        raise InvalidInput("with --json, write the page to --out FILE", "out")
    docs = pick_documents(app.inventory(), request_id, kind=kind, agency=agency, point=point)
    if not docs:
        what = "reserved to pick" if kind == "pick" else "dispatched"
        raise RuleViolation(
            f"request #{request_id} has nothing {what}"
            + (f" for {agency}" if agency else "")
            + (f" at {point}" if point else ""),
            "id",
        )
    if fmt == "xlsx":
        write_documents_xlsx(docs, out)  # type: ignore[arg-type]
    else:
        from supplies.services.dispatch.printed import render_documents

        page = render_documents(docs)
        if out:
            with open(out, "w", encoding="utf-8") as handle:
                handle.write(page)
        else:
            click.echo(page)
            return
    summary = {
        "request_id": request_id,
        "kind": kind,
        "format": fmt,
        "out": out,
        "documents": len(docs),
        "units": sum(d.total for d in docs),
    }
    app.out.result(
        summary,
        lambda: app.out.note(
            f"request #{request_id}: {len(docs)} {'pick lists' if kind == 'pick' else 'delivery notes'} "
            f"({summary['units']} units) written to {out}"
        ),
    )


@click.command()
@click.option("--dry-run", is_flag=True, help="Show the plan without reserving anything.")
@pass_app
def plan(app: App, dry_run: bool) -> None:
    """Allocate all approved requests together.

    Optimal: the most urgent requests are served first when stock is short, then the total
    priority-weighted arrival time is the least possible.
    """
    with app.out.progress("planning", None):
        result = app.inventory().requests.plan(dry_run=dry_run)
    doc = to_jsonable(result)

    def human() -> None:
        plans = doc.get("plans", [])
        if not plans:
            app.out.note("no approved requests to allocate")
            return
        for p in plans:
            _show_plan(app, p)
        units = sum(r.get("quantity") or 0 for p in plans for r in p.get("rows", []))
        short = sum(s.get("short") or 0 for s in doc.get("shortfalls", []))
        verb = "would reserve" if dry_run else "reserved"
        app.out.print(
            f"{len(plans)} requests: {verb} {units} units, {short} short; "
            f"priority-weighted unit-hours {doc.get('total_weighted_eta', 0):.1f}"
        )

    app.out.result(result, human)


# -- rendering ------------------------------------------------------------------------------------


def _print_id(app: App, new_id: int, message: str) -> None:
    """The bare id on stdout, so that ID=$(supplies request create ...) works; words on stderr."""
    click.echo(new_id)
    app.out.note(message)


def _show_plan(app: App, p: dict[str, Any]) -> None:
    dry = " (dry run: nothing reserved)" if p.get("dry_run") else ""
    app.out.table(
        ["item", "from", "point", "lot", "quantity", "agency", "arrives in (h)", "expires"],
        [
            (
                r.get("item"),
                r.get("point"),
                r.get("point_name"),
                r.get("lot"),
                r.get("quantity"),
                r.get("agency"),
                _hours(r.get("eta_hours")),
                r.get("expires"),
            )
            for r in p.get("rows", [])
        ],
        title=f"request #{p.get('request_id')} — {p.get('strategy')}{dry}",
        empty=f"request #{p.get('request_id')}: nothing could be allocated",
    )
    _show_shortfalls(app, p.get("shortfalls", []))
    if p.get("status") and not p.get("dry_run"):
        app.out.print(f"request #{p.get('request_id')}: {p['status']}")


def _show_shortfalls(app: App, shortfalls: list[dict[str, Any]]) -> None:
    app.out.table(
        ["request", "code", "requested", "allocated", "short"],
        [
            (s.get("request_id"), s.get("code"), s.get("requested"), s.get("allocated"), s.get("short"))
            for s in shortfalls
        ],
        title="SHORT: not enough stock can reach the destination",
    )


def _show_detail(app: App, d: dict[str, Any]) -> None:
    skip = {"lines", "allocations", "events", "shortfalls", "escalations", "arrivals", "handed_over_on_site"}
    app.out.fields(
        [(k, _when(v) if k.endswith(("_at", "_by")) else v) for k, v in d.items() if k not in skip],
        title=f"request #{d.get('id')}",
    )
    _show_lines(app, d)
    app.out.table(
        ["item", "point", "lot", "quantity", "agency", "arrives in (h)", "expires", "status"],
        [
            (
                a.get("item"),
                a.get("point"),
                a.get("lot"),
                a.get("quantity"),
                a.get("agency"),
                _hours(a.get("eta_hours")),
                a.get("expires"),
                a.get("status"),
            )
            for a in d.get("allocations", [])
        ],
        title="allocations",
    )
    app.out.table(
        ["at", "from", "to", "by", "note"],
        [
            (_when(e.get("at")), e.get("from_status"), e.get("to_status"), e.get("actor"), e.get("note"))
            for e in d.get("events", [])
        ],
        title="history",
    )
    _show_arrivals(app, d)
    _show_shortfalls(app, d.get("shortfalls", []))
    for e in d.get("escalations", []):
        app.out.table(
            ["item", "point", "lot", "quantity", "agency", "status"],
            [
                (a.get("item"), a.get("point"), a.get("lot"), a.get("quantity"), a.get("agency"), a.get("status"))
                for a in e.get("allocations", [])
            ],
            title=f"coming from above: request #{e.get('id')} of {e.get('jurisdiction_name')} ({e.get('status')})",
        )


def _show_arrivals(app: App, d: dict[str, Any]) -> None:
    """Where the received stock was booked (or that it was handed over on site)."""
    if d.get("handed_over_on_site"):
        app.out.note("handed over on site: the destination is not a storage point, no stock was booked")
        return
    rows = d.get("arrivals") or []
    if rows:
        app.out.table(
            ["point", "item", "lot", "quantity", "mode", "expires", "agency"],
            [
                (
                    x.get("point"),
                    x.get("item"),
                    x.get("batch"),
                    x.get("quantity"),
                    x.get("mode"),
                    x.get("expires"),
                    x.get("agency"),
                )
                for x in rows
            ],
            title="booked into stock",
        )


def _show_lines(app: App, d: dict[str, Any]) -> None:
    app.out.table(
        ["code", "kind", "name", "quantity", "allocated", "dispatched", "received", "unit"],
        [
            (
                x.get("code"),
                x.get("kind"),
                x.get("name"),
                x.get("quantity"),
                x.get("allocated"),
                x.get("dispatched"),
                x.get("received"),
                x.get("unit"),
            )
            for x in d.get("lines", [])
        ],
        title="lines",
    )


def _pick_line(line: Any) -> tuple[Any, ...]:
    if isinstance(line, dict):
        return (line.get("item"), line.get("item_name"), line.get("lot"), line.get("quantity"), line.get("unit"))
    return tuple(line)[:5]


def _serials(line: Any) -> tuple[str, ...]:
    return tuple(line.get("serials") or ()) if isinstance(line, dict) else tuple(getattr(line, "serials", ()))


def _hours(value: Any) -> Any:
    from rich.text import Text

    return Text(f"{value:.1f}", justify="right") if isinstance(value, (int, float)) else value


def _destination(d: dict[str, Any]) -> str:
    if d.get("dest_point"):
        return str(d["dest_point"])
    if d.get("dest_lat") is not None:
        return f"{d['dest_lat']:.4f}, {d['dest_lon']:.4f}"
    return ""


def _when(value: Any) -> Any:
    """An ISO time shown in the department's wall-clock minutes."""
    if isinstance(value, str):
        try:
            return local(datetime.fromisoformat(value))
        except ValueError:
            return value
    return value
