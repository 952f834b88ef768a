"""`supplies household`, `entitlement` and `distribute` through the command."""

from __future__ import annotations

from pathlib import Path

from cli_harness import Cli
from openpyxl import load_workbook

ID17 = "520102199001011234"
PHONE = "13812345678"
KEY = {"SUPPLIES_PII_KEY": "cli-test-key"}


def test_the_last_mile_by_command(county_cli: Cli, tmp_path: Path) -> None:
    cli = county_cli
    cli("stock", "receive", "--point", "CK-01", "--item", "QUILT", "--qty", "30", "--lot", "Q1")
    cli("stock", "receive", "--point", "CK-01", "--item", "TENT12", "--qty", "10", "--lot", "T1")
    cli("incident", "add", "河口洪涝", "--type", "flood", "--level", "IV", "--lat", "26.5", "--lon", "106.7")
    added = cli(
        "--json",
        "household",
        "add",
        "17",
        "--head",
        "张三",
        "--members",
        "5",
        "--village",
        "新村",
        "--phone",
        "13812345678",
        "--id-number",
        ID17,
        env=KEY,
    ).json
    assert added["id_number"] == "5201**********1234"
    register = tmp_path / "register.csv"
    register.write_text(f"编号,户主,人数,村,电话,身份证号\n18,李四,2,新村,,{ID17}\n", encoding="utf-8")
    dup = cli("household", "import", str(register), expect=2, env=KEY)
    assert "the same ID number as household 17" in dup.err and ID17 not in dup.out + dup.err
    register.write_text("编号,户主,人数,村,电话,身份证号\n18,李四,2,新村,13900001111,\n", encoding="utf-8")
    assert cli("--json", "household", "import", str(register), env=KEY).json == {"imported": 2 - 1}
    listed = cli("--json", "household", "list").json
    assert [h["number"] for h in listed] == ["17", "18"] and ID17 not in cli("household", "list").out
    assert all(h["id_number"] in (None, "5201**********1234") for h in listed)
    cli("--json", "entitlement", "set", "QUILT", "--per-person", "1")
    cli("--json", "entitlement", "set", "TENT12", "--per-household", "1", "--up-to", "4")
    rules = cli("--json", "entitlement", "list").json
    assert {(r["item"], r["basis"], r["quantity"], r["max_members"]) for r in rules} == {
        ("QUILT", "person", 1, None),
        ("TENT12", "household", 1, 4),
    }
    given = cli("--json", "distribute", "--point", "CK-01", "--household", "17", "--collector", "张小三").json
    assert {(x["item"], x["qty"]) for x in given["lines"]} == {("QUILT", 5), ("TENT12", 2)}
    assert given["collector"] == "张小三"
    assert cli("distribute", "--point", "CK-01", "--household", "17", expect=3).code == 3
    over = cli(
        "--json",
        "distribute",
        "--point",
        "CK-01",
        "--household",
        "17",
        "--item",
        "QUILT",
        "--qty",
        "1",
        "--override",
        "lost in the flood",
    ).json
    assert over["override_reason"] == "lost in the flood"
    part = cli("--json", "distribute", "--point", "CK-01", "--household", "18", "--item", "QUILT", "--qty", "1").json
    assert [x["qty"] for x in part["lines"]] == [1]
    ledger = cli("--json", "ledger", "--point", "CK-01").json
    refs = {m.get("reference") for m in (ledger if isinstance(ledger, list) else ledger.get("movements", []))}
    assert "household:1/17" in refs
    assert cli("--json", "verify").json["differences"] == []
    fixed = cli("--json", "household", "update", "18", "--members", "3", "--age-60-plus", "1").json
    assert (fixed["members"], fixed["age_60_plus"], fixed["age_5_59"]) == (3, 1, 2)
    masked = cli("--json", "household", "list", user="keeper").json
    assert masked[0]["phone"] == "138****5678"


def test_the_signing_sheet_and_the_notice_by_command(county_cli: Cli, tmp_path: Path) -> None:
    cli = county_cli
    cli("stock", "receive", "--point", "CK-01", "--item", "QUILT", "--qty", "30", "--lot", "Q1")
    cli("incident", "add", "河口洪涝", "--type", "flood", "--level", "IV", "--lat", "26.5", "--lon", "106.7")
    register = tmp_path / "register.csv"
    register.write_text(
        f"编号,户主,人数,村,电话,身份证号\n1,张三,3,新村,{PHONE},{ID17}\n2,李四,2,新村,,\n3,赵六,1,老村,,\n",
        encoding="utf-8",
    )
    cli("household", "import", str(register), env=KEY)
    cli("entitlement", "set", "QUILT", "--per-person", "1")
    cli("distribute", "--point", "CK-01", "--household", "1", "--collector", "张小三")
    cli("distribute", "--point", "CK-01", "--household", "3")
    shown = cli("report", "signing-sheet", "--village", "新村")
    assert "5201**********1234" in shown.out and ID17 not in shown.out and PHONE not in shown.out
    as_json = cli("--json", "report", "signing-sheet", "--village", "新村").json
    assert [(r["number"], r["received"], r["collector"]) for r in as_json["rows"]] == [
        ("1", [3], "张小三"),
        ("2", [0], None),
    ]
    out = tmp_path / "新村发放登记表.xlsx"
    wrote = cli("--json", "report", "signing-sheet", "--village", "新村", "--point", "CK-01", "--out", str(out)).json
    assert wrote["rows"] == 2 and out.exists()
    cells = repr(list(load_workbook(out).active.iter_rows(values_only=True)))
    assert "新村" in cells and "CK-01" in cells and ID17 not in cells and PHONE not in cells
    assert cli("report", "signing-sheet", "--village", "新村", "--out", str(tmp_path / "x.csv"), expect=2).code == 2
    assert cli("report", "signing-sheet", "--village", "无人村", expect=2).code == 2
    paper = cli("report", "notice", "--json").json
    assert [(r["village"], r["households"], r["people"], r["quantities"]) for r in paper["rows"]] == [
        ("新村", 1, 3, [3]),
        ("老村", 1, 1, [1]),
    ]
    assert paper["total"]["quantities"] == [4]
    assert "张三" not in cli("report", "notice").out
    notice_file = tmp_path / "公示.xlsx"
    cli("report", "notice", "--out", str(notice_file), "--lang", "zh")
    text = repr(list(load_workbook(notice_file).active.iter_rows(values_only=True)))
    assert "救灾物资发放公示" in text and "张三" not in text and ID17 not in text
