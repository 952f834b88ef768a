"""`supplies unit` and `supplies maintenance`: equipment tracked by unit, its plans, due services and service records."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from .complete import ITEM, POINT
from .context import App, pass_app

STATUSES = ("serviceable", "needs_maintenance", "under_repair", "out_of_service")


def _day(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        from supplies.errors import InvalidInput

        raise InvalidInput(f"{value!r} is not a date (YYYY-MM-DD)", option) from None


@click.group()
def unit() -> None:
    """Equipment tracked by unit (装备): each unit with serial, asset number, condition and history."""


@unit.command("receive")
@click.option("--point", required=True, metavar="P", shell_complete=POINT, help="The point receiving the units.")
@click.option("--item", required=True, metavar="ITEM", shell_complete=ITEM, help="A tracked item.")
@click.option("--serial", "serials", multiple=True, metavar="S", help="A serial number (repeat for more).")
@click.option(
    "--serials-file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    metavar="F",
    help="A text file (one serial a line) or a spreadsheet (serials in its first column).",
)
@click.option("--make", metavar="TEXT", help="Maker.")
@click.option("--model", metavar="M", help="Model.")
@click.option("--year", type=int, metavar="Y", help="Year of manufacture.")
@click.option("--last-serviced", metavar="DATE", help="Day of the last service (YYYY-MM-DD).")
@pass_app
def unit_receive(
    app: App,
    point: str,
    item: str,
    serials: tuple[str, ...],
    serials_file: Path | None,
    make: str | None,
    model: str | None,
    year: int | None,
    last_serviced: str | None,
) -> None:
    """Receive units of a tracked item, one per serial number (入库).

    \b
    supplies unit receive --point CK-01 --item PUMP --serial P-1 --serial P-2 --model QW100 --year 2024
    supplies unit receive --point CK-01 --item PUMP --serials-file serials.txt
    """
    from supplies.errors import InvalidInput

    given = list(serials)
    if serials_file is not None:
        given += _read_serials(serials_file)
    if not given:
        raise InvalidInput("give --serial S (repeatable) or --serials-file F", "serial")
    got = app.inventory().units.receive(
        point, item, given, make=make, model=model, year=year, last_serviced=_day(last_serviced, "last_serviced")
    )
    app.out.result(
        got,
        lambda: app.out.table(
            ["serial", "asset no", "status"],
            [(u.serial, u.asset_no, u.status) for u in got.units],
            title=f"received {len(got.units)} {got.item} at {got.point}",
        ),
    )


def _read_serials(path: Path) -> list[str]:
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        from openpyxl import load_workbook

        book = load_workbook(path, read_only=True, data_only=True)
        rows = book.active.iter_rows(min_col=1, max_col=1, values_only=True) if book.active else []
        out = [str(r[0]).strip() for r in rows if r and r[0] is not None]
        book.close()
        return out
    return [line.split(",")[0].strip() for line in path.read_text(encoding="utf-8-sig").splitlines()]


@unit.command("list")
@click.option("--point", metavar="P", shell_complete=POINT, help="Only the units at this point.")
@click.option("--item", metavar="I", shell_complete=ITEM, help="Only units of this item.")
@click.option("--status", type=click.Choice(STATUSES), help="Only units in this condition.")
@click.option("--json", "as_json", is_flag=True, help="One JSON document: a row per unit (serial, status ...).")
@pass_app
def unit_list(app: App, point: str | None, item: str | None, status: str | None, as_json: bool) -> None:
    """List units: serial, asset number, item, condition, where they are, next service due."""
    if as_json:
        app.out.json_mode = True
    rows = app.inventory().units.list(point=point, item=item, status=status)
    app.out.result(
        rows,
        lambda: app.out.table(
            ["serial", "asset no", "item", "status", "point", "agency", "out on", "next due"],
            [
                (
                    u.serial,
                    u.asset_no,
                    u.item,
                    u.status,
                    u.point or "",
                    u.agency or "",
                    f"#{u.request_id}" if u.request_id else (f"reserved #{u.reserved_for}" if u.reserved_for else ""),
                    u.next_due or "",
                )
                for u in rows
            ],
        ),
    )


@unit.command("show")
@click.argument("serial")
@click.option("--item", metavar="I", shell_complete=ITEM, help="The item, when two items share the serial.")
@pass_app
def unit_show(app: App, serial: str, item: str | None) -> None:
    """Show a unit (by serial or asset number) with its maintenance plan and history."""
    d = app.inventory().units.show(serial, item=item)

    def human() -> None:
        u = d.unit
        app.out.fields(
            [
                ("serial", u.serial),
                ("asset no", u.asset_no),
                ("item", f"{u.item} {u.item_name}"),
                ("make / model / year", " / ".join(str(x or "-") for x in (u.make, u.model, u.year))),
                ("status", u.status),
                ("point", u.point or (f"out on request #{u.request_id}" if u.request_id else "")),
                ("agency", u.agency or ""),
                ("last serviced", u.last_serviced_on or ""),
                ("next due", u.next_due or ""),
                ("hours used", u.hours_used),
                ("plan", f"every {d.every_days} days, grace {d.grace_days}: " + "; ".join(d.tasks) if d.tasks else ""),
            ],
            title=f"unit {u.serial}",
        )
        app.out.table(
            ["on", "event", "result", "status after", "next due", "note", "by"],
            [
                (e.on, e.kind, e.result or "", e.status_after, e.next_due or "", e.note or "", e.actor or "")
                for e in d.history
            ],
        )

    app.out.result(d, human)


@unit.command("return")
@click.argument("serial")
@click.option("--point", required=True, metavar="P", shell_complete=POINT, help="The point taking the unit back.")
@click.option("--hours", type=float, default=0.0, show_default=True, help="Hours used while out.")
@click.option("--condition", type=click.Choice(STATUSES), default="serviceable", show_default=True)
@click.option("--item", metavar="I", shell_complete=ITEM, help="The item, when two items share the serial.")
@click.option("--note", metavar="TEXT", help="What was seen.")
@pass_app
def unit_return(
    app: App, serial: str, point: str, hours: float, condition: str, item: str | None, note: str | None
) -> None:
    """A unit out on a dispatch comes back after use: hours used and condition."""
    u = app.inventory().units.give_back(serial, point=point, hours=hours, condition=condition, item=item, note=note)
    app.out.result(u, f"unit {u.serial} back at {u.point}: {u.status}, {u.hours_used} hours used in all")


@click.group()
def maintenance() -> None:
    """Maintenance of equipment: plans per item, the due list, service records."""


@maintenance.command("plan")
@click.argument("item", shell_complete=ITEM)
@click.option("--every-days", required=True, type=int, metavar="N", help="Service every N days.")
@click.option("--task", "tasks", required=True, multiple=True, metavar="TEXT", help="A task of the checklist (repeat).")
@click.option(
    "--grace-days",
    type=int,
    default=0,
    show_default=True,
    metavar="G",
    help="Days overdue before a unit needs maintenance.",
)
@pass_app
def maintenance_plan(app: App, item: str, every_days: int, tasks: tuple[str, ...], grace_days: int) -> None:
    """Set the maintenance plan of a tracked item.

    \b
    supplies maintenance plan PUMP --every-days 90 --task "run the engine 30 minutes" --task "check oil" --grace-days 7
    """
    p = app.inventory().maintenance.plan(item, every_days=every_days, tasks=list(tasks), grace_days=grace_days)
    app.out.result(p, f"{p.item}: every {p.every_days} days (grace {p.grace_days}): " + "; ".join(p.tasks))


@maintenance.command("due")
@click.option("--point", metavar="P", shell_complete=POINT, help="Only this point.")
@click.option("--within-days", type=int, default=14, show_default=True, metavar="N", help="Due within N days.")
@pass_app
def maintenance_due(app: App, point: str | None, within_days: int) -> None:
    """Units whose service is overdue or due soon, by point and agency."""
    rows = app.inventory().maintenance.due(point=point, within_days=within_days)

    def human() -> None:
        if not rows:
            app.out.note(f"nothing overdue or due within {within_days} days")
            return
        app.out.table(
            ["point", "agency", "item", "serial", "status", "due", "days"],
            [
                (
                    r.point,
                    r.agency,
                    r.item,
                    r.serial,
                    r.status,
                    r.due_on,
                    f"{-r.days_left} overdue" if r.overdue else r.days_left,
                )
                for r in rows
            ],
        )

    app.out.result(rows, human)


@maintenance.command("record")
@click.argument("serial")
@click.option("--result", required=True, type=click.Choice(("ok", "defect")), help="ok, or a defect found.")
@click.option("--note", metavar="T", help="What was done or found (required for a defect).")
@click.option("--date", "on", metavar="D", help="Day of the service (YYYY-MM-DD).  [default: today]")
@click.option("--item", metavar="I", shell_complete=ITEM, help="The item, when two items share the serial.")
@pass_app
def maintenance_record(app: App, serial: str, result: str, note: str | None, on: str | None, item: str | None) -> None:
    """Record a service of a unit: ok puts it back to serviceable, a defect takes it out of the count."""
    r = app.inventory().maintenance.record(serial, result=result, note=note, on=_day(on, "date"), item=item)
    app.out.result(
        r,
        f"unit {r.serial} serviced on {r.on}: {r.result}; {r.status_before} -> {r.status_after}; next due {r.next_due or '-'}",
    )
