"""Where settings come from: explicit arguments first, then SUPPLIES_* environment variables, then defaults."""

from __future__ import annotations

import os
from datetime import UTC, date, datetime, time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

DEFAULT_DATABASE_URL = "sqlite:///supplies.db"
# Days in reports and dates on screen are cut in the department's local time; stored times are UTC.
DEFAULT_TIMEZONE = "Asia/Shanghai"


def database_url(explicit: str | None = None) -> str:
    """The database to use: the argument, else ``SUPPLIES_DATABASE_URL``, else ``./supplies.db``.

    A bare file path (``data/county.db``) is taken as a SQLite file.
    """
    url = explicit or os.environ.get("SUPPLIES_DATABASE_URL") or DEFAULT_DATABASE_URL
    if "://" not in url:
        url = f"sqlite:///{url}"
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        # psycopg 3 is the driver we ship and test; the bare scheme would pick psycopg2.
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def read_database_url(explicit: str | None = None) -> str | None:
    """A hot standby for reads that may lag: the argument, else ``SUPPLIES_READ_DATABASE_URL``, else None.

    Reports, the dashboard, readiness, exports and list reads go there; every write (and every read
    inside a write) stays on the primary. None means the primary serves the reads too.
    """
    url = explicit or os.environ.get("SUPPLIES_READ_DATABASE_URL")
    return database_url(url) if url else None


def timezone_name(explicit: str | None = None) -> str:
    """The department's time zone: the argument, else ``SUPPLIES_TIMEZONE``, else Asia/Shanghai."""
    return explicit or os.environ.get("SUPPLIES_TIMEZONE") or DEFAULT_TIMEZONE


def department_zone() -> ZoneInfo:
    """The department's time zone (``SUPPLIES_TIMEZONE``; Asia/Shanghai when unset or unknown)."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        return ZoneInfo(timezone_name())
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(DEFAULT_TIMEZONE)


def local_today() -> date:
    """Today's date where the department is (a receipt's day, the start of "expiring within")."""
    return datetime.now(department_zone()).date()


def local_time(moment: datetime) -> datetime:
    """A stored time as the department's wall clock, for showing it (a naive one is UTC, as SQLite hands it back).

    Not the machine's zone (``astimezone()``): a server in UTC showed 02:30 in China as 18:30 the day before.
    """
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(department_zone())


def local_day_start(day: date, zone: ZoneInfo | None = None) -> datetime:
    """The start of ``day`` where the department is (or in ``zone``, a report's ``--tz``), in UTC (how
    times are stored).

    A period of days is cut at the department's midnight: from 00:00 to 08:00 in China the UTC date
    is still the day before, and a day cut at UTC midnight took the first eight hours of the next.
    """
    return datetime.combine(day, time.min, tzinfo=zone or department_zone()).astimezone(UTC)
