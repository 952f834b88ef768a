"""Reporting upward (报送): frozen, versioned ledger submissions, the parent's view of who is late, and signed
files between installations that are not connected."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import stat
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

import supplies
from supplies.config import local_today
from supplies.errors import InvalidInput, NotFound, PermissionDenied, RuleViolation
from supplies.services.reports.submissions import DUE_DAYS, canonical, keygen, parse_period

from .conftest import BACKEND, snapshot
from .submission_city import CITY, HUISHUI, LIBO, SANDU, build_city, county_alone


@pytest.fixture
def city(inv: supplies.Inventory) -> supplies.Inventory:
    return build_city(inv)


def this_month() -> str:
    return local_today().strftime("%Y-%m")


# -- periods --------------------------------------------------------------------------------------
@pytest.mark.once
@pytest.mark.parametrize(
    ("given", "canonical_text", "first", "last"),
    [
        ("2026", "2026", "2026-01-01", "2026-12-31"),
        ("2026-Q4", "2026-Q4", "2026-10-01", "2026-12-31"),
        ("2026-q1", "2026-Q1", "2026-01-01", "2026-03-31"),
        ("2024-02", "2024-02", "2024-02-01", "2024-02-29"),
        (" 2026-11 ", "2026-11", "2026-11-01", "2026-11-30"),
    ],
)
def test_periods_are_years_quarters_and_months(given: str, canonical_text: str, first: str, last: str) -> None:
    p = parse_period(given)
    assert (p.text, p.first.isoformat(), p.last.isoformat()) == (canonical_text, first, last)
    assert (p.due_on - p.last).days == DUE_DAYS == 15


@pytest.mark.once
@pytest.mark.parametrize("bad", ["", "26", "2026-Q5", "2026-13", "2026-00", "2026-W01", "2026/11", "1200", None, 2026])
def test_a_bad_period_is_refused_naming_the_field(bad: object) -> None:
    with pytest.raises(InvalidInput) as err:
        parse_period(bad)
    assert err.value.field == "period"


# -- submitting ---------------------------------------------------------------------------------
def test_a_submission_freezes_the_jurisdictions_ledger_for_the_period(city: supplies.Inventory) -> None:
    period = this_month()
    hs = city.as_user("hs")
    first = hs.submissions.submit(period)
    assert (first.jurisdiction, first.period, first.version, first.source) == (HUISHUI, period, 1, "local")
    assert first.submitted_by == "hs" and first.on_time and not first.signed
    content = hs.submissions.download(HUISHUI, period)
    assert hashlib.sha256(content.encode()).hexdigest() == first.sha256
    assert content == canonical(json.loads(content))  # canonical: sorted keys, no whitespace
    ledger = json.loads(content)
    assert (ledger["jurisdiction"], ledger["period"]) == (HUISHUI, period)
    [row] = ledger["rows"]  # the depot's tents; the township point holds nothing
    assert (row["point"], row["item"], row["opening"], row["received"], row["closing"]) == (
        "HS-CK01",
        "TENT12",
        0,
        10,
        10,
    )
    assert ledger["totals"]["received"] == 10

    # A correction is a new version; the first one stays as it was.
    city.stock.issue("HS-CK01", "TENT12", 4)
    second = hs.submissions.submit(period)
    assert second.version == 2 and second.sha256 != first.sha256
    assert json.loads(hs.submissions.download(HUISHUI, period))["totals"]["issued"] == 4
    assert hs.submissions.download(HUISHUI, period, version=1) == content
    assert [v.version for v in hs.submissions.versions(HUISHUI, period)] == [1, 2]
    assert hs.submissions.get(HUISHUI, period).version == 2


def test_a_parent_sees_only_its_own_points_and_a_quiet_period_is_empty(city: supplies.Inventory) -> None:
    mine = city.as_user("city").submissions.submit("2001-Q1")
    assert mine.jurisdiction == CITY and not mine.on_time  # long past its due day
    ledger = json.loads(city.as_user("city").submissions.download(CITY, "2001-Q1"))
    assert ledger["rows"] == [] and ledger["since"] == "2001-01-01" and ledger["until"] == "2001-03-31"


def test_who_may_submit_and_for_whom(city: supplies.Inventory) -> None:
    period = this_month()
    with pytest.raises(PermissionDenied):
        city.as_user("hs").submissions.submit(period, jurisdiction=SANDU)  # a sibling county
    with pytest.raises(PermissionDenied):
        city.as_user("hs").submissions.submit(period, jurisdiction=CITY)  # the level above
    with pytest.raises(PermissionDenied):
        city.as_user("cityview").submissions.submit(period)  # viewers read
    with pytest.raises(InvalidInput) as err:
        city.as_user("city").submissions.submit(period, jurisdiction="522731100")  # a township
    assert err.value.field == "jurisdiction"
    with pytest.raises(NotFound):
        city.as_user("city").submissions.submit(period, jurisdiction="529999")
    with pytest.raises(InvalidInput) as err:
        city.as_user("hs").submissions.submit("2026-Q9")
    assert err.value.field == "period"
    # A city dispatcher may submit on behalf of one of its counties; it is recorded as theirs.
    done = city.as_user("citydesk").submissions.submit(period, jurisdiction=LIBO)
    assert (done.jurisdiction, done.submitted_by) == (LIBO, "citydesk")
    with pytest.raises(PermissionDenied):
        city.as_user("hs").submissions.get(LIBO, period)


def test_the_database_refuses_to_change_or_delete_a_submission(city: supplies.Inventory) -> None:
    city.as_user("hs").submissions.submit(this_month())
    before = snapshot(city)["ledger_submission"]
    statements = [
        "UPDATE ledger_submission SET content = '{}'",
        "UPDATE ledger_submission SET version = 7",
        "DELETE FROM ledger_submission",
    ]
    if BACKEND == "sqlite":
        statements.append(
            "INSERT OR REPLACE INTO ledger_submission (id, jurisdiction_code, period, version, content, sha256, "
            "submitted_by, submitted_at, source) SELECT id, jurisdiction_code, period, version, '{}', sha256, "
            "'mallory', submitted_at, source FROM ledger_submission"
        )
    else:
        statements.append("TRUNCATE ledger_submission")
        statements.append("TRUNCATE region CASCADE")
    for sql in statements:
        with pytest.raises(DBAPIError, match="frozen"), city.engine.begin() as conn:
            conn.execute(text(sql))
    assert snapshot(city)["ledger_submission"] == before


# -- the parent's view --------------------------------------------------------------------------
def test_the_parent_sees_who_submitted_who_is_late_and_who_is_missing(city: supplies.Inventory) -> None:
    now = this_month()
    city.as_user("hs").submissions.submit(now)
    city.as_user("sd").submissions.submit("2025-Q1")  # long after 2025-04-15
    city.as_user("hs").submissions.submit("2025-Q1")
    statuses = {s.jurisdiction: s for s in city.as_user("cityview").submissions.status(now)}
    assert list(statuses) == [LIBO, HUISHUI, SANDU]  # the counties of the city, in tree order, no township
    assert statuses[HUISHUI].status == "submitted" and statuses[HUISHUI].version == 1
    assert statuses[HUISHUI].submitted_by == "hs" and statuses[HUISHUI].sha256
    assert statuses[SANDU].status == "missing" and statuses[SANDU].version is None
    old = {s.jurisdiction: s.status for s in city.as_user("citydesk").submissions.status("2025-Q1")}
    assert old == {LIBO: "missing", HUISHUI: "late", SANDU: "late"}
    assert city.as_user("citydesk").submissions.status("2025-Q1")[0].due_on.isoformat() == "2025-04-15"
    # The top of the installation sees the province below it, not the counties two levels down.
    assert [s.jurisdiction for s in city.submissions.status(now)] == ["520000"]
    # A county has no child jurisdictions; others' status is out of its scope.
    assert city.as_user("hs").submissions.status(now) == []
    with pytest.raises(PermissionDenied):
        city.as_user("hs").submissions.status(now, jurisdiction=CITY)
    with pytest.raises(PermissionDenied):
        city.as_user("sd").submissions.status(now, jurisdiction=HUISHUI)


# -- signed files between installations ---------------------------------------------------------
@pytest.mark.once
def test_keygen_writes_a_private_key_only_its_owner_reads(tmp_path: Path) -> None:
    public = keygen(tmp_path / "hs.pem")
    assert len(base64.b64decode(public)) == 32
    assert stat.S_IMODE(os.stat(tmp_path / "hs.pem").st_mode) == 0o600
    assert (tmp_path / "hs.pem").read_text().startswith("-----BEGIN PRIVATE KEY-----")
    with pytest.raises(InvalidInput) as err:
        keygen(tmp_path / "hs.pem")  # never overwritten
    assert err.value.field == "out"


def test_a_signed_file_travels_from_a_county_alone_to_the_city(city: supplies.Inventory, tmp_path: Path) -> None:
    child = county_alone(tmp_path)
    public = child.submissions.keygen(tmp_path / "hs.pem")
    trusted = city.as_user("city").submissions.trust(HUISHUI, public)
    assert trusted.jurisdiction == HUISHUI and not trusted.replaced and len(trusted.fingerprint) == 19
    sent = child.as_user("hs").submissions.submit("2025-Q4")
    out = child.as_user("hs").submissions.export("2025-Q4", tmp_path / "hs-2025Q4.json", tmp_path / "hs.pem")
    assert out.file == str(tmp_path / "hs-2025Q4.json") and out.version == 1
    doc = json.loads((tmp_path / "hs-2025Q4.json").read_text(encoding="utf-8"))
    assert doc["jurisdiction"] == HUISHUI and doc["sha256"] == sent.sha256 and doc["content"]["period"] == "2025-Q4"

    got = city.as_user("citydesk").submissions.receive(tmp_path / "hs-2025Q4.json")
    assert (got.jurisdiction, got.period, got.version, got.source, got.signed) == (
        HUISHUI,
        "2025-Q4",
        1,
        "received",
        True,
    )
    assert got.sha256 == sent.sha256 and got.submitted_by == "hs" and got.submitted_at == sent.submitted_at
    assert city.as_user("city").submissions.download(HUISHUI, "2025-Q4") == child.submissions.download(
        HUISHUI, "2025-Q4"
    )
    statuses = {s.jurisdiction: s for s in city.as_user("cityview").submissions.status("2025-Q4")}
    assert statuses[HUISHUI].source == "received" and statuses[HUISHUI].status == "late"
    child.close()


def _signed(tmp_path: Path, name: str, change: dict[str, object], key: str = "hs.pem") -> Path:
    """The exported file with fields changed, signed again with ``key`` (or not, with key="")."""
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    doc = json.loads((tmp_path / "hs.json").read_text(encoding="utf-8"))
    doc.update(change)
    if key:
        private = load_pem_private_key((tmp_path / key).read_bytes(), password=None)
        unsigned = {k: v for k, v in doc.items() if k != "signature"}
        doc["signature"] = base64.b64encode(private.sign(canonical(unsigned).encode())).decode()  # type: ignore[call-arg, union-attr]
    path = tmp_path / name
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return path


def test_every_refused_file_writes_nothing(city: supplies.Inventory, tmp_path: Path) -> None:
    child = county_alone(tmp_path)
    public = keygen(tmp_path / "hs.pem")
    keygen(tmp_path / "other.pem")
    child.as_user("hs").submissions.submit("2025-Q4")
    child.as_user("hs").submissions.export("2025-Q4", tmp_path / "hs.json", tmp_path / "hs.pem")
    desk = city.as_user("citydesk").submissions
    doc = json.loads((tmp_path / "hs.json").read_text(encoding="utf-8"))
    tampered = dict(doc["content"], totals={**doc["content"]["totals"], "closing": 9999})

    def moved(code: str) -> dict[str, object]:
        """The same ledger said to be of another jurisdiction, hashed again."""
        content = dict(doc["content"], jurisdiction=code)
        return {
            "jurisdiction": code,
            "content": content,
            "sha256": hashlib.sha256(canonical(content).encode()).hexdigest(),
        }

    before = snapshot(city)

    # No key registered for the county yet.
    with pytest.raises(RuleViolation, match="no key is registered"):
        desk.receive(tmp_path / "hs.json")
    city.as_user("city").submissions.trust(HUISHUI, public)
    before = snapshot(city)
    refusals = {
        # The content changed after signing: the hash no longer matches.
        "content changed": (_signed(tmp_path, "a.json", {"content": tampered}, key=""), "SHA-256"),
        # Content and hash changed and signed with another key: the signature does not verify.
        "other key": (
            _signed(
                tmp_path,
                "b.json",
                {"content": tampered, "sha256": hashlib.sha256(canonical(tampered).encode()).hexdigest()},
                key="other.pem",
            ),
            "signature",
        ),
        # A field outside the content changed after signing.
        "version changed": (_signed(tmp_path, "c.json", {"version": 2}, key=""), "signature"),
        # Signed properly but from a county the city does not know.
        "unknown": (_signed(tmp_path, "d.json", moved("530102")), "does not know"),
        # A county the city knows but holds no key for.
        "no key": (_signed(tmp_path, "e.json", moved(SANDU)), "no key"),
    }
    for what, (path, words) in refusals.items():
        with pytest.raises(RuleViolation, match=words):
            desk.receive(path)
        assert snapshot(city) == before, what
    junks = (
        "not json",
        json.dumps({"format": "something else"}),
        json.dumps({**doc, "sha256": "xyz"}),
        json.dumps({**doc, "jurisdiction": SANDU}),  # the ledger inside is of another county
        json.dumps({k: v for k, v in doc.items() if k != "signature"}),
    )
    for junk in junks:
        (tmp_path / "junk.json").write_text(junk, encoding="utf-8")
        with pytest.raises(InvalidInput) as err:
            desk.receive(tmp_path / "junk.json")
        assert err.value.field == "file"
    assert snapshot(city) == before

    desk.receive(tmp_path / "hs.json")
    after = snapshot(city)
    with pytest.raises(RuleViolation, match="here already"):
        desk.receive(tmp_path / "hs.json")  # a second copy of the same version
    assert snapshot(city) == after
    with pytest.raises(PermissionDenied):
        city.as_user("cityview").submissions.receive(tmp_path / "hs.json")
    child.close()


def test_who_may_register_a_key(city: supplies.Inventory, tmp_path: Path) -> None:
    public = keygen(tmp_path / "k.pem")
    with pytest.raises(PermissionDenied):
        city.as_user("citydesk").submissions.trust(HUISHUI, public)  # admins only
    with pytest.raises(PermissionDenied):
        city.as_user("sd").submissions.trust(HUISHUI, public)  # not its scope
    with pytest.raises(RuleViolation):
        city.as_user("city").submissions.trust(CITY, public)  # its own: the parent registers a child's key
    with pytest.raises(InvalidInput) as err:
        city.as_user("city").submissions.trust(HUISHUI, "bm90IGEga2V5")
    assert err.value.field == "public_key"
    first = city.as_user("city").submissions.trust(HUISHUI, public)
    again = city.as_user("city").submissions.trust(HUISHUI, keygen(tmp_path / "k2.pem"))
    assert not first.replaced and again.replaced
    assert city.regions.get(HUISHUI).public_key == again.public_key


def test_the_top_of_an_installation_cannot_be_exported(tmp_path: Path, inv: supplies.Inventory) -> None:
    keygen(tmp_path / "k.pem")
    inv.submissions.submit("2025-Q4")
    with pytest.raises(InvalidInput) as err:
        inv.submissions.export("2025-Q4", tmp_path / "x.json", tmp_path / "k.pem")
    assert err.value.field == "jurisdiction" and not (tmp_path / "x.json").exists()
    with pytest.raises(InvalidInput) as err:
        inv.submissions.export("2025-Q4", tmp_path / "x.json", tmp_path / "missing.pem")
    assert err.value.field == "key"
