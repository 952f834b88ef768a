import supplies


def test_receive_then_verify(county: supplies.Inventory) -> None:
    county.stock.receive("CK-01", "TENT12", 10, batch="B1")
    assert [lot.on_hand for lot in county.stock.lots()] == [10]
    assert county.stock.verify().ok
