"""The web admin's settings: safe defaults, SUPPLIES_* environment variables, and the secret key."""

from __future__ import annotations

import logging
import os
import secrets
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url

log = logging.getLogger(__name__)

_TRUE = {"1", "true", "yes", "on"}


def _env_flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    return default if value is None else value.strip().lower() in _TRUE


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    try:
        return int(value) if value else default
    except ValueError:
        log.warning("%s=%r is not a whole number; using %s", name, value, default)
        return default


def defaults(database_url: str, key: str | None = None) -> dict[str, Any]:
    """The configuration every app starts from (arguments to ``create_app`` override it)."""
    return {
        "SECRET_KEY": key or secret_key(database_url),
        # The session cookie: unreadable to scripts, not sent on cross-site posts, and
        # HTTPS-only when SUPPLIES_SECURE_COOKIES is set (always, behind HTTPS).
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": _env_flag("SUPPLIES_SECURE_COOKIES"),
        "SESSION_COOKIE_NAME": "supplies_session",
        # A session lasts a working shift of inactivity; every request renews it.
        "PERMANENT_SESSION_LIFETIME": timedelta(hours=_env_int("SUPPLIES_SESSION_HOURS", 8)),
        "SESSION_REFRESH_EACH_REQUEST": True,
        # CSRF tokens live as long as the session that holds them.
        "WTF_CSRF_TIME_LIMIT": None,
        "WTF_CSRF_SSL_STRICT": True,
        # Log-in attempts: this many failures for one name from one address lock it out for a while.
        "LOGIN_MAX_FAILURES": _env_int("SUPPLIES_LOGIN_MAX_FAILURES", 5),
        "LOGIN_LOCKOUT": timedelta(minutes=_env_int("SUPPLIES_LOGIN_LOCKOUT_MINUTES", 15)),
        # Behind a reverse proxy that terminates HTTPS, trust one hop of X-Forwarded-* headers.
        "BEHIND_PROXY": _env_flag("SUPPLIES_BEHIND_PROXY"),
        "BABEL_DEFAULT_LOCALE": "en",
        "BABEL_DEFAULT_TIMEZONE": os.environ.get("SUPPLIES_TIMEZONE", "Asia/Shanghai"),
        "MAX_CONTENT_LENGTH": 2 * 1024 * 1024,
        # The map's base layers: URL templates ({z}/{x}/{y}, {s}), none by default (the map then
        # draws the places alone, offline); their attribution and the letters {s} stands for.
        "MAP_TILES": os.environ.get("SUPPLIES_MAP_TILES", "").split(),
        "MAP_ATTRIBUTION": os.environ.get("SUPPLIES_MAP_ATTRIBUTION", ""),
        "MAP_SUBDOMAINS": os.environ.get("SUPPLIES_MAP_SUBDOMAINS", "abc"),
        # How long a process keeps the filters' option lists and the jurisdiction bar (webadmin.lookups).
        "LOOKUP_SECONDS": _env_int("SUPPLIES_LOOKUP_SECONDS", 30),
        # How long a process shows the same dashboard figures to users of one scope (webadmin.dashboard).
        "DASHBOARD_SECONDS": _env_int("SUPPLIES_DASHBOARD_SECONDS", 5),
    }


def secret_key(database_url: str) -> str:
    """The key that signs session cookies and CSRF tokens.

    ``SUPPLIES_SECRET_KEY`` when set (required when several processes serve one database).
    Otherwise, for a SQLite file, a random key kept in ``<database>.secret`` beside it (made
    on first start, readable by its owner only), so sessions survive restarts. For any other
    database a random key per process: everyone logs in again after a restart.
    """
    from_env = os.environ.get("SUPPLIES_SECRET_KEY")
    if from_env:
        return from_env
    path = _key_file(database_url)
    if path is None:
        log.warning("SUPPLIES_SECRET_KEY is not set: using a key for this process only")
        return secrets.token_hex(32)
    try:
        return path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        pass
    key = secrets.token_hex(32)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it first: use theirs
        return path.read_text(encoding="ascii").strip()
    except OSError as exc:
        log.warning("cannot keep the secret key in %s (%s): using a key for this process only", path, exc)
        return key
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(key + "\n")
    return key


def _key_file(database_url: str) -> Path | None:
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    if url.database.startswith("file:"):
        return None
    return Path(url.database).resolve().with_name(Path(url.database).name + ".secret")
