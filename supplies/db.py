"""Engine set-up for SQLite and PostgreSQL, and the unit of work that owns every transaction."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import ARRAY, ColumnElement, any_, bindparam, event
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.pool import ConnectionPoolEntry
from sqlmodel import Session, create_engine, select
from sqlmodel.sql.expression import Select

from .errors import ConcurrencyConflict, SuppliesError
from .i18n import t

if TYPE_CHECKING:
    from sqlalchemy.orm import Mapped


def make_engine(url: str, *, echo: bool = False) -> Engine:
    """Create an engine with the settings this library relies on for the given database.

    Statement parameters are never logged nor quoted in a database error (``hide_parameters``): they
    hold households' phone numbers, and a log at DEBUG or an error message must not.
    """
    if url.startswith("sqlite"):
        engine = create_engine(
            url, echo=echo, hide_parameters=True, connect_args={"timeout": 30, "check_same_thread": False}
        )
        _configure_sqlite(engine)
        return engine
    # psycopg prepares a statement on the server once it ran this many times on a connection (5 by
    # default): from its second run, so a server's allocations, lists and look-ups skip the server's
    # parsing and planning (0.4 ms for allocation's candidate query) from their second call on.
    args = {"prepare_threshold": 1} if make_url(url).get_driver_name() == "psycopg" else {}
    engine = create_engine(
        url, echo=echo, hide_parameters=True, pool_pre_ping=True, pool_size=10, max_overflow=20, connect_args=args
    )
    if engine.dialect.name == "postgresql":
        _configure_postgresql(engine)
    return engine


def _configure_postgresql(engine: Engine) -> None:
    # Times are stored as UTC without a zone; a server whose TimeZone is Asia/Shanghai would
    # otherwise shift every stored time by eight hours (and break the ledger's hash chain).
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: ConnectionPoolEntry) -> None:  # the driver's own connection
        with dbapi_conn.cursor() as cur:
            cur.execute("SET TIME ZONE 'UTC'")
        dbapi_conn.commit()


# The page cache of every SQLite connection, in KiB (negative in the pragma: a size, not pages).
SQLITE_CACHE_KIB = 65_536


def _configure_sqlite(engine: Engine) -> None:
    # pysqlite's own transaction handling defers BEGIN and never takes the write lock up
    # front; we issue BEGIN ourselves so that write units of work can ask for IMMEDIATE and
    # so serialise writers instead of failing with "database is locked" on upgrade.
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: ConnectionPoolEntry) -> None:  # the driver's own connection
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA busy_timeout=30000")
        # 64 MiB of page cache (the default is 2 MiB): imports, verify and summaries over a
        # province's ledger keep the index pages they walk in memory (bench/: import -20% CPU,
        # verify -35%). Pages are only allocated as they are read.
        cur.execute(f"PRAGMA cache_size=-{SQLITE_CACHE_KIB}")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
        conn.exec_driver_sql(f"BEGIN {mode}")


def select_columns(*columns: Any) -> Select[*tuple[Any, ...]]:
    """``sqlmodel.select`` of five or more columns (or expressions), with rows typed as tuples.

    ``select``'s typed overloads stop at four columns; past them mypy finds no overload at all.
    This is the same statement, its rows typed ``tuple[Any, ...]``.
    """
    statement: Select[*tuple[Any, ...]] = select(*columns)  # the overloads give Any for *columns
    return statement


def in_values(column: ColumnElement[Any] | Mapped[Any], name: str, dialect: str) -> ColumnElement[bool]:
    """``column IN (...)`` with the values bound as ``name`` when the statement runs.

    On PostgreSQL the values are one array (``= ANY(%(name)s)``): the statement's text is the same
    whatever their number, so the driver parses it once and the server plans it once (prepared),
    where an IN list of 60 points is a new text of 60 placeholders that psycopg parses on every
    call. SQLite has no arrays: there the list is expanded.
    """
    element = cast("ColumnElement[Any]", column)  # a mapped attribute stands for its column
    if dialect == "postgresql":
        return element == any_(bindparam(name, type_=ARRAY(element.type)))
    return element.in_(bindparam(name, expanding=True))


@contextmanager
def unit_of_work(engine: Engine, *, write: bool = True) -> Iterator[Session]:
    """One transaction: commit when the block ends, roll back on any error.

    Write units take SQLite's write lock at BEGIN; on PostgreSQL they run at READ COMMITTED
    and lock the rows they change (``SELECT ... FOR UPDATE``) in the services.
    """
    bind = engine
    if write and engine.dialect.name == "sqlite":
        bind = engine.execution_options(sqlite_begin="IMMEDIATE")
    session = Session(bind, expire_on_commit=False, autoflush=False)
    try:
        yield session
        session.commit()
    except SuppliesError:
        session.rollback()
        raise
    except OperationalError as exc:
        session.rollback()
        if _is_conflict(exc):
            raise ConcurrencyConflict(t("the database was busy with another user's change; try again")) from exc
        raise
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def _is_conflict(exc: DBAPIError) -> bool:
    text = str(exc.orig).lower()
    return any(
        s in text
        for s in (
            "database is locked",
            "deadlock",
            "could not serialize",
            "lock timeout",
            "canceling statement due to lock",
        )
    )


def is_integrity_error(exc: BaseException) -> bool:
    return isinstance(exc, IntegrityError)
