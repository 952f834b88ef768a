"""`supplies household ...`, `entitlement ...` and `distribute`: the last mile to affected households."""

from __future__ import annotations

from pathlib import Path

import click

from .complete import ITEM, POINT
from .context import App, pass_app

INCIDENT = click.option("--incident", type=int, metavar="ID", help="The incident.  [default: the only open incident]")


@click.group()
def household() -> None:
    """Households of an incident (受灾群众登记); ID numbers kept as keyed hashes, shown masked."""


@household.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@INCIDENT
@pass_app
def household_import(app: App, file: Path, incident: int | None) -> None:
    """Register the households of a CSV or XLSX file, all or nothing.

    Columns number, head, members, village, phone, id_number (or 编号, 户主, 人数, 村, 电话, 身份证号);
    optional under_5 and age_60_plus (5岁以下, 60岁以上).
    """
    n = app.inventory().households.import_file(file, incident=incident)
    app.out.result({"imported": n}, f"imported {n} households")


@household.command("add")
@click.argument("number")
@click.option("--head", required=True, metavar="NAME", help="Head of the household (户主).")
@click.option("--members", required=True, type=int, metavar="N", help="Members in all.")
@click.option("--under-5", "under_5", type=int, default=0, metavar="N", help="Members under 5.")
@click.option("--age-60-plus", "age_60_plus", type=int, default=0, metavar="N", help="Members aged 60 or more.")
@click.option("--village", required=True, metavar="V", help="Village (name or region code).")
@click.option("--phone", metavar="P", help="Phone number (shown masked to most users).")
@click.option("--id-number", metavar="X", help="ID number: only a keyed hash and the masked form are kept.")
@INCIDENT
@pass_app
def household_add(
    app: App,
    number: str,
    head: str,
    members: int,
    under_5: int,
    age_60_plus: int,
    village: str,
    phone: str | None,
    id_number: str | None,
    incident: int | None,
) -> None:
    """Register one household."""
    view = app.inventory().households.add(
        number,
        head=head,
        members=members,
        under_5=under_5,
        age_60_plus=age_60_plus,
        village=village,
        phone=phone,
        id_number=id_number,
        incident=incident,
    )
    app.out.result(
        view, f"registered household {view.number} ({view.head}, {view.members}) in incident #{view.incident_id}"
    )


@household.command("update")
@click.argument("number")
@click.option("--head", metavar="NAME", help="Head of the household.")
@click.option("--members", type=int, metavar="N", help="Members in all.")
@click.option("--under-5", "under_5", type=int, metavar="N", help="Members under 5.")
@click.option("--age-60-plus", "age_60_plus", type=int, metavar="N", help="Members aged 60 or more.")
@click.option("--village", metavar="V", help="Village.")
@click.option("--phone", metavar="P", help="Phone number.")
@click.option("--id-number", metavar="X", help="ID number (replaces the kept hash and masked form).")
@INCIDENT
@pass_app
def household_update(app: App, number: str, incident: int | None, **changes: object) -> None:
    """Correct a registered household: only the options given change."""
    given = {k: v for k, v in changes.items() if v is not None}
    view = app.inventory().households.update(number, incident=incident, **given)
    app.out.result(view, f"corrected household {view.number}")


@household.command("list")
@click.option("--village", metavar="V", help="Only this village.")
@INCIDENT
@pass_app
def household_list(app: App, village: str | None, incident: int | None) -> None:
    """List the households of an incident; ID numbers masked, phones masked unless yours to see."""
    rows = app.inventory().households.list(incident=incident, village=village)
    app.out.result(
        rows,
        lambda: app.out.table(
            ["number", "head", "members", "<5", "5-59", "60+", "village", "phone", "ID number"],
            [
                (r.number, r.head, r.members, r.under_5, r.age_5_59, r.age_60_plus, r.village, r.phone, r.id_number)
                for r in rows
            ],
            empty="no households",
        ),
    )


@click.group()
def entitlement() -> None:
    """Distribution standards (发放标准): items per person or per household."""


@entitlement.command("set")
@click.argument("item", shell_complete=ITEM)
@click.option("--per-person", type=int, metavar="N", help="N units per member.")
@click.option("--per-household", type=int, metavar="N", help="N units per household ...")
@click.option("--up-to", "max_members", type=int, metavar="K", help="... of up to K members (one share per K).")
@click.option("--incident", type=int, metavar="ID", help="For this incident.  [default: the default rule]")
@pass_app
def entitlement_set(
    app: App,
    item: str,
    per_person: int | None,
    per_household: int | None,
    max_members: int | None,
    incident: int | None,
) -> None:
    """Set the rule for ITEM: per person or per household (an incident's own, or the default)."""
    view = app.inventory().entitlements.set(
        item, per_person=per_person, per_household=per_household, max_members=max_members, incident=incident
    )
    app.out.result(view, f"{view.item}: {_rule(view.basis, view.quantity, view.max_members)}")


def _rule(basis: str, quantity: int, max_members: int | None) -> str:
    if basis == "person":
        return f"{quantity} per person"
    return f"{quantity} per household" + (f" of up to {max_members}" if max_members else "")


@entitlement.command("list")
@click.option("--incident", type=int, metavar="ID", help="The rules that apply to this incident.  [default: defaults]")
@pass_app
def entitlement_list(app: App, incident: int | None) -> None:
    """List the rules: the default ones, or those that apply to an incident."""
    rows = app.inventory().entitlements.list(incident=incident)
    app.out.result(
        rows,
        lambda: app.out.table(
            ["item", "name", "rule", "incident"],
            [
                (r.item, r.item_name, _rule(r.basis, r.quantity, r.max_members), r.incident_id or "default")
                for r in rows
            ],
            empty="no distribution standards",
        ),
    )


@entitlement.command("defaults")
@pass_app
def entitlement_defaults(app: App) -> None:
    """Add the shipped default rules for the catalog items that exist (tent, quilt, folding bed)."""
    rows = app.inventory().entitlements.load_defaults()
    app.out.result(rows, f"added {len(rows)} default rules")


@click.command()
@click.option("--point", required=True, metavar="P", shell_complete=POINT, help="The point handing out.")
@click.option("--household", required=True, metavar="NUMBER", help="The household's number.")
@click.option("--item", "items", multiple=True, metavar="CODE", shell_complete=ITEM, help="An item (with --qty).")
@click.option("--qty", "qtys", multiple=True, type=int, metavar="N", help="Units of the --item before it.")
@click.option("--collector", metavar="NAME", help="Who collected for the household (代领).")
@click.option("--override", metavar="REASON", help="A supervisor's reason to give more than is due.")
@INCIDENT
@pass_app
def distribute(
    app: App,
    point: str,
    household: str,
    items: tuple[str, ...],
    qtys: tuple[int, ...],
    collector: str | None,
    override: str | None,
    incident: int | None,
) -> None:
    """Give a household what it is due at a point (发放); exit 3 when nothing is due."""
    if len(items) != len(qtys):
        raise click.UsageError("give one --qty for each --item")
    view = app.inventory().distribution.distribute(
        point,
        household,
        dict(zip(items, qtys, strict=True)) or None,
        incident=incident,
        collector=collector,
        override=override,
    )

    def human() -> None:
        app.out.table(
            ["item", "lot", "qty", "over"],
            [(x.item, x.batch, x.qty, "override" if x.over else "") for x in view.lines],
            title=f"household {view.household} at {view.point}"
            + (f" (collected by {view.collector})" if view.collector else ""),
        )

    app.out.result(view, human)
