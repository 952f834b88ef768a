"""Checking every row of a backup against the table definitions (types, lengths, bounds, vocabularies) before it is restored."""

from __future__ import annotations

import json
import math
import operator
import re
from array import array
from bisect import bisect_left
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any, TypeVar

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    Float,
    Integer,
    Numeric,
    SmallInteger,
    String,
    Table,
)
from sqlmodel import SQLModel

from ...errors import InvalidInput
from ...i18n import t
from ...models.enums import (
    AdminLevel,
    AllocationStatus,
    IncidentLevel,
    IncidentType,
    MovementKind,
    PointKind,
    PointStatus,
    RequestStatus,
    ReserveMode,
    Role,
)

MAX_QUANTITY = 10**12  # no quantity, count or measure of this schema comes near it
YEARS = (1900, 2999)  # of every date and planned time; history (a clock-stamped column) may be older

# The columns whose text is a closed vocabulary; every other check comes from the table metadata.
VOCABULARIES: dict[tuple[str, str], type[StrEnum]] = {
    ("agency", "level"): AdminLevel,
    ("storage_point", "kind"): PointKind,
    ("storage_point", "level"): AdminLevel,
    ("storage_point", "status"): PointStatus,
    ("app_user", "role"): Role,
    ("stock_lot", "mode"): ReserveMode,
    ("movement", "kind"): MovementKind,
    ("incident", "type"): IncidentType,
    ("incident", "level"): IncidentLevel,
    ("need_norm", "hazard"): IncidentType,
    ("dispatch_request", "status"): RequestStatus,
    ("request_event", "from_status"): RequestStatus,
    ("request_event", "to_status"): RequestStatus,
    ("allocation", "status"): AllocationStatus,
}

# C0 and C1 control characters but tab, line feed and carriage return; lone surrogates (not Unicode).
_BAD_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
_BOUND = re.compile(r"^\(?\s*(\w+)\s*(>=|<=|>|<)\s*(-?\d+(?:\.\d+)?)\s*\)?$")
_PAIR = re.compile(r"^\(?\s*(\w+)\s*(>=|<=|>|<)\s*([A-Za-z_]\w*)\s*\)?$")
_COMPARE = {">=": operator.ge, "<=": operator.le, ">": operator.gt, "<": operator.lt}

Check = Callable[[Any], Any]


class BackupRejected(InvalidInput):
    """A backup refused at one place: ``where`` is the table and line (or row), ``column`` the column.

    ``str()`` reads ``stock_lot line 12, on_hand: must be a whole number ('lots')``. Nothing was written.
    """

    def __init__(self, where: str, reason: str, column: str | None = None) -> None:
        self.where, self.column = where, column
        super().__init__(reason, f"{where}, {column}" if column else where)


class Refused(ValueError):
    """A value its column does not take; ``reason`` says why in words a user can act on."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def show(value: Any) -> str:
    """A value as a message quotes it: text in quotes, anything else as JSON writes it, cut short."""
    if isinstance(value, bytes):
        return f"{len(value)} bytes of binary data"
    text = repr(value) if isinstance(value, str) else json.dumps(value, default=str)
    return text if len(text) <= 40 else text[:39] + "…"


# -- the check of one column ------------------------------------------------------------------


class TableRows:
    """Checks the rows of one table of a backup, given in the file's column order, in the file's row order.

    Rows come out as tuples in the table's column order, converted to the column types. It
    remembers the id of every row (the rows of a backup are in id order) to say where a row is.
    """

    def __init__(
        self, table: Table, columns: Any, where: str, *, unit: str, first: int, dialect: str, sqlite_file: bool = False
    ) -> None:
        self.table, self.unit, self.first, self.sqlite_file = table, unit, first, sqlite_file
        if not isinstance(columns, list) or not all(isinstance(c, str) for c in columns):
            raise BackupRejected(where, t("must list the names of the table's columns"), "columns")
        twice = sorted({c for c in columns if columns.count(c) > 1})
        missing = [c.name for c in table.columns if c.name not in columns]
        extra = [c for c in columns if c not in table.c]
        if twice:
            raise BackupRejected(where, t("named twice in the backup's columns"), ", ".join(twice))
        if missing:
            raise BackupRejected(
                where,
                t(
                    "missing from the backup (this schema's {name} has {value})",
                    name=table.name,
                    value="this column" if len(missing) == 1 else "these columns",
                ),
                ", ".join(missing),
            )
        if extra:
            raise BackupRejected(where, t("not a column of {name} in this schema", name=table.name), ", ".join(extra))
        self.columns: list[str] = columns
        self.names = [c.name for c in table.columns]
        self.plan = [
            (columns.index(c.name), column_check(table, c, dialect, sqlite_file=sqlite_file)) for c in table.columns
        ]
        self.pairs = list(_pair_checks(table))
        pk = [self.names.index(c.name) for c in table.primary_key.columns]
        self._pk = pk
        self._file_pk = columns.index(table.primary_key.columns[0].name) if len(pk) == 1 else None
        self.ids: array[int] | None = array("q") if len(pk) == 1 and _is_integer(table.c[self.names[pk[0]]]) else None
        self._last: Any = None

    def where(self, n: int, values: Sequence[Any] | None = None) -> str:
        """``movement line 17``; a row of a SQLite file adds its id: ``movement row 3 (id 3)``."""
        place = f"{self.table.name} {self.unit} {n}"
        if self.sqlite_file and values is not None and self._file_pk is not None:
            place += f" (id {show(values[self._file_pk])})"
        return place

    def check(self, n: int, values: Any) -> tuple[Any, ...]:
        """The ``n``-th row (line ``n`` of the file) checked and converted, or :class:`BackupRejected`."""
        if not isinstance(values, (list, tuple)) or len(values) != len(self.columns):
            raise BackupRejected(
                self.where(n),
                t(
                    "must be a list of {len_columns} values, one for each column (it is {show})",
                    len_columns=len(self.columns),
                    show=show(values),
                ),
            )
        try:
            out = [check(values[pos]) for pos, check in self.plan]
            for a, compare, b, op in self.pairs:
                if out[a] is not None and out[b] is not None and not compare(out[a], out[b]):
                    raise BackupRejected(
                        self.where(n, values),
                        t(
                            "must be {words} {other} ({value} and {other_again} {other_value})",
                            words=_WORDS[op],
                            other=self.names[b],
                            value=show(out[a]),
                            other_again=self.names[b],
                            other_value=show(out[b]),
                        ),
                        self.names[a],
                    )
        except Refused:
            for name, (pos, check) in zip(self.names, self.plan):  # which column: check them one by one
                try:
                    check(values[pos])
                except Refused as exc:
                    raise BackupRejected(self.where(n, values), exc.reason, name) from None
            raise
        key = out[self._pk[0]] if len(self._pk) == 1 else tuple(out[p] for p in self._pk)
        if self._last is not None and not key > self._last:
            problem = "is given twice" if key == self._last else f"comes after {show(self._last)}"
            raise BackupRejected(
                self.where(n, values),
                t("{show} {problem}: a backup holds each row once, in key order", show=show(key), problem=problem),
                ", ".join(self.names[p] for p in self._pk),
            )
        self._last = key
        if self.ids is not None:  # a single integer key: the key is that column's value
            self.ids.append(out[self._pk[0]])
        return tuple(out)

    def locate(self, row_id: int) -> str | None:
        """Where the row with this id was in the file (``stock_lot line 12``), if it was there."""
        if self.ids is None:
            return None
        i = bisect_left(self.ids, row_id)
        if i == len(self.ids) or self.ids[i] != row_id:
            return None
        place = f"{self.table.name} {self.unit} {self.first + i}"
        return place + f" (id {row_id})" if self.sqlite_file else place


_NULL = "must have a value (it is null)"
_WORDS = {">=": "at least", "<=": "at most", ">": "more than", "<": "less than"}


def column_check(table: Table, column: Column[Any], dialect: str, *, sqlite_file: bool = False) -> Check:
    """The check of one column, from its type, length, nullability, constraints and vocabulary.

    It takes a value as JSON (or a SQLite file, with ``sqlite_file``) holds it and returns it
    converted to what the column stores, or raises :class:`Refused`.
    """
    kind = getattr(column.type, "impl_instance", column.type)  # a TypeDecorator's underlying type
    low, high = _bounds(table, column, kind, dialect)
    if isinstance(kind, Integer):
        return _integer(low, high, bool(column.nullable))
    if isinstance(kind, String):
        vocabulary = VOCABULARIES.get((table.name, column.name))
        return _text(kind.length, [v.value for v in vocabulary] if vocabulary else None, bool(column.nullable))
    check: Check
    if isinstance(kind, Boolean):
        check = _boolean(sqlite_file)
    elif isinstance(kind, Float):
        check = _float(low, high)
    elif isinstance(kind, Numeric):
        check = _decimal(kind.scale, low, high)
    elif isinstance(kind, DateTime):
        check = _datetime(history=_is_history(column))
    elif isinstance(kind, Date):
        check = _date
    else:
        check = _as_is
    if column.nullable:
        return lambda value: None if value is None else check(value)

    def required(value: Any) -> Any:
        if value is None:
            raise Refused(_NULL)
        return check(value)

    return required


def _is_history(column: Column[Any]) -> bool:
    """A date-time the system stamps with the clock (created_at, at, ...): history, of any year."""
    return column.default is not None and callable(getattr(column.default, "arg", None))


def _is_integer(column: Column[Any]) -> bool:
    return isinstance(getattr(column.type, "impl_instance", column.type), Integer)


# -- bounds: the type's range, CHECK constraints, the model's ge/gt/le/lt, and MAX_QUANTITY ---------

Bound = tuple[float | int | Decimal, bool]  # (limit, strict)
_N = TypeVar("_N", int, float, Decimal)  # a number held within bounds keeps its type


def _bounds(table: Table, column: Column[Any], kind: Any, dialect: str) -> tuple[Bound | None, Bound | None]:
    lows: list[Bound] = []
    highs: list[Bound] = []
    for name, op, limit in _simple_checks(table):
        if name == column.name:
            (lows if op[0] == ">" else highs).append((limit, len(op) == 1))
    for rule in _model_rules(table, column.name):
        for attr, strict, side in (("ge", False, lows), ("gt", True, lows), ("le", False, highs), ("lt", True, highs)):
            if isinstance(getattr(rule, attr, None), (int, float, Decimal)):
                side.append((getattr(rule, attr), strict))
    if isinstance(kind, Integer):
        top = 2**15 - 1 if isinstance(kind, SmallInteger) else 2**31 - 1
        top = 2**63 - 1 if dialect == "sqlite" or isinstance(kind, BigInteger) else top
        lows.append((-top - 1, False))
        highs.append((top, False))
    if isinstance(kind, Numeric) and not isinstance(kind, Float) and kind.precision is not None:
        digits = Decimal(10) ** (kind.precision - (kind.scale or 0))
        lows.append((-digits, True))
        highs.append((digits, True))
    if isinstance(kind, (Integer, Float, Numeric)) and not (column.primary_key or column.foreign_keys):
        lows.append((-MAX_QUANTITY, False))
        highs.append((MAX_QUANTITY, False))
    low = max(lows, key=lambda b: (b[0], b[1])) if lows else None
    high = min(highs, key=lambda b: (b[0], not b[1])) if highs else None
    return low, high


def _simple_checks(table: Table) -> Iterator[tuple[str, str, int | float]]:
    """``on_hand >= 0``, ``lat >= -90 AND lat <= 90``: the CHECK constraints that bound one column."""
    for part in _check_parts(table):
        m = _BOUND.match(part)
        if m:
            number = float(m[3]) if "." in m[3] else int(m[3])
            yield m[1], m[2], number


def _pair_checks(table: Table) -> Iterator[tuple[int, Callable[[Any, Any], bool], int, str]]:
    """``reserved <= on_hand``: the CHECK constraints that compare two columns of a row."""
    names = [c.name for c in table.columns]
    for part in _check_parts(table):
        m = _PAIR.match(part)
        if m and m[1] in names and m[3] in names:
            yield names.index(m[1]), _COMPARE[m[2]], names.index(m[3]), m[2]


def _check_parts(table: Table) -> Iterator[str]:
    for constraint in table.constraints:
        if isinstance(constraint, CheckConstraint):
            yield from re.split(r"\s+AND\s+", str(constraint.sqltext), flags=re.IGNORECASE)


def _model_rules(table: Table, name: str) -> list[Any]:
    """The ``ge``/``gt``/``le``/``lt`` a SQLModel table class puts on a field (``Field(ge=0)``)."""
    for mapper in SQLModel._sa_registry.mappers:
        if mapper.local_table is table:
            field = getattr(mapper.class_, "model_fields", {}).get(name)
            return list(field.metadata) if field is not None else []
    return []


def _within(value: _N, low: Bound | None, high: Bound | None) -> _N:
    if low is not None and (value < low[0] or (low[1] and value == low[0])):
        raise Refused(
            t("must be more than {number} ({show})", number=_number(low[0]), show=show(value))
            if low[1]
            else t("must be at least {number} ({show})", number=_number(low[0]), show=show(value))
        )
    if high is not None and (value > high[0] or (high[1] and value == high[0])):
        raise Refused(
            t("must be less than {number} ({show})", number=_number(high[0]), show=show(value))
            if high[1]
            else t("must be at most {number} ({show})", number=_number(high[0]), show=show(value))
        )
    return value


def _number(limit: Any) -> str:
    return str(int(limit)) if float(limit).is_integer() else str(limit)


# -- the checks by type -----------------------------------------------------------------------


def _integer(low: Bound | None, high: Bound | None, nullable: bool) -> Check:
    # Inclusive whole-number limits for the common case; the messages come from _within.
    least = -math.inf if low is None else math.floor(low[0]) + 1 if low[1] else math.ceil(low[0])
    most = math.inf if high is None else math.ceil(high[0]) - 1 if high[1] else math.floor(high[0])

    def check(value: Any) -> int | None:
        if type(value) is int and least <= value <= most:
            return value
        if value is None:
            if nullable:
                return None
            raise Refused(_NULL)
        if type(value) is float and value.is_integer():
            return int(_within(value, low, high))
        if type(value) is not int:
            raise Refused(t("must be a whole number ({show})", show=show(value)))
        return _within(value, low, high)

    return check


def _float(low: Bound | None, high: Bound | None) -> Check:
    def check(value: Any) -> float:
        if type(value) not in (int, float) or not math.isfinite(value):
            raise Refused(t("must be a number ({show})", show=show(value)))
        return _within(float(value), low, high)

    return check


def _decimal(scale: int | None, low: Bound | None, high: Bound | None) -> Check:
    def check(value: Any) -> Decimal:
        if type(value) not in (int, float, str):
            raise Refused(t("must be a number ({show})", show=show(value)))
        try:
            number = Decimal(repr(value) if type(value) is float else value)
        except InvalidOperation:
            raise Refused(t("must be a number ({show})", show=show(value))) from None
        if not number.is_finite():
            raise Refused(t("must be a number ({show})", show=show(value)))
        exponent = number.as_tuple().exponent
        if scale is not None and isinstance(exponent, int) and -exponent > scale:
            raise Refused(t("must have at most {scale} decimal places ({show})", scale=scale, show=show(value)))
        return _within(number, low, high)

    return check


def _boolean(sqlite_file: bool) -> Check:
    def check(value: Any) -> bool:
        if type(value) is bool:
            return value
        if sqlite_file and type(value) is int and value in (0, 1):  # how SQLite keeps a boolean
            return bool(value)
        raise Refused(t("must be true or false ({show})", show=show(value)))

    return check


def _date(value: Any) -> date:
    if type(value) is not str:
        raise Refused(t("must be a date, YYYY-MM-DD ({show})", show=show(value)))
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise Refused(t("must be a date, YYYY-MM-DD ({show})", show=show(value))) from None
    if not YEARS[0] <= day.year <= YEARS[1]:
        raise Refused(
            t(
                "must be a date between the years {first} and {last} ({show})",
                first=YEARS[0],
                last=YEARS[1],
                show=show(value),
            )
        )
    return day


def _datetime(*, history: bool) -> Check:
    def check(value: Any) -> datetime:
        if type(value) is not str:
            raise Refused(t("must be a date and time, ISO 8601 ({show})", show=show(value)))
        try:
            moment = datetime.fromisoformat(value)
            moment = moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)
        except (ValueError, OverflowError):
            raise Refused(t("must be a date and time, ISO 8601 ({show})", show=show(value))) from None
        if not history and not YEARS[0] <= moment.year <= YEARS[1]:
            raise Refused(
                t(
                    "must be a time between the years {first} and {last} ({show})",
                    first=YEARS[0],
                    last=YEARS[1],
                    show=show(value),
                )
            )
        return moment

    return check


def _text(length: int | None, vocabulary: list[str] | None, nullable: bool) -> Check:
    allowed = frozenset(vocabulary) if vocabulary is not None else None
    longest = length if length is not None else math.inf
    search = _BAD_TEXT.search

    def check(value: Any) -> str | None:
        if type(value) is str and len(value) <= longest and not search(value) and (allowed is None or value in allowed):
            return value
        if value is None:
            if nullable:
                return None
            raise Refused(_NULL)
        if type(value) is not str:
            raise Refused(t("must be text ({show})", show=show(value)))
        if len(value) > longest:
            raise Refused(
                t("must be at most {length} characters long (it has {len_value})", length=length, len_value=len(value))
            )
        bad = search(value)
        if bad:
            char = bad.group()
            if "\ud800" <= char <= "\udfff":
                raise Refused(
                    t("must be valid Unicode text (a lone surrogate at character {start})", start=bad.start() + 1)
                )
            name = "NUL" if char == "\x00" else f"U+{ord(char):04X}"
            raise Refused(
                t(
                    "must not contain a control character ({name} at character {start})",
                    name=name,
                    start=bad.start() + 1,
                )
            )
        raise Refused(t("must be one of: {value} ({show})", value=", ".join(vocabulary or ()), show=show(value)))

    return check


def _as_is(value: Any) -> Any:
    return value


__all__ = ["MAX_QUANTITY", "VOCABULARIES", "YEARS", "BackupRejected", "Refused", "TableRows", "column_check"]
