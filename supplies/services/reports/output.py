"""A report as data (columns, rows, summary, totals) and its CSV, XLSX (a sheet per storage point) and JSON forms."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from ...errors import InvalidInput
from ...i18n import t
from ..io.columns import label
from ..io.tabular import Sheet, write_csv, write_xlsx

REPORT_FORMATS = ("csv", "xlsx", "json")

# Values some report columns hold as codes, and how Chinese reports spell them.
_WORDS_ZH = {
    "expired": "已过期",
    "rotate_now": "立即轮换",
    "plan_rotation": "安排轮换",
    "point": "储备点",
    "region": "地区",
    "total": "合计",
    "other": "其他",
    "site": "现场",
}


@dataclass(frozen=True)
class Col:
    """A report column: its key, English and Chinese headers, and whether it is a quantity to total."""

    key: str
    en: str
    zh: str
    total: bool = False

    def header(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


# The three columns that name an item in every report.
ITEM_COLS = (
    Col("item", "item", "物资编码"),
    Col("item_name", "item_name", "物资名称"),
    Col("unit", "unit", "计量单位"),
)


@dataclass
class Report:
    """The result of a report: rows of plain values keyed by column, with its parameters.

    ``sheet_by`` names the column whose value gets its own worksheet in XLSX (the storage
    point); ``summary_by`` the columns the summary sheet groups by.
    """

    name: str
    title_en: str
    title_zh: str
    columns: tuple[Col, ...]
    rows: list[dict[str, Any]]
    params: dict[str, Any] = field(default_factory=dict)
    sheet_by: str | None = "point"
    sheet_title: tuple[str, ...] = ("point", "point_name")
    summary_by: tuple[str, ...] = ("region_code", "level", "point", "point_name")
    other_sheet: str = "other"  # the sheet of rows without a storage point

    @property
    def total_keys(self) -> list[str]:
        return [c.key for c in self.columns if c.total]

    def totals(self) -> dict[str, Any]:
        """The sum of every quantity column over all rows."""
        return {k: _round(sum(r.get(k) or 0 for r in self.rows)) for k in self.total_keys}

    def summary(self) -> list[dict[str, Any]]:
        """Quantity totals grouped by :attr:`summary_by` (by storage point for most reports)."""
        groups: dict[tuple[Any, ...], dict[str, Any]] = {}
        for r in self.rows:
            key = tuple(r.get(k) for k in self.summary_by)
            acc = groups.get(key)
            if acc is None:
                acc = groups[key] = (
                    {k: r.get(k) for k in self.summary_by} | dict.fromkeys(self.total_keys, 0) | {"rows": 0}
                )
            acc["rows"] += 1
            for k in self.total_keys:
                acc[k] += r.get(k) or 0
        out = [g | {k: _round(g[k]) for k in self.total_keys} for g in groups.values()]
        return sorted(out, key=lambda g: tuple("" if g[k] is None else str(g[k]) for k in self.summary_by))

    def as_dict(self) -> dict[str, Any]:
        """The JSON form: parameters, columns, rows, summary and totals."""
        return _plain_dict(
            {
                "report": self.name,
                "title": self.title_en,
                "params": self.params,
                "columns": [c.key for c in self.columns],
                "rows": self.rows,
                "summary": self.summary(),
                "totals": self.totals(),
            }
        )

    def save(
        self,
        target: str | Path | IO[bytes],
        *,
        format: str | None = None,
        lang: str = "en",
        encoding: str = "utf-8-sig",
    ) -> None:
        """Write the report as CSV (rows), XLSX (a summary sheet, then a sheet per storage point) or JSON."""
        if lang not in ("en", "zh"):
            raise InvalidInput(t("must be en or zh"), "lang")
        fmt = _format(target, format)
        if fmt == "json":
            doc = {
                "report": self.name,
                "title": self.title_en,
                "params": self.params,
                "columns": [c.key for c in self.columns],
                "rows": self.rows,
                "summary": self.summary(),
                "totals": self.totals(),
            }
            data = json.dumps(doc, ensure_ascii=False, default=_json_value).encode("utf-8")
            if isinstance(target, (str, Path)):
                Path(target).write_bytes(data)
            else:
                target.write(data)
        elif fmt == "csv":
            write_csv(
                target, self._heads(self.columns, lang), self._cells(self.columns, self.rows, lang), encoding=encoding
            )
        else:
            write_xlsx(target, self._sheets(lang))

    # -- rendering -----------------------------------------------------------------------------
    def _heads(self, cols: Sequence[Col], lang: str) -> list[str]:
        return [c.header(lang) for c in cols]

    def _cells(self, cols: Sequence[Col], rows: list[dict[str, Any]], lang: str) -> list[list[Any]]:
        return [[_show(c.key, r.get(c.key), lang) for c in cols] for r in rows]

    def _sheets(self, lang: str) -> list[Sheet]:
        by_key = {c.key: c for c in self.columns}
        summary_cols = [by_key.get(k) or _KNOWN.get(k) or Col(k, k, k) for k in self.summary_by]
        summary_cols += [Col("rows", "rows", "行数")] + [by_key[k] for k in self.total_keys]
        totals = self.totals()
        total_row = [_word("total", lang)] + [""] * (len(self.summary_by) - 1) + [len(self.rows)]
        total_row += [totals[k] for k in self.total_keys]
        title = self.title_zh if lang == "zh" else self.title_en
        sheets = [
            Sheet(
                ("汇总 " if lang == "zh" else "Summary ") + title,
                self._heads(summary_cols, lang),
                self._cells(summary_cols, self.summary(), lang),
                total_row,
            )
        ]
        if self.sheet_by is None:
            sheets.append(Sheet(title, self._heads(self.columns, lang), self._cells(self.columns, self.rows, lang)))
            return sheets
        groups: dict[Any, list[dict[str, Any]]] = {}
        for r in self.rows:
            groups.setdefault(r.get(self.sheet_by), []).append(r)
        for key in sorted(groups, key=lambda k: (k is None, str(k))):
            rows = groups[key]
            name = (
                " ".join(str(rows[0].get(k)) for k in self.sheet_title if rows[0].get(k))
                if key is not None
                else _word(self.other_sheet, lang)
            )
            # The point is the sheet's name: its own columns would repeat on every row.
            cols = [c for c in self.columns if c.key not in _SHEET_OMITS] if key is not None else list(self.columns)
            sums = {k: _round(sum(r.get(k) or 0 for r in rows)) for k in self.total_keys}
            last = [_word("total", lang)] + [sums.get(c.key, "") if c.total else "" for c in cols[1:]]
            sheets.append(Sheet(name, self._heads(cols, lang), self._cells(cols, rows, lang), last))
        return sheets


_SHEET_OMITS = frozenset({"region_code", "level", "point", "point_name"})
_KNOWN = {
    c.key: c
    for c in (
        Col("region_code", "region_code", "行政区划代码"),
        Col("level", "level", "级别"),
        Col("point", "point", "储备点编码"),
        Col("point_name", "point_name", "储备点名称"),
        *ITEM_COLS,
    )
}


def _format(target: Any, explicit: str | None) -> str:
    if explicit:
        fmt = explicit.lower().lstrip(".")
    elif isinstance(target, (str, Path)):
        fmt = Path(str(target)).suffix.lower().lstrip(".")
    else:
        fmt = ""
    if fmt not in REPORT_FORMATS:
        raise InvalidInput(t("must be one of: {value}", value=", ".join(REPORT_FORMATS)), "format")
    return fmt


def _word(word: str, lang: str) -> str:
    return _WORDS_ZH.get(word, word) if lang == "zh" else word


def _show(key: str, value: Any, lang: str) -> Any:
    if isinstance(value, str):
        if lang == "zh" and value in _WORDS_ZH and key in ("action", "scope"):
            return _WORDS_ZH[value]
        return label(key, value, lang)
    return value


def _round(value: Any) -> Any:
    return round(value, 6) if isinstance(value, float) else value


def _json_value(value: Any) -> Any:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def _plain_dict(value: Mapping[Any, object]) -> dict[str, object]:  # any keys, written as text
    return {str(k): _plain(v) for k, v in value.items()}


def _plain(value: object) -> object:
    if isinstance(value, dict):
        return _plain_dict(value)
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    return value
