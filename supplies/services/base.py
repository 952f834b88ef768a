"""What every service shares: its inventory, the unit of work, the acting user and code look-ups."""

from __future__ import annotations

import functools
import random
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any, ClassVar, ParamSpec, Protocol, TypeVar

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, SQLModel, select

from ..db import unit_of_work
from ..errors import ConcurrencyConflict, InvalidInput, NotFound, RuleViolation
from ..i18n import t
from ..limits import bad_character
from ..permissions import Actor, load_actor, narrowed

if TYPE_CHECKING:
    from ..allocation.arrival import ArrivalModel
    from ..inventory import Inventory

M = TypeVar("M", bound=SQLModel)


class Coded(Protocol):
    """A table model whose rows have a unique ``code`` (agency, class, item, point ...)."""

    __tablename__: ClassVar[str]
    code: str


C = TypeVar("C", bound=Coded)


# A writer that loses a race with another one (a deadlock or a serialization failure on
# PostgreSQL, a busy SQLite file past its timeout) is rolled back whole; it is then tried again,
# a bounded number of times, after a short random pause that grows with each attempt.
MAX_ATTEMPTS = 5
T = TypeVar("T")
P = ParamSpec("P")


# A unit of work that the services of one inventory join instead of opening their own (see
# :meth:`Service._shared_work`): (inventory, session, actor) while it is open, else None.
_SHARED: ContextVar[tuple[Any, Session, Actor] | None] = ContextVar("supplies_shared_work", default=None)


def retrying(fn: Callable[[], T]) -> T:
    """Run a unit of work again when it lost a race with another writer (deadlock, lock timeout).

    Inside a shared unit of work the call is not retried alone: the whole shared unit fails.
    """
    if _SHARED.get() is not None:
        return fn()
    for attempt in range(1, MAX_ATTEMPTS + 1):
        try:
            return fn()
        except ConcurrencyConflict:
            if attempt == MAX_ATTEMPTS:
                raise
            time.sleep(random.uniform(0.01, 0.05) * 2**attempt)
    raise AssertionError("unreachable")


def retried(method: Callable[P, T]) -> Callable[P, T]:
    """A write service method, run again (whole, in a new transaction) when it lost a race."""

    @functools.wraps(method)
    def run(*args: P.args, **kwargs: P.kwargs) -> T:
        return retrying(lambda: method(*args, **kwargs))

    return run


class Service:
    """Base of the service namespaces hung on :class:`~supplies.Inventory` (``inv.stock`` ...)."""

    def __init__(self, inventory: Inventory) -> None:
        self._inv = inventory

    @contextmanager
    def _work(self, *, write: bool = True, lag_ok: bool = False) -> Iterator[tuple[Session, Actor]]:
        """A unit of work with the acting user loaded and checked to exist (or the shared one this
        inventory's caller opened with :meth:`_shared_work`, which the call then joins).

        ``lag_ok=True`` (read-only units only) runs it on the inventory's ``read_engine``, a hot
        standby when one is configured: for reads that may be seconds behind (reports, readiness,
        exports, lists). Inside a shared (write) unit the read joins it on the primary.
        """
        shared = _SHARED.get()
        if shared is not None and shared[0] is self._inv:
            _, session, actor = shared
            try:
                yield session, actor
                session.flush()
            except IntegrityError as exc:
                raise integrity_to_error(exc) from None
            return
        if lag_ok and write:
            raise ValueError("a write unit of work runs on the primary")
        engine = self._inv.read_engine if lag_ok else self._inv.engine
        with unit_of_work(engine, write=write) as session:
            actor = narrowed(load_actor(session, self._inv.user), session, self._inv.jurisdiction)
            try:
                yield session, actor
                session.flush()
            except IntegrityError as exc:
                raise integrity_to_error(exc) from None

    @contextmanager
    def _shared_work(self) -> Iterator[tuple[Session, Actor]]:
        """One write unit of work that every service of this inventory joins while it is open.

        An import runs the services row by row inside it (each call in a savepoint), so their rules,
        permissions and ledger lines apply, and commits once, or rolls back all of it.
        """
        with self._work() as (session, actor):
            token = _SHARED.set((self._inv, session, actor))
            try:
                yield session, actor
            finally:
                _SHARED.reset(token)


class ArrivalAwareService(Service):
    """A service whose answers depend on the arrival estimate (allocation, readiness).

    ``arrival`` defaults to the ``SUPPLIES_ROAD_*`` / ``SUPPLIES_HANDLING_HOURS`` environment,
    else the built-in defaults, read when it is used.
    """

    def __init__(self, inventory: Inventory, arrival: ArrivalModel | None = None) -> None:
        super().__init__(inventory)
        self._arrival = arrival

    @property
    def arrival(self) -> ArrivalModel:
        from ..allocation.arrival import arrival_from_env

        return self._arrival or arrival_from_env()


def by_code(session: Session, model: type[C], code: str | None, field: str) -> C:
    """The row of ``model`` whose ``code`` is given, or :class:`NotFound` naming ``field``."""
    if code is None:
        raise InvalidInput(t("is required"), field)
    what = _table_words(model)
    if not isinstance(code, str):
        raise InvalidInput(
            t("must be the code of a {what} (text), not {name}", what=what, name=type(code).__name__), field
        )
    if len(code) > 40 or bad_character(code):
        raise NotFound(
            t("no {what} with code {code!r}", what=what, code=code[:40] + ("..." if len(code) > 40 else "")), field
        )
    row = session.exec(select(model).where(model.code == code)).one_or_none()
    if row is None:
        hint = session.exec(select(model.code).where(func.lower(model.code) == code.lower())).first()
        if hint:
            raise NotFound(
                t("no {what} with code {code!r} (did you mean {hint}?)", what=what, code=code, hint=hint), field
            )
        raise NotFound(t("no {what} with code {code!r}", what=what, code=code), field)
    return row


def get_or_404(session: Session, model: type[M], id_: Any, field: str) -> M:
    row = session.get(model, id_)
    if row is None:
        raise NotFound(t("no {replace} with id {id!r}", replace=_table_words(model), id=id_), field)
    return row


def _table_words(model: type[SQLModel] | type[Coded]) -> str:
    """``storage point`` for the ``storage_point`` table (every table model names its table)."""
    return str(model.__tablename__).replace("_", " ")


def integrity_to_error(exc: IntegrityError) -> Exception:
    """Turn a constraint failure into the error a user understands."""
    text = str(exc.orig).lower()
    if "unique" in text or "duplicate" in text:
        return InvalidInput(t("already exists"), _field_from(text) or "code")
    if "fk_stock_lot_class_agency" in text or ("foreign key" in text and "agency" in text):
        return RuleViolation(t("the one-agency rule refuses this: stock must belong to the class's agency"), "agency")
    if "check" in text:
        return RuleViolation(t("refused by a database rule ({constraint})", constraint=_constraint(text)))
    if "foreign key" in text:
        return RuleViolation(t("it is still referenced by other records"), None)
    return RuleViolation(t("refused by the database: {detail}", detail=text.splitlines()[0]))


def _field_from(text: str) -> str | None:
    for name in ("code", "name", "batch"):
        if f".{name}" in text or f"_{name}" in text or f"({name}" in text:
            return name
    return None


def _constraint(text: str) -> str:
    for token in text.replace('"', " ").split():
        if token.startswith("ck_"):
            return token
    return text.splitlines()[0]
