"""Showing results: aligned tables (rich) for people, one JSON document for scripts, messages on stderr."""

from __future__ import annotations

import dataclasses
import enum
import json
import os
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import click

# Beyond this many rows a terminal gets the plain layout too: rich takes seconds per 10,000 rows.
RICH_TABLE_MAX_ROWS = 2000
COLUMN_GAP = "   "  # what rich's SIMPLE_HEAD box puts between columns
MINUTE = "%Y-%m-%d %H:%M"  # a time as the web admin shows it (its ``localtime`` filter), with no zone
DAY = "%Y-%m-%d"


def local(moment: datetime, fmt: str = MINUTE) -> str:
    """A stored (UTC) time, or its date, as shown: in the department's zone (``SUPPLIES_TIMEZONE``), as on the web.

    Neither the UTC date (from 00:00 to 08:00 in China it is the day before) nor the machine's zone.
    """
    from supplies.config import local_time

    return local_time(moment).strftime(fmt)


def to_jsonable(obj: Any) -> Any:
    """Plain JSON values for the library's results: views, dataclasses, SQLModel rows, dates."""
    if obj is None or isinstance(obj, (bool, int, float, str)):
        return obj
    if isinstance(obj, enum.Enum):
        return obj.value
    if isinstance(obj, (datetime, date)):
        return obj.isoformat()
    if isinstance(obj, Decimal):
        return float(obj)
    if isinstance(obj, dict):
        return {str(k): to_jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple, set, frozenset)):
        return [to_jsonable(v) for v in obj]
    if hasattr(obj, "as_dict"):
        return to_jsonable(obj.as_dict())
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: to_jsonable(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    if hasattr(obj, "model_dump"):
        return to_jsonable(obj.model_dump())
    return str(obj)


class Output:
    """Where a command's results and messages go, in human or JSON mode.

    In JSON mode a command prints exactly one document on stdout (its result, or an error
    document); everything else goes to stderr, so ``supplies --json ... | jq`` always parses.
    """

    def __init__(self, *, json_mode: bool = False) -> None:
        self.json_mode = json_mode
        self._emitted = False
        self._console: Any = None
        self._piped: bool | None = None

    # -- results -----------------------------------------------------------------------------
    def result(self, data: Any, human: Callable[[], None] | str | None = None) -> None:
        """The command's result: ``data`` as JSON, or ``human`` (a message or a printing function)."""
        if self.json_mode:
            self._json(to_jsonable(data))
        elif callable(human):
            human()
        elif human is not None:
            click.echo(human)

    def _json(self, doc: Any) -> None:
        if self._emitted:
            raise RuntimeError("a command printed two JSON documents")
        self._emitted = True
        click.echo(json.dumps(doc, ensure_ascii=False, indent=2))

    def note(self, text: str) -> None:
        """A message for the person at the terminal (stderr, so scripts never see it in stdout)."""
        click.echo(text, err=True)

    def warn(self, text: str) -> None:
        click.echo(click.style("warning: ", fg="yellow", bold=True) + text, err=True)

    def error(
        self,
        text: str,
        *,
        kind: str,
        field: str | None,
        reason: str,
        exit_code: int,
        errors: dict[str, list[str]] | None = None,
        **extra: Any,
    ) -> None:
        """The one error line on stderr, and with --json an error document on stdout."""
        click.echo(click.style("error: ", fg="red", bold=True) + text, err=True)
        self.error_document(kind=kind, field=field, reason=reason, exit_code=exit_code, errors=errors, **extra)

    def error_document(
        self,
        *,
        kind: str,
        field: str | None,
        reason: str,
        exit_code: int,
        errors: dict[str, list[str]] | None = None,
        code: str | None = None,
        params: dict[str, Any] | None = None,
        message: str | None = None,
    ) -> None:
        """With --json, ``{"error": {type, field, reason, exit_code[, errors, code, params, message]}}`` on stdout.

        ``reason`` is English whatever the language; ``code`` and ``params`` name the message
        for scripts; ``message`` is the line as shown, in the user's language.
        """
        if self.json_mode and not self._emitted:
            doc: dict[str, Any] = {"type": kind, "field": field, "reason": str(reason), "exit_code": exit_code}
            if errors:
                doc["errors"] = {k: [str(r) for r in v] for k, v in errors.items()}
            if code:
                doc["code"] = code
                doc["params"] = {
                    k: v if isinstance(v, (int, float, bool)) or v is None else str(v)
                    for k, v in (params or {}).items()
                }
            if message is not None:
                doc["message"] = message
            self._json({"error": doc})

    # -- human rendering ---------------------------------------------------------------------
    @property
    def console(self) -> Any:
        """The rich console on stdout; plain text (no colour, no wrapping) when it is not a terminal."""
        if self._console is None:
            from rich.console import Console

            tty = sys.stdout.isatty()
            # Piped output is for grep and less: never wrap a table row at 80 columns.
            width = None if tty else int(os.environ.get("COLUMNS") or 0) or 1000
            self._console = Console(highlight=False, width=width, soft_wrap=False, emoji=False)
        return self._console

    @property
    def is_terminal(self) -> bool:
        """Whether results go to a terminal (rich tables, colours) rather than plain text.

        Piped output is answered without building the rich console, whose import alone is a
        tenth of a short command's run (`supplies stock list | grep ...`).
        """
        if self._piped is None:  # asked once per cell by some tables: decided once
            self._piped = self._console is None and not sys.stdout.isatty() and not _terminal_forced()
        if self._piped:
            return False
        return bool(self.console.is_terminal)

    def print(self, renderable: Any = "") -> None:
        if isinstance(renderable, str):
            from rich.text import Text

            renderable = Text(renderable)
        self.console.print(renderable)

    def table(
        self,
        headers: Sequence[str],
        rows: Iterable[Sequence[Any]],
        *,
        title: str | None = None,
        empty: str | None = None,
    ) -> None:
        """Print rows under headers, numbers right-aligned; Chinese text keeps its double width.

        A terminal gets a rich table with colours; piped output and long listings (a province
        has 200,000 lots) get the same layout as plain text, written in one pass.
        """
        rows = list(rows)
        if not rows:
            if empty:
                self.note(empty)
            return
        numeric = [
            all(
                isinstance(r[i], (int, float)) and not isinstance(r[i], bool)
                for r in rows
                if r[i] is not None and r[i] != ""
            )
            and any(r[i] is not None for r in rows)
            for i in range(len(headers))
        ]
        if len(rows) <= RICH_TABLE_MAX_ROWS and self.is_terminal:
            self._rich_table(headers, rows, numeric, title)
        else:
            self._plain_table(headers, rows, numeric, title)

    def _rich_table(
        self, headers: Sequence[str], rows: list[Sequence[Any]], numeric: list[bool], title: str | None
    ) -> None:
        from rich import box
        from rich.table import Table
        from rich.text import Text

        table = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False, header_style="bold")
        for header, is_number in zip(headers, numeric):
            table.add_column(header, justify="right" if is_number else "left", no_wrap=is_number)
        for row in rows:
            table.add_row(*(cell if isinstance(cell, Text) else Text(_cell(cell)) for cell in row))
        if title:
            # Above the table rather than as its caption, which would wrap at the table's width.
            self.console.print(Text(title, style="bold"))
        self.console.print(table)

    def _plain_table(
        self, headers: Sequence[str], rows: list[Sequence[Any]], numeric: list[bool], title: str | None
    ) -> None:
        texts = [[_plain(cell) for cell in row] for row in rows]
        right = [
            [
                numeric[i] or (type(cell) is not str and getattr(cell, "justify", None) == "right")
                for i, cell in enumerate(row)
            ]
            for row in rows
        ]
        # Each cell's width once (ASCII is one column a character; rich only for the rest).
        lengths = [[_width(text) for text in row] for row in texts]
        head_lengths = [_width(h) for h in headers]
        widths = [max([head_lengths[i]] + [n[i] for n in lengths]) for i in range(len(headers))]

        def line(values: Sequence[str], sizes: Sequence[int], align_right: Sequence[bool]) -> str:
            out = []
            for value, size, width, to_right in zip(values, sizes, widths, align_right):
                pad = " " * (width - size)
                out.append(pad + value if to_right else value + pad)
            return COLUMN_GAP.join(out)

        head = line(headers, head_lengths, numeric)
        lines = ([title] if title else []) + [head, "─" * _width(head)]
        lines += [line(t, n, r) for t, n, r in zip(texts, lengths, right)]
        click.echo("\n".join(lines))

    def fields(self, pairs: Sequence[tuple[str, Any]], *, title: str | None = None) -> None:
        """Print ``label  value`` lines (a record's details)."""
        self.table(["", ""] if title is None else [title, ""], [(k, _cell(v)) for k, v in pairs])

    @contextmanager
    def progress(self, description: str, total: int | None = None) -> Iterator[Callable[..., None]]:
        """A progress bar on stderr for a long step; yields ``update(completed, total=None)``.

        Silent with --json or when stderr is not a terminal (logs must not fill with bars).
        """
        if self.json_mode or not sys.stderr.isatty():
            yield lambda completed, total=None: None
            return
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
        )

        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=Console(stderr=True),
            transient=True,
        ) as bar:
            task = bar.add_task(description, total=total)
            yield lambda completed, total=None: bar.update(task, completed=completed, total=total)


def _terminal_forced() -> bool:
    """Whether the environment tells rich to treat any output as a terminal (as rich reads it)."""
    compatible = os.environ.get("TTY_COMPATIBLE", "")
    if compatible in ("0", "1"):
        return compatible == "1"
    return bool(os.environ.get("FORCE_COLOR"))


def _plain(cell: Any) -> str:
    if type(cell) is str:  # most cells: no look-up of a rich Text's .plain
        return cell
    return cell.plain if hasattr(cell, "plain") else _cell(cell)


def _width(text: str) -> int:
    """Columns ``text`` takes in a terminal: Chinese characters take two (as rich counts them)."""
    if text.isascii():
        return len(text)
    from rich.cells import cell_len

    return cell_len(text)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.0f}" if value.is_integer() else repr(round(value, 6))
    if isinstance(value, (datetime,)):
        return local(value)
    if isinstance(value, (list, tuple)):
        return ", ".join(_cell(v) for v in value)
    if isinstance(value, enum.Enum):
        return str(value.value)
    return str(value)
