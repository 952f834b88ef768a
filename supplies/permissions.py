"""Who may do what: the role and scope checks every service runs before it writes or reads."""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cache
from typing import Any, Protocol, Self, TypeVar

from sqlalchemy import bindparam
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from .errors import PermissionDenied
from .i18n import t
from .models import (
    JURISDICTION_LEVELS,
    ROOT_REGION,
    Region,
    Role,
    StoragePoint,
    SupplyClass,
    User,
    UserPoint,
)
from .models.regions import path_under
from .terms import term


class _Filterable(Protocol):
    """A query that takes WHERE criteria: a select (Core or SQLModel) or an ORM query."""

    def where(self, *whereclause: Any) -> Self: ...


Q = TypeVar("Q", bound=_Filterable)


@dataclass(frozen=True)
class Actor:
    """The acting user as the services see it: role and scope, loaded once per operation.

    ``jurisdiction`` is the user's jurisdiction; ``subtree`` the jurisdictions it acts on (its own and
    every one below), or None for a user at the installation's top, who acts on everything.
    """

    id: int
    name: str
    role: str
    agency_id: int | None
    point_ids: frozenset[int]
    jurisdiction: str = ROOT_REGION
    subtree: frozenset[str] | None = None

    @property
    def sees_all(self) -> bool:
        """Admins, dispatchers and viewers at the top of the installation see every row."""
        return self.role in (Role.ADMIN, Role.DISPATCHER, Role.VIEWER) and self.subtree is None


def in_scope(actor: Actor, jurisdiction: str | None) -> bool:
    """Whether ``jurisdiction`` is the actor's own or one below it."""
    return actor.subtree is None or (jurisdiction or ROOT_REGION) in actor.subtree


def require_jurisdiction(actor: Actor, jurisdiction: str | None, *, what: str, field: str = "user") -> None:
    """Refuse a thing of another jurisdiction than the actor's own or one below it."""
    if not in_scope(actor, jurisdiction):
        raise PermissionDenied(
            t(
                "{name} acts for jurisdiction {own} and below; {what} belongs to {other}",
                name=actor.name,
                own=actor.jurisdiction,
                what=what,
                other=jurisdiction,
            ),
            field,
        )


def load_actor(session: Session, name: str | None) -> Actor:
    """Load the named active user, or refuse: every operation needs a known actor."""
    if not name:
        raise PermissionDenied(t("no acting user given; pass user= to supplies.open() or use as_user()"), "user")
    return actor_of(session, session.exec(_user_statement(), params={"name": name}).one_or_none(), name)


@cache
def _user_statement() -> SelectOfScalar[User]:
    """The user of a name (built once: every operation reads its actor)."""
    return select(User).where(User.name == bindparam("name"))


def actor_of(session: Session, user: User | None, name: str) -> Actor:
    """The actor of a user row already read (by ``name``), or a refusal when there is none or it is inactive.

    For a caller that needs the row too (the web checks its password hash on every request):
    one read of the user instead of two.
    """
    if user is None or not user.active:
        raise PermissionDenied(t("no active user named {name!r}", name=name), "user")
    points: frozenset[int] = frozenset()
    if user.role == Role.WAREHOUSE:
        points = frozenset(session.exec(select(UserPoint.point_id).where(UserPoint.user_id == user.id)).all())
    assert user.id is not None
    subtree = _subtree(session, user.jurisdiction_code)
    return Actor(user.id, user.name, user.role, user.agency_id, points, user.jurisdiction_code, subtree)


def _subtree(session: Session, code: str) -> frozenset[str] | None:
    """The jurisdictions ``code`` acts on (itself and every one below), or None for the installation's top."""
    if code == ROOT_REGION:
        return None
    own = session.get(Region, code)
    path = own.path if own is not None else f"{ROOT_REGION}/{code}/"
    return frozenset(
        session.exec(
            select(Region.code).where(
                path_under(path, session.get_bind().dialect.name), col(Region.level).in_(JURISDICTION_LEVELS)
            )
        ).all()
    ) | {code}


def narrowed(actor: Actor, session: Session, code: str | None) -> Actor:
    """``actor`` acting on the jurisdiction ``code`` and below only (a city's user looking at one county).

    ``None``, empty or the actor's own jurisdiction give the actor unchanged. A code that is not a
    jurisdiction, or not one of the actor's own subtree, is refused: narrowing never widens a scope.
    """
    if not code or code == actor.jurisdiction:
        return actor
    region = session.get(Region, code)
    if region is None or region.jurisdiction_code != code or not in_scope(actor, code):
        raise PermissionDenied(
            t(
                "{name} acts for jurisdiction {own} and below; {other} is not one of them",
                name=actor.name,
                own=actor.jurisdiction,
                other=code,
            ),
            "jurisdiction",
        )
    return replace(actor, jurisdiction=code, subtree=_subtree(session, code))


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


def may_change_stock(actor: Actor, *, point_id: int, agency_id: int, jurisdiction: str | None = None) -> bool:
    """Stock at a point changes only by an admin of its jurisdiction (or above), warehouse staff of that
    point, or the owning agency. ``jurisdiction`` is the point's."""
    return (
        (actor.role == Role.ADMIN and in_scope(actor, jurisdiction))
        or (actor.role == Role.WAREHOUSE and point_id in actor.point_ids)
        or (actor.role == Role.AGENCY_OFFICER and actor.agency_id == agency_id)
    )


def require_stock_change(
    actor: Actor, *, point_id: int, agency_id: int, action: str, jurisdiction: str | None = None
) -> None:
    """Refuse unless :func:`may_change_stock`."""
    if may_change_stock(actor, point_id=point_id, agency_id=agency_id, jurisdiction=jurisdiction):
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


def may_execute_dispatch(actor: Actor, *, point_id: int, agency_id: int, jurisdiction: str | None = None) -> bool:
    """Reserved stock is issued by a dispatcher or an admin of the point's jurisdiction (or above), the
    executing agency or the point's staff."""
    if actor.role in (Role.ADMIN, Role.DISPATCHER):
        return in_scope(actor, jurisdiction)
    return may_change_stock(actor, point_id=point_id, agency_id=agency_id, jurisdiction=jurisdiction)


def require_dispatch_execution(actor: Actor, *, point_id: int, agency_id: int, jurisdiction: str | None = None) -> None:
    """Refuse unless :func:`may_execute_dispatch`."""
    if not may_execute_dispatch(actor, point_id=point_id, agency_id=agency_id, jurisdiction=jurisdiction):
        require_stock_change(
            actor, point_id=point_id, agency_id=agency_id, action="dispatch", jurisdiction=jurisdiction
        )


def may_change_point(actor: Actor, point_id: int, jurisdiction: str | None = None) -> bool:
    """A storage point's details are changed by an admin of its jurisdiction (or above) or its warehouse staff."""
    return (actor.role == Role.ADMIN and in_scope(actor, jurisdiction)) or (
        actor.role == Role.WAREHOUSE and point_id in actor.point_ids
    )


def may_serve_at(actor: Actor, point_id: int | None, jurisdiction: str) -> bool:
    """The last mile at a point (distribution, returns, repairs) is the work of its warehouse staff and of
    the admins and dispatchers of its jurisdiction (or above)."""
    if actor.role in (Role.ADMIN, Role.DISPATCHER):
        return in_scope(actor, jurisdiction)
    return actor.role == Role.WAREHOUSE and point_id in actor.point_ids


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
    if actor.subtree is not None:
        points = select(StoragePoint.id).where(col(StoragePoint.jurisdiction_code).in_(sorted(actor.subtree)))
        return query.where(point_col.in_(points))
    return query


def scoped_to_jurisdiction(query: Q, actor: Actor, jurisdiction_col: Any) -> Q:
    """``query`` limited to rows of the actor's jurisdiction and those below it (requests, incidents, users...)."""
    if actor.subtree is None:
        return query
    return query.where(jurisdiction_col.in_(sorted(actor.subtree)))


def scoped_points(query: Q, actor: Actor, id_col: Any = None, jurisdiction_col: Any = None) -> Q:
    """``query`` limited to the storage points the actor reads: warehouse staff their own points, everyone
    else the points of their jurisdiction and below (all of them at the installation's top)."""
    id_col = StoragePoint.id if id_col is None else id_col
    jurisdiction_col = StoragePoint.jurisdiction_code if jurisdiction_col is None else jurisdiction_col
    if actor.role == Role.WAREHOUSE:
        return query.where(id_col.in_(sorted(actor.point_ids) or [-1]))
    return scoped_to_jurisdiction(query, actor, jurisdiction_col)


def scoped_targets(query: Q, actor: Actor, point_col: Any, agency_col: Any, jurisdiction_col: Any = None) -> Q:
    """``query`` limited to the reserve targets the actor reads: warehouse staff those at their points, officers
    those of their agency's classes, everyone else those of their jurisdiction and below (region targets,
    which have no point, included)."""
    if actor.role in (Role.WAREHOUSE, Role.AGENCY_OFFICER):
        return scoped(query, actor, point_col, agency_col)
    if jurisdiction_col is None:
        from .models import ReserveTarget  # loaded on first use, like the other tables few commands read

        jurisdiction_col = ReserveTarget.jurisdiction_code
    return scoped_to_jurisdiction(query, actor, jurisdiction_col)
