"""Read-only row mappings for list pages: each maps a joined select, so a page of rows is one query."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import current_app, has_request_context
from flask_admin.contrib.sqla.filters import FilterEqual, FilterLike
from flask_login import current_user
from sqlalchemy import MetaData, or_, select, union_all
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.sql import Select

from supplies.models import Agency, Item, StoragePoint, SupplyClass
from supplies.permissions import Actor, scoped_points, scoped_to_jurisdiction

from ..lookups import lookups


class RowBase(DeclarativeBase):
    """Base of the row mappings. Its metadata is never created: the rows are views of the
    core's tables, with the codes and names of related records joined in."""

    metadata = MetaData()


def row_table(query: Select, name: str) -> Any:
    """The subquery a row class maps; its ``id`` column is the primary key."""
    return query.subquery(name)


def contains(like: str, *columns: Any) -> Any:
    """Any of the text ``columns`` matching the LIKE pattern ``like``, case aside (ILIKE)."""
    return or_(*(column.ilike(like) for column in columns))


def ids_matching(id_column: Any, *branches: Any) -> Any:
    """``id_column IN (branch UNION ALL branch ...)``: a row found by any of the branches' selects of ids.

    A search box matches a term against several columns; written as one OR over the joined row,
    the database must read every row and try each column. Each branch here is a small select a
    database serves from its own index (the lots of the items whose code matches, a trigram match
    of a batch), and the page then reads only the rows they found. Same rows, a few instead of all.
    """
    return id_column.in_(union_all(*branches))


def session() -> Any:
    return current_app.extensions["supplies_db"]()


class CodeOptions:
    """A table's codes as (code, "code name") pairs, read from the database when they are listed.

    Flask-Admin evaluates filter options once, at start-up; this object only reads when a page
    iterates it (from the process's short-lived cache, :mod:`webadmin.lookups`), so new agencies,
    items and points appear without a restart. ``scope`` limits the query to what the logged-in
    user may read (a core scope function).
    """

    def __init__(self, model: type, scope: Callable[[Any, Actor], Any] | None = None) -> None:
        self.model = model
        self.scope = scope

    def __iter__(self) -> Any:
        m: Any = self.model
        q = select(m.code, m.name).order_by(m.code)
        actor = current_user.actor if has_request_context() and current_user.is_authenticated else None
        if self.scope is not None and actor is not None:
            q = self.scope(q, actor)
        # Kept per process for a few seconds (webadmin.lookups), by the scope that narrowed it.
        key = ("options", m.__name__, self.scope, _scope_key(actor) if self.scope is not None else None)
        return iter(lookups().get(key, lambda: [(code, f"{code} {name}") for code, name in session().execute(q).all()]))

    def __bool__(self) -> bool:
        return True


def _scope_key(actor: Actor | None) -> Any:
    """What of the actor a scope function reads: role, agency, points and jurisdictions."""
    if actor is None:
        return None
    return (actor.role, actor.agency_id, actor.point_ids, actor.subtree)


def code_options(model: type, *, scope: Callable[[Any, Actor], Any] | None = None) -> CodeOptions:
    return CodeOptions(model, scope)


def _points(query: Any, actor: Actor) -> Any:
    # The points the user reads (warehouse staff their own; others their jurisdiction and below).
    return scoped_points(query, actor)


def _agencies(query: Any, actor: Actor) -> Any:
    return scoped_to_jurisdiction(query, actor, Agency.jurisdiction_code)


def _jurisdiction_points(query: Any, actor: Actor) -> Any:
    # Destinations and targets: any point of the user's jurisdiction and below.
    return scoped_to_jurisdiction(query, actor, StoragePoint.jurisdiction_code)


agency_options = code_options(Agency, scope=_agencies)
class_options = code_options(SupplyClass)
item_options = code_options(Item)
point_options = code_options(StoragePoint, scope=_jurisdiction_points)
own_point_options = code_options(StoragePoint, scope=_points)


def code_filters(column: Any, label: Any, options: CodeOptions) -> list[Any]:
    """List filters on a code column: pick one from a list, or type part of it."""
    return [FilterEqual(column, label, options=options), FilterLike(column, label)]
