"""`supplies requisition ...` and `supplies report requisitions`: requisitioned, given back in part, compensated."""

from __future__ import annotations

from pathlib import Path

from cli_harness import Cli
from openpyxl import load_workbook

import supplies

ID_NUMBER = "52010219800101123X"


def _setup(url: str) -> Cli:
    with supplies.open(url, user="admin") as inv:
        inv.users.add("disp", role="dispatcher", web_login=False)
        inv.users.add("boss", role="admin", web_login=False)
        inv.users.add("viewer", role="viewer", web_login=False)
        inv.items.add("PUMP", "排涝泵", supply_class="FLOOD", unit="台")
    return Cli(url, user="disp")


def test_requisition_return_assess_approve_pay_from_the_command_line(county_cli: Cli, tmp_path: Path) -> None:
    run = _setup(county_cli.url)
    added = run(
        "requisition", "add", "--owner", "李四", "--owner-id", ID_NUMBER, "--authority", "惠水县人民政府",
        "--basis", "《突发事件应对法》第十二条", "--point", "CK-01", "--item", "QUILT=100@80",
        "--item", "PUMP=2@3000/50", "--at", "-26h",
    )  # fmt: skip
    zy = added.out.strip()
    assert zy.isdigit() and ID_NUMBER not in added.out + added.err
    shown = run("--json", "requisition", "show", zy).json
    assert shown["requisition"]["owner_id"] == "5201**********123X"
    assert [(ln["item"], ln["held"], ln["daily_rate"]) for ln in shown["requisition"]["lines"]] == [
        ("QUILT", 100, None),
        ("PUMP", 2, 50.0),
    ]
    assert [r["id"] for r in run("--json", "requisition", "list", "--open").json] == [int(zy)]

    run("stock", "issue", "--point", "CK-01", "--item", "QUILT", "--qty", "40", "--lot", f"ZY-{zy}",
        "--reason", "发放", user="admin")  # fmt: skip
    run("requisition", "return", zy, "--item", "QUILT=50", "--item", "PUMP=1", "--condition", "good")
    run("requisition", "return", zy, "--item", "QUILT=10", "--condition", "damaged", "--damage", "QUILT=35.5")
    run("requisition", "return", zy, "--item", "PUMP=1", "--condition", "lost")
    too_many = run("--json", "requisition", "return", zy, "--item", "QUILT=1", "--condition", "good", expect=3).json
    assert too_many["error"]["field"] == "items.0.quantity"

    comp = run("--json", "requisition", "assess", zy).json
    lines = {(ln["item"], ln["kind"]): ln["amount"] for ln in comp["lines"]}
    assert lines == {
        ("QUILT", "consumed"): 3200.0,
        ("QUILT", "damage"): 35.5,
        ("PUMP", "lost"): 3000.0,
        ("PUMP", "use"): 100.0,  # 26 hours: two started days
    }
    assert comp["total"] == 6335.5 and comp["status"] == "assessed"
    assert "6335.50" in run("requisition", "show", zy).out
    run("requisition", "approve", zy, expect=3)  # a dispatcher does not approve
    run("requisition", "pay", zy, "--reference", "ZF-1", user="boss", expect=3)  # not approved yet
    assert run("--json", "requisition", "approve", zy, user="boss").json["approved_by"] == "boss"
    paid = run("--json", "requisition", "pay", zy, "--reference", "国库支付 ZF-2026-001", user="admin").json
    assert (paid["status"], paid["paid_by"], paid["reference"]) == ("paid", "admin", "国库支付 ZF-2026-001")
    assert run("--json", "requisition", "list", "--open").json == []
    assert run("--json", "verify").json["ok"] is True

    out = tmp_path / "zy.xlsx"
    run("report", "requisitions", "--lang", "zh", "--out", str(out))
    cells = [str(c.value) for sheet in load_workbook(out).worksheets for row in sheet.iter_rows() for c in row]
    assert "消耗" in cells and "补偿金额" in cells and not any("5201" in c for c in cells)


def test_bad_input_exits_2_and_a_refusal_exits_3(county_cli: Cli) -> None:
    run = _setup(county_cli.url)
    base = ["requisition", "add", "--owner", "王五", "--authority", "县政府", "--basis", "法", "--point", "CK-01"]
    run(*base, "--item", "QUILT=5", expect=2)  # no value
    run(*base, "--item", "QUILT=5@x", expect=2)
    bad = run("--json", *base, "--item", "QUILT=5@10", "--owner-id", "123", expect=2).json
    assert bad["error"]["field"] == "owner_id" and "123" not in bad["error"]["message"]
    bad = run("--json", *base, "--item", "QUILT=5@10", "--daily-rate", "PUMP=5", expect=2).json
    assert bad["error"]["field"] == "daily_rate"
    run(*base, "--item", "QUILT=5@10", user="viewer", expect=3)
    zy = run(*base, "--item", "QUILT=5@10", "--daily-rate", "QUILT=1").out.strip()
    run("requisition", "assess", zy, expect=3)  # still held
    run("requisition", "return", zy, "--item", "QUILT=1", "--condition", "broken", expect=2)
    run("requisition", "show", "999", expect=2)
    run("requisition", "approve", zy, user="boss", expect=2)  # nothing assessed yet
