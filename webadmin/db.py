"""The database session of a web request: one SQLModel Session, opened on first use, read-only, closed at teardown."""

from __future__ import annotations

from typing import Any

from flask import g
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import Session

_KEY = "_supplies_session"


class ReadOnlySessionError(RuntimeError):
    """Raised when a view tries to write through the request session instead of a core service."""


def _refuse_flush(session: Session, *_: Any) -> None:
    if session.new or session.dirty or session.deleted:
        raise ReadOnlySessionError("the web's request session only reads; every change goes through a supplies service")


class RequestSession:
    """The current request's :class:`sqlmodel.Session`, proxied.

    Flask-Admin's views are built once but query on every request; they are given this proxy,
    which hands them the session of the request in progress (``.exec`` included, which a
    ``scoped_session`` would not proxy). The session only reads: writes go through the core
    services (``inv.as_user(...)``), which run their own unit of work, so permissions,
    validation and the ledger live in one place.
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @property
    def session(self) -> RequestSession:
        # Flask-Admin 2 takes a "db" object with a ``.session``; the proxy is its own session.
        return self

    def __call__(self) -> Session:
        session = g.get(_KEY)
        if session is None:
            session = Session(self.engine, autoflush=False, expire_on_commit=False)
            event.listen(session, "before_flush", _refuse_flush)
            setattr(g, _KEY, session)
        return session

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):  # introspection (hasattr(view.session, "_action")) is not a query
            raise AttributeError(name)
        return getattr(self(), name)

    def remove(self, _exc: BaseException | None = None) -> None:
        """Close the request's session (rolling back its read transaction); for teardown."""
        session = g.pop(_KEY, None)
        if session is not None:
            session.close()
