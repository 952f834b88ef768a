"""`supplies donor ...` and `supplies donation ...`: donations of goods (社会捐赠), from the donor to the disclosure."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import click

from .complete import ITEM, POINT
from .context import App, pass_app
from .output import DAY, local
from .vocab import INCIDENT_TYPES

DATE = click.DateTime(formats=["%Y-%m-%d"])


@click.group()
def donor() -> None:
    """Donors (捐赠人): people, companies and organisations; anonymous ones are shown as 匿名."""


@donor.command("add")
@click.argument("code")
@click.argument("name")
@click.option(
    "--kind",
    type=click.Choice(("person", "company", "organisation")),
    default="person",
    show_default=True,
    help="Who gives.",
)
@click.option("--anonymous", is_flag=True, help="Shown as 匿名 in the disclosure and on public papers.")
@click.option("--contact", metavar="TEXT", help="Phone or address, for the letter only: never disclosed.")
@pass_app
def donor_add(app: App, code: str, name: str, kind: str, anonymous: bool, contact: str | None) -> None:
    """Register donor CODE named NAME.

    \b
    supplies donor add D-001 贵州某商贸有限公司 --kind company
    """
    d = app.inventory().donors.add(code, name, kind=kind, anonymous=anonymous, contact=contact)
    app.out.result(d, f"donor {d.code} {d.name} ({d.kind}{', anonymous' if d.anonymous else ''})")


@donor.command("list")
@pass_app
def donor_list(app: App) -> None:
    """List the donors (the contact is shown to staff only, never disclosed)."""
    rows = app.inventory().donors.list()
    app.out.result(
        rows,
        lambda: app.out.table(
            ["code", "name", "kind", "shown as", "contact"],
            [(d.code, d.name, d.kind, d.shown_as, d.contact) for d in rows],
            empty="no donors",
        ),
    )


@click.group()
def donation() -> None:
    """Donations of goods (社会捐赠): receive (triaged), pledge, letter, list.

    \b
    Usable goods (triage urgent or later) enter stock through the ledger in a lot of mode
    donation; unusable or unknown goods are recorded with the reason and disposed of. A
    donation restricted to an incident or a region is allocated only there.
    """


def _show_donation(app: App, d: Any) -> None:
    where = f"into lot {d.batch}" if d.in_stock else f"disposed of: {d.reason}"
    app.out.print(
        f"donation #{d.id}  {d.donor_shown_as}  {d.quantity} {d.unit} {d.item} at {d.point}  "
        f"({d.triage}) {where}  certificate {d.certificate}" + (f"  for {d.restriction}" if d.restriction else "")
    )


@donation.command("receive")
@click.option("--donor", "donor_code", required=True, metavar="CODE", help="The donor (supplies donor add).")
@click.option("--point", required=True, metavar="P", shell_complete=POINT, help="Where the goods arrive.")
@click.option(
    "--item", required=True, metavar="ITEM", shell_complete=ITEM, help="The item (or a new code, see --new-item)."
)
@click.option("--qty", required=True, type=int, metavar="N", help="Units received.")
@click.option("--batch", metavar="B", help="Batch (default: the certificate number, else DON-<id>).")
@click.option("--expires", type=DATE, metavar="YYYY-MM-DD", help="Expiry date.")
@click.option("--certificate", metavar="NO", help="Donation receipt certificate number (捐赠票据号).")
@click.option(
    "--triage",
    type=click.Choice(("urgent", "later", "unusable")),
    default="urgent",
    show_default=True,
    help="Usable now, usable later, or unusable/unknown (needs --reason).",
)
@click.option("--reason", metavar="TEXT", help="Why the goods are unusable or unknown.")
@click.option("--for-incident", type=int, metavar="ID", help="The donor restricts it to this incident.")
@click.option("--for-region", metavar="CODE", help="The donor restricts it to this region (and below).")
@click.option(
    "--for-purpose", type=click.Choice(INCIDENT_TYPES), help="The donor restricts it to incidents of this type."
)
@click.option("--pledge", type=int, metavar="ID", help="The pledge these goods fulfil.")
@click.option("--new-item", metavar="NAME", help="An item not in the catalog: its name (filed under TO-CLASSIFY).")
@click.option("--unit", metavar="U", help="The new item's unit of measure.")
@pass_app
def donation_receive(
    app: App,
    donor_code: str,
    point: str,
    item: str,
    qty: int,
    batch: str | None,
    expires: datetime | None,
    certificate: str | None,
    triage: str,
    reason: str | None,
    for_incident: int | None,
    for_region: str | None,
    for_purpose: str | None,
    pledge: int | None,
    new_item: str | None,
    unit: str | None,
) -> None:
    """Receive donated goods at a point, triaged on arrival; print the donation's id.

    \b
    supplies donation receive --donor D-001 --point CK-01 --item QUILT --qty 200 \\
        --certificate JZ-2026-0001 --for-incident 1
    """
    d = app.inventory().donations.receive(
        donor_code,
        point,
        item,
        qty,
        batch=batch,
        expires_on=expires.date() if expires else None,
        certificate=certificate,
        triage=triage,
        reason=reason,
        incident=for_incident,
        region=for_region,
        purpose=for_purpose,
        pledge=pledge,
        new_item_name=new_item,
        unit=unit,
    )

    def human() -> None:
        click.echo(d.id)
        _show_donation(app, d)

    app.out.result(d, human)


@donation.command("list")
@click.option("--donor", "donor_code", metavar="CODE", help="Only this donor's.")
@click.option("--incident", type=int, metavar="ID", help="Only those restricted to this incident.")
@click.option("--since", type=DATE, metavar="YYYY-MM-DD", help="Received on or after this day.")
@click.option("--until", type=DATE, metavar="YYYY-MM-DD", help="Received on or before this day.")
@pass_app
def donation_list(
    app: App, donor_code: str | None, incident: int | None, since: datetime | None, until: datetime | None
) -> None:
    """List the donations received at the points you read, oldest first."""
    rows = app.inventory().donations.list(
        donor=donor_code,
        incident=incident,
        since=since.date() if since else None,
        until=until.date() if until else None,
    )
    app.out.result(
        rows,
        lambda: app.out.table(
            ["id", "received", "donor", "point", "item", "qty", "triage", "batch", "certificate", "for"],
            [
                (
                    d.id,
                    local(d.received_at, DAY),
                    d.donor_shown_as,
                    d.point,
                    d.item,
                    d.quantity,
                    d.triage,
                    d.batch or "-",
                    d.certificate,
                    d.restriction or "",
                )
                for d in rows
            ],
            empty="no donations",
        ),
    )


@donation.command("pledge")
@click.option("--donor", "donor_code", required=True, metavar="CODE", help="The donor.")
@click.option("--item", required=True, metavar="ITEM", shell_complete=ITEM, help="The item pledged.")
@click.option("--qty", required=True, type=int, metavar="N", help="Units pledged.")
@click.option("--due", type=DATE, metavar="YYYY-MM-DD", help="When the goods are due.")
@click.option("--note", metavar="TEXT", help="A note.")
@pass_app
def donation_pledge(app: App, donor_code: str, item: str, qty: int, due: datetime | None, note: str | None) -> None:
    """Record a pledge (认捐); receipts with --pledge ID fulfil it. Prints the pledge's id."""
    p = app.inventory().donations.pledge(donor_code, item, qty, due=due.date() if due else None, note=note)
    app.out.result(p, lambda: click.echo(p.id))


@donation.command("pledges")
@click.option("--donor", "donor_code", metavar="CODE", help="Only this donor's.")
@click.option("--open", "open_only", is_flag=True, help="Only those not yet received in full.")
@pass_app
def donation_pledges(app: App, donor_code: str | None, open_only: bool) -> None:
    """List the pledges and their fulfilment: pledged, received, outstanding."""
    rows = app.inventory().donations.pledges(donor=donor_code, open_only=open_only)
    app.out.result(
        rows,
        lambda: app.out.table(
            ["id", "donor", "item", "pledged", "received", "outstanding", "due", "status"],
            [
                (
                    p.id,
                    p.donor,
                    p.item,
                    p.quantity,
                    p.received,
                    p.outstanding,
                    p.due or "",
                    p.status + (" (overdue)" if p.overdue else ""),
                )
                for p in rows
            ],
            empty="no pledges",
        ),
    )


@donation.command("letter")
@click.argument("donation_id", type=int, metavar="ID")
@click.option("--html", is_flag=True, help="An HTML page to print instead of plain text.")
@pass_app
def donation_letter(app: App, donation_id: int, html: bool) -> None:
    """Print the acknowledgement letter (捐赠感谢信) of donation ID."""
    inv = app.inventory()
    if html:
        from supplies.services.donations.service import letter_html

        click.echo(letter_html(inv.donations.get(donation_id)))
        return
    text = inv.donations.letter(donation_id)
    app.out.result({"id": donation_id, "letter": text}, lambda: click.echo(text))
