"""Strings waiting to be merged into the Chinese catalog: every string of the web admin is in the catalog or pending.

A branch adds its new strings to ``webadmin/translations/pending/<branch>.json`` as
``{"English msgid": "中文"}``; the catalog's keeper merges them. Until then this test (and not
``test_i18n.py``'s catalog test) tells whether a string was forgotten.
"""

from __future__ import annotations

import json
from pathlib import Path

from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

WEBADMIN = Path(__file__).resolve().parents[2] / "webadmin"
PENDING = WEBADMIN / "translations" / "pending"


def _found() -> set[str]:
    with open(WEBADMIN / "babel.cfg") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    keywords = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None}
    found: set[str] = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
            WEBADMIN.parent, method_map, options_map, keywords=keywords):
        if isinstance(message, tuple):
            found.update(m for m in message if m)
        else:
            found.add(message)
    return found


def _pending() -> dict[str, str]:
    out: dict[str, str] = {}
    for path in sorted(PENDING.glob("*.json")) if PENDING.exists() else []:
        out.update(json.loads(path.read_text(encoding="utf-8")))
    return out


def test_every_string_is_in_the_catalog_or_pending() -> None:
    with open(WEBADMIN / "translations" / "zh_Hans_CN" / "LC_MESSAGES" / "messages.po", "rb") as po:
        catalog = read_po(po)
    translated: set[str] = set()
    for m in catalog:
        if m.id and (all(m.string) if isinstance(m.string, (tuple, list)) else m.string):
            translated.update(m.id if isinstance(m.id, tuple) else (m.id,))
    missing = _found() - translated - set(_pending())
    assert not missing, f"neither translated nor pending: {sorted(missing)}"


def test_pending_translations_are_used_and_chinese() -> None:
    pending, found = _pending(), _found()
    assert not set(pending) - found, f"pending but no longer used: {sorted(set(pending) - found)}"
    for english, chinese in pending.items():
        assert chinese.strip() and any("\u4e00" <= ch <= "\u9fff" for ch in chinese), english
        for token in ("%(", "{"):
            assert english.count(token) == chinese.count(token), (english, chinese)
