"""The Alembic migrations build exactly the schema the models describe, and upgrades keep data."""

import warnings
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

import supplies
from supplies.migrate import head_revision
from supplies.models import metadata


def test_models_and_migrations_agree(db_url: str) -> None:
    inv = supplies.open(db_url)
    with inv.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, metadata)
    inv.close()
    assert diff == []


def test_upgrade_is_idempotent_and_keeps_data(county: supplies.Inventory) -> None:
    county.stock.receive("CK-01", "TENT12", 10)
    assert county.upgrade() == head_revision()
    county.check_ready()
    assert [x.on_hand for x in county.stock.lots()] == [10]


def test_an_empty_database_says_what_to_do(tmp_path) -> None:  # type: ignore[no-untyped-def]
    inv = supplies.open(f"sqlite:///{tmp_path / 'new.db'}")
    try:
        inv.check_ready()
    except supplies.DatabaseNotReady as err:
        assert "supplies init" in str(err)
    else:
        raise AssertionError("an empty database passed check_ready")
    inv.upgrade()
    inv.check_ready()
    assert "movement" in inspect(inv.engine).get_table_names()
    inv.close()


def _at_first_release(db_url: str) -> supplies.Inventory:
    """A database as the first release made it (revision 0001), holding a lot and its ledger."""
    from supplies.migrate import upgrade

    inv = supplies.open(db_url)
    with inv.engine.begin() as conn:  # the test database is at head: start again from nothing
        conn.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
    inv.close()
    if "sqlite" in db_url:
        import os

        os.remove(db_url.split("///", 1)[1])
    else:
        from sqlalchemy import create_engine, text

        engine = create_engine(db_url)
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        engine.dispose()
    inv = supplies.open(db_url)
    upgrade(inv.engine, "0001")
    with inv.engine.begin() as conn:
        for sql in (
            "INSERT INTO agency (id, code, name, created_at) VALUES (1, 'CIV', '民政局', '2026-11-01 08:00:00')",
            "INSERT INTO supply_class (id, code, name, agency_id, created_at) VALUES (1, 'LIVING', '生活类', 1, "
            "'2026-11-01 08:00:00')",
            "INSERT INTO item (id, code, name, unit, class_id, created_at) VALUES (1, 'QUILT', '棉被', '床', 1, "
            "'2026-11-01 08:00:00')",
            "INSERT INTO storage_point (id, code, name, kind, level, lat, lon, status, created_at) VALUES "
            "(1, 'CK-01', '县库', 'depot', 'county', 26.5, 106.7, 'active', '2026-11-01 08:00:00')",
            "INSERT INTO stock_lot (id, item_id, class_id, agency_id, point_id, batch, mode, lead_time_hours, "
            "on_hand, reserved, version, created_at, updated_at) VALUES (1, 1, 1, 1, 1, 'B1', 'physical', 0, 7, 0, "
            "3, '2026-11-01 08:00:00', '2026-11-02 09:30:00.250000')",
            "INSERT INTO movement (id, lot_id, kind, qty, reserved_delta, balance_after, at, agency_id, point_id, "
            "item_id, reason) VALUES (1, 1, 'receive', 10, 0, 10, '2026-11-01 08:00:00.125000', 1, 1, 1, 'purchase')",
            "INSERT INTO movement (id, lot_id, kind, qty, reserved_delta, balance_after, at, agency_id, point_id, "
            "item_id, reason) VALUES (2, 1, 'issue', -3, 0, 7, '2026-11-02 09:30:00.250000', 1, 1, 1, NULL)",
        ):
            conn.exec_driver_sql(sql)
        if conn.dialect.name == "postgresql":  # rows with their own ids: move the sequences past them
            for table in ("agency", "supply_class", "item", "storage_point", "stock_lot", "movement"):
                conn.exec_driver_sql(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
                )
    return inv


def test_a_database_of_the_first_release_upgrades_with_its_ledger_chained(db_url: str) -> None:
    inv = _at_first_release(db_url)
    assert inv.upgrade() == head_revision()
    inv.users.bootstrap_admin("admin", "correct-horse-battery")
    admin = inv.as_user("admin")
    report = admin.stock.verify()
    assert report.ok and report.movements == 2, report.differences
    # 0013 counted the stock per point and class from the lots that were there: the map shows it.
    assert [f["properties"]["stock"] for f in admin.map.points()["features"]] == [{"LIVING": 7}]
    admin.stock.issue("CK-01", "QUILT", 2)  # the chain goes on from the migrated head
    assert admin.stock.verify().ok and [x.on_hand for x in admin.stock.lots()] == [5]
    inv.close()


def test_an_upgrade_stops_with_a_clear_message_when_codes_differ_only_in_case(db_url: str) -> None:
    import pytest

    inv = _at_first_release(db_url)
    with inv.engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO item (id, code, name, unit, class_id, created_at) VALUES "
            "(2, 'quilt', '棉被', '床', 1, '2026-11-01 08:00:00')"
        )
    with pytest.raises(RuntimeError) as err:
        inv.upgrade()
    assert "item have the code 'quilt' in different letter cases" in str(err.value)
    with inv.engine.connect() as conn:  # nothing changed: still the first release's schema
        assert conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar() == "0001"
    with inv.engine.begin() as conn:  # renamed, the upgrade goes through (and the next test has a new schema)
        conn.exec_driver_sql("UPDATE item SET code = 'QUILT-2' WHERE id = 2")
    assert inv.upgrade() == head_revision()
    inv.close()


def test_a_single_county_database_of_the_last_release_keeps_working_in_one_top_jurisdiction(db_url: str) -> None:
    """A database at revision 0002 (the hardening release) upgrades to jurisdictions and works unchanged."""
    from supplies.migrate import upgrade
    from supplies.models import ROOT_REGION

    inv = _at_first_release(db_url)
    upgrade(inv.engine, "0002")  # as the last release left it: ledger chained
    with inv.engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO app_user (id, name, role, active, created_at) VALUES (7, 'chief', 'admin', true, "
            "'2026-11-20 08:00:00')"
        )
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql("SELECT setval(pg_get_serial_sequence('app_user', 'id'), 7)")
    assert inv.upgrade() == head_revision()
    admin = inv.as_user("chief")
    assert admin.stock.verify().ok
    [lot] = admin.stock.lots()
    assert (lot.agency, lot.on_hand) == ("CIV", 7)
    assert admin.classes.responsibilities("LIVING") == [(ROOT_REGION, "CIV")]
    assert admin.users.get("chief").jurisdiction == ROOT_REGION  # everything in the one top region
    admin.stock.receive("CK-01", "QUILT", 5, batch="B1")
    assert [x.on_hand for x in admin.stock.lots()] == [12]
    # ... and the county can grow into a tree later without touching what it has.
    admin.regions.add("522731", "惠水县", level="county")
    assert admin.regions.jurisdiction_of("522731101").code == "522731"
    assert [x.code for x in admin.points.list()] == ["CK-01"] and admin.stock.verify().ok
    inv.close()


@pytest.mark.once
def test_creating_a_sqlite_file_prints_no_warning(tmp_path: Path) -> None:
    # `supplies init` once printed five SQLAlchemy warnings (batch migrations reflecting the
    # case-blind unique indexes) to everyone who started the system.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        supplies.open(f"sqlite:///{tmp_path / 'new.db'}", upgrade=True).close()
