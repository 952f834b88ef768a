"""What the adversarial run did through the command line (issue #10): one error line, exit 2 or 3, nothing written.

The same values are accepted and refused on SQLite and PostgreSQL (PostgreSQL used to fail
with "integer out of range", exit 1).
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from cli_harness import Cli
from test_cli_errors import one_error_line, state

import supplies
from supplies.config import local_today


@pytest.mark.parametrize("qty", ["5000000000000000000", "2147483648", "1000000001", "-3", "99999999999999999999999"])
def test_a_huge_or_negative_quantity_exits_2_naming_it(county_cli: Cli, qty: str) -> None:
    before = state(county_cli.url)
    run = county_cli("stock", "receive", "--point", "CK-01", "--item", "TENT12", "--qty", qty, expect=2)
    one_error_line(run, "qty")
    assert state(county_cli.url) == before


@pytest.mark.parametrize(
    "args,field",
    [
        (("stock", "list", "--expiring-days", "99999999999"), "expiring_within_days"),
        (("report", "expiry", "--days", "100000000", "--out", "x.csv"), "days"),
        (("report", "ledger", "--until", "9999-12-31", "--out", "x.csv"), "until"),
        (("target", "set", "TENT12", "10000000000000", "--point", "CK-01"), "quantity"),
        (("request", "show", "99999999999"), "id"),
        (
            (
                "incident",
                "add",
                "洪水",
                "--type",
                "flood",
                "--level",
                "IV",
                "--lat",
                "26",
                "--lon",
                "106",
                "--population",
                "99999999999",
            ),
            "population",
        ),
        (("readiness", "--lat", "26", "--lon", "106", "--population", "99999999999999"), "population"),
    ],
)
def test_every_number_and_date_option_is_bounded(
    county_cli: Cli,
    tmp_path,
    args: tuple[str, ...],  # type: ignore[no-untyped-def]
    field: str,
) -> None:
    before = state(county_cli.url)
    args = tuple(str(tmp_path / a) if a == "x.csv" else a for a in args)
    one_error_line(county_cli(*args, expect=2), field)
    assert state(county_cli.url) == before


def test_a_nul_in_a_batch_exits_2_and_is_never_stored(county_cli: Cli) -> None:
    run = county_cli(
        "stock", "receive", "--point", "CK-01", "--item", "TENT12", "--qty", "1", "--lot", "A\x01B", expect=2
    )
    one_error_line(run, "batch")
    assert "control character" in run.err


def test_an_expired_batch_needs_historical(county_cli: Cli) -> None:
    past = (local_today() - timedelta(days=400)).isoformat()
    run = county_cli(
        "stock",
        "receive",
        "--point",
        "CK-01",
        "--item",
        "TENT12",
        "--qty",
        "1",
        "--lot",
        "OLD",
        "--expires",
        past,
        expect=2,
    )
    one_error_line(run, "expires_on")
    county_cli(
        "stock",
        "receive",
        "--point",
        "CK-01",
        "--item",
        "TENT12",
        "--qty",
        "1",
        "--lot",
        "OLD",
        "--expires",
        past,
        "--historical",
    )
    with supplies.open(county_cli.url, user="admin") as inv:
        assert [x.expires.isoformat() for x in inv.stock.lots()] == [past]


def test_a_transfer_into_a_batch_held_on_other_terms_exits_3_and_to_lot_files_it_apart(county_cli: Cli) -> None:
    with supplies.open(county_cli.url, user="admin") as inv:
        inv.stock.receive("TS-01", "QUILT", 10, batch="2020-HS-05", mode="donation", expires_on="2035-01-01")
        inv.stock.receive("CK-01", "QUILT", 500, batch="2020-HS-05", expires_on=local_today() + timedelta(days=24))
    before = state(county_cli.url)
    move = (
        "stock",
        "transfer",
        "--from",
        "CK-01",
        "--to",
        "TS-01",
        "--item",
        "QUILT",
        "--qty",
        "500",
        "--lot",
        "2020-HS-05",
    )
    run = county_cli(*move, expect=3)
    one_error_line(run, "to_batch")
    assert "donation" in run.err
    assert state(county_cli.url) == before
    county_cli(*move, "--to-lot", "2020-HS-05-CK")
    with supplies.open(county_cli.url, user="admin") as inv:
        assert {x.batch: (x.on_hand, x.mode) for x in inv.stock.lots(point="TS-01")} == {
            "2020-HS-05": (10, "donation"),
            "2020-HS-05-CK": (500, "physical"),
        }
        assert inv.stock.verify().ok


def test_errors_follow_the_language_of_the_locale_or_lang(county_cli: Cli) -> None:
    args = ("stock", "receive", "--point", "CK-01", "--item", "TENT12", "--qty", "0")
    chinese = county_cli(*args, expect=2, env={"LC_ALL": "", "LANG": "zh_CN.UTF-8"})
    assert chinese.err.strip() == "error: qty: 须为 1 到 1,000,000,000 之间的整数"
    assert county_cli("--lang", "zh", *args, expect=2).err.strip() == chinese.err.strip()
    english = county_cli("--lang", "en", *args, expect=2, env={"LANG": "zh_CN.UTF-8"})
    assert english.err.strip() == "error: qty: must be a whole number from 1 to 1,000,000,000"
    doc = county_cli("--json", "--lang", "zh", *args, expect=2).json["error"]
    assert doc["reason"] == "must be a whole number from 1 to 1,000,000,000"  # scripts read English
    assert doc["code"] == "must_be_a_whole_number_from_to" and doc["message"].startswith("qty: 须为")
