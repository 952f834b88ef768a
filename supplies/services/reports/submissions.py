"""Reporting upward (报送): a jurisdiction's ledger (台账) for a period, frozen, hashed, versioned and signed.

A jurisdiction *submits* its ledger for a period (``2026``, ``2026-Q4``, ``2026-11``): the rows of
:meth:`~supplies.services.reports.builders.Reports.ledger` by storage point and item for the
points of that jurisdiction (opening balance, each kind of movement, closing balance), as
canonical JSON (sorted keys, no whitespace, UTF-8) with its SHA-256. The row is immutable (the
database refuses to change or delete it); a correction is a new version, and the old ones stay.

The parent sees, for a period, which of its direct child jurisdictions have submitted, which
late and which are missing. A submission is due :data:`DUE_DAYS` days after the last day of its
period, counted in the department's time zone (``SUPPLIES_TIMEZONE``, else Asia/Shanghai); the
latest version decides.

An installation that is not connected to its parent's (a county's SQLite file, cut off in a
disaster) exports a submission as a file signed with Ed25519 (:meth:`Submissions.export`); the
parent registers the child's public key once (:meth:`Submissions.trust`) and records the file
with :meth:`Submissions.receive`, which refuses, writing nothing, a file whose hash or signature
does not match, from a jurisdiction it does not know or has no key for, or a version it holds.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
import re
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from ...config import department_zone, local_time
from ...errors import InvalidInput, NotFound, PermissionDenied, RuleViolation
from ...i18n import t
from ...models import JURISDICTION_LEVELS, ROOT_REGION, Region, Role, StoragePoint
from ...models.submissions import LedgerSubmission
from ...permissions import Actor, in_scope, require_role
from ..base import Service, retried

DUE_DAYS = 15
"""A period's submission is due this many days after the period's last day (on that day it is still on time)."""

FILE_FORMAT = "supplies.ledger-submission/1"
"""The ``format`` of a signed submission file."""

MAX_SUBMISSION_FILE_BYTES = 64 * 1024 * 1024
"""A submission file larger than this is refused unread."""

LEDGER_KEYS = ("point", "item")
"""The ledger of a submission is grouped by storage point and item."""

_PERIOD_RE = re.compile(r"^(\d{4})(?:-(?:([Qq])([1-4])|(\d{2})))?$")
_SHA256_RE = re.compile(r"^[0-9a-f]{64}$")
_FILE_FIELDS = (
    "format",
    "jurisdiction",
    "period",
    "version",
    "submitted_by",
    "submitted_at",
    "content",
    "sha256",
    "signature",
)
SUBMITTED, LATE, MISSING = "submitted", "late", "missing"


# -- periods ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Period:
    """A reporting period: a year, a quarter or a month, with its first and last day."""

    text: str
    first: date
    last: date

    @property
    def due_on(self) -> date:
        """The last day on which a submission for the period is on time."""
        return self.last + timedelta(days=DUE_DAYS)


def parse_period(value: object) -> Period:
    """``2026`` (a year), ``2026-Q4`` (a quarter) or ``2026-11`` (a month), or :class:`InvalidInput` naming ``period``."""
    text = value.strip() if isinstance(value, str) else ""
    match = _PERIOD_RE.match(text)
    year = int(match.group(1)) if match else 0
    if match is None or not 1970 <= year <= 9998:
        raise InvalidInput(
            t("{value!r} is not a period: write a year (2026), a quarter (2026-Q4) or a month (2026-11)", value=value),
            "period",
        )
    if match.group(3):
        quarter = int(match.group(3))
        first, months, text = date(year, 3 * quarter - 2, 1), 3, f"{year}-Q{quarter}"
    elif match.group(4):
        month = int(match.group(4))
        if not 1 <= month <= 12:
            raise InvalidInput(t("{value!r} names no month: months are 01 to 12", value=value), "period")
        first, months = date(year, month, 1), 1
    else:
        first, months = date(year, 1, 1), 12
    after = first.month - 1 + months
    last = date(first.year + after // 12, after % 12 + 1, 1) - timedelta(days=1)
    return Period(text, first, last)


# -- canonical JSON, keys and signatures --------------------------------------------------------
def canonical(value: Any) -> str:
    """The one text of a JSON value that is hashed and signed: sorted keys, no whitespace, UTF-8 as is."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def fingerprint(public_key: str) -> str:
    """A short, readable check of a public key (the first 16 hex digits of its SHA-256), to compare by phone."""
    raw = _public_key_bytes(public_key, "public_key")
    digest = hashlib.sha256(raw).hexdigest()[:16]
    return ":".join(digest[i : i + 4] for i in range(0, 16, 4))


def keygen(out_path: str | Path) -> str:
    """Write a new Ed25519 private key to ``out_path`` (PEM, readable by its owner only) and return the
    public key (base64 of its 32 raw bytes), which the parent registers with ``trust``.

    An existing file is never overwritten.
    """
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    path = Path(out_path)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise InvalidInput(t("{path} exists already; a key file is never overwritten", path=str(path)), "out") from None
    except OSError as exc:
        raise InvalidInput(t("cannot write {path}: {reason}", path=str(path), reason=exc.strerror), "out") from None
    try:
        os.fchmod(fd, 0o600)
        os.write(fd, pem)
    finally:
        os.close(fd)
    raw = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return base64.b64encode(raw).decode("ascii")


def _public_key_bytes(value: object, field: str) -> bytes:
    try:
        raw = base64.b64decode(value.strip(), validate=True) if isinstance(value, str) else b""
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) != 32:
        raise InvalidInput(
            t("is not an Ed25519 public key: give the base64 text that `supplies report keygen` printed"), field
        )
    return raw


def load_private_key(path: str | Path) -> Any:
    """The Ed25519 private key in the PEM file at ``path``, or :class:`InvalidInput` naming ``key``."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise InvalidInput(t("cannot read {path}: {reason}", path=str(path), reason=exc.strerror), "key") from None
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError):
        key = None
    if not isinstance(key, Ed25519PrivateKey):
        raise InvalidInput(
            t("{path} holds no Ed25519 private key; make one with `supplies report keygen`", path=str(path)), "key"
        )
    return key


def _verify(public_key: str, signature: object, message: bytes) -> bool:
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    try:
        raw = base64.b64decode(signature, validate=True) if isinstance(signature, str) else b""
        Ed25519PublicKey.from_public_bytes(base64.b64decode(public_key)).verify(raw, message)
    except (InvalidSignature, binascii.Error, ValueError):
        return False
    return True


# -- results ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class SubmissionResult:
    """One version of a jurisdiction's ledger for a period, as stored (the content is read with ``download``)."""

    id: int
    jurisdiction: str
    jurisdiction_name: str
    period: str
    version: int
    sha256: str
    submitted_by: str
    submitted_at: datetime
    source: str
    signed: bool
    due_on: date
    on_time: bool
    file: str | None = None


@dataclass(frozen=True)
class SubmissionStatus:
    """Where one child jurisdiction stands for a period: submitted, late or missing, and its latest version."""

    jurisdiction: str
    name: str
    level: str
    period: str
    due_on: date
    status: str
    version: int | None = None
    sha256: str | None = None
    submitted_at: datetime | None = None
    submitted_by: str | None = None
    source: str | None = None


@dataclass(frozen=True)
class TrustResult:
    """A child jurisdiction's registered public key."""

    jurisdiction: str
    name: str
    public_key: str
    fingerprint: str
    replaced: bool


def _utc(at: datetime) -> datetime:
    """A stored time as an aware UTC datetime (SQLite hands it back naive)."""
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)


def _on_time(at: datetime, period: Period) -> bool:
    return local_time(at).date() <= period.due_on


def _result(row: LedgerSubmission, name: str) -> SubmissionResult:
    assert row.id is not None
    period = parse_period(row.period)
    return SubmissionResult(
        id=row.id,
        jurisdiction=row.jurisdiction_code,
        jurisdiction_name=name,
        period=row.period,
        version=row.version,
        sha256=row.sha256,
        submitted_by=row.submitted_by,
        submitted_at=_utc(row.submitted_at),
        source=row.source,
        signed=row.signature is not None,
        due_on=period.due_on,
        on_time=_on_time(row.submitted_at, period),
    )


def _stamp(at: datetime) -> str:
    return _utc(at).isoformat(timespec="microseconds")


# -- the service --------------------------------------------------------------------------------
class Submissions(Service):
    """Reporting the ledger upward: ``inv.submissions``."""

    # reading ledger and writing a submission ------------------------------------------------
    @retried
    def submit(self, period: str, *, jurisdiction: str | None = None) -> SubmissionResult:
        """Freeze the ledger of ``jurisdiction`` (default: the acting user's) for ``period`` as its next version.

        Admins and dispatchers submit for their jurisdiction (and, on its behalf, for one below it).
        The current period may be submitted before it ends; the submission records when.
        """
        p = parse_period(period)
        with self._work(write=False) as (s, actor):
            region = self._submitter(s, actor, jurisdiction)
            points = set(s.exec(select(StoragePoint.code).where(StoragePoint.jurisdiction_code == region.code)).all())
        zone = department_zone()
        report = self._inv.reports.ledger(since=p.first, until=p.last, by=LEDGER_KEYS, tz=str(zone))
        rows = [r for r in report.rows if r.get("point") in points]
        quantities = [c.key for c in report.columns if c.total]
        content = {
            "jurisdiction": region.code,
            "jurisdiction_name": region.name,
            "level": region.level,
            "period": p.text,
            "since": p.first.isoformat(),
            "until": p.last.isoformat(),
            "tz": str(zone),
            "columns": [c.key for c in report.columns],
            "rows": rows,
            "totals": {k: sum(int(r.get(k) or 0) for r in rows) for k in quantities},
        }
        text = canonical(content)
        with self._work() as (s, actor):
            region = self._submitter(s, actor, region.code)
            # Lock the jurisdiction's row: two submissions at once get successive versions.
            s.exec(select(Region).where(Region.code == region.code).with_for_update()).one()
            row = LedgerSubmission(
                jurisdiction_code=region.code,
                period=p.text,
                version=self._latest_version(s, region.code, p.text) + 1,
                content=text,
                sha256=sha256_hex(text),
                submitted_by=actor.name,
                source="local",
            )
            s.add(row)
            s.flush()
            return _result(row, region.name)

    def _submitter(self, s: Session, actor: Actor, code: str | None) -> Region:
        require_role(actor, Role.ADMIN, Role.DISPATCHER, action=t("submitting a ledger"))
        return self._jurisdiction(s, actor, code)

    @staticmethod
    def _jurisdiction(s: Session, actor: Actor, code: str | None) -> Region:
        """The jurisdiction ``code`` (default: the actor's own), known and in the actor's scope."""
        code = code or actor.jurisdiction
        region = s.get(Region, code)
        if region is None:
            raise NotFound(t("no region with code {code!r}", code=code), "jurisdiction")
        if not region.is_jurisdiction:
            raise InvalidInput(
                t(
                    "{region} is a {level}, not a jurisdiction; name its county or the level above",
                    region=str(region),
                    level=region.level,
                ),
                "jurisdiction",
            )
        if not in_scope(actor, region.code):
            raise PermissionDenied(
                t(
                    "{name} acts for jurisdiction {own} and below; {what} belongs to {other}",
                    name=actor.name,
                    own=actor.jurisdiction,
                    what=str(region),
                    other=region.code,
                ),
                "jurisdiction",
            )
        return region

    @staticmethod
    def _latest_version(s: Session, code: str, period: str) -> int:
        top = s.exec(
            select(func.max(LedgerSubmission.version)).where(
                LedgerSubmission.jurisdiction_code == code, LedgerSubmission.period == period
            )
        ).one()
        return int(top or 0)

    # reading submissions --------------------------------------------------------------------
    def status(self, period: str, *, jurisdiction: str | None = None) -> list[SubmissionStatus]:
        """Each direct child jurisdiction of ``jurisdiction`` (default: the acting user's) for ``period``:
        ``submitted`` (its latest version on or before the due day), ``late`` (after it) or ``missing``."""
        p = parse_period(period)
        with self._work(write=False) as (s, actor):
            require_role(actor, Role.ADMIN, Role.DISPATCHER, Role.VIEWER, action=t("reading ledger submissions"))
            own = self._jurisdiction(s, actor, jurisdiction)
            # Children: jurisdictions below whose parent region belongs to this one (no jurisdiction between).
            children = s.exec(
                select(Region)
                .where(
                    col(Region.path).startswith(own.path),
                    Region.code != own.code,
                    col(Region.level).in_([lv for lv in JURISDICTION_LEVELS if lv != "root"]),
                    col(Region.parent_code).in_(select(Region.code).where(Region.jurisdiction_code == own.code)),
                )
                .order_by(col(Region.path))
            ).all()
            latest: dict[str, LedgerSubmission] = {}
            if children:
                rows = s.exec(
                    select(LedgerSubmission).where(
                        col(LedgerSubmission.jurisdiction_code).in_([c.code for c in children]),
                        LedgerSubmission.period == p.text,
                    )
                ).all()
                for row in rows:
                    held = latest.get(row.jurisdiction_code)
                    if held is None or row.version > held.version:
                        latest[row.jurisdiction_code] = row
        out = []
        for child in children:
            last = latest.get(child.code)
            base = SubmissionStatus(child.code, child.name, child.level, p.text, p.due_on, MISSING)
            if last is None:
                out.append(base)
                continue
            out.append(
                replace(
                    base,
                    status=SUBMITTED if _on_time(last.submitted_at, p) else LATE,
                    version=last.version,
                    sha256=last.sha256,
                    submitted_at=_utc(last.submitted_at),
                    submitted_by=last.submitted_by,
                    source=last.source,
                )
            )
        return out

    def versions(self, jurisdiction: str | None, period: str) -> list[SubmissionResult]:
        """Every version of a jurisdiction's submission for ``period``, oldest first."""
        p = parse_period(period)
        with self._work(write=False) as (s, actor):
            region = self._reader(s, actor, jurisdiction)
            rows = s.exec(
                select(LedgerSubmission)
                .where(LedgerSubmission.jurisdiction_code == region.code, LedgerSubmission.period == p.text)
                .order_by(col(LedgerSubmission.version))
            ).all()
            return [_result(r, region.name) for r in rows]

    def get(self, jurisdiction: str | None, period: str, version: int | None = None) -> SubmissionResult:
        """One version of a jurisdiction's submission for ``period`` (default: the latest)."""
        with self._work(write=False) as (s, actor):
            row, region = self._one(s, actor, jurisdiction, period, version)
            return _result(row, region.name)

    def download(self, jurisdiction: str | None, period: str, version: int | None = None) -> str:
        """The content of a submission: the ledger as canonical JSON text, exactly as hashed."""
        with self._work(write=False) as (s, actor):
            row, _ = self._one(s, actor, jurisdiction, period, version)
            return row.content

    def _reader(self, s: Session, actor: Actor, code: str | None) -> Region:
        require_role(actor, Role.ADMIN, Role.DISPATCHER, Role.VIEWER, action=t("reading ledger submissions"))
        return self._jurisdiction(s, actor, code)

    def _one(
        self, s: Session, actor: Actor, code: str | None, period: str, version: int | None
    ) -> tuple[LedgerSubmission, Region]:
        p = parse_period(period)
        region = self._reader(s, actor, code)
        q = select(LedgerSubmission).where(
            LedgerSubmission.jurisdiction_code == region.code, LedgerSubmission.period == p.text
        )
        if version is not None:
            q = q.where(LedgerSubmission.version == version)
        row = s.exec(q.order_by(col(LedgerSubmission.version).desc()).limit(1)).first()
        if row is None and version is not None:
            raise NotFound(
                t(
                    "{region} has submitted no version {version} of its ledger for {period}",
                    region=str(region),
                    version=version,
                    period=p.text,
                ),
                "version",
            )
        if row is None:
            raise NotFound(
                t("{region} has submitted no ledger for {period}", region=str(region), period=p.text), "period"
            )
        return row, region

    # signed files between installations -----------------------------------------------------
    def keygen(self, out_path: str | Path) -> str:
        """:func:`keygen`: a new private key at ``out_path``; returns the public key to register at the parent."""
        return keygen(out_path)

    def export(
        self,
        period: str,
        out_path: str | Path,
        key_path: str | Path,
        *,
        jurisdiction: str | None = None,
        version: int | None = None,
    ) -> SubmissionResult:
        """Write a submission (default: the latest version of the acting user's jurisdiction) as a file
        signed with the Ed25519 private key at ``key_path``, for the parent's ``receive``."""
        key = load_private_key(key_path)
        with self._work(write=False) as (s, actor):
            require_role(actor, Role.ADMIN, Role.DISPATCHER, action=t("exporting a ledger submission"))
            row, region = self._one(s, actor, jurisdiction, period, version)
        if region.code == ROOT_REGION:
            raise InvalidInput(
                t(
                    "the top of this installation ({code}) is no jurisdiction the parent knows: load your county "
                    "(supplies region load) and submit with --jurisdiction CODE",
                    code=ROOT_REGION,
                ),
                "jurisdiction",
            )
        doc: dict[str, Any] = {
            "format": FILE_FORMAT,
            "jurisdiction": row.jurisdiction_code,
            "period": row.period,
            "version": row.version,
            "submitted_by": row.submitted_by,
            "submitted_at": _stamp(row.submitted_at),
            "content": json.loads(row.content),
            "sha256": row.sha256,
        }
        doc["signature"] = base64.b64encode(key.sign(canonical(doc).encode("utf-8"))).decode("ascii")
        path = Path(out_path)
        try:
            path.write_text(json.dumps(doc, ensure_ascii=False, sort_keys=True, indent=1) + "\n", encoding="utf-8")
        except OSError as exc:
            raise InvalidInput(t("cannot write {path}: {reason}", path=str(path), reason=exc.strerror), "out") from None
        return replace(_result(row, region.name), file=str(path))

    @retried
    def trust(self, jurisdiction: str, public_key: str) -> TrustResult:
        """Register the public key a child jurisdiction signs its submission files with (admins of the parent)."""
        raw = _public_key_bytes(public_key, "public_key")
        key = base64.b64encode(raw).decode("ascii")
        with self._work() as (s, actor):
            require_role(actor, Role.ADMIN, action=t("registering a jurisdiction's key"))
            region = self._jurisdiction(s, actor, jurisdiction)
            if region.code in (ROOT_REGION, actor.jurisdiction):
                raise RuleViolation(
                    t(
                        "a key is registered for a jurisdiction below {own}, which reports to it; {region} is not one",
                        own=actor.jurisdiction,
                        region=str(region),
                    ),
                    "jurisdiction",
                )
            replaced = region.public_key is not None and region.public_key != key
            region.public_key = key
            s.add(region)
            return TrustResult(region.code, region.name, key, fingerprint(key), replaced)

    @retried
    def receive(self, path: str | Path) -> SubmissionResult:
        """Record a signed submission file of a child installation, or refuse it writing nothing."""
        doc, submitted_at = _read_file(Path(path))
        p = parse_period(doc["period"])
        version = doc["version"]
        with self._work() as (s, actor):
            require_role(actor, Role.ADMIN, Role.DISPATCHER, action=t("receiving a ledger submission"))
            code = doc["jurisdiction"]
            region = s.get(Region, code) if isinstance(code, str) and len(code) <= 12 else None
            if region is None or not region.is_jurisdiction or region.code == ROOT_REGION:
                raise RuleViolation(
                    t("the file comes from jurisdiction {code!r}, which this installation does not know", code=code),
                    "jurisdiction",
                )
            self._jurisdiction(s, actor, region.code)
            if not region.public_key:
                raise RuleViolation(
                    t(
                        "no key is registered for {region}; register the one its installation made "
                        "(supplies region trust {code} --public-key KEY)",
                        region=str(region),
                        code=region.code,
                    ),
                    "jurisdiction",
                )
            text = canonical(doc["content"])
            if sha256_hex(text) != doc["sha256"]:
                raise RuleViolation(
                    t("the content of the file does not match its SHA-256: it was changed after it was signed"), "file"
                )
            unsigned = {k: v for k, v in doc.items() if k != "signature"}
            if not _verify(region.public_key, doc["signature"], canonical(unsigned).encode("utf-8")):
                raise RuleViolation(
                    t(
                        "the signature does not verify with the key registered for {region}: the file was changed, "
                        "or signed with another key",
                        region=str(region),
                    ),
                    "file",
                )
            held = s.exec(
                select(LedgerSubmission).where(
                    LedgerSubmission.jurisdiction_code == region.code,
                    LedgerSubmission.period == p.text,
                    LedgerSubmission.version == version,
                )
            ).first()
            if held is not None:
                raise RuleViolation(
                    t(
                        "version {version} of {region}'s ledger for {period} is here already{differs}",
                        version=version,
                        region=str(region),
                        period=p.text,
                        differs="" if held.sha256 == doc["sha256"] else t(", with other content"),
                    ),
                    "version",
                )
            row = LedgerSubmission(
                jurisdiction_code=region.code,
                period=p.text,
                version=version,
                content=text,
                sha256=doc["sha256"],
                submitted_by=doc["submitted_by"],
                submitted_at=submitted_at,
                source="received",
                signature=doc["signature"],
            )
            s.add(row)
            s.flush()
            return _result(row, region.name)


def _read_file(path: Path) -> tuple[dict[str, Any], datetime]:
    """The fields of a submission file, checked for shape (not yet for hash and signature)."""
    try:
        size = path.stat().st_size
        if size > MAX_SUBMISSION_FILE_BYTES:
            raise InvalidInput(t("the file is larger than a submission can be"), "file")
        doc = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InvalidInput(t("cannot read {path}: {reason}", path=str(path), reason=exc.strerror), "file") from None
    except (UnicodeDecodeError, json.JSONDecodeError):
        doc = None
    if not isinstance(doc, dict) or doc.get("format") != FILE_FORMAT:
        raise InvalidInput(t("{path} is not a ledger submission file", path=str(path)), "file")
    missing = [k for k in _FILE_FIELDS if k not in doc]
    if missing:
        raise InvalidInput(t("the submission file lacks {fields}", fields=", ".join(missing)), "file")
    version, at = doc["version"], doc["submitted_at"]
    if not isinstance(version, int) or isinstance(version, bool) or not 1 <= version <= 1_000_000:
        raise InvalidInput(t("the submission file's version must be a whole number from 1"), "file")
    if not isinstance(doc["sha256"], str) or not _SHA256_RE.match(doc["sha256"]):
        raise InvalidInput(t("the submission file's sha256 is not 64 hex digits"), "file")
    if not isinstance(doc["submitted_by"], str) or not 0 < len(doc["submitted_by"]) <= 100:
        raise InvalidInput(t("the submission file names no submitter"), "file")
    try:
        when = datetime.fromisoformat(at) if isinstance(at, str) else None
    except ValueError:
        when = None
    if when is None or when.tzinfo is None:
        raise InvalidInput(t("the submission file's submitted_at is not a time with its UTC offset"), "file")
    content = doc["content"]
    if not isinstance(content, dict):
        raise InvalidInput(t("the submission file's content is not a ledger"), "file")
    if content.get("jurisdiction") != doc["jurisdiction"] or content.get("period") != doc["period"]:
        raise InvalidInput(t("the ledger in the submission file is of another jurisdiction or period"), "file")
    return doc, when.astimezone(UTC)
