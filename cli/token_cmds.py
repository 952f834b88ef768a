"""`supplies token ...`: API tokens for the HTTP API (created and shown once, listed, revoked)."""

from __future__ import annotations

import click

from .context import App, pass_app
from .output import local


@click.group("token")
def token() -> None:
    """API tokens for the HTTP API (Authorization: Bearer TOKEN)."""


@token.command("create")
@click.option("--user", "user", metavar="NAME", help="Whose token (admins, for a user of their jurisdiction).")
@click.option("--expires-days", type=int, metavar="N", help="Stop working after N days (default: until revoked).")
@click.option("--label", metavar="TEXT", help="What the token is for (shown in the list).")
@click.option("--json", "as_json", is_flag=True, help='Print {"id": ..., "token": ...} only.')
@pass_app
def token_create(app: App, user: str | None, expires_days: int | None, label: str | None, as_json: bool) -> None:
    """Create a token and print it once: it is kept only as a digest and cannot be shown again.

    \b
    supplies token create --expires-days 90
    curl -H "Authorization: Bearer $TOKEN" http://127.0.0.1:5000/api/v1/lots
    """
    made = app.inventory().tokens.create(user=user, expires_days=expires_days, label=label)
    if as_json:
        app.out.json_mode = True
    expires = made.expires_at.isoformat() if made.expires_at else None
    app.out.result(
        {"id": made.id, "token": made.token, "user": made.user, "expires_at": expires},
        made.token,
    )
    if not app.out.json_mode:
        until = f"until {local(made.expires_at)}" if made.expires_at else "until revoked"
        app.out.note(f"token {made.id} for {made.user}, valid {until}; it is shown only this once")


@token.command("list")
@pass_app
def token_list(app: App) -> None:
    """List your tokens (admins: those of their jurisdiction's users), never their secrets."""
    rows = app.inventory().tokens.list()
    app.out.result(
        [{**vars_of(r), "active": r.active} for r in rows],
        lambda: app.out.table(
            ["id", "user", "starts", "label", "created", "expires", "last used", "state"],
            [
                (
                    r.id,
                    r.user,
                    r.prefix + "…",
                    r.label,
                    _when(r.created_at),
                    _when(r.expires_at),
                    _when(r.last_used_at),
                    "revoked" if r.revoked_at else ("active" if r.active else "expired"),
                )
                for r in rows
            ],
            empty="no tokens yet: supplies token create",
        ),
    )


@token.command("revoke")
@click.argument("id", type=int)
@pass_app
def token_revoke(app: App, id: int) -> None:
    """Revoke token ID: it stops working at once."""
    row = app.inventory().tokens.revoke(id)
    app.out.result({"id": row.id, "user": row.user, "revoked": True}, f"token {row.id} of {row.user} revoked")


def vars_of(row: object) -> dict[str, object]:
    import dataclasses

    return {f.name: getattr(row, f.name) for f in dataclasses.fields(row)}  # type: ignore[arg-type]


def _when(moment: object) -> str:
    from datetime import datetime

    return local(moment) if isinstance(moment, datetime) else ""
