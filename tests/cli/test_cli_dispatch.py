"""The dispatcher's whole path through the command: init, stock, an incident, a request through to receipt."""

from __future__ import annotations

from datetime import datetime, timedelta

from cli_harness import Cli

import supplies
from supplies import demo

ROW_KEYS = {"point", "lot", "quantity", "agency", "eta_hours"}


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
            "requests": len(inv.requests.list()),
        }


def check_demo_county(url: str, init: dict) -> None:
    """The demo is a city of three counties a dispatcher can work with, and its users can log in to the web admin."""
    assert init["schema"] == "up to date" and init["admin"]["name"] == "chief"
    assert init["demo"]["loaded"] is True
    demo_users = {u["name"]: u for u in init["demo"]["users"]}
    assert {u["role"] for u in demo_users.values()} == {"dispatcher", "warehouse", "agency_officer", "viewer"}
    with supplies.open(url, user="chief") as inv:
        assert inv.users.authenticate("chief", init["admin"]["password"]) is not None
        for name, u in demo_users.items():
            assert inv.users.authenticate(name, u["password"]) is not None, name
        keeper = next(u for u in inv.users.list() if u.role == "warehouse")
        assert keeper.points == ("HS-CK01",)
        points = inv.points.list()
        county_depots = [p.code for p in points if p.level == "county" and p.kind == "depot"]
        assert county_depots == ["CS-CK01", "HS-CK01", "LD-CK01"]  # a depot in each of the city's three counties
        assert [p.code for p in points if p.level == "city"] == ["QN-CK01"]
        assert {u.jurisdiction for u in inv.users.list() if u.role == "dispatcher"} == {"522700", "522729", "522731"}
        assert len([p for p in points if p.level == "township"]) == 5
        assert {p.kind for p in points if p.level == "village"} == {"prepositioned"}
        assert any(p.kind == "shelter" for p in points)
        lots = inv.stock.lots()
        assert len(lots) == len(demo.LOTS)
        assert any(x.mode == "agreement" and x.lead_time_hours > 0 for x in lots)
        assert inv.stock.expiring(30), "the demo shows stock near expiry"
        assert len(inv.agencies.list()) == 6 and all(a.contact and a.phone for a in inv.agencies.list())
        assert inv.targets.list()
        assert inv.stock.verify().ok


def test_dispatcher_path_from_init_to_receipt(cli: Cli) -> None:
    check_demo_county(cli.url, cli("--json", "init", "--demo", user="chief").json)
    as_dispatcher = Cli(cli.url, user="zhangwei")
    run = as_dispatcher

    incident = run(
        "incident",
        "add",
        "羡塘镇洪涝",
        "--type",
        "flood",
        "--level",
        "IV",
        "--lat",
        "25.94",
        "--lon",
        "106.56",
        "--population",
        "3000",
    )
    incident_id = int(incident.out)  # the bare id, for $(...) in scripts
    created = run(
        "--json",
        "request",
        "create",
        "--incident",
        str(incident_id),
        "--dest-lat",
        "25.92",
        "--dest-lon",
        "106.54",
        "--line",
        "PLAN14:3.05=300",
        "--line",
        "LOCAL:FOOD.01=400",
        "--needed-by",
        "+8h",
        "--priority",
        "1",
        "--unit",
        "羡塘镇人民政府",
    ).json
    rid = str(created["id"])
    needed_by = datetime.fromisoformat(created["needed_by"])
    assert abs(needed_by - (datetime.now().astimezone() + timedelta(hours=8))) < timedelta(minutes=5)
    assert created["status"] == "draft" and created["priority"] == 1

    run("request", "submit", rid)
    assert "approved" in run("request", "approve", rid).out

    plan = run("--json", "request", "allocate", rid).json
    assert plan["shortfalls"] == [] and plan["status"] == "allocated"
    assert all(set(row) >= ROW_KEYS for row in plan["rows"])
    per_item: dict[str, int] = {}
    for row in plan["rows"]:
        per_item[row["item"]] = per_item.get(row["item"], 0) + row["quantity"]
    assert per_item == {"PLAN14:3.05": 300, "LOCAL:FOOD.01": 400}
    assert {r["agency"] for r in plan["rows"] if r["item"] == "PLAN14:3.05"} == {"HSYJ"}
    assert "HS-VL01" in {r["point"] for r in plan["rows"]}, "the village point next to the flood serves first"

    quilts = run("--json", "stock", "list", "--item", "PLAN14:3.05").json
    assert sum(x["reserved"] for x in quilts) == 300
    assert all(x["free"] == x["on_hand"] - x["reserved"] for x in quilts)

    picks = run("--json", "request", "pick-list", rid).json
    assert {p["agency"] for p in picks} == {"HSYJ", "HSLC"}
    assert all(p["contact"] and p["phone"] for p in picks)
    assert sum(line["quantity"] if isinstance(line, dict) else line[3] for p in picks for line in p["lines"]) == 700

    water_only = run("request", "dispatch", rid, "--agency", "HSLC")
    assert "400 units issued" in water_only.out and "still reserved" in water_only.err
    assert run("--json", "request", "dispatch", rid).json["status"] == "dispatched"
    run("request", "receive", rid, "--received", "PLAN14:3.05=290")

    final = run("--json", "request", "show", rid).json
    assert final["status"] == "received"
    assert {(x["code"], x["quantity"], x["allocated"], x["dispatched"], x["received"]) for x in final["lines"]} == {
        ("PLAN14:3.05", 300, 300, 300, 290),
        ("LOCAL:FOOD.01", 400, 400, 400, 400),
    }
    assert sorted((a["point"], a["lot"], a["quantity"], a["agency"]) for a in final["allocations"]) == sorted(
        (r["point"], r["lot"], r["quantity"], r["agency"]) for r in plan["rows"]
    )
    assert all(set(a) >= ROW_KEYS and a["status"] == "dispatched" for a in final["allocations"])
    assert [e["to_status"] for e in final["events"]][-1] == "received"
    late = run("request", "approve", rid, expect=3)
    assert late.err.startswith("error: status: ") and "received" in late.err

    assert run("--json", "verify").json["ok"] is True
    with supplies.open(cli.url, user="zhangwei") as inv:
        assert sum(m.qty for m in inv.stock.ledger(kinds=("dispatch",))) == -700
        assert sum(x.reserved for x in inv.stock.lots()) == 0

    # Loading the demo again, or upgrading, changes nothing of a county at work.
    before = counts(cli.url)
    again = cli("init", "--demo", user="chief")
    assert "already loaded" in again.out and "password" not in again.out
    assert counts(cli.url) == before
