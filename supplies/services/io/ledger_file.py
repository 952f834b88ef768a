"""Writing the ledger (every movement) to CSV or XLSX as it is read: a province's millions of lines in bounded memory."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from itertools import chain, islice
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ...config import timezone_name
from ...errors import InvalidInput
from ...i18n import CHINESE, t, translate
from ...terms import term
from .tabular import Sheet, format_of, write_csv, write_xlsx

if TYPE_CHECKING:
    from ..stock.queries import LedgerLine

# Lines per worksheet: Excel's 1,048,576 rows less the header.
XLSX_MAX_LINES = 1_048_575
# (key, English header, Chinese header): the lines as `supplies ledger` shows them, and the agency.
LEDGER_COLUMNS = (
    ("at", "at", "时间"),
    ("kind", "kind", "业务类型"),
    ("point", "point", "储备点编码"),
    ("item", "item", "物资编码"),
    ("batch", "batch", "批次"),
    ("agency", "agency", "责任单位"),
    ("qty", "qty", "数量"),
    ("reserved_delta", "reserved_delta", "预留变动"),
    ("balance_after", "balance_after", "结存"),
    ("actor", "actor", "经办人"),
    ("reference", "reference", "单据号"),
    ("reason", "reason", "事由"),
)


def ledger_headers(lang: str, zone: str) -> list[str]:
    """The header row; the time column names the zone its times are in."""
    heads = [zh if lang == "zh" else en for _, en, zh in LEDGER_COLUMNS]
    heads[0] = f"{heads[0]} ({zone})"
    return heads


def write_ledger(
    lines: Iterator[LedgerLine],
    target: str | Path | IO[bytes],
    *,
    format: str | None = None,
    lang: str = "en",
    encoding: str = "utf-8-sig",
    tz: str | None = None,
) -> int:
    """Write ``lines`` (as :meth:`~supplies.services.stock.queries.StockQueries.ledger_stream` yields
    them) as they come; returns how many were written.

    Times are local to ``tz`` (else ``SUPPLIES_TIMEZONE``, else Asia/Shanghai), to the second, as the
    web admin's ledger export writes them. The first line is read before the file is opened, so a
    bad filter leaves no file behind.
    """
    if lang not in ("en", "zh"):
        raise InvalidInput(t("must be en or zh"), "lang")
    name = timezone_name(tz)
    try:
        zone = ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidInput(t("unknown time zone {name!r}; use a name like Asia/Shanghai", name=name), "tz") from None
    fmt = format_of(target if isinstance(target, (str, Path)) else None, None, format)
    first = next(lines, None)  # the filters are checked here, before anything is written
    count = 0
    kinds: dict[str, str] = {}

    def rows() -> Iterable[list[Any]]:
        nonlocal count
        for line in chain([first], lines) if first is not None else ():
            count += 1
            kind = kinds.get(line.kind)
            if kind is None:
                kind = kinds[line.kind] = translate(term(line.kind), CHINESE) if lang == "zh" else line.kind
            yield [
                _local(line.at, zone),
                kind,
                line.point,
                line.item,
                line.batch,
                line.agency,
                line.qty,
                line.reserved_delta,
                line.balance_after,
                line.actor,
                line.reference,
                line.reason,
            ]

    heads = ledger_headers(lang, name)
    if fmt == "csv":
        write_csv(target, heads, rows(), encoding=encoding)
    else:
        write_xlsx(target, _sheets("台账" if lang == "zh" else "ledger", heads, iter(rows())))
    return count


def _sheets(title: str, heads: list[str], rows: Iterator[list[Any]]) -> Iterator[Sheet]:
    """One worksheet per :data:`XLSX_MAX_LINES` lines (a worksheet holds 1,048,576 rows), each made
    as the one before it is written: ``ledger``, ``ledger 2`` ..."""
    number = 1
    while True:
        head = next(rows, None)
        if head is None and number > 1:
            return
        lines: Iterable[list[Any]] = () if head is None else chain([head], islice(rows, XLSX_MAX_LINES - 1))
        yield Sheet(title if number == 1 else f"{title} {number}", heads, lines)
        if head is None:
            return
        number += 1


def _local(at: datetime, zone: ZoneInfo) -> datetime:
    """A stored time (UTC, naive from SQLite) as the department's wall-clock time, to the second."""
    aware = at if at.tzinfo else at.replace(tzinfo=UTC)
    return aware.astimezone(zone).replace(tzinfo=None, microsecond=0)
