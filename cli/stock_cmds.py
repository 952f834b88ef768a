"""`supplies stock ...`, `ledger`, `verify` and `target ...`: stock lots, the ledger (台账) and reserve targets."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import click

from .complete import AGENCY, CLASS, ITEM, POINT
from .context import App, pass_app
from .output import Output
from .vocab import MOVEMENT_KINDS, RECEIVE_MODES, STOCK_GROUPS

DATE = click.DateTime(formats=["%Y-%m-%d"])
EXPIRY_WARNING_DAYS = 30


def _day(value: datetime | None) -> date | None:
    return value.date() if value else None


@click.group()
def stock() -> None:
    """Stock lots: receive, issue, count, move, list."""


def _point_item(f: Any) -> Any:
    f = click.option("--item", required=True, metavar="CODE", shell_complete=ITEM, help="Item code.")(f)
    return click.option("--point", required=True, metavar="CODE", shell_complete=POINT, help="Storage point code.")(f)


def _notes(f: Any) -> Any:
    f = click.option("--reason", metavar="TEXT", help="Why (recorded in the ledger).")(f)
    return click.option("--reference", metavar="TEXT", help="Document number (入库单, 出库单 ...).")(f)


def _changed(app: App, action: str, change: Any, **fields: Any) -> None:
    doc = {**fields, "lot_ids": list(change.lot_ids), "movement_ids": list(change.movement_ids), "qty": change.qty}
    where = fields.get("point") or f"{fields.get('from_point')} → {fields.get('to_point')}"
    lot = f" lot {fields['lot']}" if fields.get("lot") else ""
    app.out.result(doc, f"{action} {change.qty} × {fields['item']} at {where}{lot}")


@stock.command("receive")
@_point_item
@click.option("--qty", required=True, type=int, help="Units received.")
@click.option("--lot", metavar="BATCH", help="Batch number; an existing batch is topped up.")
@click.option("--expires", type=DATE, metavar="YYYY-MM-DD", help="Expiry date of the batch.")
@click.option(
    "--mode",
    default="physical",
    show_default=True,
    type=click.Choice(RECEIVE_MODES),
    help="Reserve mode: government stock, agreement (代储), production capacity, donation.",
)
@click.option(
    "--lead-time-hours",
    type=float,
    default=0.0,
    metavar="H",
    help="Hours an agreement or capacity reserve needs before it can leave.",
)
@click.option("--unit-cost", type=float, metavar="YUAN", help="Cost of one unit.")
@click.option("--agency", metavar="CODE", shell_complete=AGENCY, help="Check that this agency holds the item's class.")
@click.option(
    "--historical", is_flag=True, help="Record stock received in the past: allows an expiry date before today."
)
@_notes
@pass_app
def stock_receive(
    app: App,
    point: str,
    item: str,
    qty: int,
    lot: str | None,
    expires: datetime | None,
    mode: str,
    lead_time_hours: float,
    unit_cost: float | None,
    agency: str | None,
    historical: bool,
    reference: str | None,
    reason: str | None,
) -> None:
    """Receive stock into a lot (入库).

    \b
    supplies stock receive --point HS-CK01 --item PLAN14:3.05 --qty 500 \\
        --lot 2025-HS-09 --expires 2030-06-30
    """
    change = app.inventory().stock.receive(
        point,
        item,
        qty,
        batch=lot,
        expires_on=_day(expires),
        mode=mode,
        lead_time_hours=lead_time_hours,
        unit_cost=unit_cost,
        agency=agency,
        reference=reference,
        reason=reason,
        historical=historical,
    )
    _changed(app, "received", change, point=point, item=item, lot=lot)


@stock.command("issue")
@_point_item
@click.option("--qty", required=True, type=int, help="Units issued.")
@click.option("--lot", metavar="BATCH", help="From this batch (default: earliest expiry first).")
@_notes
@pass_app
def stock_issue(
    app: App, point: str, item: str, qty: int, lot: str | None, reference: str | None, reason: str | None
) -> None:
    """Issue free stock outside a dispatch request (出库)."""
    change = app.inventory().stock.issue(point, item, qty, batch=lot, reference=reference, reason=reason)
    _changed(app, "issued", change, point=point, item=item, lot=lot)


@stock.command("write-off")
@_point_item
@click.option("--qty", required=True, type=int, help="Units written off.")
@click.option("--reason", required=True, metavar="TEXT", help="Why: spoiled, expired, lost ...")
@click.option("--lot", metavar="BATCH", help="From this batch (default: earliest expiry first).")
@click.option("--reference", metavar="TEXT", help="Document number.")
@pass_app
def stock_write_off(
    app: App, point: str, item: str, qty: int, reason: str, lot: str | None, reference: str | None
) -> None:
    """Write off spoiled or lost stock (报废)."""
    change = app.inventory().stock.write_off(point, item, qty, reason=reason, batch=lot, reference=reference)
    _changed(app, "wrote off", change, point=point, item=item, lot=lot)


@stock.command("repaired")
@_point_item
@click.option("--qty", required=True, type=int, help="Units mended.")
@click.option("--lot", metavar="BATCH", help="From this repair lot (default: the oldest first).")
@pass_app
def stock_repaired(app: App, point: str, item: str, qty: int, lot: str | None) -> None:
    """Put mended units held for repair back into good stock (their own batch).

    Returns in the condition repair wait in a lot <batch>-REPAIR that is never allocated; this moves
    them back into <batch> at the same point, with a ledger line on each lot.
    """
    lines = app.inventory().returns.repaired(point, item, qty, batch=lot)
    doc = [line.as_dict() for line in lines]
    text = "; ".join(f"{x.qty} × {x.item} {x.from_batch} -> {x.batch}" for x in lines)
    app.out.result(doc, f"back from repair at {point}: {text}")


@stock.command("adjust")
@_point_item
@click.option("--counted", required=True, type=int, help="Units found by the count.")
@click.option("--lot", metavar="BATCH", help="The batch counted (default: the lot without batch).")
@_notes
@pass_app
def stock_adjust(
    app: App, point: str, item: str, counted: int, lot: str | None, reference: str | None, reason: str | None
) -> None:
    """Record a stock count (盘点).

    Sets the lot's on-hand to what was counted, with one adjusting ledger line.
    """
    change = app.inventory().stock.adjust(point, item, counted, batch=lot, reason=reason, reference=reference)
    doc = {
        "point": point,
        "item": item,
        "lot": lot,
        "counted": counted,
        "delta": change.qty,
        "lot_ids": list(change.lot_ids),
        "movement_ids": list(change.movement_ids),
    }
    app.out.result(doc, f"counted {counted} × {item} at {point} ({change.qty:+d})")


@stock.command("transfer")
@click.option("--from", "from_point", required=True, metavar="CODE", shell_complete=POINT, help="Source point.")
@click.option("--to", "to_point", required=True, metavar="CODE", shell_complete=POINT, help="Destination point.")
@click.option("--item", required=True, metavar="CODE", shell_complete=ITEM, help="Item code.")
@click.option("--qty", required=True, type=int, help="Units moved.")
@click.option("--lot", metavar="BATCH", help="From this batch (default: earliest expiry first).")
@click.option(
    "--to-lot",
    metavar="BATCH",
    help="File the stock under this batch at the destination (when its own batch code is taken there "
    "by stock of another expiry or mode).",
)
@_notes
@pass_app
def stock_transfer(
    app: App,
    from_point: str,
    to_point: str,
    item: str,
    qty: int,
    lot: str | None,
    to_lot: str | None,
    reference: str | None,
    reason: str | None,
) -> None:
    """Move free stock between points.

    Lots keep their batch, expiry and reserve mode; a transfer into a destination batch of the
    same code but another expiry or mode is refused (exit 3): give --to-lot.
    """
    change = app.inventory().stock.transfer(
        from_point, to_point, item, qty, batch=lot, to_batch=to_lot, reference=reference, reason=reason
    )
    _changed(app, "moved", change, from_point=from_point, to_point=to_point, item=item, lot=lot)


@stock.command("rotate")
@_point_item
@click.option("--qty", required=True, type=int, help="Units rotated.")
@click.option("--lot", required=True, metavar="BATCH", help="The batch going out.")
@click.option("--new-lot", required=True, metavar="BATCH", help="The fresh batch coming in.")
@click.option("--new-expires", type=DATE, metavar="YYYY-MM-DD", help="Expiry of the fresh batch.")
@_notes
@pass_app
def stock_rotate(
    app: App,
    point: str,
    item: str,
    qty: int,
    lot: str,
    new_lot: str,
    new_expires: datetime | None,
    reference: str | None,
    reason: str | None,
) -> None:
    """Rotate stock near expiry (轮换).

    Moves QTY out of the old batch and the same quantity into a fresh one.
    """
    change = app.inventory().stock.rotate(
        point,
        item,
        qty,
        batch=lot,
        new_batch=new_lot,
        new_expires_on=_day(new_expires),
        reason=reason,
        reference=reference,
    )
    _changed(app, "rotated", change, point=point, item=item, lot=f"{lot} → {new_lot}")


@stock.command("list")
@click.option("--point", metavar="CODE", shell_complete=POINT, help="Only this storage point.")
@click.option("--item", metavar="CODE", shell_complete=ITEM, help="Only this item.")
@click.option(
    "--class", "supply_class", metavar="CODE", shell_complete=CLASS, help="Only this class and its sub-classes."
)
@click.option("--agency", metavar="CODE", shell_complete=AGENCY, help="Only this agency's stock.")
@click.option("--region", "region_code", metavar="CODE", help="Only points in this region (prefix).")
@click.option(
    "--expiring-days",
    type=click.IntRange(min=0),
    metavar="N",
    help="Only lots expiring within N days (or expired), soonest first.",
)
@click.option("--all", "include_empty", is_flag=True, help="Include lots with nothing on hand.")
@click.option("--limit", type=click.IntRange(min=1), metavar="N", help="At most N lots.")
@pass_app
def stock_list(
    app: App,
    point: str | None,
    item: str | None,
    supply_class: str | None,
    agency: str | None,
    region_code: str | None,
    expiring_days: int | None,
    include_empty: bool,
    limit: int | None,
) -> None:
    """List stock lots: on hand, reserved, free."""
    lots = app.inventory().stock.lots(
        point=point,
        item=item,
        supply_class=supply_class,
        agency=agency,
        region_code=region_code,
        expiring_within_days=expiring_days,
        with_stock_only=not include_empty,
        limit=limit,
    )
    app.out.result(
        lots,
        lambda: app.out.table(
            ["point", "item", "name", "lot", "mode", "expires", "on hand", "reserved", "free", "unit", "agency"],
            [
                (
                    x.point,
                    x.item,
                    x.item_name,
                    x.batch,
                    _mode(x.mode, x.lead_time_hours),
                    _expiry(x.expires, app.out),
                    x.on_hand,
                    x.reserved,
                    x.free,
                    x.unit,
                    x.agency,
                )
                for x in lots
            ],
            empty="no stock matches",
        ),
    )


def _mode(mode: str, lead_time_hours: float) -> str:
    return f"{mode} +{lead_time_hours:g}h" if lead_time_hours else mode


def _expiry(expires: date | None, out: Output) -> Any:
    if expires is None:
        return None
    if not out.is_terminal:  # plain text has no colours: no need to import rich for them
        return expires.isoformat()
    from rich.text import Text

    from supplies.config import local_today  # the department's day, not the machine's

    left = (expires - local_today()).days
    style = "bold red" if left < 0 else "yellow" if left <= EXPIRY_WARNING_DAYS else ""
    return Text(expires.isoformat(), style=style)


@stock.command("summary")
@click.option(
    "--by",
    default="class,level",
    show_default=True,
    metavar="KEYS",
    help=f"Group by a comma-separated list of: {', '.join(STOCK_GROUPS)}.",
)
@click.option("--point", metavar="CODE", shell_complete=POINT, help="Only this storage point.")
@click.option(
    "--class", "supply_class", metavar="CODE", shell_complete=CLASS, help="Only this class and its sub-classes."
)
@click.option("--region", "region_code", metavar="CODE", help="Only points in this region (prefix).")
@pass_app
def stock_summary(app: App, by: str, point: str | None, supply_class: str | None, region_code: str | None) -> None:
    """Totals of stock by class, level, agency ...

    On-hand, reserved and free totals grouped by any of class, item, point, region, level,
    agency, mode.
    """
    keys = [k.strip() for k in by.split(",") if k.strip()]
    rows = app.inventory().stock.summary(keys, point=point, supply_class=supply_class, region_code=region_code)
    docs = [{**r.key, "lots": r.lots, "on_hand": r.on_hand, "reserved": r.reserved, "free": r.free} for r in rows]
    app.out.result(
        docs,
        lambda: app.out.table(
            [*keys, "lots", "on hand", "reserved", "free"],
            [(*(r.key[k] for k in keys), r.lots, r.on_hand, r.reserved, r.free) for r in rows],
            empty="no stock matches",
        ),
    )


@stock.command("rollup")
@click.option("--jurisdiction", metavar="CODE", help="Roll up this jurisdiction (default: yours).")
@click.option(
    "--expiring-days", default=90, show_default=True, type=int, metavar="N", help="Count what expires within N days."
)
@click.option("--item", metavar="CODE", shell_complete=ITEM, help="Only this item.")
@pass_app
def stock_rollup(app: App, jurisdiction: str | None, expiring_days: int, item: str | None) -> None:
    """Each jurisdiction below yours side by side, item by item: on hand, free, target, gap, expiring.

    A city sees each county (with all below it), the city's own depots and the total in one table.

    \b
    supplies --as wuguodong stock rollup --item PLAN14:3.05
    """
    rows = [
        r
        for r in app.inventory().stock.rollup(jurisdiction=jurisdiction, expiring_days=expiring_days)
        if item is None or r.item == item
    ]
    app.out.result(
        rows,
        lambda: app.out.table(
            [
                "jurisdiction",
                "name",
                "part",
                "item",
                "name",
                "on hand",
                "free",
                "target",
                "gap",
                f"expiring ≤{expiring_days}d",
            ],
            [
                (r.jurisdiction, r.name, r.part, r.item, r.item_name, r.on_hand, r.free, r.target, r.gap, r.expiring)
                for r in rows
            ],
            empty="no stock in these jurisdictions",
        ),
    )


@click.command()
@click.option("--point", metavar="CODE", shell_complete=POINT, help="Only this storage point.")
@click.option("--item", metavar="CODE", shell_complete=ITEM, help="Only this item.")
@click.option("--since", type=DATE, metavar="YYYY-MM-DD", help="From this day on.")
@click.option("--until", type=DATE, metavar="YYYY-MM-DD", help="Up to and including this day.")
@click.option("--kind", "kinds", multiple=True, type=click.Choice(MOVEMENT_KINDS), help="Only these kinds.")
@click.option("--limit", type=click.IntRange(min=1), metavar="N", help="At most N lines.")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="FILE",
    help="Write the lines to FILE (.csv or .xlsx) as they are read: a whole province's ledger fits.",
)
@click.option("--lang", type=click.Choice(["en", "zh"]), default="en", show_default=True, help="Headers of --out.")
@pass_app
def ledger(
    app: App,
    point: str | None,
    item: str | None,
    since: datetime | None,
    until: datetime | None,
    kinds: tuple[str, ...],
    limit: int | None,
    out: Path | None,
    lang: str,
) -> None:
    """The ledger (台账): every movement of stock, oldest first.

    \b
    supplies ledger --since 2026-01-01 --out 台账.xlsx --lang zh
    """
    if out is not None:
        if limit is not None:
            raise click.UsageError("--limit cannot be used with --out (the file holds every line)")
        written = app.inventory().exports.ledger(
            out, lang=lang, point=point, item=item, since=_day(since), until=_day(until), kinds=kinds or None
        )
        app.out.result({"file": str(out), "lines": written}, f"wrote {written} ledger lines to {out}")
        return
    lines = app.inventory().stock.ledger(
        point=point, item=item, since=_day(since), until=_day(until), kinds=kinds or None, limit=limit
    )
    app.out.result(
        lines,
        lambda: app.out.table(
            ["at", "kind", "item", "point", "lot", "qty", "reserved ±", "balance", "by", "reference", "reason"],
            [
                (
                    m.at,
                    m.kind,
                    m.item,
                    m.point,
                    m.batch,
                    _signed(m.qty),
                    _signed(m.reserved_delta),
                    m.balance_after,
                    m.actor,
                    m.reference,
                    m.reason,
                )
                for m in lines
            ],
            empty="no movements match",
        ),
    )


def _signed(n: int) -> Any:
    from rich.text import Text

    return Text(f"{n:+d}" if n else "0", justify="right")


@click.command()
@pass_app
def verify(app: App) -> None:
    """Check every balance against the ledger.

    Recomputes each lot's on-hand and reserved from its movements and checks each lot's hash chain;
    exits 1 if any differs. Prints the fingerprint (a SHA-256 over every chain head) to keep elsewhere.
    """
    report = app.inventory().stock.verify()
    doc = {
        "ok": report.ok,
        "lots_checked": report.lots_checked,
        "movements": report.movements,
        "differences": report.differences,
        "fingerprint": report.fingerprint,
    }

    def human() -> None:
        if report.ok:
            app.out.print(f"ok: {report.lots_checked} lots agree with {report.movements} ledger movements")
            app.out.print(f"fingerprint: {report.fingerprint}")
            return
        app.out.table(
            ["lot", "on hand", "ledger on hand", "reserved", "ledger reserved", "problem"],
            [
                (
                    d.get("lot_id"),
                    d.get("on_hand"),
                    d.get("ledger_on_hand"),
                    d.get("reserved"),
                    d.get("ledger_reserved"),
                    d.get("problem"),
                )
                for d in report.differences
            ],
        )

    app.out.result(doc, human)
    if not report.ok:
        app.out.note(f"error: {len(report.differences)} lots differ from the ledger")
        click.get_current_context().exit(1)


@click.group()
def target() -> None:
    """Reserve targets per point or region."""


@target.command("set")
@click.argument("item_code", metavar="ITEM", shell_complete=ITEM)
@click.argument("quantity", type=int)
@click.option("--point", metavar="CODE", shell_complete=POINT, help="The storage point.")
@click.option("--region", "region_code", metavar="CODE", help="Or the whole region.")
@pass_app
def target_set(app: App, item_code: str, quantity: int, point: str | None, region_code: str | None) -> None:
    """Set the target QUANTITY of ITEM at a point or over a region."""
    app.inventory().targets.set(item_code, quantity, point=point, region_code=region_code)
    app.out.result(
        {"item": item_code, "point": point, "region_code": None if point else region_code, "quantity": quantity},
        f"target {item_code} at {point or region_code}: {quantity}",
    )


@target.command("list")
@click.option("--item", metavar="CODE", shell_complete=ITEM, help="Only this item.")
@pass_app
def target_list(app: App, item: str | None) -> None:
    """List reserve targets."""
    rows = app.inventory().targets.list(item=item)
    app.out.result(
        rows,
        lambda: app.out.table(
            ["item", "point", "region", "target"],
            [(t.item, t.point, t.region_code, t.quantity) for t in rows],
            empty="no reserve targets",
        ),
    )
