"""Who may do what: the role and scope checks every service runs before it writes or reads."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol, Self, TypeVar

from sqlmodel import Session, select

from .errors import PermissionDenied
from .i18n import t
from .models import Role, SupplyClass, User, UserPoint
from .terms import term


class _Filterable(Protocol):
    """A query that takes WHERE criteria: a select (Core or SQLModel) or an ORM query."""

    def where(self, *whereclause: Any) -> Self: ...


Q = TypeVar("Q", bound=_Filterable)


@dataclass(frozen=True)
class Actor:
    """The acting user as the services see it: role and scope, loaded once per operation."""

    id: int
    name: str
    role: str
    agency_id: int | None
    point_ids: frozenset[int]

    @property
    def sees_all(self) -> bool:
        return self.role in (Role.ADMIN, Role.DISPATCHER, Role.VIEWER)


def load_actor(session: Session, name: str | None) -> Actor:
    """Load the named active user, or refuse: every operation needs a known actor."""
    if not name:
        raise PermissionDenied(t("no acting user given; pass user= to supplies.open() or use as_user()"), "user")
    user = session.exec(select(User).where(User.name == name)).one_or_none()
    if user is None or not user.active:
        raise PermissionDenied(t("no active user named {name!r}", name=name), "user")
    points: frozenset[int] = frozenset()
    if user.role == Role.WAREHOUSE:
        points = frozenset(session.exec(select(UserPoint.point_id).where(UserPoint.user_id == user.id)).all())
    assert user.id is not None
    return Actor(user.id, user.name, user.role, user.agency_id, points)


def require_role(actor: Actor, *roles: str, action: str) -> None:
    """Refuse unless the actor has one of ``roles``."""
    if actor.role not in roles:
        allowed = ", ".join(roles)
        raise PermissionDenied(
            t(
                "{action} needs the role {allowed}; {name} is {role}",
                action=action,
                allowed=allowed,
                name=actor.name,
                role=term(actor.role),
            ),
            "user",
        )


def may_change_stock(actor: Actor, *, point_id: int, agency_id: int) -> bool:
    """Stock at a point changes only by an admin, warehouse staff of that point, or the owning agency."""
    return (
        actor.role == Role.ADMIN
        or (actor.role == Role.WAREHOUSE and point_id in actor.point_ids)
        or (actor.role == Role.AGENCY_OFFICER and actor.agency_id == agency_id)
    )


def require_stock_change(actor: Actor, *, point_id: int, agency_id: int, action: str) -> None:
    """Refuse unless :func:`may_change_stock`."""
    if may_change_stock(actor, point_id=point_id, agency_id=agency_id):
        return
    raise PermissionDenied(
        t(
            "{name} ({role}) may not {action} stock at this storage point or of this agency",
            name=actor.name,
            role=term(actor.role),
            action=term(action),
        ),
        "user",
    )


def may_execute_dispatch(actor: Actor, *, point_id: int, agency_id: int) -> bool:
    """Reserved stock is issued by a dispatcher, an admin, the executing agency or the point's staff."""
    if actor.role in (Role.ADMIN, Role.DISPATCHER):
        return True
    return may_change_stock(actor, point_id=point_id, agency_id=agency_id)


def require_dispatch_execution(actor: Actor, *, point_id: int, agency_id: int) -> None:
    """Refuse unless :func:`may_execute_dispatch`."""
    if not may_execute_dispatch(actor, point_id=point_id, agency_id=agency_id):
        require_stock_change(actor, point_id=point_id, agency_id=agency_id, action="dispatch")


def may_change_point(actor: Actor, point_id: int) -> bool:
    """A storage point's details are changed by an admin or the warehouse staff of that point."""
    return actor.role == Role.ADMIN or (actor.role == Role.WAREHOUSE and point_id in actor.point_ids)


def can_write_catalog(actor: Actor, agency_id: int | None = None) -> bool:
    """An agency, or a class of an agency, is changed by an admin or that agency's own officer."""
    if actor.role == Role.ADMIN:
        return True
    return actor.role == Role.AGENCY_OFFICER and agency_id is not None and actor.agency_id == agency_id


def can_write_item(actor: Actor, class_agency_id: int | None) -> bool:
    """Items are changed by admins, warehouse staff (who correct them in their daily work) and the officer
    of the agency that holds the item's class."""
    if actor.role in (Role.ADMIN, Role.WAREHOUSE):
        return True
    return can_write_catalog(actor, class_agency_id)


def require_parent_class(actor: Actor, parent: SupplyClass) -> None:
    """An agency officer files classes only under their own agency's classes (or at the top)."""
    if actor.role == Role.AGENCY_OFFICER and parent.agency_id != actor.agency_id:
        raise PermissionDenied(
            t(
                "class {code} is held by another agency; {name} may put classes only under their own agency's classes",
                code=parent.code,
                name=actor.name,
            ),
            "parent",
        )


def scoped(query: Q, actor: Actor, point_col: Any, agency_col: Any) -> Q:
    """``query`` limited to the stock rows the actor may read: warehouse staff their points, officers their agency.

    Every read of lots, movements and their sums goes through this, so a report, an export, a
    readiness check and a web list show a user the same rows.
    """
    if actor.role == Role.WAREHOUSE:
        return query.where(point_col.in_(sorted(actor.point_ids) or [-1]))
    if actor.role == Role.AGENCY_OFFICER:
        return query.where(agency_col == (actor.agency_id if actor.agency_id is not None else -1))
    return query
