"""`supplies item add --tracked`, `unit ...`, `maintenance ...`, `report equipment` and the pick list's serials by command."""

from __future__ import annotations

from pathlib import Path

from cli_harness import Cli
from openpyxl import Workbook

import supplies


def test_equipment_by_command(county_cli: Cli, tmp_path: Path) -> None:
    cli = county_cli
    added = cli("--json", "item", "add", "PUMP", "排涝泵", "--class", "FLOOD", "--unit", "台", "--tracked").json
    assert added["tracked"] is True
    cli(
        "unit",
        "receive",
        "--point",
        "CK-01",
        "--item",
        "PUMP",
        "--serial",
        "P-1",
        "--serial",
        "P-2",
        "--model",
        "QW100",
        "--year",
        "2024",
    )
    book = Workbook()
    for serial in ("P-3", "P-4"):
        book.active.append([serial])
    book.save(tmp_path / "serials.xlsx")
    cli(
        "unit",
        "receive",
        "--point",
        "TS-01",
        "--item",
        "PUMP",
        "--serials-file",
        str(tmp_path / "serials.xlsx"),
        "--last-serviced",
        "2026-01-01",
    )
    listed = cli("unit", "list", "--item", "PUMP", "--json").json
    assert [(u["serial"], u["status"]) for u in listed] == [(s, "serviceable") for s in ("P-1", "P-2", "P-3", "P-4")]
    cli(
        "maintenance",
        "plan",
        "PUMP",
        "--every-days",
        "90",
        "--task",
        "run 30 minutes",
        "--task",
        "check oil",
        "--grace-days",
        "7",
    )
    due = cli("--json", "maintenance", "due", "--point", "TS-01").json
    assert {(d["serial"], d["status"], d["overdue"]) for d in due} == {
        ("P-3", "needs_maintenance", True),
        ("P-4", "needs_maintenance", True),
    }
    done = cli("--json", "maintenance", "record", "P-3", "--result", "ok", "--note", "ran fine").json
    assert (done["status_before"], done["status_after"]) == ("needs_maintenance", "serviceable")
    assert "ran fine" in cli("unit", "show", "P-3").out
    # Errors: a defect needs a note (2), an unknown serial (2), stock by number refused (3), a serial twice (2).
    assert "note" in cli("maintenance", "record", "P-1", "--result", "defect", expect=2).err
    cli("unit", "show", "NOPE", expect=2)
    cli("stock", "receive", "--point", "CK-01", "--item", "PUMP", "--qty", "1", expect=3)
    cli("unit", "receive", "--point", "CK-01", "--item", "PUMP", "--serial", "P-1", expect=2)
    cli("unit", "receive", "--point", "CK-01", "--item", "PUMP", expect=2)
    cli("unit", "receive", "--point", "CK-01", "--item", "QUILT", "--serial", "X", expect=3)  # not tracked
    rep = cli("--json", "report", "equipment", "--out", str(tmp_path / "装备台账.xlsx"), "--lang", "zh").json
    assert rep["totals"] == {"units": 4, "serviceable": 3}
    assert "ok:" in cli("verify").out


def test_the_pick_list_names_serials_and_units_follow_the_request(county_cli: Cli) -> None:
    cli = county_cli
    cli("item", "add", "PUMP", "排涝泵", "--class", "FLOOD", "--unit", "台", "--tracked")
    cli("unit", "receive", "--point", "CK-01", "--item", "PUMP", "--serial", "P-1", "--serial", "P-2")
    with supplies.open(county_cli.url, user="admin") as inv:
        inv.users.add("disp", role="dispatcher", web_login=False)
        inv.points.add("SH-01", "河口镇避难场所", level="township", kind="shelter", lat=26.61, lon=106.81)
    run = Cli(county_cli.url, user="disp")
    incident = run(
        "incident", "add", "河口镇洪涝", "--type", "flood", "--level", "IV", "--lat", "26.6", "--lon", "106.8"
    )
    rid = run(
        "request", "create", "--incident", incident.out.strip(), "--dest-point", "SH-01", "--line", "PUMP=1"
    ).out.strip()
    run("request", "submit", rid)
    run("request", "approve", rid)
    run("request", "allocate", rid)
    out = run("request", "pick-list", rid).out
    assert "serials" in out and "P-1" in out
    run("request", "dispatch", rid)
    assert [(u["serial"], u["point"], u["request_id"]) for u in cli("unit", "list", "--json").json] == [
        ("P-1", None, int(rid)),
        ("P-2", "CK-01", None),
    ]
    assert "request receive" in cli("unit", "return", "P-1", "--point", "CK-01", expect=3).err  # arrives at SH-01
    run("request", "receive", rid)
    assert [(u["serial"], u["point"]) for u in cli("unit", "list", "--json").json] == [
        ("P-1", "SH-01"),
        ("P-2", "CK-01"),
    ]
    assert "ok:" in cli("verify").out
