"""Shared column helpers for the table models: timestamps and the naming convention for constraints."""

from datetime import UTC, datetime
from typing import Protocol

from sqlalchemy import Index, MetaData, Table, func, literal_column
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


class HasId(Protocol):
    """A table row with the usual surrogate key (``None`` until the row is flushed)."""

    @property
    def id(self) -> int | None: ...


def persisted_id(row: HasId) -> int:
    """The id of a row that is in the database (added and flushed, or loaded).

    Table models type ``id`` as ``int | None`` because a new row has none until it is flushed;
    this is the id where one must exist, and a clear error where the flush was forgotten.
    """
    if row.id is None:
        raise ValueError(f"this {type(row).__name__} has no id yet: it was not flushed")
    return row.id


def table_of(model: type[SQLModel]) -> Table:
    """The Core table of a table model, for statements that bypass the ORM (bulk inserts, aliases)."""
    table: Table = model.__table__  # type: ignore[attr-defined]  # SQLModel sets it on table models, undeclared
    return table
