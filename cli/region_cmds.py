"""`supplies region ...`: the administrative divisions (GB/T 2260) and the jurisdictions they make."""

from __future__ import annotations

from pathlib import Path

import click

from .context import App, pass_app


@click.group()
def region() -> None:
    """Administrative divisions (行政区划): province, city, county, township, village.

    A region at county level or above is a jurisdiction: it keeps and dispatches reserves of its
    own; every point, agency, user and request belongs to the nearest one above its region.
    """


@region.command("load")
@click.argument("file", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--shipped", is_flag=True, help="Load the divisions shipped for the demo city (黔南州 and its counties) instead."
)
@pass_app
def region_load(app: App, file: Path | None, shipped: bool) -> None:
    """Load divisions from FILE (CSV or XLSX with the columns code, name, level, parent; admins).

    Levels: province, city, county, township, village (or 省, 市, 州, 县, 区, 乡, 镇, 街道, 村).
    A row without a parent goes under the loaded region its code nests in. Loading again renames
    and adds; all or nothing.

    \b
    supplies region load regions.csv
    supplies region load --shipped
    """
    if (file is None) == (not shipped):
        raise click.UsageError("give FILE or --shipped (one of them)")
    from supplies.demo import REGIONS_FILE

    source = REGIONS_FILE if file is None else file
    done = app.inventory().regions.load(source)
    app.out.result(
        {"added": done.added, "updated": done.updated, "unchanged": done.unchanged},
        f"regions: {done.added} added, {done.updated} renamed, {done.unchanged} unchanged",
    )


@region.command("list")
@click.option("--under", metavar="CODE", help="Only this region and what lies below it.")
@pass_app
def region_list(app: App, under: str | None) -> None:
    """List the regions in tree order, with the jurisdiction each belongs to."""
    rows = app.inventory().regions.list(under=under)
    app.out.result(
        rows,
        lambda: app.out.table(
            ["code", "name", "level", "parent", "jurisdiction"],
            [("  " * max(r.depth - 1, 0) + r.code, r.name, r.level, r.parent, r.jurisdiction) for r in rows],
        ),
    )


@region.command("trust")
@click.argument("code")
@click.option("--public-key", required=True, metavar="KEY", help="The key `supplies report keygen` printed there.")
@pass_app
def trust(app: App, code: str, public_key: str) -> None:
    """Register the key child jurisdiction CODE signs its submission files with (admins).

    \b
    supplies region trust 522731 --public-key 3q2+7w...=
    Then `supplies report receive FILE` accepts the files signed with it.
    """
    done = app.inventory().submissions.trust(code, public_key)
    human = f"registered the key of {done.jurisdiction} {done.name} (fingerprint {done.fingerprint})"
    if done.replaced:
        human += "; it replaces the key registered before"
    app.out.result(done, human)
