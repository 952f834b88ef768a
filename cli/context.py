"""What every command shares: the global options, the acting user and the inventory they open."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import click

from .output import Output

if TYPE_CHECKING:
    from supplies import Inventory


@dataclass
class App:
    """The state of one `supplies` run, built from the global options."""

    db: str | None
    user_option: str | None
    json_mode: bool = False
    debug: bool = False
    out: Output = field(init=False)
    _inventory: Inventory | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        self.out = Output(json_mode=self.json_mode)

    @property
    def url(self) -> str:
        """The database URL: --db, else SUPPLIES_DATABASE_URL, else ./supplies.db."""
        from supplies.config import database_url

        return database_url(self.db)

    @property
    def user(self) -> str:
        """The acting user: --as, else SUPPLIES_USER, else the login name."""
        if self.user_option:
            return self.user_option
        import getpass  # only when neither --as nor SUPPLIES_USER names the user

        try:
            return getpass.getuser()
        except Exception:  # no login name in some containers: ask for one explicitly
            from supplies.errors import InvalidInput

            raise InvalidInput("no acting user: pass --as NAME or set SUPPLIES_USER", "user") from None

    def inventory(self, *, must_exist: bool = True) -> Inventory:
        """Open the inventory as the acting user (once per run).

        ``must_exist`` refuses a SQLite file that is not there yet, instead of silently
        creating an empty one that every command would then fail on.
        """
        if self._inventory is None:
            import supplies
            from supplies.errors import DatabaseNotReady

            url = self.url
            path = _sqlite_path(url)
            if must_exist and path is not None and not path.exists():
                raise DatabaseNotReady(
                    f"no database at {path}: run `supplies init` first (or pass --db URL / set SUPPLIES_DATABASE_URL)",
                    "database",
                )
            self._inventory = supplies.open(url, user=self.user)
        return self._inventory

    def close(self) -> None:
        if self._inventory is not None:
            self._inventory.close()
            self._inventory = None


def _sqlite_path(url: str) -> Path | None:
    """The file of a SQLite URL, or None for other databases and in-memory SQLite."""
    if not url.startswith("sqlite"):
        return None
    from sqlalchemy.engine import make_url

    database = make_url(url).database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database)


pass_app = click.make_pass_decorator(App)
