"""Shared column helpers for the table models: timestamps and the naming convention for constraints."""

from datetime import UTC, datetime
from typing import Any, Protocol

from sqlalchemy import Index, MetaData, Table, func, literal_column
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.schema import CreateIndex
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

# Pydantic builds a model's validator and serializer when its class is made: a tenth of `import
# supplies`, for table models that never validate on construction (SQLModel sets their fields
# directly). Deferred, they are built on first use (``model_validate``, ``model_dump``), if ever.
SQLModel.model_config["defer_build"] = True


def utcnow() -> datetime:
    """The current time, timezone-aware in UTC (what every timestamp column stores)."""
    return datetime.now(UTC)


def unique_without_case(table: str, column: str = "code") -> Index:
    """A unique index on ``lower(column)``: ``plan14:3.05`` cannot be added beside ``PLAN14:3.05``."""
    return Index(f"uq_{table}_{column}_nocase", func.lower(literal_column(column)), unique=True)


def prefix_index(name: str, column: str) -> Index:
    """An index that serves ``column LIKE 'prefix%'``: on PostgreSQL with ``text_pattern_ops``, which
    answers such a LIKE from the index whatever the database's collation (a plain index only
    under the C collation).

    The operator class is given when PostgreSQL compiles the index's DDL (:func:`_pattern_ops`),
    not as ``postgresql_ops=`` here: SQLAlchemy checks such an argument by importing the whole
    PostgreSQL dialect, a fifth of `import supplies`, which a command on SQLite never needs.
    Alembic does not compare operator classes, so the models still match the migrations.
    """
    return Index(name, column, info={"postgresql_ops": {column: "text_pattern_ops"}})


@compiles(CreateIndex, "postgresql")
def _pattern_ops(create: CreateIndex, compiler: Any, **kw: Any) -> str:
    index = create.element
    ops = index.info.get("postgresql_ops")
    if ops:  # the PostgreSQL dialect is loaded by now: its own option takes them
        index.dialect_options["postgresql"]["ops"] = ops
    sql: str = compiler.visit_create_index(create, **kw)
    return sql


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
