"""The log-in limit: failed log-ins counted in the database, so that every web process behind a proxy shares them."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

from sqlalchemy import and_, case, delete, or_
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from ...db import unit_of_work
from ...models import LoginAttempt
from ..base import Service, retrying

#: After this many failures within the window, the pair is locked out for the window.
DEFAULT_MAX_FAILURES = 5
DEFAULT_WINDOW = timedelta(minutes=15)


class LoginLimit(Service):
    """``inv.login_limit``: too many failed log-ins for one name from one address lock that pair out.

    After ``max_failures`` failures within ``window`` the pair is locked for ``window``; a
    successful log-in clears its count. The counts are rows of ``login_attempt`` on the primary:
    several ``supplies serve`` processes (or hosts) on one database share one limit, and a
    restart forgets nothing. Names compare without case; the pair is stored as a digest.
    """

    def locked_for(
        self, name: str, address: str, *, window: timedelta = DEFAULT_WINDOW, now: datetime | None = None
    ) -> float:
        """Seconds until the pair may try again (0 when it may try now)."""
        moment = _utc(now)
        with unit_of_work(self._inv.engine, write=False) as s:
            row = s.get(LoginAttempt, _key(name, address))
            until = row.locked_until if row is not None else None
        if until is None:
            return 0.0
        # A lock never outlasts the window it was set for, whatever the clock did meanwhile.
        return min(window.total_seconds(), max(0.0, (until - moment).total_seconds()))

    def failed(
        self,
        name: str,
        address: str,
        *,
        max_failures: int = DEFAULT_MAX_FAILURES,
        window: timedelta = DEFAULT_WINDOW,
        now: datetime | None = None,
    ) -> None:
        """Count one failure; lock the pair when it reaches ``max_failures`` within ``window``."""
        moment = _utc(now)
        cutoff, lock = moment - window, moment + window
        key = _key(name, address)

        def run() -> None:
            with unit_of_work(self._inv.engine) as s:
                dialect = s.get_bind().dialect.name
                insert = pg_insert if dialect == "postgresql" else sqlite_insert
                t = LoginAttempt.__table__  # type: ignore[attr-defined]  # SQLModel sets it on table models
                stale = t.c.first_at < cutoff
                # One statement, atomic on both databases: two processes counting at once both count.
                statement = insert(t).values(
                    key=key, failures=1, first_at=moment, locked_until=lock if max_failures <= 1 else None
                )
                statement = statement.on_conflict_do_update(
                    index_elements=[t.c.key],
                    set_={
                        "failures": case((stale, 1), else_=t.c.failures + 1),
                        "first_at": case((stale, moment), else_=t.c.first_at),
                        "locked_until": case(
                            (and_(~stale, t.c.failures + 1 >= max_failures), lock),
                            (stale, lock if max_failures <= 1 else t.c.locked_until),
                            else_=t.c.locked_until,
                        ),
                    },
                )
                s.execute(statement)
                # Pairs whose window and lock are over are forgotten: the table stays small when
                # someone sprays many names.
                s.execute(
                    delete(t).where(stale, t.c.key != key, or_(t.c.locked_until.is_(None), t.c.locked_until < moment))
                )

        retrying(run)

    def succeeded(self, name: str, address: str) -> None:
        """A successful log-in: the pair's count starts again."""
        with unit_of_work(self._inv.engine) as s:
            s.execute(delete(LoginAttempt).where(LoginAttempt.key == _key(name, address)))  # type: ignore[arg-type]


def _key(name: str, address: str) -> str:
    return hashlib.sha256(f"{name.strip().lower()}\0{address}".encode()).hexdigest()


def _utc(now: datetime | None) -> datetime:
    # Every time column takes an aware time and stores it as UTC.
    return (now or datetime.now(UTC)).astimezone(UTC)
