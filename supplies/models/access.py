"""What the web and the API keep about access: API tokens (their digests) and failed log-ins.

Loaded on first use (``supplies.models.ApiToken``): commands that never log in need not build them.
"""

from datetime import datetime

from sqlmodel import Field, SQLModel

from .base import utcnow


class ApiToken(SQLModel, table=True):
    """A bearer token of the HTTP API: it acts as its user; only its SHA-256 digest is kept."""

    __tablename__ = "api_token"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="app_user.id", index=True)
    # The token is 256 random bits (secrets.token_urlsafe): a plain SHA-256 is enough, unlike a password.
    digest: str = Field(max_length=64, unique=True)
    # The token's first characters, so its owner recognises it in a list (not enough to use it).
    prefix: str = Field(max_length=12)
    label: str | None = Field(default=None, max_length=100)
    created_by: int | None = Field(default=None, foreign_key="app_user.id")
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime | None = None
    last_used_at: datetime | None = None
    revoked_at: datetime | None = None


class LoginAttempt(SQLModel, table=True):
    """Failed log-ins of one (name, address) pair, in the database so that every web process shares them.

    The pair is kept as a digest: a log-in limit needs to recognise it, not to know who or where.
    """

    __tablename__ = "login_attempt"

    key: str = Field(primary_key=True, max_length=64)
    failures: int = 0
    first_at: datetime = Field(index=True)
    locked_until: datetime | None = None
