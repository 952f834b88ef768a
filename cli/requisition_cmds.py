"""`supplies requisition ...`: goods requisitioned for an emergency (征用), given back (归还) and compensated (补偿)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

import click

from .complete import POINT
from .context import App, pass_app
from .dispatch_cmds import CODE_QTY, WHEN
from .output import DAY, local
from .vocab import REQUISITION_CONDITIONS


def _yuan(text: str) -> Decimal:
    value = Decimal(text.strip())
    if not value.is_finite():
        raise InvalidOperation(text)
    return value


class ItemValueType(click.ParamType):
    """ITEM=QTY@VALUE or ITEM=QTY@VALUE/DAILY, e.g. PUMP=2@3000/50 (a daily rate for equipment)."""

    name = "ITEM=QTY@VALUE[/DAILY]"

    def convert(self, value: Any, param: Any, ctx: Any) -> tuple[Any, ...]:
        if isinstance(value, tuple):
            return value
        code, sep, rest = str(value).rpartition("=")
        qty, at, money = rest.partition("@")
        if not sep or not code.strip() or not at:
            self.fail(f"{value!r} is not ITEM=QTY@VALUE[/DAILY] (for example PUMP=2@3000/50)", param, ctx)
        try:
            quantity = int(qty)
        except ValueError:
            self.fail(f"{qty!r} in {value!r} is not a whole number", param, ctx)
        unit_value, slash, daily = money.partition("/")
        try:
            return (code.strip(), quantity, _yuan(unit_value), _yuan(daily) if slash else None)
        except InvalidOperation:
            self.fail(f"{money!r} in {value!r} is not an amount in yuan (VALUE or VALUE/DAILY)", param, ctx)


class ItemYuanType(click.ParamType):
    """ITEM=YUAN, e.g. PUMP=800.00."""

    name = "ITEM=YUAN"

    def convert(self, value: Any, param: Any, ctx: Any) -> tuple[str, Decimal]:
        if isinstance(value, tuple):
            return value
        code, sep, amount = str(value).rpartition("=")
        if not sep or not code.strip():
            self.fail(f"{value!r} is not ITEM=YUAN (for example PUMP=800)", param, ctx)
        try:
            return code.strip(), _yuan(amount)
        except InvalidOperation:
            self.fail(f"{amount!r} in {value!r} is not an amount in yuan", param, ctx)


ITEM_VALUE = ItemValueType()
ITEM_YUAN = ItemYuanType()


@click.group()
def requisition() -> None:
    """Goods requisitioned for an emergency (征用): record, give back, compensate (补偿).

    \b
    Requisitioned goods are held at a point as lots of mode requisition (batch ZY-<id>) and
    dispatched like any stock. What is not given back is compensated: consumed and lost units
    at the assessed value, equipment's days of use at its daily rate, and damage.
    """


def _show(app: App, r: Any) -> None:
    who = f"{r.owner}" + (f" ({r.owner_id})" if r.owner_id else "")
    app.out.print(f"requisition #{r.id}  {r.status}  from {who}  at {r.point}  since {local(r.started_at)}")
    app.out.print(f"  {r.authority}; {r.basis}")
    app.out.table(
        ["item", "name", "qty", "value", "daily", "held", "good", "damaged", "lost", "consumed"],
        [
            (
                ln.item,
                ln.item_name,
                ln.quantity,
                ln.unit_value,
                ln.daily_rate if ln.daily_rate is not None else "",
                ln.held,
                ln.returned_good,
                ln.returned_damaged,
                ln.lost,
                ln.consumed,
            )
            for ln in r.lines
        ],
    )
    if r.compensation_status:
        app.out.print(f"  compensation {r.compensation_total} ({r.compensation_status})")


def _compensation(app: App, comp: Any) -> None:
    app.out.table(
        ["item", "kind", "qty", "days", "rate", "amount"],
        [
            (ln.item, ln.kind, ln.quantity, ln.days or "", ln.rate if ln.rate is not None else "", ln.amount)
            for ln in comp.lines
        ],
        title=f"compensation of requisition #{comp.requisition_id} to {comp.owner}: {comp.status}",
    )
    steps = [f"assessed by {comp.assessed_by} {local(comp.assessed_at)}"]
    if comp.approved_at:
        steps.append(f"approved by {comp.approved_by} {local(comp.approved_at)}")
    if comp.paid_at:
        steps.append(f"paid by {comp.paid_by} {local(comp.paid_at)} ({comp.reference})")
    app.out.print(f"  total {comp.total}; " + "; ".join(steps))


@requisition.command("add")
@click.option("--owner", required=True, metavar="NAME", help="The owner (被征用人): a person or a company.")
@click.option(
    "--owner-id",
    metavar="X",
    help="A person's ID number (kept masked only) or, with --owner-kind company, its unified social credit code.",
)
@click.option(
    "--owner-kind",
    type=click.Choice(("person", "company")),
    default="person",
    show_default=True,
    help="Whether the owner is a person or a company.",
)
@click.option("--authority", required=True, metavar="TEXT", help="The authority that issued the order (征用机关).")
@click.option("--basis", required=True, metavar="TEXT", help="The legal basis, e.g. 《突发事件应对法》.")
@click.option("--point", required=True, metavar="P", shell_complete=POINT, help="The storage point holding the goods.")
@click.option(
    "--item",
    "items",
    required=True,
    multiple=True,
    type=ITEM_VALUE,
    help="ITEM=QTY@VALUE[/DAILY]: units, assessed unit value, and a daily rate for equipment. Repeat per item.",
)
@click.option(
    "--daily-rate",
    "rates",
    multiple=True,
    type=ITEM_YUAN,
    help="ITEM=YUAN: the daily rate of an item given by --item (as /DAILY does).",
)
@click.option("--at", type=WHEN, help="When the requisition started: ISO time or -2h (default: now).")
@pass_app
def requisition_add(
    app: App,
    owner: str,
    owner_id: str | None,
    owner_kind: str,
    authority: str,
    basis: str,
    point: str,
    items: tuple[tuple[Any, ...], ...],
    rates: tuple[tuple[str, Decimal], ...],
    at: datetime | None,
) -> None:
    """Record a requisition order (征用) and book its goods in at the point; print its id.

    \b
    ZY=$(supplies requisition add --owner 惠水县某建材公司 --owner-kind company \\
        --authority 惠水县人民政府 --basis 《突发事件应对法》第十二条 --point HS-CK01 \\
        --item PUMP=2@3000/50 --item SANDBAG=500@3)
    """
    daily = dict(rates)
    lines = [(code, qty, value, daily.pop(code, rate)) for code, qty, value, rate in items]
    if daily:
        from supplies.errors import InvalidInput

        raise InvalidInput(f"{', '.join(daily)} is not among the --item values", "daily_rate")
    view = app.inventory().requisitions.add(
        owner=owner,
        owner_id=owner_id,
        owner_kind=owner_kind,
        authority=authority,
        basis=basis,
        point=point,
        items=lines,
        started_at=at,
    )

    def human() -> None:
        click.echo(view.id)
        app.out.note(f"requisition #{view.id}: {sum(ln.quantity for ln in view.lines)} units booked into {view.point}")

    app.out.result(view, human)


@requisition.command("return")
@click.argument("id", type=int)
@click.option(
    "--item", "items", required=True, multiple=True, type=CODE_QTY, help="ITEM=QTY given back. Repeat per item."
)
@click.option(
    "--condition",
    required=True,
    type=click.Choice(REQUISITION_CONDITIONS),
    help="good or damaged: given back to the owner; lost: written off, compensated at its value.",
)
@click.option("--damage", "damage", multiple=True, type=ITEM_YUAN, help="ITEM=YUAN: damage assessed (damaged only).")
@click.option("--note", metavar="TEXT", help="A note for the ledger line.")
@pass_app
def requisition_return(
    app: App,
    id: int,
    items: tuple[tuple[str, int], ...],
    condition: str,
    damage: tuple[tuple[str, Decimal], ...],
    note: str | None,
) -> None:
    """Give units of requisition ID back to the owner (归还), or record them lost."""
    rows = app.inventory().requisitions.record_return(
        id, list(items), condition, damage=list(damage) or None, note=note
    )
    app.out.result(
        rows,
        lambda: app.out.table(
            ["item", "qty", "condition", "damage", "ledger line"],
            [(x.item, x.qty, x.condition, x.damage, x.movement_id) for x in rows],
            title=f"requisition #{id}",
        ),
    )


@requisition.command("assess")
@click.argument("id", type=int)
@click.option("--damage", "damage", multiple=True, type=ITEM_YUAN, help="ITEM=YUAN: set the damage of an item.")
@pass_app
def requisition_assess(app: App, id: int, damage: tuple[tuple[str, Decimal], ...]) -> None:
    """Assess the compensation (补偿) of requisition ID, itemised, and close it."""
    comp = app.inventory().requisitions.assess(id, damage=list(damage) or None)
    app.out.result(comp, lambda: _compensation(app, comp))


@requisition.command("approve")
@click.argument("id", type=int)
@pass_app
def requisition_approve(app: App, id: int) -> None:
    """Approve the compensation of requisition ID (an admin who did not assess it)."""
    comp = app.inventory().requisitions.approve(id)
    app.out.result(comp, lambda: _compensation(app, comp))


@requisition.command("pay")
@click.argument("id", type=int)
@click.option("--reference", required=True, metavar="TEXT", help="The payment's voucher or transfer number.")
@pass_app
def requisition_pay(app: App, id: int, reference: str) -> None:
    """Record the compensation of requisition ID paid, with its reference (admins)."""
    comp = app.inventory().requisitions.pay(id, reference=reference)
    app.out.result(comp, lambda: _compensation(app, comp))


@requisition.command("list")
@click.option("--open", "open_only", is_flag=True, help="Only requisitions still holding goods of their owner.")
@pass_app
def requisition_list(app: App, open_only: bool) -> None:
    """List requisitions, newest first, with what is held and the compensation's state."""
    rows = app.inventory().requisitions.list(open_only=open_only)
    app.out.result(
        rows,
        lambda: app.out.table(
            ["id", "owner", "authority", "point", "since", "status", "held", "compensation", "state"],
            [
                (
                    r.id,
                    r.owner,
                    r.authority,
                    r.point,
                    local(r.started_at, DAY),
                    r.status,
                    r.held,
                    r.compensation_total if r.compensation_total is not None else "",
                    r.compensation_status or "",
                )
                for r in rows
            ],
            empty="no requisitions",
        ),
    )


@requisition.command("show")
@click.argument("id", type=int)
@pass_app
def requisition_show(app: App, id: int) -> None:
    """Show requisition ID: its items, returns and compensation."""
    detail = app.inventory().requisitions.show(id)

    def human() -> None:
        _show(app, detail.requisition)
        if detail.returns:
            app.out.table(
                ["at", "item", "qty", "condition", "damage"],
                [(local(x.at), x.item, x.qty, x.condition, x.damage) for x in detail.returns],
                title="returns",
            )
        if detail.compensation is not None:
            _compensation(app, detail.compensation)

    app.out.result(detail, human)
