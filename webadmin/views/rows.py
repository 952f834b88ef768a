"""Read-only row mappings for list pages: each maps a joined select, so a page of rows is one query."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import current_app
from flask_admin.contrib.sqla.filters import FilterEqual, FilterLike
from flask_login import current_user
from sqlalchemy import MetaData, select, true
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.sql import Select

from supplies.models import Agency, Item, Role, StoragePoint, SupplyClass


class RowBase(DeclarativeBase):
    """Base of the row mappings. Its metadata is never created: the rows are views of the
    core's tables, with the codes and names of related records joined in."""

    metadata = MetaData()


def row_table(query: Select, name: str) -> Any:
    """The subquery a row class maps; its ``id`` column is the primary key."""
    return query.subquery(name)


def session() -> Any:
    return current_app.extensions["supplies_db"]()


class CodeOptions:
    """A table's codes as (code, "code name") pairs, read from the database each time they are listed.

    Flask-Admin evaluates filter options once, at start-up; this object only queries when a
    page iterates it, so new agencies, items and points appear without a restart.
    """

    def __init__(self, model: type, where: Callable[[], Any] | None = None) -> None:
        self.model = model
        self.where = where

    def __iter__(self) -> Any:
        m: Any = self.model
        q = select(m.code, m.name).order_by(m.code)
        if self.where is not None:
            q = q.where(self.where())
        return iter([(code, f"{code} {name}") for code, name in session().execute(q).all()])

    def __bool__(self) -> bool:
        return True


def code_options(model: type, *, where: Callable[[], Any] | None = None) -> CodeOptions:
    return CodeOptions(model, where)


def _own_points() -> Any:
    # Warehouse staff are offered only their own points; everyone else all of them.
    actor = current_user.actor
    if actor.role == Role.WAREHOUSE:
        return StoragePoint.id.in_(actor.point_ids or {-1})
    return true()


agency_options = code_options(Agency)
class_options = code_options(SupplyClass)
item_options = code_options(Item)
point_options = code_options(StoragePoint)
own_point_options = code_options(StoragePoint, where=_own_points)


def code_filters(column: Any, label: Any, options: CodeOptions) -> list[Any]:
    """List filters on a code column: pick one from a list, or type part of it."""
    return [FilterEqual(column, label, options=options), FilterLike(column, label)]
