"""The pending Chinese of this branch (webadmin/translations/pending/*.json), merged into an app's catalog for a test.

Until the catalog's keeper merges them into messages.po, tests that read a new string in
Chinese call :func:`merge_pending` first; afterwards it changes nothing.
"""

from __future__ import annotations

import json
from pathlib import Path

from flask import Flask
from flask_babel import get_translations

PENDING = Path(__file__).resolve().parents[2] / "webadmin" / "translations" / "pending"


def merge_pending(app: Flask) -> None:
    """Add the pending translations to the Chinese catalog ``app`` has loaded (its cache is per app)."""
    pending: dict[str, str] = {}
    for path in sorted(PENDING.glob("*.json")) if PENDING.exists() else []:
        pending.update(json.loads(path.read_text(encoding="utf-8")))
    with app.test_request_context("/", headers={"Accept-Language": "zh-CN"}):
        catalog = get_translations()._catalog  # type: ignore[attr-defined]
        for english, chinese in pending.items():
            catalog.setdefault(english, chinese)
