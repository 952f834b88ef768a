"""Backup and restore: a consistent snapshot of every table, as a SQLite file or as portable JSON Lines.

- ``backup(inv, path)`` on SQLite writes a copy of the database file through SQLite's online
  backup API (consistent while others keep working); ``format="json"`` (or a ``.jsonl`` /
  ``.jsonl.gz`` path) writes every table as JSON Lines from one snapshot, on any database.
- ``restore(inv, path)`` reads either kind into an EMPTY database at the same schema revision
  (creating the schema first when there is none), in one transaction, parents before children;
  on PostgreSQL the id sequences are moved past the restored ids. The ledger stays append-only:
  restoring only inserts.
- A restore trusts nothing in the file: every row is checked against its table's definition
  (:mod:`.backup_rows`) as it is read (:mod:`.backup_format`), and the ledger is verified inside
  the transaction; a problem refuses the whole restore, naming table, line, column and reason.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Integer, Table, delete, func, inspect, select, text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DataError, IntegrityError
from sqlmodel import Session

from ...db import unit_of_work
from ...errors import InvalidInput, PermissionDenied, RuleViolation
from ...i18n import t
from ...models import ROOT_REGION, Region, Role
from ...models.base import table_of
from ...permissions import load_actor
from ...terms import term
from ..results import Result
from ..stock.bulk import insert_many
from ..stock.point_totals import rebuild as rebuild_point_totals
from .backup_format import (
    FORMAT_NAME,
    FORMAT_VERSION,
    BackupReader,
    JsonReader,
    SqliteReader,
    tables,
)
from .backup_rows import BackupRejected

if TYPE_CHECKING:
    from ...inventory import Inventory

_SQLITE_MAGIC = b"SQLite format 3\x00"
_BATCH = 5000


@dataclass(frozen=True)
class BackupInfo(Result):
    """What a backup or restore covered: the file, its format, the schema revision and rows per table."""

    path: str
    format: str
    revision: str
    rows: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.rows.values())


# -- backup -------------------------------------------------------------------------------------


def backup(inv: Inventory, path: str | Path, *, format: str | None = None) -> BackupInfo:
    """Write a consistent snapshot of the database to ``path`` (admins only)."""
    path = Path(path)
    dialect = inv.engine.dialect.name
    fmt = format or ("json" if dialect != "sqlite" or _is_json_path(path) else "sqlite")
    if fmt not in ("sqlite", "json"):
        raise InvalidInput(t("must be sqlite or json"), "format")
    if fmt == "sqlite" and dialect != "sqlite":
        raise InvalidInput(
            t("a {dialect} database is backed up as json (the sqlite format copies a SQLite file)", dialect=dialect),
            "format",
        )
    inv.check_ready()
    with unit_of_work(inv.engine, write=False) as s:
        actor = load_actor(s, inv.user)
        if actor.role != Role.ADMIN:
            raise PermissionDenied(
                t(
                    "a backup holds every record and password hash: it needs an admin; {name} is {role}",
                    name=actor.name,
                    role=term(actor.role),
                ),
                "user",
            )
    tmp = path.with_name(f".{path.name}.partial")
    try:
        counts = _sqlite_copy(inv, tmp) if fmt == "sqlite" else _json_dump(inv, tmp, path.suffix == ".gz")
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return BackupInfo(str(path), fmt, _revision_of(inv), counts)


def _is_json_path(path: Path) -> bool:
    return any(s in (".json", ".jsonl") for s in path.suffixes)


def _revision_of(inv: Inventory) -> str:
    with inv.engine.connect() as conn:
        return str(conn.execute(text("SELECT version_num FROM alembic_version")).scalar())


def _sqlite_copy(inv: Inventory, target: Path) -> dict[str, int]:
    raw = inv.engine.raw_connection()
    try:
        dest = sqlite3.connect(target)
        try:
            driver = raw.driver_connection  # sqlite3's own connection; None only once the checkout is closed
            assert driver is not None
            driver.backup(dest)
            dest.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
            counts = {t.name: dest.execute(f'SELECT count(*) FROM "{t.name}"').fetchone()[0] for t in tables()}
        finally:
            dest.close()
    finally:
        raw.close()
    return counts


def _snapshot(inv: Inventory) -> Connection:
    conn = inv.engine.connect()
    if inv.engine.dialect.name == "postgresql":
        conn = conn.execution_options(isolation_level="REPEATABLE READ")
    return conn


def _json_dump(inv: Inventory, target: Path, compress: bool) -> dict[str, int]:
    counts: dict[str, int] = {}
    raw = gzip.open(target, "wb") if compress else open(target, "wb")  # noqa: SIM115
    with raw, io.TextIOWrapper(raw, encoding="utf-8", newline="\n") as out, _snapshot(inv) as conn:
        with conn.begin():  # one transaction: every table from the same snapshot
            revision = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
            head = {
                "format": FORMAT_NAME,
                "version": FORMAT_VERSION,
                "revision": revision,
                "created_at": datetime.now(UTC).isoformat(),
                "source": inv.engine.dialect.name,
                "tables": [t.name for t in tables()],
            }
            out.write(json.dumps(head, ensure_ascii=False) + "\n")
            for table in tables():
                n = conn.execute(select(func.count()).select_from(table)).scalar_one()
                out.write(
                    json.dumps({"table": table.name, "columns": [c.name for c in table.columns], "count": n}) + "\n"
                )
                rows = conn.execution_options(yield_per=_BATCH).execute(
                    select(table).order_by(*table.primary_key.columns)
                )
                for row in rows:
                    out.write(json.dumps([_to_json(v) for v in row], ensure_ascii=False) + "\n")
                counts[table.name] = n
    return counts


def _to_json(value: Any) -> Any:
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=UTC)).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


# -- restore ------------------------------------------------------------------------------------


def restore(inv: Inventory, path: str | Path) -> BackupInfo:
    """Restore a backup file (either format) into the empty database of ``inv``.

    Every row is checked against its table's definition as it is read, and the ledger is
    verified before the transaction commits: any problem raises :class:`InvalidInput` naming the
    table, line (or row), column and reason, and nothing is written.
    """
    path = Path(path)
    try:
        with open(path, "rb") as f:
            magic = f.read(16)
    except OSError as exc:
        raise InvalidInput(t("cannot read {path}: {strerror}", path=path, strerror=exc.strerror), "file") from None
    if not inspect(inv.engine).has_table("alembic_version"):
        inv.upgrade()
    inv.check_ready()
    dialect = inv.engine.dialect.name
    reader: BackupReader = SqliteReader(path, dialect) if magic == _SQLITE_MAGIC else JsonReader(path, dialect)
    try:
        if reader.revision != _revision_of(inv):
            raise RuleViolation(
                t(
                    "the backup is at schema {revision} and this database at {revision_of}: restore with the version of supplies that made it",
                    revision=reader.revision,
                    revision_of=_revision_of(inv),
                ),
                "file",
            )
        counts: dict[str, int] = {}
        with unit_of_work(inv.engine) as s:
            _require_empty(s.connection())
            # A new database holds its top region; the backup brings its own.
            s.connection().execute(delete(table_of(Region)))
            if dialect == "sqlite":
                s.connection().exec_driver_sql("PRAGMA defer_foreign_keys = ON")
            for table, rows in reader.tables():
                columns = [c.name for c in table.columns]
                counts[table.name] = 0
                for chunk in _batches(_parents_first(table, columns, rows), _BATCH):
                    _insert(s, table, columns, chunk)
                    counts[table.name] += len(chunk)
            if dialect == "sqlite":
                _check_references(s.connection(), reader)
            _check_ledger(s, reader)
            rebuild_point_totals(s.connection())  # derived from the lots just restored, whatever the file held
            if dialect == "postgresql":
                _reset_sequences(s.connection())
        return BackupInfo(str(path), reader.format, reader.revision, counts)
    finally:
        reader.close()


def _require_empty(conn: Connection) -> None:
    for table in tables():
        n = conn.execute(select(func.count()).select_from(table)).scalar_one()
        if table.name == "region":
            n = conn.execute(select(func.count()).select_from(table).where(table.c.code != ROOT_REGION)).scalar_one()
        if n:
            raise RuleViolation(
                t(
                    "restore needs an empty database, and table {name} has {n} rows: restore into a new database",
                    name=table.name,
                    n=n,
                ),
                "database",
            )


def _batches(rows: Iterable[tuple[Any, ...]], size: int) -> Iterator[list[tuple[Any, ...]]]:
    it = iter(rows)
    while chunk := list(islice(it, size)):
        yield chunk


def _parents_first(table: Table, columns: list[str], rows: Iterable[tuple[Any, ...]]) -> Iterable[tuple[Any, ...]]:
    """Order the rows of a table that refers to itself (the class tree) so parents come first."""
    selfref = [fk.parent.name for fk in table.foreign_keys if fk.column.table is table]
    if not selfref:
        return rows
    pk = columns.index(next(iter(table.primary_key.columns)).name)
    ref = columns.index(selfref[0])
    placed: set[Any] = set()
    out: list[tuple[Any, ...]] = []
    pending = list(rows)
    while pending:
        ready = [r for r in pending if r[ref] is None or r[ref] in placed]
        if not ready:  # a loop cannot be restored in order; keep the rest as they are
            out += pending
            break
        out += ready
        placed.update(r[pk] for r in ready)
        pending = [r for r in pending if r[pk] not in placed]
    return out


def _insert(s: Session, table: Table, columns: list[str], rows: list[tuple[Any, ...]]) -> None:
    """Insert checked rows; what the database still refuses (a key twice, a rule across rows) is bad input."""
    dbapi = s.connection().dialect.dbapi
    refused: tuple[type[BaseException], ...] = (IntegrityError, DataError)
    if dbapi is not None:
        refused += (dbapi.IntegrityError, dbapi.DataError)
    try:
        insert_many(s, table, columns, rows)
    except refused as exc:
        raise InvalidInput(
            t("the database refused its rows: {database_detail}", database_detail=_database_detail(exc)), table.name
        ) from None


def _database_detail(exc: BaseException) -> str:
    orig = getattr(exc, "orig", None) or exc
    diag = getattr(orig, "diag", None)
    if diag is not None and getattr(diag, "message_primary", None):
        primary: str = diag.message_primary  # psycopg's Diagnostic: str | None, here a non-empty str
        return primary + (f" ({diag.message_detail})" if diag.message_detail else "")
    return (str(orig).strip().splitlines() or [type(orig).__name__])[0]


def _check_references(conn: Connection, reader: BackupReader) -> None:
    """SQLite checks foreign keys at commit (they are deferred while restoring): check them first, by row."""
    problem = conn.exec_driver_sql("PRAGMA foreign_key_check").first()
    if problem is None:
        return
    table, rowid, parent, fk_id = problem
    keys = [r for r in conn.exec_driver_sql(f'PRAGMA foreign_key_list("{table}")').fetchall() if r[0] == fk_id]
    names = [r[3] for r in sorted(keys, key=lambda r: r[1])]
    quoted = ", ".join(f'"{n}"' for n in names)
    values = conn.exec_driver_sql(f'SELECT {quoted} FROM "{table}" WHERE rowid = ?', (rowid,)).first()
    shown = ", ".join(f"{n} {v}" for n, v in zip(names, values or ()))
    raise BackupRejected(
        reader.locate(table, rowid) or f"{table} (rowid {rowid})",
        t("refers to a {parent} that is not in the backup ({shown})", parent=parent, shown=shown),
        ", ".join(names),
    )


def _check_ledger(s: Session, reader: BackupReader) -> None:
    """The restored books must prove themselves (``verify``), or nothing is restored."""
    from ..stock.verify import verify

    report = verify(s.connection())
    if report.ok:
        return
    first, more = report.differences[0], len(report.differences) - 1
    others = f"; {more} more problem{'s' if more != 1 else ''}" if more else ""
    lot = first["lot_id"]
    if first["on_hand"] is None:
        raise InvalidInput(
            t("{problem} (lot {lot} is not in the backup){others}", problem=first["problem"], lot=lot, others=others),
            "movement",
        )
    column = (
        "on_hand"
        if first["on_hand"] != first["ledger_on_hand"]
        else "reserved"
        if first["reserved"] != first["ledger_reserved"]
        else "ledger_hash"
    )
    raise BackupRejected(
        reader.locate("stock_lot", lot) or f"stock_lot id {lot}",
        t("{problem} (lot {lot}){others}", problem=first["problem"], lot=lot, others=others),
        column,
    )


def _reset_sequences(conn: Connection) -> None:
    for table in tables():
        pk = list(table.primary_key.columns)
        if len(pk) != 1 or not isinstance(pk[0].type, Integer):
            continue
        seq = conn.execute(text("SELECT pg_get_serial_sequence(:t, :c)"), {"t": table.name, "c": pk[0].name}).scalar()
        if seq:
            conn.execute(
                text(f'SELECT setval(:seq, coalesce((SELECT max("{pk[0].name}") FROM "{table.name}"), 0) + 1, false)'),
                {"seq": seq},
            )


__all__ = ["BackupInfo", "backup", "restore", "tables"]
