"""kill -9 in the middle of writing leaves all or nothing, and the books prove it (kept from the adversarial run)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import supplies

SUPPLIES = Path(sys.executable).with_name("supplies")
TRANSFERS = """
import sys, supplies
inv = supplies.open(sys.argv[1], user="admin")
print("started", flush=True)
n = 0
while True:
    a, b = ("CK-01", "TS-01") if n % 2 == 0 else ("TS-01", "CK-01")
    inv.stock.transfer(a, b, "QUILT", 7, batch="Q")
    n += 1
"""


def url_of(inv: supplies.Inventory) -> str:
    return inv.engine.url.render_as_string(hide_password=False)


def _environment() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("SUPPLIES_")}


def _kill_when(proc: subprocess.Popen, ready: callable[[], bool], timeout: float = 60) -> None:  # type: ignore[type-arg,valid-type]
    deadline = time.monotonic() + timeout
    while not ready():
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "the writer never got going"
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)


def test_kill_9_in_the_middle_of_a_large_import_leaves_nothing(county: supplies.Inventory, tmp_path: Path) -> None:
    path = tmp_path / "stock.csv"
    with path.open("w", encoding="utf-8") as f:
        f.write("point,item,qty,batch\n")
        for i in range(300_000):
            f.write(f"CK-01,QUILT,1,B{i}\n")
    proc = subprocess.Popen(
        [str(SUPPLIES), "--db", url_of(county), "--as", "admin", "import", "stock", str(path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=_environment(),
    )
    started = time.monotonic()
    _kill_when(proc, lambda: time.monotonic() - started > 2.5)
    assert proc.returncode == -signal.SIGKILL, "the import finished before it could be killed: make the file larger"
    assert county.stock.lots(with_stock_only=False) == []
    assert county.stock.verify().ok
    county.stock.receive("CK-01", "QUILT", 1)  # the database is not left locked
    assert county.stock.verify().ok


def test_kill_9_in_the_middle_of_transfers_keeps_every_unit(county: supplies.Inventory) -> None:
    county.stock.receive("CK-01", "QUILT", 100, batch="Q")
    county.stock.receive("TS-01", "QUILT", 100, batch="Q")
    proc = subprocess.Popen(
        [sys.executable, "-c", TRANSFERS, url_of(county)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=_environment(),
    )
    _kill_when(proc, lambda: len(county.stock.ledger(kinds=("transfer_out",))) >= 20)
    lots = county.stock.lots(item="QUILT")
    assert sum(x.on_hand for x in lots) == 200 and len(lots) == 2
    moves = county.stock.ledger(kinds=("transfer_out", "transfer_in"))
    assert len(moves) % 2 == 0 and sum(m.qty for m in moves) == 0  # never half a transfer
    assert county.stock.verify().ok
