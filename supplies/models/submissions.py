"""Reporting upward (报送): a jurisdiction's ledger (台账) for a period, frozen as a hashed submission."""

from datetime import datetime

from sqlalchemy import CheckConstraint, Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from .base import utcnow


class LedgerSubmission(SQLModel, table=True):
    """One version of one jurisdiction's ledger for one period, as it was submitted.

    Immutable: the database refuses UPDATE, DELETE, INSERT OR REPLACE and TRUNCATE (migration
    0004); a correction is a new row with the next ``version``. ``content`` is the ledger as
    canonical JSON text and ``sha256`` its hex digest. ``source`` is ``local`` for a submission
    made in this database, ``received`` for a signed file from a child installation, whose
    Ed25519 ``signature`` (base64) is kept with it.
    """

    __tablename__ = "ledger_submission"
    __table_args__ = (
        UniqueConstraint("jurisdiction_code", "period", "version", name="uq_ledger_submission_version"),
        CheckConstraint("version >= 1", name="version_positive"),
        CheckConstraint("source IN ('local','received')", name="source_known"),
    )

    id: int | None = Field(default=None, primary_key=True)
    jurisdiction_code: str = Field(foreign_key="region.code", max_length=12, index=True)
    period: str = Field(max_length=7)
    version: int
    content: str = Field(sa_column=Column(Text, nullable=False))
    sha256: str = Field(max_length=64)
    submitted_by: str = Field(max_length=100)
    submitted_at: datetime = Field(default_factory=utcnow)
    source: str = Field(default="local", max_length=10)
    signature: str | None = Field(default=None, max_length=200)
