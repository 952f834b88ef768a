"""`supplies report submit / submissions / receive / download / keygen` and `supplies region trust` end to end."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import supplies
from supplies.config import local_today
from tests.cli.cli_harness import Cli, url_of

from .submission_city import CITY, HUISHUI, LIBO, SANDU, build_city, county_alone


@pytest.fixture
def city_cli(inv: supplies.Inventory) -> Cli:
    build_city(inv)
    return Cli(url_of(inv))


def test_submit_then_the_city_sees_each_county(city_cli: Cli) -> None:
    period = local_today().strftime("%Y-%m")
    first = city_cli("--json", "report", "submit", "--period", period, user="hs").json
    assert (first["jurisdiction"], first["version"], first["source"], first["on_time"]) == (HUISHUI, 1, "local", True)
    shown = city_cli("report", "submit", "--period", period, user="hs")
    assert "惠水县" in shown.out and "sha256" in shown.out
    doc = city_cli("--json", "report", "submissions", "--period", period, user="cityview").json
    assert doc["period"] == period
    assert {r["jurisdiction"]: (r["status"], r["version"]) for r in doc["jurisdictions"]} == {
        LIBO: ("missing", None),
        HUISHUI: ("submitted", 2),
        SANDU: ("missing", None),
    }
    table = city_cli("report", "submissions", "--period", period, user="citydesk")
    assert "missing" in table.out and "submitted" in table.out and "due on" in table.err

    content = city_cli("report", "download", "--period", period, "--jurisdiction", HUISHUI, user="city").out
    assert json.loads(content)["totals"]["received"] == 10
    v1 = city_cli("report", "download", "--period", period, "--jurisdiction", HUISHUI, "--version", "1", user="city")
    assert json.loads(v1.out)["jurisdiction"] == HUISHUI


def test_refusals_exit_with_their_codes(city_cli: Cli, tmp_path: Path) -> None:
    bad = city_cli("--json", "report", "submit", "--period", "2026-Q5", user="hs", expect=2)
    assert bad.json["error"]["field"] == "period"
    city_cli("report", "submit", "--period", "2026-Q4", "--jurisdiction", SANDU, user="hs", expect=3)
    city_cli("report", "submit", "--period", "2026-Q4", user="cityview", expect=3)
    city_cli("report", "submissions", "--period", "2026-Q4", "--jurisdiction", CITY, user="hs", expect=3)
    city_cli("report", "submit", "--period", "2026-Q4", "--out", str(tmp_path / "x.json"), user="hs", expect=2)
    (tmp_path / "not-a-key.pem").write_text("no key here")
    args = ("report", "submit", "--period", "2026-Q4", "--out", str(tmp_path / "x.json"))
    city_cli(*args, "--key", str(tmp_path / "not-a-key.pem"), user="hs", expect=2)
    assert not (tmp_path / "x.json").exists()
    assert (
        city_cli("--json", "report", "submissions", "--period", "2026-Q4", user="city").json["jurisdictions"][1][
            "status"
        ]
        == "missing"
    )  # the refused submit with a bad key wrote nothing


def test_a_county_alone_sends_a_signed_file_to_the_city(city_cli: Cli, tmp_path: Path) -> None:
    child = county_alone(tmp_path)
    county = Cli(url_of(child), user="hs")
    key = county("--json", "report", "keygen", "--out", str(tmp_path / "hs.pem"), user=False).json
    assert key["file"] == str(tmp_path / "hs.pem") and len(key["public_key"]) == 44
    county("report", "keygen", "--out", str(tmp_path / "hs.pem"), user=False, expect=2)  # never overwritten

    out = tmp_path / "惠水县-2025Q4.json"
    sent = county(
        "--json", "report", "submit", "--period", "2025-Q4", "--out", str(out), "--key", str(tmp_path / "hs.pem")
    )
    assert sent.json["file"] == str(out) and out.exists()

    city_cli("report", "receive", str(out), user="citydesk", expect=3)  # no key registered yet
    trusted = city_cli("region", "trust", HUISHUI, "--public-key", key["public_key"], user="city")
    assert key["fingerprint"] in trusted.out
    city_cli("region", "trust", HUISHUI, "--public-key", "not-a-key", user="city", expect=2)
    city_cli("region", "trust", HUISHUI, "--public-key", key["public_key"], user="citydesk", expect=3)

    got = city_cli("--json", "report", "receive", str(out), user="citydesk").json
    assert (got["jurisdiction"], got["version"], got["source"], got["sha256"]) == (
        HUISHUI,
        1,
        "received",
        sent.json["sha256"],
    )
    again = city_cli("--json", "report", "receive", str(out), user="citydesk", expect=3)
    assert again.json["error"]["field"] == "version"
    doc = city_cli("--json", "report", "submissions", "--period", "2025-Q4", user="city").json
    assert {r["jurisdiction"]: r["status"] for r in doc["jurisdictions"]}[HUISHUI] == "late"
    child.close()
