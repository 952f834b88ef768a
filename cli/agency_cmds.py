"""`supplies agency ...`: the responsible agencies (责任单位) with their contact person and phone."""

from __future__ import annotations

import click

from .context import App, pass_app
from .vocab import LEVELS


@click.group()
def agency() -> None:
    """Responsible agencies (责任单位) and their contacts.

    Each supply class is held by exactly one agency, which holds all of its stock.
    """


@agency.command("add")
@click.argument("code")
@click.argument("name")
@click.option("--contact", metavar="NAME", help="Contact person (联系人).")
@click.option("--phone", metavar="PHONE", help="Contact phone.")
@click.option("--level", type=click.Choice(LEVELS), help="Administrative level.")
@click.option("--region", "region_code", metavar="CODE", help="Region code (行政区划代码).")
@pass_app
def agency_add(
    app: App, code: str, name: str, contact: str | None, phone: str | None, level: str | None, region_code: str | None
) -> None:
    """Add agency CODE named NAME.

    \b
    supplies agency add HSSW 惠水县水务局 --contact 韦志明 --phone 0854-6221318
    """
    row = app.inventory().agencies.add(code, name, contact=contact, phone=phone, level=level, region_code=region_code)
    app.out.result(row, f"added agency {row.code} {row.name}")


@agency.command("list")
@pass_app
def agency_list(app: App) -> None:
    """List agencies with their contacts."""
    rows = app.inventory().agencies.list()
    app.out.result(
        rows,
        lambda: app.out.table(
            ["code", "name", "contact", "phone", "level", "region"],
            [(a.code, a.name, a.contact, a.phone, a.level, a.region_code) for a in rows],
            empty="no agencies yet: supplies agency add CODE NAME",
        ),
    )
