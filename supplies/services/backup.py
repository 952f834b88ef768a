"""Backup and restore: a consistent snapshot of every table, as a SQLite file or as portable JSON Lines.

- ``backup(inv, path)`` on SQLite writes a copy of the database file through SQLite's online
  backup API (consistent while others keep working); ``format="json"`` (or a ``.jsonl`` /
  ``.jsonl.gz`` path) writes every table as JSON Lines from one snapshot, on any database.
- ``restore(inv, path)`` reads either kind into an EMPTY database at the same schema revision
  (creating the schema first when there is none), in one transaction, parents before children;
  on PostgreSQL the id sequences are moved past the restored ids. The ledger stays append-only:
  restoring only inserts.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import sqlite3
from collections.abc import Iterable, Iterator
from itertools import islice
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from sqlalchemy import Boolean, Date, DateTime, Float, Integer, Numeric, Table, create_engine, func, inspect, select, text
from sqlalchemy.engine import Connection

from ..db import unit_of_work
from ..errors import InvalidInput, PermissionDenied, RuleViolation
from ..models import Role, metadata
from ..permissions import load_actor
from .bulk import insert_many
from .views import View

if TYPE_CHECKING:
    from ..inventory import Inventory

FORMAT_NAME = "supplies-backup"
FORMAT_VERSION = 1
_SQLITE_MAGIC = b"SQLite format 3\x00"
_BATCH = 5000


@dataclass(frozen=True)
class BackupInfo(View):
    """What a backup or restore covered: the file, its format, the schema revision and rows per table."""

    path: str
    format: str
    revision: str
    rows: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.rows.values())


def tables() -> list[Table]:
    """Every table of the schema, parents before children (the order a restore inserts in)."""
    return list(metadata.sorted_tables)


# -- backup -------------------------------------------------------------------------------------

def backup(inv: "Inventory", path: str | Path, *, format: str | None = None) -> BackupInfo:
    """Write a consistent snapshot of the database to ``path`` (admins only)."""
    path = Path(path)
    dialect = inv.engine.dialect.name
    fmt = format or ("json" if dialect != "sqlite" or _is_json_path(path) else "sqlite")
    if fmt not in ("sqlite", "json"):
        raise InvalidInput("must be sqlite or json", "format")
    if fmt == "sqlite" and dialect != "sqlite":
        raise InvalidInput(f"a {dialect} database is backed up as json (the sqlite format copies a SQLite file)",
                           "format")
    inv.check_ready()
    with unit_of_work(inv.engine, write=False) as s:
        actor = load_actor(s, inv.user)
        if actor.role != Role.ADMIN:
            raise PermissionDenied(f"a backup holds every record and password hash: it needs an admin; "
                                   f"{actor.name} is {actor.role}", "user")
    tmp = path.with_name(f".{path.name}.partial")
    try:
        counts = _sqlite_copy(inv, tmp) if fmt == "sqlite" else _json_dump(inv, tmp, path.suffix == ".gz")
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return BackupInfo(str(path), fmt, _revision_of(inv), counts)


def _is_json_path(path: Path) -> bool:
    return any(s in (".json", ".jsonl") for s in path.suffixes)


def _revision_of(inv: "Inventory") -> str:
    with inv.engine.connect() as conn:
        return str(conn.execute(text("SELECT version_num FROM alembic_version")).scalar())


def _sqlite_copy(inv: "Inventory", target: Path) -> dict[str, int]:
    raw = inv.engine.raw_connection()
    try:
        dest = sqlite3.connect(target)
        try:
            raw.driver_connection.backup(dest)  # type: ignore[union-attr]
            dest.execute("PRAGMA journal_mode=DELETE")   # one self-contained file, no -wal beside it
            counts = {t.name: dest.execute(f'SELECT count(*) FROM "{t.name}"').fetchone()[0] for t in tables()}
        finally:
            dest.close()
    finally:
        raw.close()
    return counts


def _snapshot(inv: "Inventory") -> Connection:
    conn = inv.engine.connect()
    if inv.engine.dialect.name == "postgresql":
        conn = conn.execution_options(isolation_level="REPEATABLE READ")
    return conn


def _json_dump(inv: "Inventory", target: Path, compress: bool) -> dict[str, int]:
    counts: dict[str, int] = {}
    raw: IO[bytes] = gzip.open(target, "wb") if compress else open(target, "wb")  # noqa: SIM115
    with raw, io.TextIOWrapper(raw, encoding="utf-8", newline="\n") as out, _snapshot(inv) as conn:
        with conn.begin():   # one transaction: every table from the same snapshot
            revision = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
            head = {"format": FORMAT_NAME, "version": FORMAT_VERSION, "revision": revision,
                    "created_at": datetime.now(UTC).isoformat(), "source": inv.engine.dialect.name,
                    "tables": [t.name for t in tables()]}
            out.write(json.dumps(head, ensure_ascii=False) + "\n")
            for table in tables():
                n = conn.execute(select(func.count()).select_from(table)).scalar_one()
                out.write(json.dumps({"table": table.name, "columns": [c.name for c in table.columns],
                                      "count": n}) + "\n")
                rows = conn.execution_options(yield_per=_BATCH).execute(
                    select(table).order_by(*table.primary_key.columns))
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

def restore(inv: "Inventory", path: str | Path) -> BackupInfo:
    """Restore a backup file (either format) into the empty database of ``inv``."""
    path = Path(path)
    try:
        with open(path, "rb") as f:
            magic = f.read(16)
    except OSError as exc:
        raise InvalidInput(f"cannot read {path}: {exc.strerror}", "file") from None
    if not inspect(inv.engine).has_table("alembic_version"):
        inv.upgrade()
    inv.check_ready()
    reader = _SqliteReader(path) if magic == _SQLITE_MAGIC else _JsonReader(path)
    try:
        if reader.revision != _revision_of(inv):
            raise RuleViolation(f"the backup is at schema {reader.revision} and this database at "
                                f"{_revision_of(inv)}: restore with the version of supplies that made it", "file")
        counts: dict[str, int] = {}
        with unit_of_work(inv.engine) as s:
            _require_empty(s.connection())
            if inv.engine.dialect.name == "sqlite":
                s.connection().exec_driver_sql("PRAGMA defer_foreign_keys = ON")
            for table, columns, rows in reader.tables():
                counts[table.name] = 0
                for chunk in _batches(_parents_first(table, columns, rows), _BATCH):
                    insert_many(s, table, columns, chunk)
                    counts[table.name] += len(chunk)
            if inv.engine.dialect.name == "postgresql":
                _reset_sequences(s.connection())
        return BackupInfo(str(path), reader.format, reader.revision, counts)
    finally:
        reader.close()


def _require_empty(conn: Connection) -> None:
    for table in tables():
        n = conn.execute(select(func.count()).select_from(table)).scalar_one()
        if n:
            raise RuleViolation(f"restore needs an empty database, and table {table.name} has {n} rows: "
                                "restore into a new database", "database")


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
        if not ready:   # a loop cannot be restored in order; keep the rest as they are
            out += pending
            break
        out += ready
        placed.update(r[pk] for r in ready)
        pending = [r for r in pending if r[pk] not in placed]
    return out


def _reset_sequences(conn: Connection) -> None:
    for table in tables():
        pk = list(table.primary_key.columns)
        if len(pk) != 1 or not isinstance(pk[0].type, Integer):
            continue
        seq = conn.execute(text("SELECT pg_get_serial_sequence(:t, :c)"), {"t": table.name, "c": pk[0].name}).scalar()
        if seq:
            conn.execute(text(f'SELECT setval(:seq, coalesce((SELECT max("{pk[0].name}") FROM "{table.name}"), 0) + 1, '
                              'false)'), {"seq": seq})


class _SqliteReader:
    """Rows of a SQLite backup file, read through the same table definitions (so types convert)."""

    format = "sqlite"

    def __init__(self, path: Path) -> None:
        self.engine = create_engine(f"sqlite:///file:{path}?mode=ro&uri=true")
        with self.engine.connect() as conn:
            try:
                self.revision = str(conn.execute(text("SELECT version_num FROM alembic_version")).scalar())
            except Exception:
                self.close()
                raise InvalidInput(f"{path.name} is a SQLite file but not a supplies database", "file") from None

    def tables(self) -> Iterator[tuple[Table, list[str], Iterator[tuple[Any, ...]]]]:
        with self.engine.connect() as conn:
            for table in tables():
                result = conn.execution_options(yield_per=_BATCH).execute(
                    select(table).order_by(*table.primary_key.columns))
                yield table, [c.name for c in table.columns], (tuple(r) for r in result)

    def close(self) -> None:
        self.engine.dispose()


class _JsonReader:
    """Rows of a JSON Lines backup, converted back to the column types."""

    format = "json"

    def __init__(self, path: Path) -> None:
        raw: IO[bytes] = open(path, "rb")  # noqa: SIM115
        if raw.read(2) == b"\x1f\x8b":
            raw.close()
            raw = gzip.open(path, "rb")
        else:
            raw.seek(0)
        self.file = io.TextIOWrapper(raw, encoding="utf-8")
        try:
            head = json.loads(self.file.readline())
        except (ValueError, UnicodeDecodeError):
            head = None
        if not isinstance(head, dict) or head.get("format") != FORMAT_NAME:
            self.close()
            raise InvalidInput(f"{path.name} is not a supplies backup (SQLite file or JSON Lines)", "file")
        if head.get("version") != FORMAT_VERSION:
            self.close()
            raise InvalidInput(f"backup format version {head.get('version')} is not supported", "file")
        self.revision = str(head["revision"])

    def tables(self) -> Iterator[tuple[Table, list[str], Iterator[tuple[Any, ...]]]]:
        by_name = {t.name: t for t in tables()}
        while True:
            line = self.file.readline()
            if not line:
                return
            section = json.loads(line)
            table = by_name.get(section.get("table"))
            if table is None:
                raise InvalidInput(f"the backup has a table {section.get('table')!r} this schema does not", "file")
            columns = section["columns"]
            yield table, columns, self._rows(table, columns, section["count"])

    def _rows(self, table: Table, columns: list[str], count: int) -> Iterator[tuple[Any, ...]]:
        convert = [_from_json(table.c[c].type) for c in columns]
        for _ in range(count):
            values = json.loads(self.file.readline())
            yield tuple(f(v) if v is not None else None for f, v in zip(convert, values))

    def close(self) -> None:
        self.file.close()


def _from_json(type_: Any):  # type: ignore[no-untyped-def]
    if isinstance(type_, DateTime) or isinstance(getattr(type_, "impl", None), DateTime):
        return lambda v: _aware(datetime.fromisoformat(v))
    if isinstance(type_, Date):
        return date.fromisoformat
    if isinstance(type_, Numeric) and not isinstance(type_, Float):
        return lambda v: Decimal(str(v))
    if isinstance(type_, Boolean):
        return bool
    return lambda v: v


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


__all__ = ["BackupInfo", "backup", "restore", "tables"]
