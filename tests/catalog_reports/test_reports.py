"""Ledger, stock, expiry and gap reports: their numbers against the ledger, and their file forms."""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook

import supplies
from supplies.config import local_today
from supplies.db import unit_of_work
from supplies.models import MovementKind, StockLot
from supplies.services.stock.ledger import post

FLOW_OF = {
    "receive": ("received", 1),
    "issue": ("issued", -1),
    "dispatch": ("dispatched", -1),
    "arrival": ("arrived", 1),
    "distribution": ("distributed", -1),
    "return": ("returned", 1),
    "transfer_in": ("transferred_in", 1),
    "transfer_out": ("transferred_out", -1),
    "rotate_in": ("rotated_in", 1),
    "rotate_out": ("rotated_out", -1),
    "write_off": ("written_off", -1),
    "adjust": ("adjusted", 1),
    "contract": ("contracted", 1),
    "requisition_in": ("requisitioned", 1),
    "requisition_return": ("returned_to_owner", -1),
}


def _from_ledger(inv: supplies.Inventory) -> dict[tuple[str, str], dict[str, int]]:
    """The ledger summed by hand, per (point, item): each flow and the closing balance."""
    out: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for m in inv.stock.ledger():
        if m.kind in FLOW_OF:
            column, sign = FLOW_OF[m.kind]
            out[(m.point, m.item)][column] += m.qty * sign
        out[(m.point, m.item)]["closing"] += m.qty
    return out


def test_ledger_report_agrees_with_the_ledger_line_by_line(busy: supplies.Inventory) -> None:
    report = busy.reports.ledger()
    expected = _from_ledger(busy)
    assert {(r["point"], r["item"]) for r in report.rows} == set(expected)
    for row in report.rows:
        want = expected[(row["point"], row["item"])]
        for column, _ in FLOW_OF.values():
            assert row[column] == want.get(column, 0), (row["point"], row["item"], column)
        assert row["opening"] == 0 and row["closing"] == want["closing"]
    on_hand: dict[tuple[str, str], int] = defaultdict(int)
    for lot in busy.stock.lots(with_stock_only=False):
        on_hand[(lot.point, lot.item)] += lot.on_hand
    assert {(r["point"], r["item"]): r["closing"] for r in report.rows} == dict(on_hand)
    assert report.totals()["closing"] == sum(on_hand.values())
    assert report.totals()["dispatched"] == 60 and report.totals()["written_off"] == 2


def test_grouping_changes_the_rows_not_the_totals(busy: supplies.Inventory) -> None:
    base = busy.reports.ledger().totals()
    for by in (("class",), ("region", "level"), ("agency", "item"), ("point",)):
        report = busy.reports.ledger(by=by)
        assert report.totals() == base, by
    by_class = busy.reports.ledger(by=("class",))
    assert {r["supply_class"] for r in by_class.rows} == {"LIVING", "FLOOD"}
    with pytest.raises(supplies.InvalidInput) as err:
        busy.reports.ledger(by=("colour",))
    assert err.value.field == "by"


def test_filters_and_scopes_narrow_the_ledger(busy: supplies.Inventory) -> None:
    assert {r["point"] for r in busy.reports.ledger(point="TS-01").rows} == {"TS-01"}
    assert {r["point"] for r in busy.reports.ledger(level="township").rows} == {"TS-01", "TS-02"}
    assert {r["point"] for r in busy.reports.ledger(region_code="520102002").rows} == {"TS-02"}
    assert {r["item"] for r in busy.reports.ledger(supply_class="LIVING").rows} == {"TENT12", "QUILT"}
    assert {r["item"] for r in busy.reports.ledger(agency="WAT").rows} == {"SANDBAG"}
    assert {r["point"] for r in busy.as_user("keeper").reports.ledger().rows} == {"CK-01"}


def _history(inv: supplies.Inventory, entries: list[tuple[datetime, str, int]]) -> None:
    """Post ledger lines at given times to a fresh lot of QUILT at TS-02 (a back-dated history)."""
    with unit_of_work(inv.engine) as s:
        lot = StockLot(
            item_id=inv.items.get("QUILT").id,
            class_id=inv.classes.get("LIVING").id,
            agency_id=inv.agencies.get("CIV").id,
            point_id=inv.points.get("TS-02").id,
            batch="H",
        )
        s.add(lot)
        s.flush()
        for at, kind, qty in entries:
            post(s, lot, kind, qty=qty, actor_id=None, at=at)


def test_periods_are_days_in_the_reporting_time_zone(county: supplies.Inventory) -> None:
    _history(
        county,
        [
            (datetime(2025, 12, 10, 2, 0, tzinfo=UTC), MovementKind.RECEIVE, 100),
            (datetime(2025, 12, 31, 23, 0, tzinfo=UTC), MovementKind.ISSUE, -30),  # 1 Jan 07:00 in Beijing
            (datetime(2026, 1, 20, 8, 0, tzinfo=UTC), MovementKind.RECEIVE, 50),
            (datetime(2026, 2, 3, 8, 0, tzinfo=UTC), MovementKind.WRITE_OFF, -5),
        ],
    )
    jan = county.reports.ledger(since=date(2026, 1, 1), until=date(2026, 1, 31), tz="Asia/Shanghai").rows
    assert [(r["opening"], r["received"], r["issued"], r["written_off"], r["closing"]) for r in jan] == [
        (100, 50, 30, 0, 120)
    ]
    jan_utc = county.reports.ledger(since="2026-01-01", until="2026-01-31", tz="UTC").rows
    assert [(r["opening"], r["received"], r["issued"], r["closing"]) for r in jan_utc] == [(70, 50, 0, 120)]
    later = county.reports.ledger(since=local_today() + timedelta(days=1)).rows
    assert [(r["opening"], r["received"], r["closing"]) for r in later] == [(115, 0, 115)]
    with pytest.raises(supplies.InvalidInput) as err:
        county.reports.ledger(since="2026-02-01", until="2026-01-01")
    assert err.value.field == "until"
    with pytest.raises(supplies.InvalidInput) as err:
        county.reports.ledger(tz="Mars/Olympus")
    assert err.value.field == "tz"


def test_the_workbook_has_a_summary_and_a_sheet_per_point(busy: supplies.Inventory, tmp_path: Path) -> None:
    report = busy.reports.ledger()
    report.save(tmp_path / "ledger.xlsx", lang="zh")
    book = load_workbook(tmp_path / "ledger.xlsx")
    points = sorted({r["point"] for r in report.rows})
    assert len(book.sheetnames) == 1 + len(points)
    summary = list(book.worksheets[0].iter_rows(values_only=True))
    head = list(summary[0])
    assert head[:4] == ["行政区划代码", "级别", "储备点编码", "储备点名称"] and "期末库存" in head
    closing = head.index("期末库存")
    assert summary[-1][0] == "合计" and summary[-1][closing] == report.totals()["closing"]
    assert sum(row[closing] for row in summary[1:-1]) == report.totals()["closing"]
    for sheet, point in zip(book.worksheets[1:], points):
        assert sheet.title.startswith(point)
        rows = list(sheet.iter_rows(values_only=True))
        col = list(rows[0]).index("期末库存")
        assert rows[-1][col] == sum(r["closing"] for r in report.rows if r["point"] == point)
        assert rows[0][0] == "物资编码" and "储备点编码" not in rows[0]  # the sheet is the point


def test_csv_and_json_carry_the_same_numbers(busy: supplies.Inventory, tmp_path: Path) -> None:
    report = busy.reports.ledger()
    report.save(tmp_path / "l.csv")
    report.save(tmp_path / "l.json")
    with open(tmp_path / "l.csv", encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert sum(int(r["closing"]) for r in rows) == report.totals()["closing"]
    doc = json.loads((tmp_path / "l.json").read_text(encoding="utf-8"))
    assert doc["report"] == "ledger" and doc["totals"] == report.totals()
    assert len(doc["rows"]) == len(rows) and doc["summary"]
    with pytest.raises(supplies.InvalidInput):
        report.save(tmp_path / "l.pdf")


def test_stock_report_adds_up_the_lots(busy: supplies.Inventory) -> None:
    county = busy
    county.stock.receive("TS-02", "QUILT", 9, batch="OLD", expires_on="2020-01-01", historical=True)
    report = county.reports.stock()
    lots = county.stock.lots()
    assert report.totals()["on_hand"] == sum(lot.on_hand for lot in lots)
    assert report.totals()["reserved"] == sum(lot.reserved for lot in lots)
    assert report.totals()["lots"] == len(lots)
    ts02 = next(r for r in report.rows if (r["point"], r["item"]) == ("TS-02", "QUILT"))
    assert (ts02["expired"], ts02["nearest_expiry"]) == (9, date(2020, 1, 1))


def test_expiry_report_lists_what_to_rotate_first(county: supplies.Inventory) -> None:
    today = local_today()
    county.stock.receive("CK-01", "QUILT", 10, batch="GONE", expires_on=today - timedelta(days=3), historical=True)
    county.stock.receive("CK-01", "QUILT", 20, batch="SOON", expires_on=today + timedelta(days=10))
    county.stock.receive("TS-01", "QUILT", 90, batch="SOON2", expires_on=today + timedelta(days=10))
    county.stock.receive("TS-01", "TENT12", 5, batch="LATER", expires_on=today + timedelta(days=80))
    county.stock.receive("TS-01", "TENT12", 5, batch="FAR", expires_on=today + timedelta(days=400))
    report = county.reports.expiry(days=90)
    assert [(r["batch"], r["action"], r["days_left"]) for r in report.rows] == [
        ("GONE", "expired", -3),
        ("SOON2", "rotate_now", 10),
        ("SOON", "rotate_now", 10),
        ("LATER", "plan_rotation", 80),
    ]
    assert [r["rank"] for r in report.rows] == [1, 2, 3, 4]
    assert [r["batch"] for r in county.reports.expiry(days=0).rows] == ["GONE"]


def test_gap_report_gives_the_procurement_that_closes_each_gap(stocked: supplies.Inventory) -> None:
    county = stocked
    county.stock.receive(
        "TS-02",
        "QUILT",
        30,
        batch="OLD",
        expires_on="2020-01-01",  # expired: no reserve
        historical=True,
    )
    county.points.reopen("TS-03")
    county.stock.receive("TS-03", "QUILT", 7, batch="X")
    county.points.close("TS-03")  # stock at a closed point is no reserve
    county.targets.set("SANDBAG", 8000, point="TS-01")
    report = county.reports.gaps()
    rows = {(r["scope"], r["point"] or r["region_code"], r["item"]): r for r in report.rows}
    tent = rows[("point", "CK-01", "TENT12")]
    assert (tent["target"], tent["stock"], tent["gap"], tent["procure"]) == (200, 120, 80, 80)
    assert (tent["unit_cost"], tent["est_cost"]) == (850.0, 68000.0)
    quilt = rows[("region", "520102", "QUILT")]
    assert (quilt["target"], quilt["stock"], quilt["procure"]) == (500, 340, 160)
    assert rows[("point", "TS-01", "SANDBAG")]["procure"] == 3000
    physical = {(r["point"], r["item"]): r["procure"] for r in county.reports.gaps(modes=("physical",)).rows}
    assert physical[("TS-01", "SANDBAG")] == 8000  # the agreement reserve does not count
    assert county.reports.gaps(valid_for_days=3650).totals()["procure"] > report.totals()["procure"]
    assert report.totals()["procure"] == 80 + 160 + 3000
