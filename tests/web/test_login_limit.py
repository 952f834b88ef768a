"""The log-in limit lives in the database: several web processes on one database share it."""

from __future__ import annotations

import supplies

from .helpers import PASSWORDS, login, make_app, text


def test_two_web_processes_on_one_database_share_the_log_in_limit(town: supplies.Inventory) -> None:
    # Two apps, as two `supplies serve` processes behind a proxy: each its own engine and memory.
    first, second = make_app(town, LOGIN_MAX_FAILURES=4), make_app(town, LOGIN_MAX_FAILURES=4)
    try:
        one, other = first.test_client(), second.test_client()
        for client in (one, other, one, other):  # the proxy spreads the guesses over both
            assert client.post("/login", data={"name": "keeper", "password": "guess"}).status_code == 401
        for client in (one, other):
            locked = client.post("/login", data={"name": "keeper", "password": PASSWORDS["keeper"]})
            assert locked.status_code == 429
            assert "Too many failed log-ins" in text(locked)
        # A third process started now sees the lock too: a restart forgets nothing.
        third = make_app(town, LOGIN_MAX_FAILURES=4)
        try:
            locked = third.test_client().post("/login", data={"name": "KEEPER", "password": PASSWORDS["keeper"]})
            assert locked.status_code == 429
        finally:
            third.extensions["supplies"].close()
        login(other, "viewer")  # another name is not locked
    finally:
        first.extensions["supplies"].close()
        second.extensions["supplies"].close()


def test_a_success_in_one_process_clears_the_count_for_the_other(town: supplies.Inventory) -> None:
    first, second = make_app(town, LOGIN_MAX_FAILURES=3), make_app(town, LOGIN_MAX_FAILURES=3)
    try:
        for app in (first, second):
            assert app.test_client().post("/login", data={"name": "keeper", "password": "guess"}).status_code == 401
        login(second.test_client(), "keeper")  # the count starts again, in both
        for app in (first, second):
            assert app.test_client().post("/login", data={"name": "keeper", "password": "guess"}).status_code == 401
        login(first.test_client(), "keeper")  # two failures since the success: below the limit of three
    finally:
        first.extensions["supplies"].close()
        second.extensions["supplies"].close()
