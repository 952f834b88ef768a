"""`supplies init` on a new or existing database, and setting up a county by hand through the command."""

from __future__ import annotations

import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest
from cli_harness import SUPPLIES, Cli

import supplies


def counts(url: str) -> dict[str, int]:
    with supplies.open(url, user="chief") as inv:
        return {
            "agencies": len(inv.agencies.list()),
            "items": len(inv.items.list()),
            "points": len(inv.points.list()),
            "lots": len(inv.stock.lots(with_stock_only=False)),
            "movements": len(inv.stock.ledger()),
            "targets": len(inv.targets.list()),
            "users": len(inv.users.list()),
        }


@pytest.fixture
def blank_url(databases, tmp_path: Path) -> str:  # type: ignore[no-untyped-def]
    """A database that `init` has never seen: a new SQLite file in a new folder, or the PostgreSQL test DB."""
    if databases.backend == "sqlite":
        return str(tmp_path / "county" / "supplies.db")
    return databases.fresh_url()


def test_init_then_a_county_by_hand_and_init_again_loses_nothing(blank_url: str, databases, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    cli = Cli(blank_url, user="chief")
    made = cli("init", env={"SUPPLIES_ADMIN_PASSWORD": "flood-season-2025"})
    assert "schema created" in made.out if databases.backend == "sqlite" else "up to date" in made.out
    assert "chief is now an admin" in made.out and "flood-season-2025" not in made.out + made.err

    cli("agency", "add", "MZJ", "民政局", "--contact", "王丽", "--phone", "0854-1234567")
    cli("class", "add", "LIVING", "生活类物资", "--agency", "MZJ")
    cli("item", "add", "QUILT", "棉被", "--class", "LIVING", "--unit", "床", "--shelf-life-days", "1825")
    cli(
        "point",
        "add",
        "CK-01",
        "县储备库",
        "--level",
        "county",
        "--lat",
        "26.13",
        "--lon",
        "106.66",
        "--region",
        "522731",
    )
    with supplies.open(cli.url, user="chief") as inv:
        inv.agencies.add("SWJ", "水务局")
        inv.stock.receive("CK-01", "QUILT", 500, batch="B1")
    handed = cli("--json", "class", "handover", "LIVING", "--to", "SWJ").json
    assert handed["lots_moved"] == 1
    added = cli("--json", "user", "add", "lina", "--role", "warehouse", "--point", "CK-01").json
    assert added["points"] == ["CK-01"] and len(added["password"]) >= 12
    roads = tmp_path / "roads.csv"
    roads.write_text("from_point,to_region,hours\nCK-01,522731102,1.5\nCK-09,522731103,2\n", encoding="utf-8")
    bad_line = cli("travel-time", "load", str(roads), expect=2)
    assert "roads.csv line 3, from_point: no storage point" in bad_line.err
    before = counts(cli.url)

    again = cli("--json", "init", "--demo").json
    assert again["schema"] == "up to date" and again["admin"] is None
    assert again["demo"]["loaded"] is False and "own data" in again["demo"]["reason"]
    assert counts(cli.url) == before
    with supplies.open(cli.url, user="chief") as inv:
        assert inv.users.authenticate("chief", "flood-season-2025") is not None
        assert inv.users.authenticate("lina", added["password"]) is not None
        assert inv.travel_times.list() == [], "a file with a bad line loads nothing"
        [lot] = inv.stock.lots()
        assert (lot.item, lot.on_hand, lot.agency) == ("QUILT", 500, "SWJ")


def test_serve_starts_the_web_admin_on_the_database(cli: Cli) -> None:
    """`make run` ends in `supplies serve`: the log-in page answers on the chosen port."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [str(SUPPLIES), "--db", cli.url, "serve", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=5) as page:
                    assert page.status == 200 and "password" in page.read().decode().lower()
                    break
            except OSError:
                assert server.poll() is None, server.communicate()
                assert time.monotonic() < deadline, "the web admin did not answer"
                time.sleep(0.3)
    finally:
        server.terminate()
        server.wait(timeout=30)
