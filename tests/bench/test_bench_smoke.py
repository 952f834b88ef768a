"""A smoke run of the benchmark harness at tiny scale, one run per case, so that `make bench` cannot rot.

Timings are not judged here (speed is for `make bench`); the test checks that every case runs,
that the results file has the promised shape, and that the generator made what it says it made.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import sqlite3
from datetime import date
from pathlib import Path

import pytest

from bench.__main__ import main
from bench.cases import CASE_NAMES
from bench.generate import generate
from bench.region import LAT_RANGE, LON_RANGE
from bench.scales import SCALES

PG_SERVER = os.environ.get("SUPPLIES_TEST_POSTGRES_URL")
KEYS = {"case", "scale", "median_s", "min_s", "max_s", "target", "ratio", "pass", "runs", "peak_mem_mb", "notes"}
WITH_BASELINE = {"allocate", "plan", "import_stock", "cli_help", "cli_stock_list", "web_lots", "county_allocation"}
JURISDICTION_CASES = ["county_lots_page", "county_allocation", "county_summary", "city_plan"]
SQLITE_CASES = [c for c in CASE_NAMES if c not in ("concurrent", "web_load")]  # those two: PostgreSQL only


def _run(tmp_path: Path, cases: list[str], db: str = "sqlite") -> list[dict]:
    out = tmp_path / "results.json"
    args = ["--scale", "tiny", "--runs", "1", "--no-warmup", "--out", str(out), "--db", db]
    args += ["--dataset", str(tmp_path / "tiny.db")]
    for case in cases:
        args += ["--case", case]
    assert main(args) == 0
    return json.loads(out.read_text())


def _check_measured(record: dict) -> None:
    assert set(record) >= KEYS, record
    assert record["scale"] == "tiny"
    assert not [n for n in record["notes"] if n.startswith(("error", "not measured"))], record["notes"]
    assert record["runs"] == 1
    assert 0 < record["min_s"] <= record["median_s"] <= record["max_s"]
    assert len(record["loop_s"]) == 2 and all(s > 0 for s in record["loop_s"])  # the machine's speed around it
    assert isinstance(record["pass"], bool) or record["case"] == "city_plan"
    if record["case"] in WITH_BASELINE and not (record["case"] == "import_stock" and record["database"] != "sqlite"):
        assert record["ratio"] is not None and record["ratio"] > 0, record


@pytest.mark.skipif(PG_SERVER is not None, reason="the SQLite cases are smoke-tested in the SQLite run")
def test_every_sqlite_case_runs_and_reports_its_figures(tmp_path: Path) -> None:
    results = _run(tmp_path, SQLITE_CASES)
    assert [r["case"] for r in results] == SQLITE_CASES
    for record in results:
        _check_measured(record)
    by_case = {r["case"]: r for r in results}
    assert by_case["verify"]["metrics"]["differences"] == 0
    assert by_case["web_lots"]["metrics"]["statements_page_10"] > 0
    assert by_case["import_stock"]["metrics"]["movements"] == by_case["import_stock"]["metrics"]["rows"]
    # The jurisdiction cases act as the county's and the city's dispatchers and read through indexes.
    for name in JURISDICTION_CASES:
        assert by_case[name]["metrics"]["full_scans"] == [], by_case[name]
    assert by_case["county_lots_page"]["metrics"]["county"] == "520101"
    assert by_case["county_summary"]["metrics"]["lots"] > 0
    assert by_case["county_summary"]["metrics"]["lots"] < by_case["summary"]["metrics"]["lots"]
    assert by_case["county_allocation"]["metrics"]["units"] > 0
    city = by_case["city_plan"]["metrics"]
    assert city["units"] > 0 and city["rows_outside_jurisdiction"] == 0 and city["jurisdictions_drawn_from"] >= 2
    assert by_case["city_plan"]["pass"] is None  # measured, not judged
    # The last mile: a household served at the county's shelter, a whole register imported.
    assert by_case["distribute_one"]["metrics"]["lines"] > 0
    assert by_case["distribute_one"]["metrics"]["households"] == 2_000
    assert by_case["household_import"]["metrics"]["households"] == 2_000


@pytest.mark.slow
@pytest.mark.skipif(PG_SERVER is None, reason="needs PostgreSQL (SUPPLIES_TEST_POSTGRES_URL)")
def test_concurrent_allocators_never_oversell(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SUPPLIES_BENCH_POSTGRES_URL", PG_SERVER or "")
    [record] = _run(tmp_path, ["concurrent"], db="postgresql")
    _check_measured(record)
    assert record["metrics"]["oversold_units"] == 0
    assert record["metrics"]["ledger_ok"] is True
    assert record["metrics"]["units_reserved"] > 0


@pytest.mark.skipif(PG_SERVER is None, reason="needs PostgreSQL (SUPPLIES_TEST_POSTGRES_URL)")
def test_cases_run_on_a_postgresql_copy_of_the_dataset(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SUPPLIES_BENCH_POSTGRES_URL", PG_SERVER or "")
    results = _run(tmp_path, ["allocate", "import_stock", "verify", "readiness"], db="postgresql")
    for record in results:
        _check_measured(record)
        assert record["database"] == "postgresql"
    by_case = {r["case"]: r for r in results}
    assert by_case["verify"]["metrics"]["differences"] == 0
    assert by_case["import_stock"]["metrics"]["movements"] == by_case["import_stock"]["metrics"]["rows"]


@pytest.mark.slow
@pytest.mark.skipif(PG_SERVER is None, reason="needs PostgreSQL (SUPPLIES_TEST_POSTGRES_URL)")
def test_web_load_drives_the_served_web_admin_and_leaves_the_books_right(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Looked up, not imported: locust patches ssl with gevent when imported, which recurses once
    # ssl is in use (as in this process); the bench drives it from a process of its own.
    if importlib.util.find_spec("locust") is None:
        pytest.skip("the bench extra (pip install -e .[bench]) is not installed")
    monkeypatch.setenv("SUPPLIES_BENCH_POSTGRES_URL", PG_SERVER or "")
    [record] = _run(tmp_path, ["web_load"], db="postgresql")
    assert record["runs"] == 1 and not [n for n in record["notes"] if n.startswith(("error", "not measured"))]
    levels = record["metrics"]["levels"]
    assert set(levels) == {"10", "20"} and all(level["requests"] > 0 for level in levels.values())
    assert {"browse", "ledger"} <= set(levels["20"]["kinds"])  # the rarer kinds may miss a 5 s run
    assert record["metrics"]["verify_differences"] == 0 and record["metrics"]["oversold_lots"] == 0


@pytest.mark.once  # the generator writes SQLite files whichever database the suite tests
def test_the_generator_makes_what_it_says_and_the_same_twice(tmp_path: Path) -> None:
    scale = SCALES["tiny"]
    first, second = tmp_path / "a.db", tmp_path / "b.db"
    manifest = generate(first, scale, seed=7)
    generate(second, scale, seed=7, anchor=date.fromisoformat(manifest["anchor"]))

    # The lots of the scale, and those the generated requests' receipts booked at their destinations.
    lots = manifest["lots"] - manifest["lots_booked_on_arrival"]
    assert (manifest["points"], manifest["items"], lots, manifest["history_movements"]) == (
        scale.points,
        scale.items,
        scale.lots,
        scale.movements,
    )
    assert manifest["movements"] > scale.movements  # the incident history adds the engine's own lines
    assert set(manifest["points_by_level"]) == {"city", "county", "township", "village"}
    assert manifest["townships"] == scale.townships
    assert {"physical", "agreement", "capacity"} <= set(manifest["lots_by_mode"])
    assert manifest["requests"] == scale.requests and "approved" not in manifest["requests_by_status"]

    con = sqlite3.connect(first)
    try:
        counts = con.execute(
            "SELECT (SELECT count(*) FROM storage_point), (SELECT count(*) FROM item), "
            "(SELECT count(*) FROM stock_lot), (SELECT count(*) FROM movement)"
        ).fetchone()
        assert counts == (scale.points, scale.items, manifest["lots"], manifest["movements"])
        points = con.execute("SELECT level, region_code, lat, lon FROM storage_point").fetchall()
        counties = {code for level, code, *_ in points if level == "county"}
        for level, code, lat, lon in points:
            assert LAT_RANGE[0] <= lat <= LAT_RANGE[1] and LON_RANGE[0] <= lon <= LON_RANGE[1]
            assert code.isdigit() and len(code) == {"city": 6, "county": 6, "township": 9, "village": 12}[level]
            if level in ("township", "village"):
                assert code[:6] in counties
        # A jurisdiction tree: the province, its cities and counties, each point in one of them, each
        # lot held by the agency answering for its class in its point's jurisdiction.
        regions = dict(con.execute("SELECT code, path FROM region"))
        assert regions["520000"] == "000000/520000/" and regions["520101"] == "000000/520000/520100/520101/"
        assert manifest["regions_by_level"] == {
            "root": 1,
            "province": 1,
            "city": scale.cities,
            "county": scale.counties,
            "township": scale.townships,
            "village": manifest["regions_by_level"]["village"],
        }
        levels = dict(con.execute("SELECT code, level FROM region"))
        for level, code, jurisdiction in con.execute("SELECT level, region_code, jurisdiction_code FROM storage_point"):
            assert levels[jurisdiction] == ("city" if level == "city" else "county")
            assert code.startswith(jurisdiction[:4] if level == "city" else jurisdiction)
        assert (
            con.execute(
                "SELECT count(*) FROM stock_lot l JOIN storage_point p ON p.id = l.point_id "
                "JOIN class_responsibility r ON r.class_id = l.class_id AND r.jurisdiction_code = p.jurisdiction_code "
                "JOIN agency a ON a.id = l.agency_id "
                "WHERE l.jurisdiction_code = p.jurisdiction_code AND r.agency_id = l.agency_id "
                "AND a.jurisdiction_code = l.jurisdiction_code"
            ).fetchone()[0]
            == manifest["lots"]  # every lot, those booked on arrival too
        )
        users = dict(
            con.execute(
                "SELECT name, jurisdiction_code FROM app_user WHERE jurisdiction_code <> '000000' AND role <> 'warehouse'"
            )
        )
        assert users == {"dispatcher-county": "520101", "dispatcher-city": "520100", "admin-province": "520000"}
        lead = con.execute("SELECT min(lead_time_hours) FROM stock_lot WHERE mode IN ('agreement', 'capacity')")
        assert lead.fetchone()[0] > 0
        # The ledger agrees with the kept balances, lot by lot.
        assert (
            con.execute(
                "SELECT count(*) FROM stock_lot l LEFT JOIN (SELECT lot_id, sum(qty) q, "
                "sum(reserved_delta) r FROM movement GROUP BY lot_id) m ON m.lot_id = l.id "
                "WHERE l.on_hand <> coalesce(m.q, 0) OR l.reserved <> coalesce(m.r, 0)"
            ).fetchone()[0]
            == 0
        )
    finally:
        con.close()
    assert _digest(first) == _digest(second)


def _digest(db: Path) -> str:
    """What the seed decides: places, lots and the generated history (not the wall-clock timestamps)."""
    con = sqlite3.connect(db)
    try:
        h = hashlib.sha256()
        for q in (
            "SELECT code, level, kind, region_code, lat, lon FROM storage_point ORDER BY code",
            "SELECT code, class_id, unit, shelf_life_days FROM item ORDER BY code",
            "SELECT id, point_id, item_id, batch, mode, expires_on, lead_time_hours, on_hand, reserved "
            "FROM stock_lot ORDER BY id",
            "SELECT lot_id, kind, qty, reserved_delta, balance_after, at, reference, related_lot_id "
            "FROM movement WHERE reference IS NULL OR reference NOT LIKE 'request:%' ORDER BY id",
        ):
            for row in con.execute(q):
                h.update(repr(row).encode())
        return h.hexdigest()
    finally:
        con.close()


@pytest.mark.once
def test_growth_is_the_slope_of_log_time_against_log_size() -> None:
    from bench.growth import exponents

    def record(scale: str, seconds: float, database: str = "sqlite") -> dict:
        at = "2026-12-02T06:00:00+00:00"
        return {"case": "verify", "scale": scale, "database": database, "median_s": seconds, "measured_at": at}

    # County to province is ten times the movements: ten times the time is an exponent of 1.
    found = exponents([record("county", 1.0), record("province", 10.0), record("tiny", 5.0)], "sqlite")
    assert found["verify"]["exponent"] == 1.0 and not found["verify"]["finding"] and not found["verify"]["with_tiny"]
    found = exponents([record("county", 1.0), record("province", 100.0)], "sqlite")
    assert found["verify"]["exponent"] == 2.0 and found["verify"]["finding"]
    assert exponents([record("county", 1.0, "postgresql")], "postgresql") == {}
