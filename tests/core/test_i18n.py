"""The core speaks Chinese: every message it writes has a translation, and errors are said in the user's language."""

from __future__ import annotations

import string
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

import supplies
from supplies.i18n import t, translate, use_language

pytestmark = pytest.mark.once  # no database behaviour here: run in the SQLite half only

ROOT = Path(__file__).resolve().parents[2]
CATALOG = ROOT / "supplies" / "locale" / "zh_Hans_CN" / "LC_MESSAGES"


def test_every_message_of_the_core_is_translated() -> None:
    found = {
        message
        for _f, _l, message, _c, _ctx in extract_from_dir(
            ROOT / "supplies", [("**.py", "python")], keywords={"t": None}
        )
    }
    with open(CATALOG / "supplies.po", "rb") as po:
        catalog = read_po(po)
    translated = {m.id for m in catalog if m.id and m.string}
    assert found and not found - translated, f"untranslated: {sorted(found - translated)}"

    def names(text: str) -> list[str]:
        return sorted(f for _, f, _, _ in string.Formatter().parse(text) if f)

    changed = [m.id for m in catalog if m.id and m.string and names(m.id) != names(m.string)]
    assert not changed, f"the translation names other placeholders: {changed}"


def test_the_compiled_catalog_matches_its_source() -> None:
    with open(CATALOG / "supplies.po", "rb") as po, open(CATALOG / "supplies.mo", "rb") as mo:
        source, compiled = read_po(po), read_mo(mo)
    assert {m.id: m.string for m in source if m.id} == {m.id: m.string for m in compiled if m.id}


def test_an_error_reads_english_and_says_itself_in_chinese(county: supplies.Inventory) -> None:
    with pytest.raises(supplies.InvalidInput) as err:
        county.stock.receive("CK-01", "QUILT", 10**12)
    assert str(err.value) == "qty: must be a whole number from 1 to 1,000,000,000"
    assert err.value.localized("zh") == "qty: 须为 1 到 1,000,000,000 之间的整数"
    assert err.value.code == "must_be_a_whole_number_from_to"
    assert err.value.params["lo"] == 1 and err.value.params["hi"] == 10**9
    with pytest.raises(supplies.InsufficientStock) as short:
        county.stock.issue("CK-01", "QUILT", 5)
    with use_language("zh_CN.UTF-8"):
        assert short.value.localized() == "qty: CK-01 的 QUILT 可用 0 床，需要 5"


def test_marshmallows_own_messages_and_stored_notes_are_said_in_chinese() -> None:
    assert translate("Not a valid integer.", "zh") == "不是有效的整数。"
    assert translate("Must be greater than or equal to 0.", "zh") == "须不小于 0。"
    assert translate("WAT dispatched 200 units; 10 still reserved", "zh") == "WAT 出库 200 个单位；仍有 10 个预留"
    assert translate(t("request #{id} is {status}", id=3, status=t("draft")), "en") == "request #3 is draft"
    assert translate("a batch code nobody translates", "zh") == "a batch code nobody translates"
