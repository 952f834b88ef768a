"""Personal data of households: the installation's key for ID-number hashes, and the masked forms.

An ID number (身份证号) is never stored. What is kept is its keyed hash, HMAC-SHA256 with an
installation secret, so that the same number registered twice in an incident is found without
the number being readable from the database or a backup; plus its first four and last four
characters and its length, for the masked form ``5201**********1234``.

The key comes from ``SUPPLIES_PII_KEY`` when set (required for a server database such as
PostgreSQL, and the same for every process serving it). Otherwise, for a SQLite file, it is a
random key kept in ``<database>.pii-key`` beside the file, made on first use and readable by its
owner only. Keep that file with the database (and with its backups): without it, duplicate checks
against households registered earlier no longer match. It never leaves the machine in an export.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
from pathlib import Path

from sqlalchemy.engine import Engine

from .errors import RuleViolation, SuppliesError
from .i18n import Message, t

ENV = "SUPPLIES_PII_KEY"


def key_file(engine: Engine) -> Path | None:
    """``<database>.pii-key`` beside a SQLite file; None for any other database."""
    url = engine.url
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    if url.database.startswith("file:"):
        return None
    return Path(url.database).resolve().with_name(Path(url.database).name + ".pii-key")


def pii_key(engine: Engine) -> bytes:
    """The installation's key for ID-number hashes: ``SUPPLIES_PII_KEY``, else the key file beside a SQLite file."""
    from_env = os.environ.get(ENV)
    if from_env:
        return from_env.encode("utf-8")
    path = key_file(engine)
    if path is None:
        raise RuleViolation(
            t("set {env} (the same secret for every process of this database) to register ID numbers", env=ENV),
            "id_number",
        )
    try:
        return path.read_text(encoding="ascii").strip().encode("ascii")
    except FileNotFoundError:
        pass
    key = secrets.token_hex(32)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it first: use theirs
        return path.read_text(encoding="ascii").strip().encode("ascii")
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(key + "\n")
    return key.encode("ascii")


def normalise_id(text: str) -> str:
    """An ID number as compared: no spaces, an ``x`` check character upper-case."""
    return "".join(text.split()).upper()


def id_hash(key: bytes, id_number: str) -> str:
    """HMAC-SHA256 of the normalised ID number under the installation's key (hex)."""
    return hmac.new(key, normalise_id(id_number).encode("utf-8"), hashlib.sha256).hexdigest()


def mask_id(first4: str | None, last4: str | None, length: int | None) -> str | None:
    """``5201**********1234``: the first and last four characters, a star for each one between."""
    if not last4 or not length:
        return None
    head = first4 or ""
    return head + "*" * max(length - len(head) - len(last4), 0) + last4


def mask_phone(phone: str | None) -> str | None:
    """``138****5678``: the first three and last four digits of a phone number."""
    if not phone:
        return None
    if len(phone) <= 7:
        return "*" * (len(phone) - 2) + phone[-2:]
    return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]


_ID_LIKE = re.compile(r"\d{6}(?:\d{8})?\d{3}[\dXx]|\d{15}")


def scrub(text: str) -> str:
    """``text`` with every run that looks like an ID number masked (for messages quoting a cell)."""
    return _ID_LIKE.sub(lambda m: m[0][:4] + "*" * (len(m[0]) - 8) + m[0][-4:], text)


def scrubbed(error: SuppliesError) -> SuppliesError:
    """The same error, its message (and the values it was made from) without any ID number."""
    reason = error.reason
    if isinstance(reason, Message):
        params = {k: scrub(v) if isinstance(v, str) else v for k, v in reason.params.items()}
        clean: str = Message(scrub(reason.template), params)
    else:
        clean = scrub(str(reason))
    return type(error)(clean, error.field)
