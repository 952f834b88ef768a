"""`supplies household ...`, `entitlement ...` and `distribute`: the last mile to affected households."""

from __future__ import annotations

from datetime import datetime
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


# -- `supplies report signing-sheet` and `report notice` (registered in cli/report_cmds.py) -----------
PAPER_LANG = click.option(
    "--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True, help="Language of the XLSX file."
)
XLSX_OUT = click.option(
    "--out", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE.xlsx", help="Write an XLSX file."
)


def _xlsx(out: Path) -> Path:
    if out.suffix.lower() != ".xlsx":
        from supplies.errors import InvalidInput

        raise InvalidInput("must be a .xlsx file", "out")
    return out


@click.command("signing-sheet")
@click.option("--village", required=True, metavar="V", help="The village (as the households are registered).")
@INCIDENT
@click.option("--point", metavar="P", shell_complete=POINT, help="Only what was given out at this point.")
@click.option("--since", type=click.DateTime(formats=["%Y-%m-%d"]), metavar="YYYY-MM-DD", help="First day.")
@click.option("--until", type=click.DateTime(formats=["%Y-%m-%d"]), metavar="YYYY-MM-DD", help="Last day (included).")
@XLSX_OUT
@PAPER_LANG
@pass_app
def signing_sheet(
    app: App,
    village: str,
    incident: int | None,
    point: str | None,
    since: datetime | None,
    until: datetime | None,
    out: Path | None,
    lang: str,
) -> None:
    """The signing sheet (发放登记表) of a village: a row per household with what it received.

    \b
    Household number, head, ID number masked, members, collector (代领) and an empty
    signature column (签名/手印); never a phone. With --out, an XLSX file to print:
    supplies report signing-sheet --village 新街村 --out 新街村发放登记表.xlsx
    """
    sheet = app.inventory().relief_papers.signing_sheet(
        village,
        incident=incident,
        point=point,
        since=since.date() if since else None,
        until=until.date() if until else None,
    )
    if out is not None:
        sheet.save(_xlsx(out), lang=lang)
        app.out.result(
            {"report": "signing_sheet", "file": str(out), "rows": len(sheet.rows)},
            f"wrote the signing sheet of {sheet.village} ({len(sheet.rows)} households) to {out}",
        )
        return

    def human() -> None:
        heads = ["number", "head", "ID number", "members", *(i.code for i in sheet.items), "collector", "signature"]
        app.out.table(
            heads,
            [
                (r.number, r.head, r.id_number, r.members, *(q or "" for q in r.received), r.collector, "")
                for r in sheet.rows
            ],
            title=f"{sheet.village}, incident #{sheet.incident_id} {sheet.incident}"
            + (f", at {sheet.point}" if sheet.point else ""),
        )

    app.out.result(sheet, human)


@click.command("notice")
@INCIDENT
@XLSX_OUT
@PAPER_LANG
@click.option("--json", "as_json", is_flag=True, help="Print the notice as one JSON document.")
@pass_app
def notice(app: App, incident: int | None, out: Path | None, lang: str, as_json: bool) -> None:
    """The public notice (发放公示) of an incident: per village, households, people and items; no personal data."""
    paper = app.inventory().relief_papers.notice(incident=incident)
    if as_json:
        app.out.json_mode = True
    if out is not None:
        paper.save(_xlsx(out), lang=lang)
        app.out.result(
            {"report": "notice", "file": str(out), "rows": len(paper.rows)},
            f"wrote the public notice of incident #{paper.incident_id} ({len(paper.rows)} villages) to {out}",
        )
        return

    def human() -> None:
        app.out.table(
            ["village", "households", "people", *(i.code for i in paper.items)],
            [
                (r.village or "total", r.households, r.people, *r.quantities)
                for r in (*paper.rows, *((paper.total,) if paper.rows else ()))
            ],
            title=f"incident #{paper.incident_id} {paper.incident}",
            empty="nothing given out yet",
        )

    app.out.result(paper, human)


PAPERS = (signing_sheet, notice)
