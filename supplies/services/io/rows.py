"""Validating spreadsheet rows with the marshmallow schemas, fast, and reporting every problem by row and column."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from marshmallow import Schema, ValidationError, fields, missing

from ...errors import InvalidInput, PermissionDenied
from .columns import VALUE_LABELS, to_value
from .limits import MAX_PROBLEMS
from .sheets import CellProblem

_MEMO_LIMIT = 20_000
_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a file: the row as numbered in the spreadsheet, the column, the reason."""

    row: int
    column: str | None
    reason: str
    value: str | None = None
    refused: bool = False  # the acting user may not do what the row asks (a permission refusal)

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "value": self.value, "reason": self.reason}

    def __str__(self) -> str:
        where = f"row {self.row}" + (f", {self.column}" if self.column else "")
        return f"{where}: {self.reason}"


class ImportRejected(InvalidInput):
    "A file with problems: nothing was written. ``problems`` lists them by row and column.\n\n    At most :data:`~supplies.services.io.limits.MAX_PROBLEMS` are listed (the first by row);\n    ``more`` counts the others.\n"

    def __init__(self, kind: str, problems: Sequence[Problem], more: int = 0) -> None:
        self.kind = kind
        self.problems = sorted(problems, key=_order)
        self.more = more
        errors: dict[str, list[str]] = {}
        for p in self.problems:
            errors.setdefault(f"row {p.row}" + (f", {p.column}" if p.column else ""), []).append(p.reason)
        first = self.problems[0]
        n = len(self.problems) + more
        super().__init__(
            f"{n:,} problem{'s' if n != 1 else ''} in the {kind} file, nothing was imported; first: {first}",
            first.column,
            errors,
        )

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "problems": [p.as_dict() for p in self.problems], "more": self.more}

    def write_report(self, target: str | Path | IO[bytes], *, lang: str = "en") -> None:
        """Write the problems as a CSV a clerk can open next to the file (row, column, value, reason)."""
        from .tabular import write_csv

        heads = ["行", "列", "值", "问题"] if lang == "zh" else ["row", "column", "value", "reason"]
        rows: list[tuple[Any, ...]] = [(p.row, p.column, p.value, p.reason) for p in self.problems]
        if self.more:
            rows.append(
                (
                    None,
                    None,
                    None,
                    f"... and {self.more:,} more problems (fix these and import again)"
                    if lang != "zh"
                    else f"……另有 {self.more:,} 个问题（改正以上问题后重新导入）",
                )
            )
        write_csv(target, heads, rows)


class ImportRefused(ImportRejected, PermissionDenied):
    """A file some of whose rows the acting user may not import: refused by a rule (exit code 3), nothing written.

    Still an :class:`ImportRejected` listing every problem, permission or not.
    """

    exit_code = 3


class ProblemLog:
    """The problems of one import as they are found: all counted, the first by row and column kept."""

    def __init__(self, limit: int | None = None) -> None:
        self.limit = MAX_PROBLEMS if limit is None else limit
        self.kept: list[Problem] = []
        self.count = 0
        self.refused = False

    def __bool__(self) -> bool:
        return self.count > 0

    def extend(self, problems: Sequence[Problem]) -> None:
        if not problems:
            return
        self.count += len(problems)
        self.refused = self.refused or any(p.refused for p in problems)
        self.kept.extend(problems)
        if len(self.kept) > 2 * self.limit:
            self._trim()

    def rejection(self, kind: str) -> ImportRejected:
        """The error for these problems: :class:`ImportRefused` if any is a permission refusal."""
        self._trim()
        return (ImportRefused if self.refused else ImportRejected)(kind, self.kept, self.count - len(self.kept))

    def _trim(self) -> None:
        self.kept.sort(key=_order)
        del self.kept[self.limit :]


def _order(p: Problem) -> tuple[int, str]:
    return p.row, p.column or ""


def normalise_date(text: str) -> str:
    """``2026/7/1``, ``2026.7.1`` and ``2026年7月1日`` as ISO ``2026-07-01``; other text unchanged."""
    m = _DATE.match(text)
    if not m:
        return text
    y, mo, d = m.groups()
    return f"{y}-{int(mo):02d}-{int(d):02d}"


class RowValidator:
    """Applies a marshmallow schema's fields column by column to spreadsheet rows.

    Each distinct cell text of a column is deserialised (and validated) once by the schema's
    own field, so a file of 100,000 rows with repeating codes, dates and quantities costs a
    dictionary look-up per cell. Schema-level rules are left to the caller. Empty cells mean
    "not given": a required column reports them, an optional one becomes ``None`` or its default.
    """

    def __init__(self, schema: type[Schema]) -> None:
        self.fields: dict[str, fields.Field[Any]] = dict(schema().fields)  # each field loads its own type
        # Kept from one chunk of rows to the next (codes and dates repeat through a file), within bounds.
        self._memos: dict[str, dict[Any, tuple[bool, Any]]] = {}

    def check(
        self,
        present: dict[str, str],
        row_numbers: list[int],
        cells: Mapping[str, Sequence[str | CellProblem | None]],
    ) -> tuple[dict[str, list[Any]], list[Problem]]:
        """Validate columns of cell text (``cells[key][i]`` is row ``row_numbers[i]``).

        ``present`` maps each column key in the file to its header as written (for the report).
        Returns the loaded values by column and every problem found.
        """
        n = len(row_numbers)
        out: dict[str, list[Any]] = {}
        problems: list[Problem] = []
        for name, field in self.fields.items():
            header = present.get(name, name)
            raw = cells.get(name)
            default = field.load_default
            if raw is None:
                if field.required:
                    continue  # reported once as a missing column by the header check
                fill = default() if callable(default) else (None if default is missing else default)
                out[name] = [fill] * n
                continue
            memo = self._memos.setdefault(name, {})
            if len(memo) > _MEMO_LIMIT:
                memo.clear()
            prepare = self._preparer(name, field)
            # Each distinct text of the chunk loaded once; then one C-level look-up per cell.
            distinct = set(raw)
            for text in distinct.difference(memo):
                memo[text] = self._one(field, text, prepare, default)
            loaded = {text: memo[text] for text in distinct}
            if all(ok for ok, _ in loaded.values()):
                out[name] = list(map({text: value for text, (_, value) in loaded.items()}.__getitem__, raw))
                continue
            values: list[Any] = [None] * n
            for i, text in enumerate(raw):
                ok, value = loaded[text]
                if ok:
                    values[i] = value
                else:
                    problems.append(
                        Problem(
                            row_numbers[i], header, value, text if text is None or text.__class__ is str else str(text)
                        )
                    )
            out[name] = values
        return out, problems

    @staticmethod
    def _preparer(name: str, field: fields.Field[Any]) -> Callable[[str], str] | None:
        if isinstance(field, fields.Date):
            return normalise_date
        if name in VALUE_LABELS:
            return lambda text: to_value(name, text)
        return None

    @staticmethod
    def _one(
        field: fields.Field[Any], text: str | CellProblem | None, prepare: Callable[[str], str] | None, default: object
    ) -> tuple[bool, Any]:
        if isinstance(text, CellProblem):
            return False, text.reason
        if text is None:
            if field.required:
                return False, "is required"
            if default is not missing:
                return True, default() if callable(default) else default
            return True, None
        try:
            return True, field.deserialize(prepare(text) if prepare else text)
        except ValidationError as exc:
            msgs = exc.messages
            if isinstance(msgs, dict):
                msgs = [m for v in msgs.values() for m in (v if isinstance(v, list) else [v])]
            return False, " ".join(str(m) for m in (msgs if isinstance(msgs, list) else [msgs]))


def rows_as_dicts(values: dict[str, list[Any]], n: int) -> list[dict[str, Any]]:
    """The columns of :meth:`RowValidator.check` turned into one dict per row."""
    keys = list(values)
    cols = [values[k] for k in keys]
    return [dict(zip(keys, vals)) for vals in zip(*cols)] if keys else [{} for _ in range(n)]
