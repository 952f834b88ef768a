"""The command starts fast: --help and `stock list` import neither Flask nor the other heavy libraries."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import click
import pytest
from cli_harness import Cli

import supplies
from cli import vocab
from cli.main import COMMANDS, cli

pytestmark = pytest.mark.once  # no database behaviour here: run in the SQLite half only

HEAVY = ("flask", "flask_admin", "webadmin", "scipy", "numpy", "openpyxl", "alembic", "waitress", "gunicorn")

# Runs the real entry point and, at exit, writes the names of every imported module to a file.
PROBE = (
    "import atexit, sys\n"
    "listing = sys.argv.pop(1)\n"
    "atexit.register(lambda: open(listing, 'w').write('\\n'.join(sorted(sys.modules))))\n"
    "from cli.main import main\n"
    "main(sys.argv[1:])\n"
)


def imported_by(tmp_path: Path, *args: str) -> set[str]:
    """The full names of the modules a `supplies ARGS` run has imported by its exit."""
    listing = tmp_path / "modules.txt"
    proc = subprocess.run(
        [sys.executable, "-c", PROBE, str(listing), *args], capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 0, proc.stderr
    return set(listing.read_text().split())


def packages(modules: set[str]) -> set[str]:
    return {name.split(".")[0] for name in modules}


COMMAND_MODULES = {target.split(":")[0] for target, _ in COMMANDS.values()}


def test_help_and_stock_list_import_nothing_heavy(tmp_path: Path, county_cli: Cli) -> None:
    with supplies.open(county_cli.url, user="admin") as inv:
        inv.stock.receive("CK-01", "TENT12", 5)

    help_modules = imported_by(tmp_path, "--help")
    assert not packages(help_modules) & {*HEAVY, "sqlalchemy", "supplies"}, "--help must not even open the library"
    assert not help_modules & COMMAND_MODULES, "--help lists the commands from the registry's help lines"

    list_modules = imported_by(tmp_path, "--db", county_cli.url, "--as", "admin", "stock", "list")
    assert "supplies" in list_modules  # the probe did run the command
    assert not packages(list_modules) & set(HEAVY)
    assert list_modules & COMMAND_MODULES == {"cli.stock_cmds"}
    # Nor what this command never uses: password hashing, the dispatch tables, rich's console
    # (piped output is plain text).
    assert not list_modules & {"argon2", "supplies.models.dispatch", "supplies.models.readiness", "rich.console"}
    # Nor the tables it never reads (building a table model is most of `import supplies`).
    assert not list_modules & {f"supplies.models.{m}" for m in ("access", "handovers", "targets", "travel")}
    if county_cli.url.startswith("sqlite"):  # a fifth of the start-up, for a database not in use
        assert "sqlalchemy.dialects.postgresql" not in list_modules


def test_help_lists_each_command_with_its_own_short_help() -> None:
    ctx = click.Context(cli, info_name="supplies")
    for name, (_, text) in COMMANDS.items():
        own = cli.get_command(ctx, name)
        assert own is not None
        assert text == own.get_short_help_str(limit=10**6), f"cli/main.py's help line for `{name}` is stale"
    for width in (40, 80, 100):  # and shortened to the terminal width exactly as Click shortens the real one
        listed, clicks = click.HelpFormatter(width=width), click.HelpFormatter(width=width)
        cli.format_commands(ctx, listed)
        click.Group.format_commands(cli, ctx, clicks)  # Click's own listing, from the imported commands
        assert listed.getvalue() == clicks.getvalue()


def test_every_documented_command_and_option_exists() -> None:
    ctx = click.Context(cli)

    def command(path: str) -> click.Command:
        cmd: click.Command = cli
        for name in path.split():
            assert isinstance(cmd, click.Group), path
            sub = cmd.get_command(ctx, name)
            assert sub is not None, f"supplies {path}: no such command"
            cmd = sub
        return cmd

    documented = {
        "init": ["--demo"],
        "user add": ["--role", "--point", "--agency"],
        "agency add": ["--contact", "--phone"],
        "agency list": [],
        "point list": ["--level", "--region"],
        "class list": ["--tree"],
        "item list": ["--class"],
        "class add": ["--agency", "--parent"],
        "class handover": ["--to"],
        "item add": ["--class", "--unit", "--spec", "--shelf-life-days"],
        "point add": ["--level", "--lat", "--lon", "--kind", "--region"],
        "stock receive": ["--point", "--item", "--qty", "--lot", "--expires", "--mode", "--lead-time-hours"],
        "stock issue": ["--point", "--item", "--qty"],
        "stock adjust": ["--point", "--item"],
        "stock write-off": ["--point", "--item", "--qty"],
        "stock transfer": ["--from", "--to", "--item", "--qty"],
        "stock list": ["--point", "--item", "--class", "--expiring-days"],
        "ledger": ["--point", "--item", "--since"],
        "verify": [],
        "incident add": ["--type", "--level", "--lat", "--lon", "--population"],
        "request create": [
            "--incident",
            "--dest-lat",
            "--dest-lon",
            "--dest-point",
            "--line",
            "--needed-by",
            "--priority",
        ],
        **{
            f"request {a}": []
            for a in (
                "submit",
                "approve",
                "reject",
                "cancel",
                "dispatch",
                "receive",
                "show",
                "list",
                "pick-list",
                "reallocate",
            )
        },
        "request allocate": ["--strategy", "--dry-run"],
        "request list": ["--status"],
        "plan": ["--dry-run"],
        "serve": ["--host", "--port"],
        "stock rotate": [],
        "target set": [],
        "target list": [],
        "user list": [],
        "point close": [],
        "travel-time load": [],
    }
    for path, options in documented.items():
        cmd = command(path)
        declared = {opt for param in cmd.params for opt in getattr(param, "opts", [])}
        assert set(options) <= declared, f"supplies {path} lacks {set(options) - declared}"
    assert {"--db", "--as", "--json", "--debug"} <= {o for p in cli.params for o in getattr(p, "opts", [])}
    assert set(COMMANDS) == set(cli.list_commands(ctx))


def test_offered_choices_are_the_library_vocabularies() -> None:
    assert tuple(supplies.AdminLevel) == vocab.LEVELS
    assert tuple(supplies.PointKind) == vocab.POINT_KINDS
    assert tuple(supplies.ReserveMode) == vocab.RESERVE_MODES
    assert tuple(supplies.Role) == vocab.ROLES
    assert tuple(supplies.MovementKind) == vocab.MOVEMENT_KINDS
    assert tuple(supplies.IncidentType) == vocab.INCIDENT_TYPES
    assert tuple(supplies.IncidentLevel) == vocab.INCIDENT_LEVELS
    assert tuple(supplies.RequestStatus) == vocab.REQUEST_STATES
