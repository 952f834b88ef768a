"""Role × scope × operation: the library and the web admin allow, refuse and show exactly the same.

The rule lives once, in the core (supplies.permissions); this matrix proves the web reads and
writes through it rather than through a copy of its own.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from flask.testing import FlaskClient

import supplies
from supplies import SuppliesError

Client = Callable[[str], FlaskClient]
USERS = ["admin", "keeper", "officer", "dispatch", "viewer"]
# (form, fields): each is done once through the library and once through the web, as each user.
OPERATIONS = {
    "receive tents at CK-01": ("receive", {"point": "CK-01", "item": "TENT12", "qty": "1", "batch": "M"}),
    "receive tents at TS-01": ("receive", {"point": "TS-01", "item": "TENT12", "qty": "1", "batch": "M"}),
    "receive sandbags at CK-01": ("receive", {"point": "CK-01", "item": "SANDBAG", "qty": "1", "batch": "M"}),
    "issue sandbags at TS-01": ("issue", {"point": "TS-01", "item": "SANDBAG", "qty": "1", "batch": "S1"}),
    "write off quilts at TS-02": (
        "write-off",
        {"point": "TS-02", "item": "QUILT", "qty": "1", "batch": "Q1", "reason": "mould"},
    ),
}


def through_library(inv: supplies.Inventory, action: str, f: dict[str, str]) -> bool:
    call = {
        "receive": lambda: inv.stock.receive(f["point"], f["item"], int(f["qty"]), batch=f["batch"]),
        "issue": lambda: inv.stock.issue(f["point"], f["item"], int(f["qty"]), batch=f["batch"]),
        "write-off": lambda: inv.stock.write_off(
            f["point"], f["item"], int(f["qty"]), batch=f["batch"], reason=f["reason"]
        ),
    }[action]
    try:
        call()
    except SuppliesError:
        return False
    return True


def through_web(client: FlaskClient, town: supplies.Inventory, action: str, f: dict[str, str]) -> bool:
    before = len(town.stock.ledger())
    response = client.post(f"/stock/actions/{action}", data={"mode": "physical", **f})
    if response.status_code in (302, 200):
        return len(town.stock.ledger()) > before
    assert response.status_code in (403,), response.status_code
    return False


@pytest.mark.parametrize("user", USERS)
def test_every_role_may_do_the_same_through_the_library_and_the_web(
    client_as: Client, town: supplies.Inventory, user: str
) -> None:
    client = client_as(user)
    inv = town.as_user(user)
    for name, (action, fields) in OPERATIONS.items():
        by_library = through_library(inv, action, fields)
        by_web = through_web(client, town, action, fields)
        assert by_library == by_web, f"{user}: {name}: library {by_library}, web {by_web}"
    assert town.stock.verify().ok


@pytest.mark.parametrize("user", USERS)
def test_every_role_sees_the_same_lots_through_the_library_and_the_web(
    client_as: Client, town: supplies.Inventory, user: str
) -> None:
    town.stock.receive("TS-01", "TENT12", 3, batch="T9")
    library = {(x.point, x.item, x.batch) for x in town.as_user(user).stock.lots()}
    page = client_as(user).get("/stock/lots/?page_size=500").get_data(as_text=True)
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", page, re.S)
    web = {(p, i, b) for p, i, b in library if any(p in r and i in r and b in r for r in rows)}
    shown = sum(1 for r in rows if "lot-row" in r or "data-lot" in r) or len([r for r in rows if "<td" in r])
    assert web == library and shown == len(library), (user, library, shown)
