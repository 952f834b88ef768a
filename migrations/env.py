"""Alembic environment: migrates the engine handed over by supplies.migrate, or the configured URL."""

from __future__ import annotations

import warnings

from alembic import context
from sqlalchemy import create_engine
from sqlalchemy.exc import SAWarning

from supplies.models import (
    metadata,  # every table, the ones supplies.models loads on first use too
)

config = context.config


def run_migrations_offline() -> None:
    context.configure(
        url=config.get_main_option("sqlalchemy.url"), target_metadata=metadata, literal_binds=True, render_as_batch=True
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    engine = config.attributes.get("engine") or create_engine(config.get_main_option("sqlalchemy.url"))
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # Batch migrations rebuild tables that others refer to; SQLite checks foreign keys
            # only with this off (outside a transaction), and we check them all before commit.
            connection.connection.driver_connection.execute("PRAGMA foreign_keys=OFF")
        try:
            context.configure(
                connection=connection, target_metadata=metadata, render_as_batch=sqlite, compare_type=True
            )
            with context.begin_transaction(), warnings.catch_warnings():
                # A batch migration reflects the table it rebuilds; SQLAlchemy cannot reflect the
                # case-blind unique indexes (expressions), which the migrations create again
                # themselves, and would print a warning per index to whoever runs `supplies init`.
                warnings.filterwarnings("ignore", "Skipped unsupported reflection of expression-based index", SAWarning)
                context.run_migrations()
                if sqlite:
                    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                    if broken:
                        raise RuntimeError(f"the migration would break foreign keys: {broken[:5]}")
            connection.commit()
        finally:
            if sqlite:
                connection.connection.driver_connection.execute("PRAGMA foreign_keys=ON")


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
