"""`supplies request receive ID --received CODE=QTY` books what arrived into the destination point."""

from __future__ import annotations

from cli_harness import Cli

import supplies


def test_receive_books_into_the_shelter_and_show_says_where(county_cli: Cli) -> None:
    with supplies.open(county_cli.url, user="admin") as inv:
        inv.users.add("disp", role="dispatcher", web_login=False)
        inv.points.add("SH-01", "河口镇避难场所", level="township", kind="shelter", lat=26.61, lon=106.81)
        inv.stock.receive("CK-01", "QUILT", 100, batch="Q-2025", mode="donation")
    run = Cli(county_cli.url, user="disp")
    incident = run(
        "incident", "add", "河口镇洪涝", "--type", "flood", "--level", "IV", "--lat", "26.6", "--lon", "106.8"
    )
    rid = run(
        "request", "create", "--incident", incident.out.strip(), "--dest-point", "SH-01", "--line", "QUILT=60"
    ).out.strip()
    run("request", "submit", rid)
    run("request", "approve", rid)
    run("request", "allocate", rid)
    run("request", "dispatch", rid)

    done = run("request", "receive", rid, "--received", "QUILT=55")
    assert "booked into stock" in done.out and "Q-2025" in done.out
    shown = run("--json", "request", "show", rid).json
    assert [(x["code"], x["dispatched"], x["received"]) for x in shown["lines"]] == [("QUILT", 60, 55)]
    assert [(a["point"], a["item"], a["batch"], a["quantity"], a["mode"]) for a in shown["arrivals"]] == [
        ("SH-01", "QUILT", "Q-2025", 55, "donation")
    ]
    assert "booked into stock" in run("request", "show", rid).out
    lots = run("--json", "stock", "list", "--point", "SH-01").json
    assert [(x["item"], x["lot"], x["on_hand"], x["mode"]) for x in lots] == [("QUILT", "Q-2025", 55, "donation")]
    ledger = run("--json", "ledger", "--point", "SH-01").json
    assert [(m["kind"], m["qty"], m["reference"]) for m in ledger] == [("arrival", 55, f"request:{rid}")]
    assert run("--json", "verify").json["ok"] is True
    again = run("request", "receive", rid, expect=3)
    assert "received" in again.err


def test_a_closed_destination_exits_3_and_books_nothing(county_cli: Cli) -> None:
    with supplies.open(county_cli.url, user="admin") as inv:
        inv.users.add("disp", role="dispatcher", web_login=False)
        inv.points.add("SH-01", "避难场所", level="township", kind="shelter", lat=26.61, lon=106.81)
        inv.stock.receive("CK-01", "QUILT", 10, batch="Q")
    run = Cli(county_cli.url, user="disp")
    incident = run("incident", "add", "洪涝", "--type", "flood", "--level", "IV", "--lat", "26.6", "--lon", "106.8")
    rid = run("request", "create", "--incident", incident.out.strip(), "--dest-point", "SH-01", "--line", "QUILT=5").out
    rid = rid.strip()
    for step in ("submit", "approve", "allocate", "dispatch"):
        run("request", step, rid)
    with supplies.open(county_cli.url, user="admin") as inv:
        inv.points.close("SH-01")
    refused = run("request", "receive", rid, expect=3)
    assert "SH-01 is closed" in refused.err
    assert run("--json", "stock", "list", "--point", "SH-01").json == []
    assert run("--json", "request", "show", rid).json["status"] == "dispatched"
