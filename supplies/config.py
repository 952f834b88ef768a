"""Where settings come from: explicit arguments first, then SUPPLIES_* environment variables, then defaults."""

from __future__ import annotations

import os

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
