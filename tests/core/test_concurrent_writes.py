"""Writers at the same time: opposite transfers never deadlock, and a writer that loses a race is retried."""

from __future__ import annotations

import threading

import supplies
from supplies.errors import ConcurrencyConflict
from supplies.services.base import retrying


def test_opposite_transfers_at_the_same_time_all_succeed(county: supplies.Inventory) -> None:
    county.stock.receive("CK-01", "QUILT", 500, batch="Q")
    county.stock.receive("TS-01", "QUILT", 500, batch="Q")
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def move(a: str, b: str) -> None:
        inv = county.as_user("admin")
        start.wait()
        try:
            for _ in range(25):
                inv.stock.transfer(a, b, "QUILT", 3, batch="Q")
        except BaseException as exc:  # the test reports it below
            errors.append(exc)

    threads = [threading.Thread(target=move, args=pair) for pair in (("CK-01", "TS-01"), ("TS-01", "CK-01"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert {x.point: x.on_hand for x in county.stock.lots(item="QUILT")} == {"CK-01": 500, "TS-01": 500}
    assert len(county.stock.ledger(kinds=("transfer_out",))) == 50
    assert county.stock.verify().ok


def test_a_write_that_loses_a_race_is_run_again_whole() -> None:
    attempts: list[int] = []

    def write() -> str:
        attempts.append(1)
        if len(attempts) < 3:
            raise ConcurrencyConflict("the database was busy with another user's change; try again")
        return "done"

    assert retrying(write) == "done" and len(attempts) == 3
