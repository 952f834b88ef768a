"""API tokens (``inv.tokens``): created for a user and shown once, kept as digests, listed, revoked, checked."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import update
from sqlmodel import Session, col, select

from ... import schemas
from ...db import unit_of_work
from ...errors import ConcurrencyConflict, NotFound
from ...i18n import t
from ...models import ApiToken, Role, User
from ...models.base import persisted_id, utcnow
from ...permissions import Actor, require_jurisdiction, require_role, scoped_to_jurisdiction
from ..base import Service, retried

# What every token starts with: a leaked one is easy to recognise (and to search for) in logs and code.
TOKEN_PREFIX = "sup_"
MAX_EXPIRY_DAYS = 3650
# The last-use time is written at most this often: an API call is a read, not a write on every request.
TOUCH_EVERY = timedelta(minutes=1)


@dataclass(frozen=True)
class NewToken:
    """A token just made: ``token`` is the secret, shown this once and never again."""

    id: int
    user: str
    token: str
    expires_at: datetime | None


@dataclass(frozen=True)
class TokenInfo:
    """A token as its owner or an admin lists it: never the secret, only its first characters."""

    id: int
    user: str
    prefix: str
    label: str | None
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None
    revoked_at: datetime | None

    @property
    def active(self) -> bool:
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > datetime.now(UTC))


@dataclass(frozen=True)
class TokenUse:
    """Who a presented token acts for: the user's name and the token's id (for logs and rate limits)."""

    token_id: int
    user: str


def digest_of(token: str) -> str:
    """The SHA-256 of a token, as kept: the token itself is high-entropy, so no slow hash is needed."""
    return hashlib.sha256(token.encode()).hexdigest()


class Tokens(Service):
    """Bearer tokens of the HTTP API: ``inv.tokens``.

    Each acts as its user with that user's role and scope. Users make and revoke their own;
    an admin does so for the users of its jurisdiction and below.
    """

    @retried
    def create(self, *, user: str | None = None, expires_days: int | None = None, label: str | None = None) -> NewToken:
        """A new token for the acting user (or, for an admin, for ``user``); its secret is in the result only."""
        days = schemas.bounded(schemas.Whole(min=1, max=MAX_EXPIRY_DAYS, allow_none=True), expires_days, "expires_days")
        label = schemas.bounded(schemas.Text(100), label, "label")
        with self._work() as (s, actor):
            owner = self._owner(s, actor, user, action=t("creating a token for another user"))
            if not owner.active:
                raise NotFound(t("no active user named {name!r}", name=owner.name), "user")
            token = TOKEN_PREFIX + secrets.token_urlsafe(32)
            expires = utcnow() + timedelta(days=days) if days else None
            row = ApiToken(
                user_id=persisted_id(owner),
                digest=digest_of(token),
                prefix=token[: len(TOKEN_PREFIX) + 4],
                label=label or None,
                created_by=actor.id,
                expires_at=expires,
            )
            s.add(row)
            s.flush()
            return NewToken(persisted_id(row), owner.name, token, expires)

    def list(self, *, user: str | None = None) -> list[TokenInfo]:
        """The acting user's tokens; an admin sees those of every user of its jurisdiction (or of ``user``)."""
        with self._work(write=False) as (s, actor):
            q = select(ApiToken, User.name).join(User, col(User.id) == ApiToken.user_id).order_by(col(ApiToken.id))
            if actor.role == Role.ADMIN:
                q = scoped_to_jurisdiction(q, actor, User.jurisdiction_code)
                if user:
                    q = q.where(User.name == user)
            else:
                q = q.where(ApiToken.user_id == actor.id)
            return [_info(row, name) for row, name in s.exec(q).all()]

    @retried
    def revoke(self, id: int) -> TokenInfo:
        """Revoke a token (its owner, or an admin of the owner's jurisdiction); it stops working at once."""
        token_id = schemas.bounded(schemas.Id(), id, "id")
        with self._work() as (s, actor):
            found = s.exec(
                select(ApiToken, User).join(User, col(User.id) == ApiToken.user_id).where(ApiToken.id == token_id)
            ).one_or_none()
            if found is None or not _may_manage(actor, found[1]):
                raise NotFound(t("no token with id {id}", id=token_id), "id")
            row, owner = found
            if row.revoked_at is None:
                row.revoked_at = utcnow()
                s.add(row)
            return _info(row, owner.name)

    def authenticate(self, token: str) -> TokenUse | None:
        """The user a presented token acts for, or ``None`` when it is unknown, revoked, expired or its user
        deactivated. Needs no acting user: this is how an API call finds one."""
        if not isinstance(token, str) or not token.startswith(TOKEN_PREFIX) or len(token) > 200:
            return None
        now = utcnow()
        # A read: an API call must not take SQLite's write lock. The last-use time is written apart,
        # at most once a minute per token, and a busy database only postpones it.
        with unit_of_work(self._inv.engine, write=False) as s:
            found = s.exec(
                select(ApiToken, User.name, User.active)
                .join(User, col(User.id) == ApiToken.user_id)
                .where(ApiToken.digest == digest_of(token))
            ).one_or_none()
        if found is None:
            return None
        row, name, active = found
        if not active or row.revoked_at is not None or (row.expires_at is not None and row.expires_at <= now):
            return None
        if row.last_used_at is None or now - row.last_used_at >= TOUCH_EVERY:
            try:
                with unit_of_work(self._inv.engine) as s:
                    s.exec(update(ApiToken).where(col(ApiToken.id) == row.id).values(last_used_at=now))
            except ConcurrencyConflict:
                pass
        return TokenUse(persisted_id(row), name)

    def _owner(self, s: Session, actor: Actor, name: str | None, *, action: str) -> User:
        if not name or name == actor.name:
            return s.get_one(User, actor.id)
        require_role(actor, Role.ADMIN, action=action)
        owner = s.exec(select(User).where(User.name == name)).one_or_none()
        if owner is None:
            raise NotFound(t("no user named {name!r}", name=name), "user")
        require_jurisdiction(actor, owner.jurisdiction_code, what=owner.name, field="user")
        return owner


def _may_manage(actor: Actor, owner: User) -> bool:
    if owner.id == actor.id:
        return True
    if actor.role != Role.ADMIN:
        return False
    return actor.subtree is None or owner.jurisdiction_code in actor.subtree


def _info(row: ApiToken, user: str) -> TokenInfo:
    return TokenInfo(
        persisted_id(row),
        user,
        row.prefix,
        row.label,
        row.created_at,
        row.expires_at,
        row.last_used_at,
        row.revoked_at,
    )
