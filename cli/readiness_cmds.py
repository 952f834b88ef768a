"""`supplies readiness`: can the stock within reach meet a population's needs by the deadline?"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from .complete import ITEM, POINT
from .context import App, pass_app
from .vocab import INCIDENT_TYPES, LEVELS


@click.group(invoke_without_command=True)
@click.option("--lat", type=float, help="Latitude of the place.")
@click.option("--lon", type=float, help="Longitude of the place.")
@click.option("--point", metavar="CODE", shell_complete=POINT, help="Or: the place is this storage point or shelter.")
@click.option("--population", type=click.IntRange(min=0), help="People affected (per township with --townships).")
@click.option(
    "--population-file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="With --townships: a CSV of township (region code or point code), population.",
)
@click.option("--hazard", type=click.Choice(INCIDENT_TYPES), help="Apply this hazard's own norms too.")
@click.option("--hours", type=click.FloatRange(min=0), default=12.0, show_default=True, help="The deadline.")
@click.option(
    "--days",
    type=click.FloatRange(min=0, min_open=True),
    default=1.0,
    show_default=True,
    help="Days of per-day needs (water, food) to cover.",
)
@click.option(
    "--region",
    "region_code",
    metavar="CODE",
    help="Region of the place (travel-time table); with --townships: only townships in it.",
)
@click.option("--townships", is_flag=True, help="Rank every township by shortfall instead.")
@click.option(
    "--level",
    type=click.Choice(LEVELS),
    default="township",
    show_default=True,
    help="With --townships: the level of points that stand for a township.",
)
@click.option("--top", type=click.IntRange(min=1), help="With --townships: show only the N worst.")
@click.pass_context
def readiness(ctx: click.Context, **kw: Any) -> None:
    """Readiness for N people within H hours, need by need (the 12-hour rule).

    \b
    supplies readiness --lat 26.61 --lon 106.81 --population 3000 --hazard flood
    supplies readiness --townships --population 5000 --top 20

    Norms are kept in the database: see `supplies readiness norms`.
    """
    if ctx.invoked_subcommand is not None:
        return
    app = ctx.find_object(App)
    assert app is not None
    if kw["townships"]:
        _rank(app, kw)
    else:
        _check(app, kw)


def _check(app: App, kw: dict[str, Any]) -> None:
    if kw["population"] is None:
        raise click.UsageError("give --population (people affected)")
    report = app.inventory().readiness.check(
        kw["lat"],
        kw["lon"],
        population=kw["population"],
        hazard=kw["hazard"],
        hours=kw["hours"],
        days=kw["days"],
        point=kw["point"],
        region_code=kw["region_code"],
    )

    def human() -> None:
        app.out.table(
            ["need", "name", "unit", "required", "reachable", "short", "cover", "status", "from"],
            [
                (
                    n.need,
                    n.name_zh,
                    n.unit,
                    _num(n.required),
                    _num(n.reachable),
                    _num(n.short),
                    f"{n.coverage:.0%}",
                    n.status,
                    "; ".join(f"{s.point} {s.quantity}×{s.item} {s.eta_hours:g}h" for s in n.sources[:4])
                    + (" …" if len(n.sources) > 4 else "")
                    or (n.note or ""),
                )
                for n in report.needs
            ],
            title=f"{report.population} people at ({report.lat:g}, {report.lon:g}) within "
            f"{report.hours:g} h" + (f", {report.hazard}" if report.hazard else ""),
        )
        short = [n for n in report.needs if n.to_close]
        for n in short:
            app.out.note(
                f"{n.need}: short {_num(n.short)} {n.unit}; closes with any of: "
                + ", ".join(f"{q} × {c}" for c, q in n.to_close.items())
            )
        if report.norms != "database":
            app.out.warn(
                "no norms in the database yet: the shipped defaults were used "
                "(supplies catalog load-standard loads them)"
            )

    app.out.result(report, human)


def _rank(app: App, kw: dict[str, Any]) -> None:
    population: Any = kw["population"]
    if kw["population_file"] is not None:
        population = _populations(kw["population_file"])
    if population is None:
        raise click.UsageError("give --population (per township) or --population-file")
    ranking = app.inventory().readiness.rank_townships(
        population=population,
        hazard=kw["hazard"],
        hours=kw["hours"],
        days=kw["days"],
        region_code=kw["region_code"],
        level=kw["level"],
    )
    shown = ranking[: kw["top"]] if kw["top"] else ranking
    app.out.result(
        shown,
        lambda: app.out.table(
            ["rank", "township", "name", "people", "uncovered", "short needs"],
            [(t.rank, t.township, t.name, t.population, f"{t.uncovered:.0%}", ", ".join(t.short_needs)) for t in shown],
            empty="no townships: add storage points of that level",
        ),
    )


def _populations(path: Path) -> dict[str, int]:
    from supplies.errors import InvalidInput
    from supplies.services.io.sheets import read_rows

    out: dict[str, int] = {}
    for index, (n, row) in enumerate(read_rows(path, field="population_file")):
        if len(row) < 2 or not row[0]:
            continue
        try:
            out[row[0]] = int(row[1] or "")
        except ValueError:
            if index > 0:  # the first row may be a header
                raise InvalidInput(
                    f"row {n}: population must be a whole number, not {row[1]!r}", "population_file"
                ) from None
    return out


def _num(value: float) -> Any:
    return int(value) if float(value).is_integer() else round(value, 2)


@readiness.command("norms")
@click.option("--hazard", type=click.Choice(INCIDENT_TYPES), help="Only the norms that apply to this hazard.")
@pass_app
def norms(app: App, hazard: str | None) -> None:
    """The needs norms: per person, the items that meet each need, status and source."""
    rows = app.inventory().readiness.norms(hazard=hazard)
    app.out.result(
        rows,
        lambda: app.out.table(
            ["need", "name", "per person", "basis", "unit", "hazard", "item", "per unit", "status", "source"],
            [
                (
                    n.need,
                    n.name_zh,
                    n.amount_per_person,
                    n.basis,
                    n.unit,
                    n.hazard,
                    n.item,
                    n.amount_per_unit,
                    n.status,
                    (n.source or "")[:60],
                )
                for n in rows
            ],
            empty="no norms yet: supplies readiness load-norms",
        ),
    )


@readiness.command("load-norms")
@pass_app
def load_norms(app: App) -> None:
    """Add the shipped norms (with sources) that the table does not have yet."""
    added = app.inventory().readiness.load_default_norms()
    app.out.result({"added": added}, f"added {added} norms")


@readiness.command("set-need")
@click.argument("need")
@click.option("--per-person", type=click.FloatRange(min=0), required=True, help="Amount per person.")
@click.option("--unit", required=True, help="Unit of the need (m2, L, kg, piece ...).")
@click.option("--basis", type=click.Choice(["once", "per_day"]), default="once", show_default=True)
@click.option("--name", "name_zh", help="Chinese name.")
@click.option("--name-en", help="English name.")
@click.option("--hazard", type=click.Choice(INCIDENT_TYPES), help="Only for this hazard.")
@click.option("--source", help="Where the figure comes from.")
@pass_app
def set_need(
    app: App,
    need: str,
    per_person: float,
    unit: str,
    basis: str,
    name_zh: str | None,
    name_en: str | None,
    hazard: str | None,
    source: str | None,
) -> None:
    """Define or change NEED: so much per person, once or per day."""
    rows = app.inventory().readiness.set_need(
        need,
        amount_per_person=per_person,
        unit=unit,
        basis=basis,
        name_zh=name_zh,
        name_en=name_en,
        hazard=hazard,
        source=source,
    )
    app.out.result(rows, f"{need}: {per_person:g} {unit} per person ({basis})")


@readiness.command("link")
@click.argument("need")
@click.argument("item", shell_complete=ITEM)
@click.option(
    "--per-unit",
    type=click.FloatRange(min=0, min_open=True),
    default=1.0,
    show_default=True,
    help="How much of the need one unit meets (a 12 m² tent: 12).",
)
@click.option("--hazard", type=click.Choice(INCIDENT_TYPES), help="Only for this hazard.")
@pass_app
def link(app: App, need: str, item: str, per_unit: float, hazard: str | None) -> None:
    """Count ITEM toward NEED."""
    row = app.inventory().readiness.link(need, item, amount_per_unit=per_unit, hazard=hazard)
    app.out.result(row, f"{item} counts toward {need}: {per_unit:g} {row.unit} per unit")


@readiness.command("unlink")
@click.argument("need")
@click.argument("item", shell_complete=ITEM)
@click.option("--hazard", type=click.Choice(INCIDENT_TYPES))
@pass_app
def unlink(app: App, need: str, item: str, hazard: str | None) -> None:
    """Stop counting ITEM toward NEED."""
    app.inventory().readiness.unlink(need, item, hazard=hazard)
    app.out.result({"need": need, "item": item}, f"{item} no longer counts toward {need}")
