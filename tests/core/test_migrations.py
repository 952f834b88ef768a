"""The Alembic migrations build exactly the schema the models describe, and upgrades keep data."""

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
