"""`supplies class ...` and `supplies item ...`: the supply-class tree and the items under it."""

from __future__ import annotations

import click

from .complete import AGENCY, CLASS, ITEM
from .context import App, pass_app


@click.group("class")
def class_group() -> None:
    """The supply-class tree; one agency holds each class."""


@class_group.command("add")
@click.argument("code")
@click.argument("name")
@click.option("--agency", required=True, metavar="CODE", shell_complete=AGENCY, help="The responsible agency.")
@click.option("--parent", metavar="CODE", shell_complete=CLASS, help="The parent class (none: a top-level class).")
@click.option("--name-en", metavar="TEXT", help="English name.")
@pass_app
def class_add(app: App, code: str, name: str, agency: str, parent: str | None, name_en: str | None) -> None:
    """Add class CODE named NAME, held by an agency.

    \b
    supplies class add PLAN14:1.2 防汛抗旱物资 --agency HSSW --parent PLAN14:1
    """
    row = app.inventory().classes.add(code, name, agency=agency, parent=parent, name_en=name_en)
    app.out.result(
        {"code": row.code, "name": row.name, "name_en": row.name_en, "agency": agency, "parent": parent},
        f"added class {row.code} {row.name} (held by {agency})",
    )


@class_group.command("list")
@click.option("--tree", is_flag=True, help="Show the tree, indented.")
@pass_app
def class_list(app: App, tree: bool) -> None:
    """List supply classes with their responsible agency."""
    nodes = app.inventory().classes.tree()
    if not tree:
        nodes = sorted(nodes, key=lambda n: n.code)
    indent = (lambda n: "  " * n.depth) if tree else (lambda n: "")
    app.out.result(
        nodes,
        lambda: app.out.table(
            ["code", "name", "agency", "parent"],
            [(indent(n) + n.code, n.name, n.agency, n.parent) for n in nodes],
            empty="no supply classes yet: supplies class add CODE NAME --agency CODE",
        ),
    )


@class_group.command("assign")
@click.argument("code", shell_complete=CLASS)
@click.option(
    "--agency",
    required=True,
    metavar="CODE",
    shell_complete=AGENCY,
    help="The agency answering for it in its jurisdiction.",
)
@click.option("--reason", metavar="TEXT", help="Why (recorded in the ledger when stock changes hands).")
@pass_app
def class_assign(app: App, code: str, agency: str, reason: str | None) -> None:
    """Make AGENCY the responsible agency of class CODE (and its sub-classes) in AGENCY's jurisdiction.

    The catalog is one for every jurisdiction (统一储备目录); who answers for a class is decided in
    each. Where another agency answers there already, its stock there is handed over.

    \b
    supplies class assign PLAN14:3 --agency CS-MZ
    """
    inv = app.inventory()
    row = inv.classes.assign(code, agency=agency, reason=reason)
    app.out.result(
        {"class": code, "agency": agency, "jurisdiction": row.jurisdiction_code},
        f"{agency} answers for class {code} in jurisdiction {row.jurisdiction_code}",
    )


@class_group.command("handover")
@click.argument("code", shell_complete=CLASS)
@click.option(
    "--to",
    "to_agency",
    required=True,
    metavar="AGENCY",
    shell_complete=AGENCY,
    help="The agency taking the class over.",
)
@click.option("--reason", metavar="TEXT", help="Why (recorded in the ledger).")
@click.option("--only-this", is_flag=True, help="Leave its sub-classes with the current agency.")
@pass_app
def class_handover(app: App, code: str, to_agency: str, reason: str | None, only_this: bool) -> None:
    """Hand class CODE (and its sub-classes) and all their stock to another agency."""
    record = app.inventory().classes.handover(code, to_agency=to_agency, reason=reason, include_children=not only_this)
    app.out.result(
        {"class": code, "to_agency": to_agency, "lots_moved": record.lots_moved, "at": record.at},
        f"class {code} handed over to {to_agency}; {record.lots_moved} lots moved",
    )


@click.group()
def item() -> None:
    """Items under the supply classes, counted in whole units."""


@item.command("add")
@click.argument("code")
@click.argument("name")
@click.option("--class", "supply_class", required=True, metavar="CODE", shell_complete=CLASS, help="The supply class.")
@click.option("--unit", required=True, metavar="UNIT", help="Unit of count (顶, 床, 条, 箱 ...).")
@click.option("--spec", metavar="TEXT", help="Specification (规格).")
@click.option("--shelf-life-days", type=int, metavar="N", help="Shelf life in days.")
@click.option("--weight-kg", type=float, metavar="KG", help="Weight of one unit.")
@click.option("--volume-m3", type=float, metavar="M3", help="Volume of one unit.")
@click.option(
    "--reusable/--not-reusable",
    default=False,
    show_default=True,
    help="Lent to households and sites and returned (tents, folding beds, pumps, generators).",
)
@click.option(
    "--tracked/--not-tracked",
    default=False,
    show_default=True,
    help="Tracked by unit (equipment with serial numbers and maintenance): received with supplies unit receive.",
)
@pass_app
def item_add(
    app: App,
    code: str,
    name: str,
    supply_class: str,
    unit: str,
    spec: str | None,
    shelf_life_days: int | None,
    weight_kg: float | None,
    volume_m3: float | None,
    reusable: bool,
    tracked: bool,
) -> None:
    """Add item CODE named NAME under a class.

    \b
    supplies item add PLAN14:3.05 棉被 --class PLAN14:3 --unit 床 --shelf-life-days 1825
    """
    row = app.inventory().items.add(
        code,
        name,
        supply_class=supply_class,
        unit=unit,
        spec=spec,
        shelf_life_days=shelf_life_days,
        unit_weight_kg=weight_kg,
        unit_volume_m3=volume_m3,
        reusable=reusable,
        tracked=tracked,
    )
    app.out.result(_item_doc(row, supply_class), f"added item {row.code} {row.name} ({row.unit})")


@item.command("update")
@click.argument("code", shell_complete=ITEM)
@click.option("--name", metavar="NAME", help="Name.")
@click.option("--class", "supply_class", metavar="CODE", shell_complete=CLASS, help="Move to this class (no stock).")
@click.option("--unit", metavar="UNIT", help="Unit of count.")
@click.option("--spec", metavar="TEXT", help="Specification (规格).")
@click.option("--shelf-life-days", type=int, metavar="N", help="Shelf life in days.")
@click.option("--weight-kg", "unit_weight_kg", type=float, metavar="KG", help="Weight of one unit.")
@click.option("--volume-m3", "unit_volume_m3", type=float, metavar="M3", help="Volume of one unit.")
@click.option(
    "--reusable/--not-reusable",
    default=None,
    help="Lent to households and sites and returned (tents, folding beds, pumps, generators).",
)
@click.option("--tracked/--not-tracked", default=None, help="Tracked by unit (serial numbers, maintenance).")
@pass_app
def item_update(app: App, code: str, **changes: object) -> None:
    """Change item CODE: only the options given change.

    \b
    supplies item update PLAN14:3.01 --reusable
    """
    inv = app.inventory()
    row = inv.items.update(code, **{k: v for k, v in changes.items() if v is not None})
    class_codes = {c.id: c.code for c in inv.classes.list()}
    app.out.result(_item_doc(row, class_codes.get(row.class_id)), f"changed item {row.code} {row.name}")


@item.command("list")
@click.option(
    "--class", "supply_class", metavar="CODE", shell_complete=CLASS, help="Only this class and its sub-classes."
)
@pass_app
def item_list(app: App, supply_class: str | None) -> None:
    """List items."""
    inv = app.inventory()
    rows = inv.items.list(supply_class=supply_class)
    class_codes = {c.id: c.code for c in inv.classes.list()}
    docs = [_item_doc(r, class_codes.get(r.class_id)) for r in rows]
    app.out.result(
        docs,
        lambda: app.out.table(
            ["code", "name", "class", "unit", "spec", "shelf life (days)"],
            [(d["code"], d["name"], d["supply_class"], d["unit"], d["spec"], d["shelf_life_days"]) for d in docs],
            empty="no items",
        ),
    )


def _item_doc(row, class_code: str | None) -> dict:  # type: ignore[no-untyped-def]
    return {
        "code": row.code,
        "name": row.name,
        "name_en": row.name_en,
        "supply_class": class_code,
        "unit": row.unit,
        "spec": row.spec,
        "shelf_life_days": row.shelf_life_days,
        "unit_weight_kg": row.unit_weight_kg,
        "unit_volume_m3": row.unit_volume_m3,
        "reusable": row.reusable,
        "tracked": row.tracked,
    }


@item.command("classify")
@click.argument("code")
@click.option("--class", "supply_class", required=True, metavar="CLASS", shell_complete=CLASS, help="The real class.")
@click.option(
    "--as", "as_item", metavar="ITEM", help="With stock: the item of that class to move it into (new or existing)."
)
@pass_app
def item_classify(app: App, code: str, supply_class: str, as_item: str | None) -> None:
    """Move item CODE, received under TO-CLASSIFY, into a real class (its stock moves through the ledger).

    \b
    supplies item classify X-STOVE --class LIVING --as STOVE
    """
    moved = app.inventory().donations.classify(code, supply_class, as_item=as_item)
    app.out.result(
        {"item": code, "classified_as": moved.code, "supply_class": supply_class},
        f"{code} classified as {moved.code} in {supply_class}",
    )
