"""The one-agency rule: every class has one responsible agency that owns all of its stock."""

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

import supplies
from supplies import OneAgencyRuleViolation


def test_stock_of_a_class_under_another_agency_is_refused(county: supplies.Inventory) -> None:
    with pytest.raises(OneAgencyRuleViolation) as err:
        county.stock.receive("CK-01", "TENT12", 10, agency="WAT")
    assert err.value.field == "agency" and "CIV" in err.value.reason
    county.stock.receive("CK-01", "TENT12", 10, agency="CIV")
    assert [x.agency for x in county.stock.lots()] == ["CIV"]


def test_the_database_refuses_a_lot_under_the_wrong_agency(county: supplies.Inventory) -> None:
    county.stock.receive("CK-01", "TENT12", 10)
    with pytest.raises(IntegrityError):
        with county.engine.begin() as conn:
            wat = conn.execute(text("SELECT id FROM agency WHERE code='WAT'")).scalar()
            conn.execute(text("UPDATE stock_lot SET agency_id = :a"), {"a": wat})
    with pytest.raises(IntegrityError):
        with county.engine.begin() as conn:
            conn.execute(text("UPDATE supply_class SET agency_id = NULL WHERE code='LIVING'"))
    assert [x.agency for x in county.stock.lots()] == ["CIV"]


def test_handover_moves_all_stock_at_once_and_is_in_the_ledger(county: supplies.Inventory) -> None:
    county.classes.add("TENTS", "帐篷类", agency="CIV", parent="LIVING")
    county.items.add("TENT36", "帐篷(36平方米)", supply_class="TENTS", unit="顶")
    county.stock.receive("CK-01", "TENT12", 10)
    county.stock.receive("TS-01", "QUILT", 5)
    county.stock.receive("TS-02", "TENT36", 2)
    county.stock.receive("TS-02", "SANDBAG", 100)
    record = county.classes.handover("LIVING", to_agency="WAT", reason="机构改革")
    assert record.lots_moved == 3
    assert {x.item: x.agency for x in county.stock.lots()} == {
        "TENT12": "WAT",
        "QUILT": "WAT",
        "TENT36": "WAT",
        "SANDBAG": "WAT",
    }
    assert county.classes.get("TENTS").agency_id == county.agencies.get("WAT").id
    lines = county.stock.ledger(kinds=("handover",))
    assert len(lines) == 3 and all(m.qty == 0 and m.agency == "WAT" for m in lines)
    assert lines[0].reason == "机构改革"
    # History keeps the agency that held the stock when it was received.
    assert {m.agency for m in county.stock.ledger(kinds=("receive",))} == {"CIV", "WAT"}
    with pytest.raises(OneAgencyRuleViolation):
        county.stock.receive("CK-01", "TENT12", 1, agency="CIV")
    assert county.stock.verify().ok


def test_handover_to_the_same_agency_or_by_non_admin_is_refused(county: supplies.Inventory) -> None:
    with pytest.raises(supplies.RuleViolation):
        county.classes.handover("LIVING", to_agency="CIV")
    with pytest.raises(supplies.PermissionDenied):
        county.as_user("keeper").classes.handover("LIVING", to_agency="WAT")
    with pytest.raises(supplies.NotFound) as err:
        county.classes.handover("LIVING", to_agency="NOPE")
    assert err.value.field == "to_agency"
