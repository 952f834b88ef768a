"""`supplies backup FILE` and `supplies restore FILE`: a consistent snapshot, and bringing it back."""

from __future__ import annotations

from pathlib import Path

import click

from .context import App, pass_app


@click.command("backup")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["sqlite", "json"]),
    help="sqlite: a copy of the database file (SQLite only); json: JSON Lines, any database "
    "(.gz compresses). Default: sqlite for a SQLite database unless FILE ends in .jsonl.",
)
@pass_app
def backup(app: App, file: Path, fmt: str | None) -> None:
    """Write a consistent snapshot of the database to FILE (admins only).

    \b
    supplies backup county-2025-06-01.db
    supplies backup province.jsonl.gz
    """
    info = app.inventory().backup(str(file), format=fmt)
    app.out.result(info, f"backed up {info.total} rows of {len(info.rows)} tables to {file} ({info.format})")


@click.command("restore")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@pass_app
def restore(app: App, file: Path) -> None:
    """Restore a backup FILE into an empty database (--db); its schema is created if missing.

    \b
    supplies --db postgresql+psycopg://u:p@host/supplies restore county.db
    """
    info = app.inventory(must_exist=False).restore(str(file))
    app.out.result(info, f"restored {info.total} rows of {len(info.rows)} tables from {file}")
