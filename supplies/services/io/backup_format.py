"""The two backup file formats, SQLite file and JSON Lines, read back row by row through the row checks."""

from __future__ import annotations

import gzip
import io
import json
import sqlite3
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy import Table

from ...errors import InvalidInput
from ...i18n import t
from ...models import metadata
from .backup_rows import BackupRejected, TableRows

FORMAT_NAME = "supplies-backup"
FORMAT_VERSION = 1

Rows = Iterator[tuple[Any, ...]]


def tables() -> list[Table]:
    """Every table of the schema, parents before children (the order a restore inserts in)."""
    return list(metadata.sorted_tables)


def damaged(detail: str) -> InvalidInput:
    return InvalidInput(t("the backup file is truncated or damaged ({detail})", detail=detail), "file")


class BackupReader(Protocol):
    """A backup file being restored: its format and schema revision, then its tables' checked rows."""

    format: str
    revision: str

    def tables(self) -> Iterator[tuple[Table, Rows]]:
        """Each table with its rows, checked and converted; each table's rows are read before the next."""
        ...

    def locate(self, table: str, row_id: int) -> str | None:
        """Where the row of ``table`` with this id was in the file, once read (``stock_lot line 12``)."""
        ...

    def close(self) -> None: ...


class _Located:
    checked: dict[str, TableRows]

    def locate(self, table: str, row_id: int) -> str | None:
        rows = self.checked.get(table)
        return rows.locate(row_id) if rows is not None else None


class JsonReader(_Located):
    """A JSON Lines backup (optionally gzip): a header line, then per table a section line and its rows."""

    format = "json"

    def __init__(self, path: Path, dialect: str) -> None:
        self.dialect = dialect
        self.line_no = 0
        self.checked = {}
        raw: io.BufferedIOBase = open(path, "rb")  # noqa: SIM115  (kept open for the reader; closed by close())
        if raw.read(2) == b"\x1f\x8b":
            raw.close()
            raw = gzip.open(path, "rb")  # noqa: SIM115  (closed by close())
        else:
            raw.seek(0)
        self.file = raw
        try:
            head = json.loads(self._line(limit=1 << 20))
        except ValueError:
            head = None
        except InvalidInput:
            self.close()
            raise
        if not isinstance(head, dict) or head.get("format") != FORMAT_NAME:
            self.close()
            raise InvalidInput(t("{name} is not a supplies backup (SQLite file or JSON Lines)", name=path.name), "file")
        if head.get("version") != FORMAT_VERSION:
            self.close()
            raise InvalidInput(t("backup format version {head} is not supported", head=head.get("version")), "file")
        self.head = head
        if not isinstance(head.get("revision"), str) or not head["revision"]:
            self.close()
            raise BackupRejected("line 1", t("must name the schema revision of the backup"), "revision")
        self.revision = head["revision"]

    def tables(self) -> Iterator[tuple[Table, Rows]]:
        by_name = {t.name: t for t in tables()}
        listed = self.head.get("tables")
        if not isinstance(listed, list) or not all(isinstance(t, str) for t in listed):
            raise BackupRejected("line 1", t("must list the names of the backup's tables"), "tables")
        unknown = [t for t in listed if t not in by_name]
        if unknown:
            raise BackupRejected(
                "line 1",
                t("the backup has a table {unknown!r} that this schema does not", unknown=unknown[0]),
                "tables",
            )
        absent = [t for t in by_name if t not in listed]
        if absent:
            raise BackupRejected(
                "line 1", t("the backup lacks table {absent}, which this schema has", absent=absent[0]), "tables"
            )
        while line := self._line():
            where = f"line {self.line_no}"
            section = self._json(line, where)
            if not isinstance(section, dict) or "table" not in section:
                raise BackupRejected(
                    where,
                    t(
                        'must start a table: {"table": …, "columns": […], "count": …} (does the table before have more rows than its count?)'
                    ),
                )
            name = section["table"]
            if name not in by_name:
                raise BackupRejected(
                    where, t("the backup has a table {show_name} that this schema does not", show_name=show_name(name))
                )
            if name in self.checked:
                raise BackupRejected(where, t("table {name} comes a second time", name=name))
            count = section.get("count")
            if type(count) is not int or count < 0:
                raise BackupRejected(f"{name} {where}", t("must be the number of the table's rows"), "count")
            rows = TableRows(
                by_name[name],
                section.get("columns"),
                f"{name} {where}",
                unit="line",
                first=self.line_no + 1,
                dialect=self.dialect,
            )
            self.checked[name] = rows
            yield by_name[name], self._rows(rows, count)
        missing = [t for t in listed if t not in self.checked]
        if missing:
            raise damaged(
                t("the file ends at line {line_no}, before table {missing}", line_no=self.line_no, missing=missing[0])
            )

    def _rows(self, rows: TableRows, count: int) -> Rows:
        for i in range(count):
            line = self._line()
            if not line:
                raise damaged(
                    t(
                        "table {name} should have {count} rows and the file ends after {i}, at line {line_no}",
                        name=rows.table.name,
                        count=count,
                        i=i,
                        line_no=self.line_no,
                    )
                )
            yield rows.check(self.line_no, self._json(line, rows.where(self.line_no)))

    def _line(self, limit: int = -1) -> bytes:
        try:
            line = self.file.readline(limit)
        except (EOFError, OSError, zlib.error) as exc:
            raise damaged(t("{exc}, after line {line_no}", exc=exc, line_no=self.line_no)) from None
        if line:
            self.line_no += 1
        return line

    def _json(self, line: bytes, where: str) -> Any:
        try:
            return json.loads(line)
        except UnicodeDecodeError:
            raise BackupRejected(where, t("is not UTF-8 text")) from None
        except ValueError as exc:
            if not line.endswith(b"\n"):
                raise damaged(t("its last line, {line_no}, is cut off", line_no=self.line_no)) from None
            detail = (
                f"{exc.msg.removesuffix(' at')} at character {exc.colno}"
                if isinstance(exc, json.JSONDecodeError)
                else str(exc)
            )
            raise BackupRejected(where, t("is not valid JSON ({detail})", detail=detail)) from None

    def close(self) -> None:
        self.file.close()


class SqliteReader(_Located):
    """A SQLite backup file, read as stored (not through the column types), so the same checks apply."""

    format = "sqlite"

    def __init__(self, path: Path, dialect: str) -> None:
        self.dialect = dialect
        self.checked = {}
        self.conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            self.revision = str(self.conn.execute("SELECT version_num FROM alembic_version").fetchone()[0])
        except (sqlite3.OperationalError, TypeError) as exc:  # no such table, or no row in it
            self.close()
            if "no such table" not in str(exc) and not isinstance(exc, TypeError):
                raise damaged(str(exc)) from None
            raise InvalidInput(
                t("{name} is a SQLite file but not a supplies database", name=path.name), "file"
            ) from None
        except sqlite3.Error as exc:
            self.close()
            raise damaged(str(exc)) from None

    def tables(self) -> Iterator[tuple[Table, Rows]]:
        try:
            present = {
                name
                for (name,) in self.conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
                if not name.startswith("sqlite_") and name != "alembic_version"
            }
        except sqlite3.Error as exc:
            raise damaged(str(exc)) from None
        schema = tables()
        unknown = sorted(present - {t.name for t in schema})
        if unknown:
            raise InvalidInput(
                t("the backup has a table {unknown!r} that this schema does not", unknown=unknown[0]), "file"
            )
        for table in schema:
            if table.name not in present:
                raise InvalidInput(t("the backup lacks table {name}, which this schema has", name=table.name), "file")
            try:
                columns = [r[1] for r in self.conn.execute(f'PRAGMA table_info("{table.name}")')]
            except sqlite3.Error as exc:
                raise damaged(str(exc)) from None
            rows = TableRows(table, columns, table.name, unit="row", first=1, dialect=self.dialect, sqlite_file=True)
            self.checked[table.name] = rows
            yield table, self._rows(rows)

    def _rows(self, rows: TableRows) -> Rows:
        names = ", ".join(f'"{c}"' for c in rows.columns)
        order = ", ".join(f'"{c.name}"' for c in rows.table.primary_key.columns)
        try:
            cursor = self.conn.execute(f'SELECT {names} FROM "{rows.table.name}" ORDER BY {order}')
            for n, values in enumerate(cursor, 1):
                yield rows.check(n, values)
        except sqlite3.Error as exc:
            raise damaged(t("{exc}, in table {name}", exc=exc, name=rows.table.name)) from None

    def close(self) -> None:
        self.conn.close()


def show_name(name: Any) -> str:
    return repr(name) if isinstance(name, str) else json.dumps(name)


__all__ = ["FORMAT_NAME", "FORMAT_VERSION", "BackupReader", "JsonReader", "SqliteReader", "tables"]
