"""`supplies report {ledger,stock,expiry,gaps}`: reports for reporting upward, as CSV, XLSX or JSON."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import click

from .complete import AGENCY, CLASS, ITEM, POINT
from .context import App, pass_app
from .vocab import LEVELS, RESERVE_MODES

DATE = click.DateTime(formats=["%Y-%m-%d"])
LEDGER_GROUPS = ("region", "level", "point", "class", "agency", "item")


@click.group()
def report() -> None:
    """Reports: the ledger (台账), stock, expiry and rotation, gaps against reserve targets, incidents.

    \b
    Each writes --out FILE as .xlsx (a summary sheet and a sheet per storage point),
    .csv or .json; --lang zh gives Chinese headers. Without --out the rows are shown
    (or, with --format csv/json, written to stdout).

    \b
    The last mile: the signing sheet of a village (signing-sheet, 发放登记表) and
    the public notice of an incident (notice, 发放公示).

    \b
    Reporting upward (报送): submit a period's ledger, see which child jurisdictions
    have submitted (submissions), record a child's signed file (receive), read a
    submission (download), make the signing key (keygen).
    """


def _common(f: Any) -> Any:
    options = [
        click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Write the report to this file."),
        click.option(
            "--format",
            "fmt",
            type=click.Choice(["csv", "xlsx", "json"]),
            help="File format (default: from the --out suffix).",
        ),
        click.option(
            "--lang",
            type=click.Choice(["en", "zh"]),
            default="en",
            show_default=True,
            help="Header language of CSV and XLSX.",
        ),
        click.option("--point", metavar="CODE", shell_complete=POINT, help="Only this storage point."),
        click.option("--item", metavar="CODE", shell_complete=ITEM, help="Only this item."),
        click.option(
            "--class", "supply_class", metavar="CODE", shell_complete=CLASS, help="Only this class and its sub-classes."
        ),
        click.option("--agency", metavar="CODE", shell_complete=AGENCY, help="Only this agency's classes."),
        click.option("--region", "region_code", metavar="CODE", help="Only this region (prefix)."),
        click.option("--level", type=click.Choice(LEVELS), help="Only points of this level."),
    ]
    for option in reversed(options):
        f = option(f)
    return f


def _filters(kw: dict[str, Any]) -> dict[str, Any]:
    return {k: kw.pop(k) for k in ("point", "item", "supply_class", "agency", "region_code", "level")}


def _emit(app: App, rep: Any, out: Path | None, fmt: str | None, lang: str) -> None:
    if out is not None:
        rep.save(out, format=fmt, lang=lang)
        app.out.result(
            {"report": rep.name, "file": str(out), "rows": len(rep.rows), "totals": rep.totals()},
            f"wrote the {rep.name} report ({len(rep.rows)} rows) to {out}",
        )
        return
    if fmt == "xlsx":
        from supplies.errors import InvalidInput

        raise InvalidInput("an XLSX report needs --out FILE", "out")
    if fmt in ("csv", "json"):
        import io

        buf = io.BytesIO()
        rep.save(buf, format=fmt, lang=lang, encoding="utf-8")
        click.echo(buf.getvalue(), nl=False)  # bytes go to stdout's binary buffer untouched
        return
    heads = [c.header(lang) for c in rep.columns]
    app.out.result(rep.as_dict(), lambda: _show(app, rep, heads))


def _show(app: App, rep: Any, heads: list[str]) -> None:
    app.out.table(heads, [[r.get(c.key) for c in rep.columns] for r in rep.rows], empty="nothing to report")
    totals = rep.totals()
    if rep.rows and totals:
        app.out.note("totals: " + ", ".join(f"{k} {v}" for k, v in totals.items()))


@report.command("ledger")
@click.option("--since", type=DATE, metavar="YYYY-MM-DD", help="First day of the period.")
@click.option("--until", type=DATE, metavar="YYYY-MM-DD", help="Last day of the period (included).")
@click.option(
    "--by",
    default="point,item",
    show_default=True,
    metavar="KEYS",
    help=f"Group by a comma-separated list of: {', '.join(LEDGER_GROUPS)}.",
)
@click.option("--tz", metavar="ZONE", help="Time zone of the days (default SUPPLIES_TIMEZONE, else Asia/Shanghai).")
@_common
@pass_app
def ledger(
    app: App,
    since: datetime | None,
    until: datetime | None,
    by: str,
    tz: str | None,
    out: Path | None,
    fmt: str | None,
    lang: str,
    **kw: Any,
) -> None:
    """The ledger (台账): opening, receipts, issues, transfers, rotations, counts, write-offs, closing.

    \b
    supplies report ledger --since 2025-01-01 --until 2025-06-30 --tz Asia/Shanghai \\
        --lang zh --out 2025上半年台账.xlsx
    """
    rep = app.inventory().reports.ledger(
        since=since.date() if since else None,
        until=until.date() if until else None,
        by=tuple(b.strip() for b in by.split(",") if b.strip()),
        tz=tz,
        **_filters(kw),
    )
    _emit(app, rep, out, fmt, lang)


@report.command("stock")
@_common
@pass_app
def stock(app: App, out: Path | None, fmt: str | None, lang: str, **kw: Any) -> None:
    """Stock by point and item: lots, on hand, reserved, free, nearest expiry, expired."""
    _emit(app, app.inventory().reports.stock(**_filters(kw)), out, fmt, lang)


@report.command("expiry")
@click.option(
    "--days",
    type=click.IntRange(min=0),
    default=90,
    show_default=True,
    help="Lots expiring within this many days (and those expired).",
)
@_common
@pass_app
def expiry(app: App, days: int, out: Path | None, fmt: str | None, lang: str, **kw: Any) -> None:
    """What expires soon and what to rotate first (轮换)."""
    _emit(app, app.inventory().reports.expiry(days=days, **_filters(kw)), out, fmt, lang)


@report.command("gaps")
@click.option(
    "--valid-for-days",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    help="Count only stock still good this many days from today.",
)
@click.option(
    "--mode",
    "modes",
    multiple=True,
    type=click.Choice(RESERVE_MODES),
    help="Count only these reserve modes (repeatable; default all but repair).",
)
@_common
@pass_app
def gaps(
    app: App, valid_for_days: int, modes: tuple[str, ...], out: Path | None, fmt: str | None, lang: str, **kw: Any
) -> None:
    """Stock against reserve targets, and the procurement quantity that closes each gap."""
    rep = app.inventory().reports.gaps(valid_for_days=valid_for_days, modes=modes or None, **_filters(kw))
    _emit(app, rep, out, fmt, lang)


@report.command("incident")
@click.argument("incident", type=int, required=False, metavar="[ID]")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Write the report to this file.")
@click.option(
    "--format", "fmt", type=click.Choice(["csv", "xlsx", "json"]), help="File format (default: from the --out suffix)."
)
@click.option(
    "--lang", type=click.Choice(["en", "zh"]), default="en", show_default=True, help="Header language of CSV and XLSX."
)
@pass_app
def incident(app: App, incident: int | None, out: Path | None, fmt: str | None, lang: str) -> None:
    """An incident's supplies: arrived, distributed (households, people), on site, on loan, returned.

    \b
    Counts only, no personal data. ID defaults to the only open incident.
    supplies report incident 1 --lang zh --out 灾情物资保障.xlsx
    """
    rep = app.inventory().reports.incident(incident)
    if out is None and fmt is None and not app.json_mode:
        params = rep.params
        app.out.note(
            f"incident #{params['incident']} {params['incident_name']}: "
            f"{params['households_served']} households, {params['people_served']} people served"
        )
    _emit(app, rep, out, fmt, lang)


def _add_reporting_upward() -> None:
    """`report submit`, `submissions`, `receive`, `download` and `keygen` live in cli/submission_cmds.py."""
    from .submission_cmds import COMMANDS

    for command in COMMANDS:
        report.add_command(command)


def _add_relief_papers() -> None:
    """`report signing-sheet` and `report notice`, the last mile's papers, live in cli/relief_cmds.py."""
    from .relief_cmds import PAPERS

    for command in PAPERS:
        report.add_command(command)


_add_reporting_upward()
_add_relief_papers()


@report.command("contracts")
@click.option("--expiring-days", type=int, metavar="N", help="Only contracts ending within N days.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Write the report to this file.")
@click.option("--format", "fmt", type=click.Choice(["csv", "xlsx", "json"]), help="File format (default: from --out).")
@click.option("--lang", type=click.Choice(["en", "zh"]), default="en", show_default=True, help="Header language.")
@pass_app
def contracts(app: App, expiring_days: int | None, out: Path | None, fmt: str | None, lang: str) -> None:
    """Agreement reserves (协议储备): each contract's lines, contracted, called up and left, by end of validity.

    \b
    supplies report contracts --expiring-days 60 --lang zh --out 到期协议.xlsx
    """
    rep = app.inventory().contracts.report(expiring_days=expiring_days)
    _emit(app, rep, out, fmt, lang)


@report.command("donations")
@click.option("--incident", type=int, metavar="ID", help="Only what was given for, or used in, this incident.")
@click.option("--since", type=DATE, metavar="YYYY-MM-DD", help="First day of the period.")
@click.option("--until", type=DATE, metavar="YYYY-MM-DD", help="Last day of the period.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Write the report to this file.")
@click.option("--format", "fmt", type=click.Choice(["csv", "xlsx", "json"]), help="File format (default: from --out).")
@click.option("--lang", type=click.Choice(["en", "zh"]), default="zh", show_default=True, help="Header language.")
@pass_app
def donations(
    app: App,
    incident: int | None,
    since: datetime | None,
    until: datetime | None,
    out: Path | None,
    fmt: str | None,
    lang: str,
) -> None:
    """Public disclosure of donations (捐赠公示): per donor and item, received, allocated, distributed, remaining.

    \b
    Anonymous donors appear as 匿名; no donor's contact is ever in it.
    supplies report donations --incident 1 --since 2026-07-01 --until 2026-07-31 --out 捐赠公示.xlsx
    """
    rep = app.inventory().donations.disclosure(
        incident=incident, since=since.date() if since else None, until=until.date() if until else None
    )
    _emit(app, rep, out, fmt, lang)


@report.command("equipment")
@click.option("--point", metavar="P", help="Only the units at this point.")
@click.option("--item", metavar="I", help="Only units of this item.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Write the report to this file.")
@click.option("--format", "fmt", type=click.Choice(["csv", "xlsx", "json"]), help="File format (default: from --out).")
@click.option("--lang", type=click.Choice(["en", "zh"]), default="en", show_default=True, help="Header language.")
@pass_app
def equipment(app: App, point: str | None, item: str | None, out: Path | None, fmt: str | None, lang: str) -> None:
    """The equipment register (装备台账): one row per unit, serial, condition, service; a sheet per point.

    \b
    supplies report equipment --lang zh --out 装备台账.xlsx
    """
    rep = app.inventory().units.report(point=point, item=item)
    _emit(app, rep, out, fmt, lang)


@report.command("requisitions")
@click.option("--open", "open_only", is_flag=True, help="Only requisitions still holding goods of their owner.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Write the report to this file.")
@click.option("--format", "fmt", type=click.Choice(["csv", "xlsx", "json"]), help="File format (default: from --out).")
@click.option("--lang", type=click.Choice(["en", "zh"]), default="en", show_default=True, help="Header language.")
@pass_app
def requisitions(app: App, open_only: bool, out: Path | None, fmt: str | None, lang: str) -> None:
    """Requisitions (征用) item by item: held, given back, lost, consumed, and the compensation with its state.

    \b
    supplies report requisitions --lang zh --out 征用补偿.xlsx
    """
    rep = app.inventory().requisitions.report(open_only=open_only)
    _emit(app, rep, out, fmt, lang)
