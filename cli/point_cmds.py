"""`supplies point ...` and `supplies travel-time ...`: storage points and known road travel times."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

import click

from .complete import POINT
from .context import App, pass_app
from .vocab import LEVELS, POINT_KINDS

if TYPE_CHECKING:
    from supplies.errors import InvalidInput

POINT_LEVELS = tuple(level for level in LEVELS if level != "province")


@click.group()
def point() -> None:
    """Storage points: depots, shelters, agreement reserves ...

    Kinds: depot, prepositioned (village), shelter, agreement (代储), factory (产能).
    """


@point.command("add")
@click.argument("code")
@click.argument("name")
@click.option("--level", required=True, type=click.Choice(POINT_LEVELS), help="Administrative level.")
@click.option("--lat", required=True, type=float, help="Latitude in degrees (WGS 84).")
@click.option("--lon", required=True, type=float, help="Longitude in degrees (WGS 84).")
@click.option("--kind", default="depot", show_default=True, type=click.Choice(POINT_KINDS), help="What it is.")
@click.option("--region", "region_code", metavar="CODE", help="Region code (行政区划代码).")
@click.option("--address", metavar="TEXT", help="Street address.")
@click.option("--capacity-m3", type=float, metavar="M3", help="Storage capacity.")
@pass_app
def point_add(
    app: App,
    code: str,
    name: str,
    level: str,
    lat: float,
    lon: float,
    kind: str,
    region_code: str | None,
    address: str | None,
    capacity_m3: float | None,
) -> None:
    """Add storage point CODE named NAME (admins).

    \b
    supplies point add HS-TS06 岗度镇应急物资储备点 --level township \\
        --lat 25.98 --lon 106.83 --region 522731106
    """
    row = app.inventory().points.add(
        code,
        name,
        level=level,
        lat=lat,
        lon=lon,
        kind=kind,
        region_code=region_code,
        address=address,
        capacity_m3=capacity_m3,
    )
    app.out.result(row, f"added {row.kind} {row.code} {row.name} ({row.level})")


@point.command("list")
@click.option("--level", type=click.Choice(LEVELS), help="Only this level.")
@click.option("--region", "region_code", metavar="CODE", help="Only this region (prefix: 5227 finds 522731).")
@click.option("--kind", type=click.Choice(POINT_KINDS), help="Only this kind.")
@click.option("--active", "active_only", is_flag=True, help="Only points that are open.")
@pass_app
def point_list(app: App, level: str | None, region_code: str | None, kind: str | None, active_only: bool) -> None:
    """List storage points."""
    rows = app.inventory().points.list(level=level, region_code=region_code, kind=kind, active_only=active_only)
    app.out.result(
        rows,
        lambda: app.out.table(
            ["code", "name", "level", "kind", "region", "lat", "lon", "status"],
            [(p.code, p.name, p.level, p.kind, p.region_code, f"{p.lat:.4f}", f"{p.lon:.4f}", p.status) for p in rows],
            empty="no storage points match",
        ),
    )


@point.command("close")
@click.argument("code", shell_complete=POINT)
@pass_app
def point_close(app: App, code: str) -> None:
    """Close point CODE: its stock stays on the books but is never allocated or received."""
    row = app.inventory().points.close(code)
    app.out.result(row, f"{row.code} closed")


@point.command("reopen")
@click.argument("code", shell_complete=POINT)
@pass_app
def point_reopen(app: App, code: str) -> None:
    """Reopen a closed point."""
    row = app.inventory().points.reopen(code)
    app.out.result(row, f"{row.code} open again")


@click.group("travel-time")
def travel_time() -> None:
    """Known road travel times for arrival estimates.

    Where a time is known it replaces the straight-line estimate.
    """


@travel_time.command("set")
@click.argument("from_point", metavar="FROM", shell_complete=POINT)
@click.argument("hours", type=float)
@click.option("--to-point", metavar="CODE", shell_complete=POINT, help="Destination point.")
@click.option("--to-region", metavar="CODE", help="Destination region.")
@pass_app
def travel_time_set(app: App, from_point: str, hours: float, to_point: str | None, to_region: str | None) -> None:
    """Set the travel time in HOURS from point FROM to a point or a region."""
    app.inventory().travel_times.set(from_point, hours, to_point=to_point, to_region=to_region)
    dest = to_point or to_region
    app.out.result(
        {"from_point": from_point, "to_point": to_point, "to_region": to_region, "hours": hours},
        f"travel time {from_point} → {dest}: {hours:g} h",
    )


@travel_time.command("load")
@click.argument("file", type=click.File("rb"))
@pass_app
def travel_time_load(app: App, file: BinaryIO) -> None:
    """Load travel times from a CSV (or XLSX) FILE ('-' for stdin).

    Columns: from_point, to_point or to_region, hours (a header row names them).
    """
    from supplies.errors import InvalidInput
    from supplies.services.io.sheets import read_rows

    name = Path(file.name).name if isinstance(file.name, str) else "file"
    table = read_rows(file, field=name)
    header = [(c or "").strip() for c in table[0][1]] if table else []
    lines = [n for n, _ in table[1:]]
    rows = [
        _blank_to_none({h: cells[i] if i < len(cells) else None for i, h in enumerate(header)})
        for _, cells in table[1:]
    ]
    with app.out.progress("loading travel times", len(rows)) as update:

        def feed() -> Any:
            for n, row in enumerate(rows, start=1):
                yield row
                update(n)

        try:
            count = app.inventory().travel_times.load(feed())
        except InvalidInput as exc:
            raise _by_line(exc, name, lines) from None
    app.out.result({"loaded": count}, f"{count} travel times loaded")


@travel_time.command("list")
@pass_app
def travel_time_list(app: App) -> None:
    """List the known travel times."""
    rows = app.inventory().travel_times.list()
    app.out.result(
        rows,
        lambda: app.out.table(
            ["from", "to point", "to region", "hours"],
            [(_get(r, "from_point"), _get(r, "to_point"), _get(r, "to_region"), _get(r, "hours")) for r in rows],
            empty="no travel times: estimates use straight-line distance",
        ),
    )


def _by_line(exc: InvalidInput, filename: str, lines: list[int]) -> InvalidInput:
    """Name a bad row by its line in the file (the header is line 1), as a spreadsheet user counts."""
    match = re.fullmatch(r"rows\.(\d+)\.?(.*)", exc.field or "")
    if not match or int(match.group(1)) >= len(lines):
        return exc
    where = f"{filename} line {lines[int(match.group(1))]}"
    return type(exc)(exc.reason, f"{where}, {match.group(2)}" if match.group(2) else where)


def _blank_to_none(row: dict[str, Any]) -> dict[str, Any]:
    return {(k or "").strip(): (v.strip() or None) if isinstance(v, str) else v for k, v in row.items() if k}


def _get(row: Any, name: str) -> Any:
    return row.get(name) if isinstance(row, dict) else getattr(row, name, None)
