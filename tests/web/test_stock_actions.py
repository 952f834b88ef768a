"""The stock action forms: each writes its ledger lines through the core; bad input writes nothing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest
from flask.testing import FlaskClient

import supplies

from .helpers import movements, text

Client = Callable[[str], FlaskClient]


def lots(inv: supplies.Inventory, point: str, item: str) -> dict[str, int]:
    return {lot.batch: lot.on_hand for lot in inv.stock.lots(point=point, item=item, with_stock_only=False)}


def test_receive_writes_one_ledger_line_and_shows_the_lot(client_as: Client, town: supplies.Inventory) -> None:
    client = client_as("keeper")
    before = movements(town)
    expires = date.today() + timedelta(days=400)
    response = client.post(
        "/stock/actions/receive",
        data={
            "point": "CK-01",
            "item": "QUILT",
            "qty": "120",
            "batch": "2026-07",
            "expires_on": expires.isoformat(),
            "mode": "physical",
            "lead_time_hours": "0",
            "reference": "DN-881",
            "reason": "",
        },
    )
    assert response.status_code == 302
    assert movements(town) == before + 1
    line = town.stock.ledger()[-1]
    assert (line.kind, line.point, line.item, line.batch, line.qty, line.actor, line.reference) == (
        "receive",
        "CK-01",
        "QUILT",
        "2026-07",
        120,
        "keeper",
        "DN-881",
    )
    listing = client.get(response.headers["Location"])
    assert "Receive recorded: QUILT at CK-01; 1 ledger line written." in text(listing)
    assert "2026-07" in text(listing) and "120" in text(listing)


def test_issue_writes_one_line_for_one_lot(client_as: Client, town: supplies.Inventory) -> None:
    before = movements(town)
    response = client_as("keeper").post(
        "/stock/actions/issue",
        data={"point": "CK-01", "item": "TENT12", "batch": "T1", "qty": "15", "reference": "REQ-7"},
    )
    assert response.status_code == 302
    assert movements(town) == before + 1
    assert lots(town, "CK-01", "TENT12") == {"T1": 25}


def test_issue_without_a_batch_takes_the_earliest_expiry_first(client_as: Client, town: supplies.Inventory) -> None:
    town.stock.receive("CK-01", "TENT12", 10, batch="SOON", expires_on=date.today() + timedelta(days=10))
    before = movements(town)
    response = client_as("keeper").post(
        "/stock/actions/issue", data={"point": "CK-01", "item": "TENT12", "batch": "", "qty": "5"}
    )
    assert response.status_code == 302
    assert movements(town) == before + 1
    assert lots(town, "CK-01", "TENT12") == {"T1": 40, "SOON": 5}


def test_transfer_writes_a_pair_of_lines(client_as: Client, town: supplies.Inventory) -> None:
    before = movements(town)
    response = client_as("admin").post(
        "/stock/actions/transfer",
        data={"point": "CK-01", "to_point": "TS-02", "item": "TENT12", "batch": "T1", "qty": "10"},
    )
    assert response.status_code == 302
    assert movements(town) == before + 2
    out, inn = town.stock.ledger()[-2:]
    assert (out.kind, out.point, out.qty) == ("transfer_out", "CK-01", -10)
    assert (inn.kind, inn.point, inn.qty) == ("transfer_in", "TS-02", 10)


def test_count_writes_one_adjusting_line(client_as: Client, town: supplies.Inventory) -> None:
    before = movements(town)
    response = client_as("keeper").post(
        "/stock/actions/count",
        data={"point": "CK-01", "item": "TENT12", "batch": "T1", "counted": "37", "reason": "annual count"},
    )
    assert response.status_code == 302
    assert movements(town) == before + 1
    line = town.stock.ledger()[-1]
    assert (line.kind, line.qty, line.balance_after) == ("adjust", -3, 37)


def test_rotation_writes_a_pair_of_lines(client_as: Client, town: supplies.Inventory) -> None:
    before = movements(town)
    response = client_as("keeper").post(
        "/stock/actions/rotate",
        data={
            "point": "CK-01",
            "item": "TENT12",
            "batch": "T1",
            "qty": "40",
            "new_batch": "T2",
            "new_expires_on": (date.today() + timedelta(days=3650)).isoformat(),
        },
    )
    assert response.status_code == 302
    assert movements(town) == before + 2
    assert [m.kind for m in town.stock.ledger()[-2:]] == ["rotate_out", "rotate_in"]
    assert lots(town, "CK-01", "TENT12") == {"T1": 0, "T2": 40}


def test_write_off_needs_a_reason_and_writes_one_line(client_as: Client, town: supplies.Inventory) -> None:
    client = client_as("keeper")
    before = movements(town)
    missing = client.post(
        "/stock/actions/write-off", data={"point": "CK-01", "item": "TENT12", "batch": "T1", "qty": "2", "reason": ""}
    )
    assert missing.status_code == 200
    assert "Reason: This field is required." in text(missing)
    assert movements(town) == before
    response = client.post(
        "/stock/actions/write-off",
        data={"point": "CK-01", "item": "TENT12", "batch": "T1", "qty": "2", "reason": "mouldy"},
    )
    assert response.status_code == 302
    assert movements(town) == before + 1
    assert town.stock.ledger()[-1].kind == "write_off"


@pytest.mark.parametrize(
    "action,data,message",
    [
        ("receive", {"point": "CK-01", "item": "TENT12", "qty": "0"}, "Quantity: Must be at least 1."),
        ("receive", {"point": "CK-01", "item": "TENT12", "qty": "many"}, "Quantity: Not a valid integer value."),
        ("receive", {"point": "CK-01", "item": "NOPE", "qty": "3"}, "Item: no item with code"),
        (
            "receive",
            {"point": "CK-01", "item": "TENT12", "qty": "3", "mode": "donation", "batch": "T1"},
            "Reserve mode: batch &#39;T1&#39; is held as physical, not donation",
        ),
        ("issue", {"point": "CK-01", "item": "TENT12", "batch": "T1", "qty": "41"}, "Quantity: lot T1 has 40 free"),
        (
            "transfer",
            {"point": "CK-01", "to_point": "CK-01", "item": "TENT12", "batch": "T1", "qty": "1"},
            "To storage point: is the same storage point as the source",
        ),
        (
            "count",
            {"point": "CK-01", "item": "TENT12", "batch": "T1", "counted": "-1"},
            "Counted quantity: Must be at least 0.",
        ),
        ("count", {"point": "CK-01", "item": "TENT12", "batch": "NOBATCH", "counted": "3"}, "Batch: no lot of TENT12"),
        (
            "rotate",
            {"point": "CK-01", "item": "TENT12", "batch": "T1", "qty": "1", "new_batch": "T1"},
            "New batch: must differ from the batch being rotated out",
        ),
    ],
)
def test_bad_input_names_the_field_keeps_the_form_and_writes_nothing(
    client_as: Client, town: supplies.Inventory, action: str, data: dict[str, str], message: str
) -> None:
    before = movements(town)
    response = client_as("keeper").post(f"/stock/actions/{action}", data={"mode": "physical", **data})
    assert response.status_code == 200
    page = text(response)
    assert message in page
    for name, value in data.items():  # what the user typed is still in the form
        if name in ("qty", "batch", "counted", "new_batch", "expires_on"):
            assert f'value="{value}"' in page, name
    assert movements(town) == before


def test_warehouse_staff_change_only_their_own_points(client_as: Client, town: supplies.Inventory) -> None:
    client = client_as("keeper")
    form = text(client.get("/stock/actions/receive"))
    assert 'value="CK-01"' in form and 'value="TS-01"' not in form
    before = movements(town)
    response = client.post(
        "/stock/actions/receive", data={"point": "TS-01", "item": "SANDBAG", "qty": "5", "mode": "physical"}
    )
    assert response.status_code == 200
    assert "may not receive stock at this storage point" in text(response)
    assert movements(town) == before


def test_an_agency_officer_changes_only_their_agency_s_stock(client_as: Client, town: supplies.Inventory) -> None:
    client = client_as("officer")
    form = text(client.get("/stock/actions/receive"))
    assert 'value="TENT12"' in form and 'value="SANDBAG"' not in form
    before = movements(town)
    refused = client.post("/stock/actions/issue", data={"point": "TS-01", "item": "SANDBAG", "batch": "S1", "qty": "5"})
    assert refused.status_code == 200 and movements(town) == before
    done = client.post("/stock/actions/issue", data={"point": "TS-02", "item": "QUILT", "batch": "Q1", "qty": "5"})
    assert done.status_code == 302 and movements(town) == before + 1


@pytest.mark.parametrize("user", ["viewer", "dispatch"])
@pytest.mark.parametrize("action", ["receive", "issue", "transfer", "count", "rotate", "write-off"])
def test_viewers_and_dispatchers_may_not_change_stock(
    client_as: Client, town: supplies.Inventory, user: str, action: str
) -> None:
    client = client_as(user)
    assert client.get(f"/stock/actions/{action}").status_code == 403
    before = movements(town)
    response = client.post(
        f"/stock/actions/{action}",
        data={
            "point": "CK-01",
            "item": "TENT12",
            "qty": "1",
            "counted": "1",
            "batch": "T1",
            "new_batch": "X",
            "reason": "x",
            "to_point": "TS-01",
        },
    )
    assert response.status_code == 403
    assert movements(town) == before


def test_a_lot_link_fixes_point_item_and_batch(client_as: Client, town: supplies.Inventory) -> None:
    lot = town.stock.lots(point="CK-01", item="TENT12")[0]
    client = client_as("keeper")
    form = text(client.get(f"/stock/actions/count?lot={lot.lot_id}"))
    assert 'value="40"' in form  # the counted field starts at what the books say
    assert "<strong>40</strong>" in form  # and the lot's balances are shown
    before = movements(town)
    # A forged point in the post does not move the change elsewhere: the lot decides.
    response = client.post(
        f"/stock/actions/count?lot={lot.lot_id}",
        data={"lot": str(lot.lot_id), "point": "TS-01", "item": "SANDBAG", "batch": "S1", "counted": "39"},
    )
    assert response.status_code == 302
    assert movements(town) == before + 1
    assert lots(town, "CK-01", "TENT12") == {"T1": 39}
    assert lots(town, "TS-01", "SANDBAG") == {"S1": 500}


def test_a_lot_outside_the_users_scope_is_not_offered(client_as: Client, town: supplies.Inventory) -> None:
    lot = town.stock.lots(point="TS-01", item="SANDBAG")[0]
    form = text(client_as("keeper").get(f"/stock/actions/issue?lot={lot.lot_id}"))
    assert 'value="S1"' not in form and "<strong>500</strong>" not in form


def test_stock_quantities_are_in_no_form(client_as: Client) -> None:
    client = client_as("admin")
    for url in ["/stock/lots/new/", "/stock/lots/edit/?id=1"]:
        assert client.get(url).status_code == 302  # lots have no generic form at all
    for url in [
        "/catalog/items/new/",
        "/points/new/",
        "/catalog/targets/new/",
        "/catalog/agencies/new/",
        "/catalog/classes/new/",
        "/users/new/",
        "/dispatch/incidents/new/",
        "/dispatch/requests/new/",
    ]:
        page = text(client.get(url))
        assert 'name="on_hand"' not in page and 'name="reserved"' not in page
