"""Strings of the web admin waiting to be merged into the catalog (translations/pending/*.json) are complete and sound.

Branches that add strings put their Chinese in webadmin/translations/pending/<branch>.json instead of
editing messages.po at the same time; the catalog's keeper merges them. Until then
test_i18n.py::test_every_string_of_the_web_admin_is_translated fails on such a branch, and this test
checks that nothing is missing from catalog and pending files together.
"""

from __future__ import annotations

import json
import re

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from .test_i18n import CATALOG, WEBADMIN

pytestmark = pytest.mark.once  # no database behaviour here: run in the SQLite half only

PENDING = WEBADMIN / "translations" / "pending"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")


def _pending() -> dict[str, str]:
    out: dict[str, str] = {}
    for path in sorted(PENDING.glob("*.json")) if PENDING.is_dir() else []:
        out.update(json.loads(path.read_text(encoding="utf-8")))
    return out


def test_every_string_is_in_the_catalog_or_pending() -> None:
    with open(WEBADMIN / "babel.cfg") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    keywords = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None}
    found = {
        m[0] if isinstance(m, tuple) else m
        for _f, _l, m, _c, _x in extract_from_dir(WEBADMIN.parent, method_map, options_map, keywords=keywords)
    }
    with open(CATALOG / "messages.po", "rb") as po:
        catalog = {(m.id[0] if isinstance(m.id, tuple) else m.id) for m in read_po(po) if m.id and m.string}
    missing = found - catalog - set(_pending())
    assert not missing, f"neither in the catalog nor pending: {sorted(missing)}"


def test_pending_translations_keep_their_placeholders() -> None:
    for english, chinese in _pending().items():
        assert chinese.strip(), english
        assert sorted(PLACEHOLDER.findall(english)) == sorted(PLACEHOLDER.findall(chinese)), english
