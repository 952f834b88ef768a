"""The `supplies` command: global options, lazily loaded subcommands and the one place errors are shown."""

from __future__ import annotations

import importlib
import sys
from typing import Any

import click

from .context import App
from .errors import report

# Every subcommand: the "module:attribute" of its click command or group, and its one-line help
# (its docstring's first sentence, as Click shortens it). A module is imported only when its
# command runs or its own --help is asked: `supplies --help` lists the commands from the help
# text here, so keep it in step with the docstring (tests/cli/test_cli_startup.py fails when it
# is not). Keep the top of each command module light: import supplies, rich, SciPy, openpyxl,
# Flask and the like inside the command functions. To add a command family: write
# cli/<family>_cmds.py whose commands take the run's state with `@pass_app` (cli/context.py:
# app.inventory(), app.user, app.url), show their result with `app.out.result(data, human)`
# (cli/output.py: one JSON document with --json, else app.out.table / app.out.print;
# app.out.progress for long steps) and let the library's errors propagate (they are shown
# here). Then add one entry below; tests/cli/test_cli_startup.py checks that --help still
# imports nothing heavy.
COMMANDS: dict[str, tuple[str, str]] = {
    "init": ("cli.setup_cmds:init", "Create or upgrade the database (first admin, demo city)."),
    "user": ("cli.setup_cmds:user", "Users, their roles and scopes."),
    "serve": (
        "cli.setup_cmds:serve",
        "Serve the web admin until Ctrl-C: with waitress, or with gunicorn when --workers is more than 1.",
    ),
    "token": ("cli.token_cmds:token", "API tokens for the HTTP API (Authorization: Bearer TOKEN)."),
    "agency": ("cli.agency_cmds:agency", "Responsible agencies (责任单位) and their contacts."),
    "class": ("cli.class_cmds:class_group", "The supply-class tree; one agency holds each class."),
    "item": ("cli.class_cmds:item", "Items under the supply classes, counted in whole units."),
    "point": ("cli.point_cmds:point", "Storage points: depots, shelters, agreement reserves ..."),
    "region": (
        "cli.region_cmds:region",
        "Administrative divisions (行政区划): province, city, county, township, village.",
    ),
    "travel-time": ("cli.point_cmds:travel_time", "Known road travel times for arrival estimates."),
    "stock": ("cli.stock_cmds:stock", "Stock lots: receive, issue, count, move, list."),
    "ledger": ("cli.stock_cmds:ledger", "The ledger (台账): every movement of stock, oldest first."),
    "verify": ("cli.stock_cmds:verify", "Check every balance against the ledger."),
    "target": ("cli.stock_cmds:target", "Reserve targets per point or region."),
    "incident": ("cli.dispatch_cmds:incident", "Incidents (disasters) that dispatch requests answer."),
    "request": ("cli.dispatch_cmds:request", "Dispatch requests (调拨申请), from draft to receipt."),
    "plan": ("cli.dispatch_cmds:plan", "Allocate all approved requests together."),
    "contract": (
        "cli.contract_cmds:contract",
        "Agreement and capacity reserves held by contract (协议储备): sign, call up, deliver, renew.",
    ),
    "donor": (
        "cli.donation_cmds:donor",
        "Donors (捐赠人): people, companies and organisations; anonymous ones are shown as 匿名.",
    ),
    "donation": (
        "cli.donation_cmds:donation",
        "Donations of goods (社会捐赠): receive (triaged), pledge, letter, list.",
    ),
    "requisition": (
        "cli.requisition_cmds:requisition",
        "Goods requisitioned for an emergency (征用): record, give back, compensate (补偿).",
    ),
    "unit": (
        "cli.equipment_cmds:unit",
        "Equipment tracked by unit (装备): each unit with serial, asset number, condition and history.",
    ),
    "maintenance": (
        "cli.equipment_cmds:maintenance",
        "Maintenance of equipment: plans per item, the due list, service records.",
    ),
    "catalog": ("cli.catalog_cmds:catalog", "The standard catalog (统一应急物资储备目录) shipped with supplies."),
    "import": ("cli.io_cmds:import_group", "Import a CSV or XLSX file: supplies import KIND FILE."),
    "export": ("cli.io_cmds:export", "Export KIND to FILE (.csv or .xlsx); the import reads it back unchanged."),
    "report": (
        "cli.report_cmds:report",
        "Reports: the ledger (台账), stock, expiry and rotation, gaps against reserve targets, incidents.",
    ),
    "readiness": (
        "cli.readiness_cmds:readiness",
        "Readiness for N people within H hours, need by need (the 12-hour rule).",
    ),
    "household": (
        "cli.relief_cmds:household",
        "Households of an incident (受灾群众登记); ID numbers kept as keyed hashes, shown masked.",
    ),
    "entitlement": (
        "cli.relief_cmds:entitlement",
        "Distribution standards (发放标准): items per person or per household.",
    ),
    "distribute": (
        "cli.relief_cmds:distribute",
        "Give a household what it is due at a point (发放); exit 3 when nothing is due.",
    ),
    "return": (
        "cli.return_cmds:return_cmd",
        "Record lent equipment returned (回收): good, needs repair, or unusable.",
    ),
    "loan": ("cli.return_cmds:loan", "Reusable equipment out on loan to households and sites (借用)."),
    "backup": ("cli.backup_cmds:backup", "Write a consistent snapshot of the database to FILE (admins only)."),
    "restore": (
        "cli.backup_cmds:restore",
        "Restore a backup FILE into an empty database (--db); its schema is created if missing.",
    ),
}


class LazyGroup(click.Group):
    """A group whose subcommands are imported on first use (Click's "lazy loading" recipe)."""

    def __init__(self, *args: Any, lazy_subcommands: dict[str, tuple[str, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lazy_subcommands = lazy_subcommands or {}

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.lazy_subcommands})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.lazy_subcommands:
            target = self.lazy_subcommands[cmd_name][0]
            module_name, attribute = target.split(":", 1)
            command = getattr(importlib.import_module(module_name), attribute)
            if not isinstance(command, click.Command):
                raise TypeError(f"{target} is not a click command")
            return command
        return super().get_command(ctx, cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """Click's listing of the subcommands, but a lazy one's line comes from the registry.

        Importing every command module only to print one line each took a third of the time
        of `supplies --help`. A stand-in command carrying the registry's text lets Click shorten
        it to the width exactly as it shortens the real docstring.
        """
        commands: list[tuple[str, click.Command]] = []
        for name in self.list_commands(ctx):
            if name in self.lazy_subcommands:
                command: click.Command | None = click.Command(name, help=self.lazy_subcommands[name][1])
            else:
                command = super().get_command(ctx, name)
            if command is not None and not command.hidden:
                commands.append((name, command))
        if commands:
            limit = formatter.width - 6 - max(len(name) for name, _ in commands)  # as Click does
            with formatter.section("Commands"):
                formatter.write_dl([(name, command.get_short_help_str(limit)) for name, command in commands])

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except click.UsageError as exc:
            app = ctx.find_object(App)
            if app is not None and app.json_mode:  # scripts get their one JSON document here too
                param = getattr(exc, "param", None)
                app.out.error_document(
                    kind="UsageError",
                    field=getattr(param, "name", None),
                    reason=exc.format_message(),
                    exit_code=exc.exit_code,
                )
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
@click.option(
    "--db",
    "db",
    metavar="URL",
    envvar="SUPPLIES_DATABASE_URL",
    show_envvar=True,
    help="Database: any SQLAlchemy URL or a SQLite file path.  [default: ./supplies.db]",
)
@click.option(
    "--as",
    "user",
    metavar="USER",
    envvar="SUPPLIES_USER",
    show_envvar=True,
    help="Act as this user (it must exist).  [default: your login name]",
)
@click.option("--json", "json_mode", is_flag=True, help="Print one JSON document on stdout; messages go to stderr.")
@click.option("--debug", is_flag=True, help="Show the traceback of an error.")
@click.option(
    "--lang",
    type=click.Choice(["en", "zh"]),
    envvar="SUPPLIES_LANG",
    show_envvar=True,
    help="Language of messages.  [default: from LC_ALL / LANG]",
)
@click.version_option(package_name="emergency-supplies", prog_name="supplies")
@click.pass_context
def cli(ctx: click.Context, db: str | None, user: str | None, json_mode: bool, debug: bool, lang: str | None) -> None:
    """Emergency-supply inventory (应急物资储备): stock, dispatch requests and allocation.

    \b
    Start with:   supplies init --demo
    Then:         supplies stock list --point HS-CK01
    Exit codes:   0 done, 2 bad input, 3 refused by a rule
                  (permission, one agency per class, not enough stock,
                  wrong request state), 1 anything else.
    """
    from supplies.i18n import language_from_environment, set_language

    set_language(lang or language_from_environment())
    app = App(db=db, user_option=user, json_mode=json_mode, debug=debug)
    ctx.obj = app
    ctx.call_on_close(app.close)


def main(argv: list[str] | None = None) -> None:
    """Entry point of the console script."""
    cli.main(args=argv, prog_name="supplies")


if __name__ == "__main__":
    main(sys.argv[1:])
