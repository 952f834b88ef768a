"""`supplies return` and `supplies loan list`: lent equipment coming back (回收), and what is still out."""

from __future__ import annotations

import click

from .complete import ITEM, POINT
from .context import App, pass_app
from .relief_cmds import INCIDENT
from .vocab import RETURN_CONDITIONS


@click.command("return")
@click.option("--point", required=True, metavar="P", shell_complete=POINT, help="The point taking the units back.")
@click.option("--household", metavar="NUMBER", help="The household returning (its number).")
@click.option("--request", type=int, metavar="ID", help="The request whose site returns (destination as coordinates).")
@click.option("--item", required=True, metavar="CODE", shell_complete=ITEM, help="A reusable item.")
@click.option("--qty", required=True, type=int, metavar="N", help="Units returned.")
@click.option(
    "--condition",
    required=True,
    type=click.Choice(RETURN_CONDITIONS),
    help="good: back into stock; repair: into a repair lot; unusable: written off (needs --reason).",
)
@click.option("--reason", metavar="TEXT", help="Why (required for unusable).")
@INCIDENT
@pass_app
def return_cmd(
    app: App,
    point: str,
    household: str | None,
    request: int | None,
    item: str,
    qty: int,
    condition: str,
    reason: str | None,
    incident: int | None,
) -> None:
    """Record lent equipment returned (回收): good, needs repair, or unusable."""
    view = app.inventory().returns.record(
        point, item, qty, condition, household=household, request=request, reason=reason, incident=incident
    )
    who = f"household {view.household}" if view.household is not None else f"request #{view.request_id}"

    def human() -> None:
        app.out.table(
            ["lent from batch", "into batch", "qty"],
            [(x.lent_batch, x.batch or "(written off)", x.qty) for x in view.lines],
            title=f"{who} returned {view.qty} {view.item} at {view.point} ({view.condition})",
        )
        app.out.note(f"still out on loan: {view.still_out}")

    app.out.result(view, human)


@click.group()
def loan() -> None:
    """Reusable equipment out on loan to households and sites (借用)."""


@loan.command("list")
@click.option("--point", metavar="P", shell_complete=POINT, help="Only what left this point.")
@click.option("--household", metavar="NUMBER", help="Only this household (of --incident, else the only open one).")
@click.option("--incident", type=int, metavar="ID", help="Only this incident.  [default: all you act on]")
@pass_app
def loan_list(app: App, point: str | None, household: str | None, incident: int | None) -> None:
    """List what is out on loan, by household or request, item and the point it left."""
    rows = app.inventory().returns.loans(incident=incident, point=point, household=household)
    app.out.result(
        rows,
        lambda: app.out.table(
            ["incident", "household", "request", "item", "name", "from", "lent", "returned", "out"],
            [
                (
                    r.incident_id,
                    r.household or "",
                    f"#{r.request_id}" if r.request_id else "",
                    r.item,
                    r.item_name,
                    r.point,
                    r.lent,
                    r.returned,
                    f"{r.out} {r.unit}",
                )
                for r in rows
            ],
            empty="nothing out on loan",
        ),
    )
