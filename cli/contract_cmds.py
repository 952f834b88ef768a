"""`supplies contract ...`: agreement and capacity reserves held by contract (协议储备), their call-ups and delivery."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

import click

from .complete import POINT
from .context import App, pass_app
from .dispatch_cmds import CODE_QTY, WHEN

DATE = click.DateTime(formats=["%Y-%m-%d"])


class ItemQtyPriceType(click.ParamType):
    """ITEM=QTY or ITEM=QTY@PRICE, e.g. TENT12=100@350.00."""

    name = "ITEM=QTY[@PRICE]"

    def convert(self, value: Any, param: Any, ctx: Any) -> tuple[str, int, Decimal | None]:
        if isinstance(value, tuple):
            return value
        code, sep, rest = str(value).rpartition("=")
        if not sep or not code.strip():
            self.fail(f"{value!r} is not ITEM=QTY[@PRICE] (for example TENT12=100@350.00)", param, ctx)
        qty, at, price = rest.partition("@")
        try:
            quantity = int(qty)
        except ValueError:
            self.fail(f"{qty!r} in {value!r} is not a whole number", param, ctx)
        if not at:
            return code.strip(), quantity, None
        try:
            return code.strip(), quantity, Decimal(price)
        except InvalidOperation:
            self.fail(f"{price!r} in {value!r} is not a price", param, ctx)


ITEM_QTY_PRICE = ItemQtyPriceType()


@click.group()
def contract() -> None:
    """Agreement and capacity reserves held by contract (协议储备): sign, call up, deliver, renew.

    \b
    A contract's quantity counts for readiness and allocation only while the contract is
    valid, and never more than contracted less what was called up.
    """


def _show_contract(app: App, c: Any) -> None:
    state = "in force" if c.in_force else ("renewed" if c.status == "renewed" else "not in force")
    app.out.print(
        f"{c.code} v{c.version}  {c.company}  ({c.mode}, {state})  at {c.point}  "
        f"{c.valid_from} → {c.valid_to}  lead time {c.lead_time_hours:g} h"
    )
    if c.credit_code or c.contact:
        app.out.print("  " + "  ".join(x for x in (c.credit_code, c.contact) if x))
    app.out.table(
        ["item", "name", "unit", "contracted", "price", "called up", "remaining"],
        [(ln.item, ln.item_name, ln.unit, ln.quantity, ln.unit_price, ln.called_up, ln.remaining) for ln in c.lines],
    )
    if c.late_deliveries or c.short_units:
        app.out.print(f"  late deliveries {c.late_deliveries}, units short {c.short_units}")


@contract.command("add")
@click.argument("code")
@click.option("--company", required=True, metavar="NAME", help="The company (企业名称).")
@click.option("--credit-code", metavar="X", help="Its unified social credit code (统一社会信用代码, 18 characters).")
@click.option("--contact", metavar="TEXT", help="Contact person and phone.")
@click.option("--point", required=True, metavar="P", shell_complete=POINT, help="Storage point (agreement / factory).")
@click.option(
    "--item",
    "items",
    required=True,
    multiple=True,
    type=ITEM_QTY_PRICE,
    help="ITEM=QTY[@PRICE]: contracted quantity and unit price. Repeat per item.",
)
@click.option("--valid-from", required=True, type=DATE, metavar="YYYY-MM-DD", help="First day of validity.")
@click.option("--valid-to", required=True, type=DATE, metavar="YYYY-MM-DD", help="Last day of validity.")
@click.option("--lead-time-hours", required=True, type=float, metavar="H", help="Guaranteed delivery lead time.")
@click.option(
    "--mode",
    type=click.Choice(("agreement", "capacity")),
    default="agreement",
    show_default=True,
    help="Agreement stock (协议储备) or production capacity (产能储备).",
)
@pass_app
def contract_add(
    app: App,
    code: str,
    company: str,
    credit_code: str | None,
    contact: str | None,
    point: str,
    items: tuple[tuple[str, int, Decimal | None], ...],
    valid_from: datetime,
    valid_to: datetime,
    lead_time_hours: float,
    mode: str,
) -> None:
    """Sign contract CODE: its quantities are booked at the point through the ledger.

    \b
    supplies contract add HT-2026-01 --company 贵州某商贸有限公司 --credit-code 91350100M000100Y43 \\
        --point HS-AG01 --item TENT12=200@350 --valid-from 2026-01-01 --valid-to 2026-12-31 \\
        --lead-time-hours 24
    """
    view = app.inventory().contracts.add(
        code,
        company=company,
        credit_code=credit_code,
        contact=contact,
        point=point,
        items=list(items),
        valid_from=valid_from.date(),
        valid_to=valid_to.date(),
        lead_time_hours=lead_time_hours,
        mode=mode,
    )
    app.out.result(view, lambda: _show_contract(app, view))


@contract.command("list")
@click.option(
    "--expiring-days",
    type=int,
    metavar="N",
    help="Only contracts ending within N days (SUPPLIES_CONTRACT_EXPIRY_DAYS, 60, is the dashboard's).",
)
@pass_app
def contract_list(app: App, expiring_days: int | None) -> None:
    """List the contracts (their current versions), soonest end first."""
    rows = app.inventory().contracts.list(expiring_days=expiring_days)
    app.out.result(
        rows,
        lambda: app.out.table(
            ["code", "v", "company", "point", "mode", "valid from", "valid to", "days left", "in force", "remaining"],
            [
                (
                    c.code,
                    c.version,
                    c.company,
                    c.point,
                    c.mode,
                    c.valid_from,
                    c.valid_to,
                    c.days_left,
                    "yes" if c.in_force else "no",
                    sum(ln.remaining for ln in c.lines),
                )
                for c in rows
            ],
            empty="no contracts",
        ),
    )


@contract.command("show")
@click.argument("code")
@pass_app
def contract_show(app: App, code: str) -> None:
    """Show contract CODE: its lines, earlier versions and call-up orders."""
    detail = app.inventory().contracts.show(code)

    def human() -> None:
        _show_contract(app, detail.contract)
        for old in reversed(detail.history):
            app.out.print(f"  earlier: v{old.version} {old.valid_from} → {old.valid_to} ({old.status})")
        if detail.call_ups:
            app.out.table(
                ["order", "request", "units", "deadline", "status", "delivered", "late", "short"],
                [
                    (o.id, o.request_id, o.quantity, o.deadline, o.status, o.delivered_at, o.late, o.short)
                    for o in detail.call_ups
                ],
            )

    app.out.result(detail, human)


@contract.command("renew")
@click.argument("code")
@click.option("--valid-to", required=True, type=DATE, metavar="YYYY-MM-DD", help="Last day of the new validity.")
@click.option("--valid-from", type=DATE, metavar="YYYY-MM-DD", help="First day (default: today).")
@click.option("--lead-time-hours", type=float, metavar="H", help="A new guaranteed lead time.")
@click.option(
    "--item",
    "items",
    multiple=True,
    type=ITEM_QTY_PRICE,
    help="ITEM=QTY[@PRICE]: a new contracted quantity (default: what is left).",
)
@pass_app
def contract_renew(
    app: App,
    code: str,
    valid_to: datetime,
    valid_from: datetime | None,
    lead_time_hours: float | None,
    items: tuple[tuple[str, int, Decimal | None], ...],
) -> None:
    """Renew contract CODE as a new version; the old one stays in its history."""
    view = app.inventory().contracts.renew(
        code,
        valid_to=valid_to.date(),
        valid_from=valid_from.date() if valid_from else None,
        lead_time_hours=lead_time_hours,
        items=list(items) or None,
    )
    app.out.result(view, lambda: _show_contract(app, view))


@contract.command("call-up")
@click.argument("code")
@click.option("--request", "request_id", required=True, type=int, metavar="ID", help="The request it serves.")
@click.option(
    "--item", "items", required=True, multiple=True, type=CODE_QTY, help="ITEM=QTY to call up. Repeat per item."
)
@click.option("--note", metavar="TEXT", help="A note for the request's history.")
@pass_app
def contract_call_up(
    app: App, code: str, request_id: int, items: tuple[tuple[str, int], ...], note: str | None
) -> None:
    """Call up contract CODE for a request (调用): print the order id; the printed order goes to stderr.

    \b
    ORDER=$(supplies contract call-up HT-2026-01 --request 3 --item TENT12=50)
    """
    from supplies.services.contracts.service import printed_order

    order = app.inventory().contracts.call_up(code, request=request_id, items=list(items), note=note)

    def human() -> None:
        click.echo(order.id)
        app.out.note(printed_order(order))

    app.out.result(order, human)


@contract.command("deliver")
@click.argument("order", type=int)
@click.option(
    "--item",
    "items",
    multiple=True,
    type=CODE_QTY,
    help="ITEM=QTY delivered, when it differs from what was called up. Repeat per item.",
)
@click.option("--at", type=WHEN, help="When it arrived: ISO time or -2h (default: now).")
@pass_app
def contract_deliver(app: App, order: int, items: tuple[tuple[str, int], ...], at: datetime | None) -> None:
    """Record the delivery of call-up ORDER at the request's destination; late or short is recorded."""
    done = app.inventory().contracts.deliver(order, items=list(items) or None, at=at)
    notes = [w for w, on in (("late", done.late), (f"short by {done.short}", done.short)) if on]
    app.out.result(
        done,
        f"call-up order #{done.id} delivered to {done.destination}" + (f" ({', '.join(notes)})" if notes else ""),
    )


@contract.command("order")
@click.argument("order", type=int)
@pass_app
def contract_order(app: App, order: int) -> None:
    """Print call-up ORDER (调用单) to hand to the company."""
    from supplies.services.contracts.service import printed_order

    view = app.inventory().contracts.order(order)
    app.out.result(view, lambda: click.echo(printed_order(view)))
