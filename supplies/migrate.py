"""Schema creation and upgrades through the Alembic migrations shipped with the package."""

from __future__ import annotations

import importlib
from functools import lru_cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine


def migrations_dir() -> Path:
    """The folder of the Alembic environment (``migrations/`` in the repository)."""
    # Imported by name: the packaging maps supplies._migrations onto migrations/, where mypy does not look.
    pkg = importlib.import_module("supplies._migrations")
    if pkg.__file__ is None:
        raise RuntimeError("supplies._migrations is not installed as a package")
    return Path(pkg.__file__).resolve().parent


def alembic_config(engine: Engine | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(migrations_dir()))
    if engine is not None:
        cfg.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False).replace("%", "%%"))
        cfg.attributes["engine"] = engine
    return cfg


@lru_cache(maxsize=1)
def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def upgrade(engine: Engine, revision: str = "head") -> str:
    """Upgrade the database of ``engine`` to ``revision``; return the revision reached."""
    command.upgrade(alembic_config(engine), revision)
    return head_revision() if revision == "head" else revision
