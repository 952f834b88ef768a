"""API tokens: made for a user and shown once, kept only as a digest, listed without the secret, revoked, expired."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

import supplies
from supplies.services.users.tokens import digest_of
from tests.cli.cli_harness import Cli
from tests.web.helpers import url_of


def test_a_token_acts_as_its_user_until_revoked(town: supplies.Inventory) -> None:
    keeper = town.as_user("keeper")
    made = keeper.tokens.create(expires_days=30, label="mirror")
    assert made.token.startswith("sup_") and len(made.token) > 40
    assert town.tokens.authenticate(made.token).user == "keeper"
    listed = keeper.tokens.list()
    assert [(t.id, t.user, t.label, t.active) for t in listed] == [(made.id, "keeper", "mirror", True)]
    assert listed[0].last_used_at is not None  # the check just above used it
    assert made.token not in repr(listed) and made.token.startswith(listed[0].prefix)
    keeper.tokens.revoke(made.id)
    assert town.tokens.authenticate(made.token) is None
    assert not keeper.tokens.list()[0].active


def test_only_the_digest_is_stored(town: supplies.Inventory) -> None:
    made = town.tokens.create()
    with town.engine.connect() as conn:
        stored = conn.execute(text("SELECT digest, prefix FROM api_token")).all()
    assert stored == [(digest_of(made.token), made.token[:8])]
    assert all(made.token not in "".join(row) for row in stored)


def test_an_expired_token_or_a_deactivated_user_no_longer_authenticates(town: supplies.Inventory) -> None:
    made = town.tokens.create(user="viewer", expires_days=1)
    assert town.tokens.authenticate(made.token) is not None
    with town.engine.begin() as conn:
        conn.execute(text("UPDATE api_token SET expires_at = :t"), {"t": datetime.now(UTC) - timedelta(seconds=1)})
    assert town.tokens.authenticate(made.token) is None
    other = town.tokens.create(user="viewer")
    town.users.deactivate("viewer")
    assert town.tokens.authenticate(other.token) is None
    assert town.tokens.authenticate("sup_" + "x" * 43) is None
    assert town.tokens.authenticate("not-a-token") is None


def test_only_an_admin_makes_or_revokes_another_users_token(town: supplies.Inventory) -> None:
    with pytest.raises(supplies.PermissionDenied):
        town.as_user("dispatch").tokens.create(user="keeper")
    theirs = town.tokens.create(user="keeper")  # the admin, for keeper
    assert [t.user for t in town.as_user("keeper").tokens.list()] == ["keeper"]
    with pytest.raises(supplies.NotFound):
        town.as_user("viewer").tokens.revoke(theirs.id)  # another user's token is not even there for a viewer
    assert town.tokens.revoke(theirs.id).revoked_at is not None
    assert {t.user for t in town.tokens.list()} == {"keeper"}


def test_bad_expiry_is_refused_with_its_field(town: supplies.Inventory) -> None:
    for bad in (0, -1, 100_000, "ten"):
        with pytest.raises(supplies.InvalidInput) as err:
            town.tokens.create(expires_days=bad)  # type: ignore[arg-type]
        assert err.value.field == "expires_days"


def test_the_command_line_shows_the_token_once_lists_and_revokes(town: supplies.Inventory) -> None:
    cli = Cli(url_of(town))
    made = cli("token", "create", "--user", "keeper", "--expires-days", "7", "--json").json
    assert set(made) >= {"id", "token"} and made["token"].startswith("sup_")
    assert town.tokens.authenticate(made["token"]).user == "keeper"
    plain = cli("token", "create")
    assert plain.out.strip().startswith("sup_") and "shown only this once" in plain.err
    listed = cli("--json", "token", "list").json
    assert {r["id"] for r in listed} == {made["id"], made["id"] + 1}
    assert made["token"] not in cli("token", "list").out
    assert "revoked" in cli("token", "revoke", str(made["id"])).out
    assert town.tokens.authenticate(made["token"]) is None
    missing = cli("token", "revoke", "999", expect=None)
    assert missing.code in (2, 3) and "id" in missing.err and "Traceback" not in missing.err
    refused = cli("token", "create", "--user", "admin", user="keeper", expect=None)
    assert refused.code == 3 and "Traceback" not in refused.err
