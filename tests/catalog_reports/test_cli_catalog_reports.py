"""The `supplies` commands of catalog, import/export, reports, readiness and backup, run as a user runs them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

import supplies
from tests.cli.cli_harness import Cli as Harness
from tests.cli.cli_harness import Run


class Cli:
    """`supplies --db URL --as admin ...` run from ``cwd`` with a clean SUPPLIES_* environment."""

    def __init__(self, url: str, cwd: Path) -> None:
        self.url, self.cwd = url, cwd

    def __call__(self, *args: str, expect: int = 0, db: str | None = None) -> Run:
        return Harness(db or self.url, cwd=self.cwd)(*args, expect=expect, env={"LC_ALL": "", "LANG": ""})

    def json(self, *args: str, expect: int = 0) -> Any:
        return json.loads(self("--json", *args, expect=expect).out)


@pytest.fixture
def run(county: supplies.Inventory, tmp_path: Path) -> Cli:
    return Cli(county.engine.url.render_as_string(hide_password=False), tmp_path)


def test_catalog_import_and_export(run: Cli, tmp_path: Path) -> None:
    first = run.json("catalog", "load-standard", "--agency", "CIV")
    assert first["classes_added"] > 0 and first["items_added"] == 30
    assert run.json("catalog", "load-standard", "--agency", "CIV")["items_added"] == 0

    run("import", "template", "stock", "模板.xlsx", "--lang", "zh")
    assert [c.value for c in load_workbook(tmp_path / "模板.xlsx").worksheets[0][1]][:3] == [
        "储备点",
        "物资编码",
        "数量",
    ]
    (tmp_path / "入库.csv").write_bytes(
        "储备点,物资编码,数量,批次,储备方式\nCK-01,PLAN14:3.01,100,A,实物储备\nTS-01,QUILT,20,,\n".encode("gb18030")
    )
    done = run.json("import", "stock", "入库.csv")
    assert (done["rows"], done["movements"], done["encoding"]) == (2, 2, "gb18030")

    (tmp_path / "bad.csv").write_text("point,item,qty\nCK-01,NOPE,x\nCK-99,QUILT,1\n", encoding="utf-8")
    bad = run("--json", "import", "stock", "bad.csv", "--errors", "problems.csv", expect=2)
    error = json.loads(bad.out)["error"]
    assert set(error["errors"]) == {"row 2, qty", "row 2, item", "row 3, point"}
    assert len((tmp_path / "problems.csv").read_text(encoding="utf-8-sig").splitlines()) == 4
    shown = run("import", "stock", "bad.csv", expect=2)
    assert "nothing was imported" in shown.out and "no storage point with code 'CK-99'" in shown.out

    run("export", "stock", "库存.xlsx", "--lang", "zh")
    again = run.json("import", "stock", "库存.xlsx", "--dry-run")
    assert (again["dry_run"], again["updated"]) == (True, 2)
    run("export", "points", "p.csv", "--template")
    assert (tmp_path / "p.csv").read_text(encoding="utf-8-sig").startswith("code,name,kind,level")


def test_reports(run: Cli, county: supplies.Inventory, tmp_path: Path) -> None:
    county.stock.receive("CK-01", "QUILT", 300, batch="Q", expires_on="2020-01-01", historical=True)
    county.stock.receive("TS-01", "TENT12", 12)
    county.stock.issue("TS-01", "TENT12", 2)
    county.targets.set("TENT12", 50, point="TS-01")

    run("report", "ledger", "--lang", "zh", "--out", "台账.xlsx", "--tz", "Asia/Shanghai")
    book = load_workbook(tmp_path / "台账.xlsx")
    assert len(book.sheetnames) == 3 and book.sheetnames[0].startswith("汇总")
    doc = run.json("report", "ledger", "--by", "class")
    assert doc["totals"]["closing"] == 310 and {r["supply_class"] for r in doc["rows"]} == {"LIVING"}
    csv_text = run("report", "stock", "--format", "csv", "--lang", "zh").out
    assert csv_text.splitlines()[0].startswith("行政区划代码,级别,储备点编码")
    expiry = run.json("report", "expiry", "--days", "30")
    assert [(r["point"], r["action"]) for r in expiry["rows"]] == [("CK-01", "expired")]
    gaps = run.json("report", "gaps", "--out", "gaps.json")
    assert gaps["totals"]["procure"] == 40
    assert json.loads((tmp_path / "gaps.json").read_text(encoding="utf-8"))["rows"][0]["procure"] == 40
    run("report", "ledger", "--format", "xlsx", expect=2)


def test_readiness(run: Cli) -> None:
    run("catalog", "load-standard", "--agency", "CIV")
    run("stock", "receive", "--point", "TS-01", "--item", "PLAN14:3.01", "--qty", "30")
    report = run.json("readiness", "--lat", "26.61", "--lon", "106.81", "--population", "100", "--hazard", "flood")
    shelter = next(n for n in report["needs"] if n["need"] == "shelter")
    assert (shelter["required"], shelter["reachable"], shelter["short"]) == (350.0, 360.0, 0.0)
    assert shelter["sources"][0]["point"] == "TS-01"
    human = run("readiness", "--point", "TS-02", "--population", "1000", "--hours", "8").out
    assert "shelter" in human and "within 8 h" in human
    run("item", "add", "WATER5", "桶装水", "--class", "LIVING", "--unit", "桶")
    run("readiness", "link", "water", "WATER5", "--per-unit", "5")
    assert any(n["item"] == "WATER5" for n in run.json("readiness", "norms"))
    ranking = run.json("readiness", "--townships", "--population", "500", "--hours", "1.5")
    assert [t["township"] for t in ranking] == ["520102002", "520102001"]  # the tents at TS-01 take 2 h to TS-02
    run("readiness", "--lat", "26.6", expect=2)


def test_backup_and_restore(run: Cli, county: supplies.Inventory, tmp_path: Path) -> None:
    county.stock.receive("CK-01", "QUILT", 7)
    made = run.json("backup", "county.jsonl.gz")
    assert made["format"] == "json" and made["rows"]["movement"] == 1
    target = f"sqlite:///{tmp_path / 'restored.db'}"
    restored = json.loads(run("--json", "restore", "county.jsonl.gz", db=target).out)
    assert restored["rows"] == made["rows"]
    lots = json.loads(run("--json", "stock", "list", db=target).out)
    assert [(x["point"], x["item"], x["on_hand"]) for x in lots] == [("CK-01", "QUILT", 7)]
    run("restore", "county.jsonl.gz", db=target, expect=3)  # not empty any more
