"""Where the web admin's secret key comes from, proxies, and refusing a database without a schema."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

import supplies
from webadmin import create_app
from webadmin.settings import secret_key

from .helpers import PASSWORDS, make_app


def test_the_key_comes_from_the_environment_first(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("SUPPLIES_SECRET_KEY", "from-the-environment")
    assert secret_key(f"sqlite:///{tmp_path / 'county.db'}") == "from-the-environment"
    assert not (tmp_path / "county.db.secret").exists()


def test_a_sqlite_database_keeps_its_key_beside_it(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("SUPPLIES_SECRET_KEY", raising=False)
    url = f"sqlite:///{tmp_path / 'county.db'}"
    first = secret_key(url)
    kept = tmp_path / "county.db.secret"
    assert len(first) == 64 and kept.read_text().strip() == first
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600  # readable by its owner only
    assert secret_key(url) == first  # the same key after a restart: sessions survive


def test_other_databases_get_a_key_per_process(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SUPPLIES_SECRET_KEY", raising=False)
    url = "postgresql+psycopg://user@db.example/supplies"
    assert secret_key(url) != secret_key(url)
    assert secret_key("sqlite://") != secret_key("sqlite://")


def test_sessions_survive_a_restart_with_the_kept_key(
    monkeypatch: pytest.MonkeyPatch, town: supplies.Inventory
) -> None:
    monkeypatch.delenv("SUPPLIES_SECRET_KEY", raising=False)
    url = town.engine.url.render_as_string(hide_password=False)
    if not url.startswith("sqlite"):
        pytest.skip("the key file is kept beside SQLite databases only")
    first = create_app(url, WTF_CSRF_ENABLED=False)
    client = first.test_client()
    client.post("/login", data={"name": "viewer", "password": PASSWORDS["viewer"]})
    cookie = client.get_cookie("supplies_session")
    first.extensions["supplies"].close()
    second = create_app(url, WTF_CSRF_ENABLED=False)
    try:
        again = second.test_client()
        again.set_cookie("supplies_session", cookie.value)
        assert again.get("/").status_code == 200
    finally:
        second.extensions["supplies"].close()
        os.remove(Path(town.engine.url.database + ".secret"))


def test_behind_a_proxy_the_throttle_sees_the_client_address(town: supplies.Inventory) -> None:
    app = make_app(town, BEHIND_PROXY=True, LOGIN_MAX_FAILURES=2)
    try:
        client = app.test_client()
        for _ in range(2):
            client.post(
                "/login", data={"name": "viewer", "password": "guess"}, headers={"X-Forwarded-For": "203.0.113.7"}
            )
        locked = client.post(
            "/login",
            data={"name": "viewer", "password": PASSWORDS["viewer"]},
            headers={"X-Forwarded-For": "203.0.113.7"},
        )
        assert locked.status_code == 429
        other = client.post(
            "/login",
            data={"name": "viewer", "password": PASSWORDS["viewer"]},
            headers={"X-Forwarded-For": "198.51.100.9"},
        )
        assert other.status_code == 302
    finally:
        app.extensions["supplies"].close()


def test_a_database_without_the_schema_is_refused(tmp_path: Path) -> None:
    with pytest.raises(supplies.DatabaseNotReady, match="supplies init"):
        create_app(f"sqlite:///{tmp_path / 'empty.db'}", SECRET_KEY="x")
