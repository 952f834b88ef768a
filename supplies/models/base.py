"""Shared column helpers for the table models: timestamps and the naming convention for constraints."""

from datetime import UTC, datetime

from sqlalchemy import Index, MetaData, func, literal_column
from sqlmodel import SQLModel

# Named constraints let Alembic alter them on SQLite (batch mode) and PostgreSQL alike.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata: MetaData = SQLModel.metadata


def utcnow() -> datetime:
    """The current time, timezone-aware in UTC (what every timestamp column stores)."""
    return datetime.now(UTC)


def unique_without_case(table: str, column: str = "code") -> Index:
    """A unique index on ``lower(column)``: ``plan14:3.05`` cannot be added beside ``PLAN14:3.05``."""
    return Index(f"uq_{table}_{column}_nocase", func.lower(literal_column(column)), unique=True)
