"""Setting up: `supplies init` (schema, first admin, demo city), `supplies user ...` and `supplies serve`."""

from __future__ import annotations

import os
import secrets
import sys
from typing import Any

import click

from .complete import AGENCY, POINT
from .context import App, pass_app
from .vocab import ROLES


@click.command()
@click.option(
    "--demo",
    is_flag=True,
    help="Load the demo city (黔南州: 惠水县 and two more counties) if the database holds no data.",
)
@pass_app
def init(app: App, demo: bool) -> None:
    """Create or upgrade the database (first admin, demo city).

    On a database without users, the acting user becomes its admin.

    Upgrading runs the schema migrations and keeps every record. The first admin's web
    password is SUPPLIES_ADMIN_PASSWORD, or one generated and printed once.
    """
    inv = app.inventory(must_exist=False)
    _make_sqlite_folder(app)
    before = _schema_revision(inv)
    with app.out.progress("upgrading the schema", None):
        after = inv.upgrade()
    schema = "created" if before is None else "up to date" if before == after else "upgraded"
    password = os.environ.get("SUPPLIES_ADMIN_PASSWORD") or None
    made = inv.users.bootstrap_admin(app.user, password)
    admin = None if made is None else {"name": made[0].name, "password": None if password else made[1]}

    demo_doc: dict[str, Any] | None = None
    if demo:
        from supplies import demo as demo_county

        with app.out.progress("loading the demo city", None) as update:
            result = demo_county.load(inv.as_user(app.user), progress=lambda done, total: update(done, total))
        demo_doc = {
            "loaded": result.loaded,
            "reason": result.reason,
            "created": result.created,
            "users": [
                {"name": u.name, "role": u.role, "scope": u.scope, "who": u.who, "password": u.password}
                for u in result.users
            ],
        }

    def human() -> None:
        out = app.out
        out.print(f"database {inv.url}: schema {schema} (revision {after})")
        if admin:
            out.print(f"{admin['name']} is now an admin of this database.")
            if admin["password"]:
                out.print(f"web password for {admin['name']}: {admin['password']}")
                out.note("the password is shown only this once: note it now (change it with `supplies user passwd`)")
        if demo_doc is not None:
            if not demo_doc["loaded"]:
                out.print(demo_doc["reason"])
                return
            created = ", ".join(f"{n} {k}" for k, n in demo_doc["created"].items())
            out.print(f"demo city 黔南州 (惠水县, 长顺县, 罗甸县) loaded: {created}")
            if demo_doc["users"]:
                out.table(
                    ["user", "role", "scope", "who", "web password (shown once)"],
                    [(u["name"], u["role"], u["scope"], u["who"], u["password"]) for u in demo_doc["users"]],
                )
                out.print("try: supplies --as zhangwei stock list --point HS-CK01")
                out.print("     supplies --as wuguodong stock rollup   # the city: each county side by side")

    app.out.result({"database": inv.url, "schema": schema, "revision": after, "admin": admin, "demo": demo_doc}, human)


def _schema_revision(inv: Any) -> str | None:
    from sqlalchemy import inspect, text

    if not inspect(inv.engine).has_table("alembic_version"):
        return None
    with inv.engine.connect() as conn:
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def _make_sqlite_folder(app: App) -> None:
    from .context import _sqlite_path

    path = _sqlite_path(app.url)
    if path is not None and not path.parent.exists():
        path.parent.mkdir(parents=True)


# -- users ----------------------------------------------------------------------------------------


@click.group()
def user() -> None:
    """Users, their roles and scopes."""


def _password_from(stdin_flag: bool) -> tuple[str, bool]:
    """The password read from stdin, or a generated one; and whether it was generated."""
    if stdin_flag:
        line = sys.stdin.readline().rstrip("\r\n")
        return line, False
    return secrets.token_urlsafe(12), True


@user.command("add")
@click.argument("name")
@click.option("--role", required=True, type=click.Choice(ROLES), help="What the user may do.")
@click.option(
    "--point",
    "points",
    multiple=True,
    metavar="CODE",
    shell_complete=POINT,
    help="A storage point of a warehouse user (repeat for several).",
)
@click.option("--agency", metavar="CODE", shell_complete=AGENCY, help="The agency of an agency officer.")
@click.option(
    "--region",
    metavar="CODE",
    help="The user's region: an admin, dispatcher or viewer acts on its jurisdiction and all below it.",
)
@click.option("--password-stdin", is_flag=True, help="Read the web password from stdin.")
@click.option("--no-password", is_flag=True, help="No web password (command-line use only).")
@pass_app
def user_add(
    app: App,
    name: str,
    role: str,
    points: tuple[str, ...],
    agency: str | None,
    region: str | None,
    password_stdin: bool,
    no_password: bool,
) -> None:
    """Add user NAME with a role; by default a web password is generated and printed once.

    A user added with --no-password works through this command and the library only (a web
    password can be set later with `supplies user passwd`).

    \b
    supplies user add lina --role warehouse --point HS-CK01
    supplies user add weizm --role agency_officer --agency HSSW
    supplies user add nightly-report --role viewer --no-password
    supplies user add qn-disp --role dispatcher --region 522700
    """
    if no_password and password_stdin:
        raise click.UsageError("--no-password and --password-stdin exclude each other")
    password, generated = (None, False) if no_password else _password_from(password_stdin)
    if password_stdin and not (password or "").strip():
        from supplies.errors import InvalidInput

        raise InvalidInput(
            "the password read from stdin is empty: give one of 8 to 200 characters, "
            "or add the user with --no-password (command line only)",
            "password",
        )
    created = app.inventory().users.add(
        name, role=role, points=list(points), agency=agency, password=password, web_login=not no_password, region=region
    )
    info = app.inventory().users.get(created.name)
    doc = {
        "name": info.name,
        "role": info.role,
        "agency": info.agency,
        "points": list(info.points),
        "jurisdiction": info.jurisdiction,
        "password": password if generated else None,
    }

    def human() -> None:
        app.out.print(f"added {info.name} ({info.role})")
        if generated:
            app.out.print(f"web password for {info.name}: {password}")
            app.out.note("the password is shown only this once: note it now")

    app.out.result(doc, human)


@user.command("list")
@pass_app
def user_list(app: App) -> None:
    """List users with their roles and scopes."""
    users = app.inventory().users.list()
    app.out.result(
        users,
        lambda: app.out.table(
            ["name", "role", "jurisdiction", "agency", "points", "active", "web log-in"],
            [
                (
                    u.name,
                    u.role,
                    u.jurisdiction,
                    u.agency,
                    u.points,
                    "yes" if u.active else "no (deactivated)",
                    "yes" if u.web_login else "no",
                )
                for u in users
            ],
        ),
    )


@user.command("passwd")
@click.argument("name")
@click.option("--password-stdin", is_flag=True, help="Read the new password from stdin.")
@pass_app
def user_passwd(app: App, name: str, password_stdin: bool) -> None:
    """Set the web password of NAME (yours, or anyone's as an admin); else generate one."""
    password, generated = _password_from(password_stdin)
    app.inventory().users.set_password(name, password)
    app.out.result(
        {"name": name, "password": password if generated else None},
        f"new web password for {name}: {password}" if generated else f"password of {name} changed",
    )


@user.command("deactivate")
@click.argument("name")
@pass_app
def user_deactivate(app: App, name: str) -> None:
    """Stop NAME from acting or logging in (the ledger keeps its name; `user activate` undoes it)."""
    app.inventory().users.deactivate(name)
    app.out.result({"name": name, "active": False}, f"{name} deactivated")


@user.command("activate")
@click.argument("name")
@pass_app
def user_activate(app: App, name: str) -> None:
    """Let a deactivated NAME act and log in again (role, scope and password as before)."""
    info = app.inventory().users.activate(name)
    app.out.result({"name": info.name, "active": True}, f"{info.name} reactivated ({info.role})")


# -- web admin ------------------------------------------------------------------------------------


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65535), help="Port.")
@click.option(
    "--threads",
    default=8,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Worker threads of each process (concurrent requests).",
)
@click.option(
    "--workers",
    default=1,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Processes (one per core): more than 1 runs gunicorn's pre-forked workers (Linux, macOS).",
)
@pass_app
def serve(app: App, host: str, port: int, threads: int, workers: int) -> None:
    """Serve the web admin until Ctrl-C: with waitress, or with gunicorn when --workers is more than 1."""
    from supplies.errors import SuppliesError

    shown = app.inventory().url  # a missing database is reported here instead of being created empty
    try:
        from webadmin import create_app  # Flask is imported here, and only here
        from webadmin.serving import gunicorn_available, run_gunicorn, run_waitress
    except ImportError as exc:
        raise SuppliesError(f"the web admin is not available: {exc}", "serve") from None
    if workers > 1 and not gunicorn_available():
        app.out.note("several processes need gunicorn (Linux, macOS), which is not here: serving with one process")
        workers = 1
    if workers > 1:
        # The workers open their own connections after the fork; this process keeps none.
        create_app(database_url=app.url).extensions["supplies"].close()  # the schema is checked once, here
        app.close()
        app.out.note(f"web admin of {shown} on http://{host}:{port}/  ({workers} processes; Ctrl-C to stop)")
        run_gunicorn(app.url, host, port, threads, workers)
        app.out.note("stopped")
        return
    web = create_app(database_url=app.url)
    app.out.note(f"web admin of {shown} on http://{host}:{port}/  (Ctrl-C to stop)")
    try:
        run_waitress(web, host, port, threads)
    except KeyboardInterrupt:  # Ctrl-C is how a server is meant to stop
        app.out.note("stopped")
