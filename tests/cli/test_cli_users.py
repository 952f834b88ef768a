"""`supplies user ...`: reactivating a user, and no user added without a way to log in unless asked."""

from __future__ import annotations

from cli_harness import Cli

import supplies


def test_a_deactivated_user_is_reactivated(county_cli: Cli, county: supplies.Inventory) -> None:
    county_cli("user", "deactivate", "keeper")
    listed = county_cli("user", "list").out
    assert "no (deactivated)" in listed
    again = county_cli("user", "add", "keeper", "--role", "viewer", expect=2)
    assert "deactivated" in again.err and "supplies user activate keeper" in again.err
    done = county_cli("--json", "user", "activate", "keeper").json
    assert done == {"name": "keeper", "active": True}
    assert county.users.get("keeper").active
    assert county.users.authenticate("keeper", "keeper-pass-1") is not None
    assert county_cli("user", "activate", "ghost", expect=2).err.startswith("error: name: no user named")
    assert "activate" in county_cli("user", "--help").out


def test_an_empty_password_is_refused_and_no_password_is_a_choice(county_cli: Cli, county: supplies.Inventory) -> None:
    empty = county_cli("user", "add", "wang", "--role", "viewer", "--password-stdin", stdin="\n", expect=2)
    assert "password" in empty.err and "--no-password" in empty.err
    assert "wang" not in {u.name for u in county.users.list()}
    added = county_cli("--json", "user", "add", "nightly", "--role", "viewer", "--no-password").json
    assert added["password"] is None
    assert county.users.get("nightly").web_login is False
    assert "nightly" in county_cli("--as", "nightly", "user", "list", user=False).out  # acts on the command line
    generated = county_cli("--json", "user", "add", "li", "--role", "viewer").json
    assert len(generated["password"]) >= 12
    assert county.users.authenticate("li", generated["password"]) is not None
    both = county_cli(
        "user", "add", "zhao", "--role", "viewer", "--no-password", "--password-stdin", stdin="zhao-pass-1\n", expect=2
    )
    assert "exclude each other" in both.err
