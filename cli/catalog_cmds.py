"""`supplies catalog ...`: the national standard catalog and the needs norms shipped with the package."""

from __future__ import annotations

import click

from .complete import AGENCY
from .context import App, pass_app


@click.group()
def catalog() -> None:
    """The standard catalog (统一应急物资储备目录) shipped with supplies."""


@catalog.command("load-standard")
@click.option(
    "--agency",
    required=True,
    metavar="CODE",
    shell_complete=AGENCY,
    help="The agency that holds every class until it is handed over.",
)
@click.option("--no-norms", is_flag=True, help="Do not load the readiness norms that name these items.")
@pass_app
def load_standard(app: App, agency: str, no_norms: bool) -> None:
    """Load the standard classes and items (codes as in the file: PLAN14:3.01 is the 12 m² tent).

    Rows with a unit become items, the others classes. Loading again changes nothing.

    \b
    supplies catalog load-standard --agency HSMZ
    """
    done = app.inventory().catalog.load_standard(agency, norms=not no_norms)
    app.out.result(
        done,
        f"loaded {done.classes_added} classes and {done.items_added} items for {agency}"
        f" ({done.already_present} were there already; {done.norms_added} norms added)",
    )


@catalog.command("sources")
@pass_app
def sources(app: App) -> None:
    """Show where every shipped code and figure comes from (SOURCES.md)."""
    text = app.inventory().catalog.sources()
    app.out.result({"sources": text}, text)
