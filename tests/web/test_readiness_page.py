"""The readiness page: numbers with thousands separators (never 2.14749e+09), only catalog items suggested."""

from __future__ import annotations

import re
from collections.abc import Callable

from flask.testing import FlaskClient

import supplies
from webadmin.formats import amount

from .helpers import text

Client = Callable[[str], FlaskClient]


def test_amounts_read_as_people_write_them() -> None:
    assert [amount(v) for v in (0, 12500, 10.5, 2147483647.0, 1.0 / 3, 547_500_000_000.0, None, -2.50)] == [
        "0",
        "12,500",
        "10.5",
        "2,147,483,647",
        "0.33",
        "547,500,000,000",
        "",
        "-2.5",
    ]


def test_big_numbers_have_separators_and_no_exponent(client_as: Client, town: supplies.Inventory) -> None:
    town.readiness.load_default_norms()
    town.readiness.link("bedding", "QUILT", amount_per_unit=1)
    page = text(
        client_as("dispatch").get(
            "/dispatch/readiness/?lat=26.4&lon=106.6&population=100000000&hazard=flood&hours=12&days=365"
        )
    )
    needs = page.split('id="readiness-needs"')[1].split("</table>")[0]
    assert not re.search(r"\de[+-]\d", needs), "a number in exponent form"
    assert "547,500,000,000 L" in needs  # water: 15 L a day for 100 million people over 365 days
    assert "99,999,970 × <code>QUILT</code>" in needs  # the quilts that would close the bedding gap
    assert "PLAN14:3.05" not in needs  # a standard item this county's catalog does not have
    assert "100,000,000" in page.split('id="readiness-needs"')[0]
