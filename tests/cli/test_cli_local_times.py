"""The command shows stored (UTC) times and their dates in the department's zone, as the web admin does.

18:30 UTC on 2 December is 02:30 on 3 December in Shanghai (the default ``SUPPLIES_TIMEZONE``):
the UTC date, or the zone of the machine running the command, put it on the day before. ``--json``
keeps its ISO times in UTC, as scripts read them.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from cli_harness import Cli
from sqlalchemy import update
from sqlmodel import col

import supplies
from supplies.models.donations import Donation

MOMENT = datetime(2025, 12, 2, 18, 30, tzinfo=UTC)
IN_SHANGHAI = "2025-12-03 02:30"


@pytest.fixture(autouse=True)
def machine_in_utc(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The machine's own zone is UTC, as on most servers, whatever the zone of the one running the tests."""
    if not hasattr(time, "tzset"):
        pytest.skip("the machine's zone is set through time.tzset")
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def _rows(out: str) -> list[list[str]]:
    """The plain table's rows (piped output), split at the column gaps."""
    return [[cell.strip() for cell in line.split("   ") if cell.strip()] for line in out.splitlines()[2:]]


def test_a_donation_received_at_18_30_utc_is_listed_on_the_next_day_in_china(county_cli: Cli) -> None:
    run = county_cli
    run("donor", "add", "D-1", "某人")
    got = run("donation", "receive", "--donor", "D-1", "--point", "CK-01", "--item", "QUILT", "--qty", "3")
    did = int(got.out.split()[0])
    # Receipts are stamped now: the test moves this one's time, as the API's tests age a token.
    with supplies.open(run.url, user="admin") as inv, inv.engine.begin() as conn:
        conn.execute(update(Donation).where(col(Donation.id) == did).values(received_at=MOMENT))

    assert [r[:2] for r in _rows(run("donation", "list").out)] == [[str(did), "2025-12-03"]]
    elsewhere = run("donation", "list", env={"SUPPLIES_TIMEZONE": "UTC"}).out
    assert [r[:2] for r in _rows(elsewhere)] == [[str(did), "2025-12-02"]]  # the setting decides, not the machine
    assert run("--json", "donation", "list").json[0]["received_at"] == "2025-12-02T18:30:00+00:00"


def test_a_requisition_started_at_18_30_utc_shows_the_time_in_china(county_cli: Cli) -> None:
    run = county_cli
    zy = run(
        "requisition", "add", "--owner", "李四", "--authority", "县政府", "--basis", "法", "--point", "CK-01",
        "--item", "QUILT=5@80", "--at", MOMENT.isoformat(),
    ).out.strip()  # fmt: skip
    assert [r[4] for r in _rows(run("requisition", "list").out)] == ["2025-12-03"]
    shown = run("requisition", "show", zy).out
    assert f"since {IN_SHANGHAI}" in shown and "UTC" not in shown
    assert run("--json", "requisition", "show", zy).json["requisition"]["started_at"] == "2025-12-02T18:30:00+00:00"


def test_an_incidents_start_and_a_requests_needed_by_are_shown_in_china_not_in_the_machines_zone(
    county_cli: Cli,
) -> None:
    run = county_cli
    inc = run(
        "incident", "add", "洪涝", "--type", "flood", "--level", "IV", "--lat", "26.6", "--lon", "106.8",
        "--started-at", MOMENT.isoformat(),
    ).out.strip()  # fmt: skip
    assert IN_SHANGHAI in _rows(run("incident", "list").out)[0]
    needed_by = MOMENT.replace(year=2030)
    rid = run(
        "request", "create", "--incident", inc, "--dest-point", "TS-01", "--line", "QUILT=5",
        "--needed-by", needed_by.isoformat(),
    ).out.strip()  # fmt: skip
    assert [r[4] for r in _rows(run("request", "list").out)] == ["2030-12-03 02:30"]
    assert ["needed_by", "2030-12-03 02:30"] in _rows(run("request", "show", rid).out)
    assert run("--json", "request", "show", rid).json["needed_by"] == "2030-12-02T18:30:00+00:00"


def test_a_time_typed_without_a_zone_is_the_departments_wall_clock(county_cli: Cli) -> None:
    # What the command shows is what one types back: 02:30 on a UTC server means 02:30 in China.
    run = county_cli
    inc = run(
        "incident", "add", "洪涝", "--type", "flood", "--level", "IV", "--lat", "26.6", "--lon", "106.8",
    ).out.strip()  # fmt: skip
    rid = run(
        "request", "create", "--incident", inc, "--dest-point", "TS-01", "--line", "QUILT=5",
        "--needed-by", "2030-12-03T02:30",
    ).out.strip()  # fmt: skip
    assert run("--json", "request", "show", rid).json["needed_by"] == "2030-12-02T18:30:00+00:00"
    assert ["needed_by", "2030-12-03 02:30"] in _rows(run("request", "show", rid).out)
