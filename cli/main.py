"""The `supplies` command: global options, lazily loaded subcommands and the one place errors are shown."""

from __future__ import annotations

import importlib
import sys
from typing import Any

import click

from .context import App
from .errors import report

# Every subcommand, as "module:attribute" of a click command or group. A module is imported
# only when its command runs (or when --help lists the commands), so keep the top of each
# command module light: import supplies, rich, SciPy, openpyxl, Flask and the like inside the
# command functions. To add a command family: write cli/<family>_cmds.py whose commands take
# the run's state with `@pass_app` (cli/context.py: app.inventory(), app.user, app.url), show
# their result with `app.out.result(data, human)` (cli/output.py: one JSON document with
# --json, else app.out.table / app.out.print; app.out.progress for long steps) and let the
# library's errors propagate (they are shown here). Then add one line below;
# tests/cli/test_cli_startup.py checks that --help still imports nothing heavy.
COMMANDS: dict[str, str] = {
    "init": "cli.setup_cmds:init",
    "user": "cli.setup_cmds:user",
    "serve": "cli.setup_cmds:serve",
    "agency": "cli.agency_cmds:agency",
    "class": "cli.class_cmds:class_group",
    "item": "cli.class_cmds:item",
    "point": "cli.point_cmds:point",
    "travel-time": "cli.point_cmds:travel_time",
    "stock": "cli.stock_cmds:stock",
    "ledger": "cli.stock_cmds:ledger",
    "verify": "cli.stock_cmds:verify",
    "target": "cli.stock_cmds:target",
    "incident": "cli.dispatch_cmds:incident",
    "request": "cli.dispatch_cmds:request",
    "plan": "cli.dispatch_cmds:plan",
    "catalog": "cli.catalog_cmds:catalog",
    "import": "cli.io_cmds:import_group",
    "export": "cli.io_cmds:export",
    "report": "cli.report_cmds:report",
    "readiness": "cli.readiness_cmds:readiness",
    "backup": "cli.backup_cmds:backup",
    "restore": "cli.backup_cmds:restore",
}


class LazyGroup(click.Group):
    """A group whose subcommands are imported on first use (Click's "lazy loading" recipe)."""

    def __init__(self, *args: Any, lazy_subcommands: dict[str, str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lazy_subcommands = lazy_subcommands or {}

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.lazy_subcommands})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.lazy_subcommands:
            module_name, attribute = self.lazy_subcommands[cmd_name].split(":", 1)
            command = getattr(importlib.import_module(module_name), attribute)
            if not isinstance(command, click.Command):
                raise TypeError(f"{self.lazy_subcommands[cmd_name]} is not a click command")
            return command
        return super().get_command(ctx, cmd_name)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except click.UsageError as exc:
            app = ctx.find_object(App)
            if app is not None and app.json_mode:  # scripts get their one JSON document here too
                param = getattr(exc, "param", None)
                app.out.error_document(kind="UsageError", field=getattr(param, "name", None),
                                       reason=exc.format_message(), exit_code=exc.exit_code)
            raise
        except (click.exceptions.ClickException, click.exceptions.Exit, click.exceptions.Abort, BrokenPipeError):
            raise  # Click shows these itself (a closed pipe, as in `supplies stock list | head`, quietly)
        except Exception as exc:
            app = ctx.find_object(App)
            if app is None or app.debug:
                raise
            ctx.exit(report(exc, app.out))


CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


@click.group(cls=LazyGroup, lazy_subcommands=COMMANDS, context_settings=CONTEXT_SETTINGS)
@click.option("--db", "db", metavar="URL", envvar="SUPPLIES_DATABASE_URL", show_envvar=True,
              help="Database: any SQLAlchemy URL or a SQLite file path.  [default: ./supplies.db]")
@click.option("--as", "user", metavar="USER", envvar="SUPPLIES_USER", show_envvar=True,
              help="Act as this user (it must exist).  [default: your login name]")
@click.option("--json", "json_mode", is_flag=True,
              help="Print one JSON document on stdout; messages go to stderr.")
@click.option("--debug", is_flag=True, help="Show the traceback of an error.")
@click.version_option(package_name="emergency-supplies", prog_name="supplies")
@click.pass_context
def cli(ctx: click.Context, db: str | None, user: str | None, json_mode: bool, debug: bool) -> None:
    """Emergency-supply inventory (应急物资储备): stock, dispatch requests and allocation.

    \b
    Start with:   supplies init --demo
    Then:         supplies stock list --point HS-CK01
    Exit codes:   0 done, 2 bad input, 3 refused by a rule
                  (permission, one agency per class, not enough stock,
                  wrong request state), 1 anything else.
    """
    app = App(db=db, user_option=user, json_mode=json_mode, debug=debug)
    ctx.obj = app
    ctx.call_on_close(app.close)


def main(argv: list[str] | None = None) -> None:
    """Entry point of the console script."""
    cli.main(args=argv, prog_name="supplies")


if __name__ == "__main__":
    main(sys.argv[1:])
