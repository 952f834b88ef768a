"""User use cases: the first admin, adding users with roles and scopes, passwords and log-in."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func
from sqlmodel import Session, col, select

from ... import schemas
from ...db import unit_of_work
from ...errors import InvalidInput, RuleViolation
from ...i18n import t
from ...models import Agency, Role, StoragePoint, User, UserPoint
from ...models.base import persisted_id
from ...permissions import require_role
from ..base import Service, by_code, retried
from .schemas import UserIn

_hasher = PasswordHasher()


@dataclass(frozen=True)
class UserInfo:
    """A user with its scope spelled in codes."""

    name: str
    role: str
    agency: str | None
    points: tuple[str, ...]
    active: bool
    web_login: bool = True  # has a web password (a user without one acts through the CLI and library only)


class Users(Service):
    """Users and roles: ``inv.users``."""

    def bootstrap_admin(self, name: str, password: str | None = None) -> tuple[User, str] | None:
        """On a database without users, make ``name`` an admin; return it and its password.

        Returns ``None`` (and changes nothing) when users exist already. A password is
        generated when none is given.
        """
        schemas.load(UserIn, dict(name=name, role="admin", password=password))
        with unit_of_work(self._inv.engine) as s:
            if s.exec(select(func.count()).select_from(User)).one() > 0:
                return None
            password = password or secrets.token_urlsafe(12)
            user = User(name=name, role=Role.ADMIN, password_hash=_hasher.hash(password))
            s.add(user)
            s.flush()
            return user, password

    @retried
    def add(
        self,
        name: str,
        *,
        role: str,
        points: list[str] | tuple[str, ...] = (),
        agency: str | None = None,
        password: str | None = None,
        web_login: bool = True,
    ) -> User:
        """Add a user; warehouse staff need their points, an agency officer its agency.

        A user logs in to the web admin with ``password`` (8 to 200 characters, kept as typed).
        A user of the command line and the library only is added with ``web_login=False`` and
        no password; an empty or missing password is refused otherwise, since such a user
        could never log in.
        """
        data = schemas.load(UserIn, dict(name=name, role=role, points=list(points), agency=agency, password=None))
        password = _new_password(password, web_login)
        with self._work() as (s, actor):
            require_role(actor, Role.ADMIN, action=t("adding a user"))
            _refuse_existing(s, data["name"])
            agency_row = by_code(s, Agency, data["agency"], "agency") if data.get("agency") else None
            user = User(
                name=data["name"],
                role=data["role"],
                agency_id=agency_row.id if agency_row else None,
                password_hash=_hasher.hash(password) if password is not None else None,
            )
            s.add(user)
            s.flush()
            for code in data["points"]:
                point_id = persisted_id(by_code(s, StoragePoint, code, "points"))
                s.add(UserPoint(user_id=persisted_id(user), point_id=point_id))
            return user

    @retried
    def set_scope(
        self, name: str, *, points: list[str] | None = None, agency: str | None = None, role: str | None = None
    ) -> UserInfo:
        """Change a user's role, points or agency."""
        with self._work() as (s, actor):
            require_role(actor, Role.ADMIN, action=t("changing a user"))
            user = _user(s, name)
            if role is not None:
                user.role = schemas.load(UserIn, dict(name=name, role=role, points=["x"], agency="x"))["role"]
            if agency is not None:
                user.agency_id = by_code(s, Agency, agency, "agency").id if agency else None
            if points is not None:
                s.exec(delete(UserPoint).where(col(UserPoint.user_id) == user.id))
                for code in points:
                    point_id = persisted_id(by_code(s, StoragePoint, code, "points"))
                    s.add(UserPoint(user_id=persisted_id(user), point_id=point_id))
            s.add(user)
            s.flush()
            info = self._info(s, user)
            # The same scope rules as for a new user, checked on the result of the change.
            if info.role == Role.WAREHOUSE and not info.points:
                raise InvalidInput(t("warehouse staff need at least one storage point"), "points")
            if info.role == Role.AGENCY_OFFICER and not info.agency:
                raise InvalidInput(t("an agency officer needs an agency"), "agency")
            return info

    @retried
    def set_password(self, name: str, password: str) -> None:
        """Set a password: admins for anyone, users for themselves."""
        _check_password(password)
        with self._work() as (s, actor):
            if actor.name != name:
                require_role(actor, Role.ADMIN, action=t("setting another user's password"))
            user = _user(s, name)
            user.password_hash = _hasher.hash(password)
            s.add(user)

    @retried
    def deactivate(self, name: str) -> None:
        """Stop a user from acting or logging in; the ledger keeps its name (admins only)."""
        with self._work() as (s, actor):
            require_role(actor, Role.ADMIN, action=t("deactivating a user"))
            if actor.name == name:
                raise RuleViolation(t("you cannot deactivate yourself"), "name")
            user = _user(s, name)
            user.active = False
            s.add(user)

    @retried
    def activate(self, name: str) -> UserInfo:
        """Let a deactivated user act and log in again, with its role, scope and password (admins only)."""
        with self._work() as (s, actor):
            require_role(actor, Role.ADMIN, action="reactivating a user")
            user = _user(s, name)
            user.active = True
            s.add(user)
            s.flush()
            return self._info(s, user)

    def authenticate(self, name: str, password: str) -> User | None:
        """The active user if the password is right, else ``None`` (the same for unknown names)."""
        with unit_of_work(self._inv.engine, write=False) as s:
            user = s.exec(select(User).where(User.name == name)).one_or_none()
            if user is None or not user.active or not user.password_hash:
                _hasher.hash("timing-equaliser")  # the same cost whether or not the user exists
                return None
            try:
                _hasher.verify(user.password_hash, password)
            except (VerificationError, InvalidHashError):
                return None
            return user

    def get(self, name: str) -> UserInfo:
        with self._work(write=False) as (s, _):
            return self._info(s, _user(s, name))

    def list(self) -> list[UserInfo]:
        with self._work(write=False) as (s, _):
            users = s.exec(select(User).order_by(User.name)).all()
            agencies = dict(s.exec(select(Agency.id, Agency.code)).all())
            scopes: dict[int, list[str]] = {}
            for uid, code in s.exec(select(UserPoint.user_id, StoragePoint.code).join(StoragePoint)).all():
                scopes.setdefault(uid, []).append(code)
            return [
                UserInfo(
                    u.name,
                    u.role,
                    agencies.get(u.agency_id),
                    tuple(sorted(scopes.get(persisted_id(u), []))),
                    u.active,
                    u.password_hash is not None,
                )
                for u in users
            ]

    def _info(self, s: Session, user: User) -> UserInfo:
        points = s.exec(select(StoragePoint.code).join(UserPoint).where(UserPoint.user_id == user.id)).all()
        agency = s.get_one(Agency, user.agency_id).code if user.agency_id else None
        return UserInfo(
            user.name, user.role, agency, tuple(sorted(points)), user.active, user.password_hash is not None
        )


def _check_password(password: object) -> None:
    if not isinstance(password, str) or not 8 <= len(password) <= 200:
        raise InvalidInput(t("must be 8 to 200 characters"), "password")


def _new_password(password: str | None, web_login: bool) -> str | None:
    """The password of a new user, checked against the choice of web log-in (kept as typed, not stripped)."""
    if not isinstance(web_login, bool):
        raise InvalidInput(t("must be true or false"), "web_login")
    blank = password is None or (isinstance(password, str) and not password.strip())
    if not web_login:
        if not blank:
            raise InvalidInput(t("a user without web log-in takes no password; leave it empty"), "password")
        return None
    if blank:
        raise InvalidInput(
            t(
                "a web password is required (8 to 200 characters); for a user of the command line and library only, choose no web password (web_login=False)"
            ),
            "password",
        )
    _check_password(password)
    return password


def _refuse_existing(s: Session, name: str) -> None:
    """Refuse a name that exists (in any case): a deactivated user is reactivated, never added again."""
    other = s.exec(select(User).where(func.lower(User.name) == name.lower())).first()
    if other is None:
        return
    if not other.active:
        raise InvalidInput(
            t(
                "user {name} already exists and is deactivated: reactivate it instead (supplies user activate {name}, or Activate on the Users page)",
                name=other.name,
            ),
            "name",
        )
    raise InvalidInput(t("user {name} already exists", name=other.name), "name")


def _user(s: Session, name: str) -> User:
    user = s.exec(select(User).where(User.name == name)).one_or_none()
    if user is None:
        raise InvalidInput(t("no user named {name!r}", name=name), "name")
    return user
