"""`supplies contract ...` and `supplies report contracts`: agreement reserves from sign-up to delivery."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from cli_harness import Cli
from openpyxl import load_workbook

import supplies
from supplies.config import local_today

GOOD_CODE = "91350100M000100Y43"


def _setup(url: str) -> Cli:
    with supplies.open(url, user="admin") as inv:
        inv.users.add("disp", role="dispatcher", web_login=False)
        inv.users.add("viewer", role="viewer", web_login=False)
        inv.points.add(
            "AG-01", "协议储备仓库", level="county", lat=26.5, lon=106.7, region_code="520102", kind="agreement"
        )
    return Cli(url, user="disp")


def test_sign_call_up_deliver_and_renew_from_the_command_line(county_cli: Cli, tmp_path: Path) -> None:
    run = _setup(county_cli.url)
    today = local_today()
    end = today + timedelta(days=30)
    added = run(
        "--json", "contract", "add", "HT-01", "--company", "某商贸公司", "--credit-code", GOOD_CODE,
        "--point", "AG-01", "--item", "TENT12=100@350.00", "--item", "QUILT=40",
        "--valid-from", str(today), "--valid-to", str(end), "--lead-time-hours", "12",
    ).json  # fmt: skip
    assert [(ln["item"], ln["quantity"], ln["unit_price"], ln["remaining"]) for ln in added["lines"]] == [
        ("TENT12", 100, 350.0, 100),
        ("QUILT", 40, None, 40),
    ]
    listed = run("--json", "contract", "list", "--expiring-days", "60").json
    assert [(c["code"], c["days_left"], c["in_force"]) for c in listed] == [("HT-01", 30, True)]
    assert run("--json", "contract", "list", "--expiring-days", "10").json == []

    incident = run("incident", "add", "洪涝", "--type", "flood", "--level", "IV", "--lat", "26.6", "--lon", "106.8")
    rid = run(
        "request", "create", "--incident", incident.out.strip(), "--dest-point", "TS-01", "--line", "TENT12=60"
    ).out.strip()
    run("request", "submit", rid)
    run("request", "approve", rid)
    called = run("contract", "call-up", "HT-01", "--request", rid, "--item", "TENT12=60")
    order = called.out.strip()
    assert order.isdigit() and "HT-01" in called.err and "Deliver by" in called.err
    assert "TENT12" in run("contract", "order", order).out

    done = run("--json", "contract", "deliver", order, "--item", "TENT12=55").json
    assert (done["status"], done["short"], done["late"]) == ("delivered", 5, False)
    assert run("--json", "request", "show", rid).json["status"] == "received"
    lots = run("--json", "stock", "list", "--point", "TS-01").json
    assert [(x["item"], x["batch"], x["on_hand"], x["mode"]) for x in lots] == [("TENT12", "HT-01", 55, "physical")]
    assert run("--json", "verify").json["ok"] is True

    renewed = run("--json", "contract", "renew", "HT-01", "--valid-to", str(end + timedelta(days=365))).json
    assert (renewed["version"], [ln["remaining"] for ln in renewed["lines"]]) == (2, [40, 40])
    shown = run("--json", "contract", "show", "HT-01").json
    assert [v["version"] for v in shown["history"]] == [1]
    assert [(o["id"], o["short"]) for o in shown["call_ups"]] == [(int(order), 5)]
    assert "earlier: v1" in run("contract", "show", "HT-01").out

    out = tmp_path / "contracts.xlsx"
    run("report", "contracts", "--lang", "zh", "--out", str(out))
    sheet = load_workbook(out).worksheets[0]
    assert any("协议数量" in str(c.value) for row in sheet.iter_rows() for c in row)
    assert run("--json", "verify").json["ok"] is True


def test_bad_input_exits_2_and_a_refusal_exits_3(county_cli: Cli) -> None:
    run = _setup(county_cli.url)
    today = local_today()
    base = ["contract", "add", "HT-9", "--company", "X", "--point", "AG-01", "--valid-from", str(today)]
    bad = run(
        "--json", *base, "--valid-to", str(today), "--lead-time-hours", "1", "--item", "TENT12=5",
        "--credit-code", "91350100M000100Y44", expect=2,
    ).json  # fmt: skip
    assert bad["error"]["field"] == "credit_code"
    run(*base, "--valid-to", str(today), "--lead-time-hours", "1", "--item", "TENT12=five", expect=2)
    run(*base, "--valid-to", str(today), "--lead-time-hours", "1", "--item", "TENT12=5", user="viewer", expect=3)
    run("contract", "show", "NOPE", expect=2)
    run("contract", "deliver", "99", expect=2)
