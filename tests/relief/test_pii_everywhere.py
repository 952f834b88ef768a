"""No full ID number and no full phone anywhere a household's data could leak: exports, reports, logs, errors, pages.

Households are registered with ID numbers and phones and served; then every export kind, every
report (the signing sheet and the notice included), the ledger, the error messages of a refused
import and of refused additions, every log line (captured at DEBUG, SQLAlchemy's included) and the
web pages are searched for the full numbers. Admins and dispatchers of the jurisdiction see phones in
full on the household register; viewers and warehouse staff of other points see them masked.
A backup is admin-only (it holds every record, phones included, by design) and is checked to be
refused to everyone else and to hold no ID number either: none is stored.
"""

from __future__ import annotations

import io
import json
import logging
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

import supplies
from supplies.errors import InvalidInput, PermissionDenied
from supplies.services.io.columns import KINDS as IO_KINDS
from supplies.services.io.rows import ImportRejected

IDS = ("520102199001011234", "52010219850202567X", "520102200105050018")
PHONES = ("13812345678", "13900001111", "0854-6222110")
FORBIDDEN = (*IDS, *(i[:-1] for i in IDS), *(i.lower() for i in IDS), *PHONES)
EXPORT_KINDS = tuple(IO_KINDS)  # every kind, in the order an import needs (agencies before points ...)
REPORTS = ("ledger", "stock", "expiry", "gaps", "requisitions")


@pytest.fixture(autouse=True)
def _pii_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SUPPLIES_PII_KEY", "test-key-for-pii")


@pytest.fixture
def logs(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    """Every log record at DEBUG, and the database engine's statements as ``echo=True`` logs them (INFO: the
    statements and their parameters, which the engine hides; its DEBUG level would add every row read)."""
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.INFO, logger="sqlalchemy.engine")
    yield caplog


@pytest.fixture
def served(county: supplies.Inventory, logs: pytest.LogCaptureFixture) -> supplies.Inventory:
    inv = county
    inv.stock.receive("CK-01", "QUILT", 40, batch="Q-1")
    inv.stock.receive("CK-01", "TENT12", 10, batch="T-1")
    inv.targets.set("QUILT", 100, point="CK-01")
    inv.incidents.add("河口洪涝", type="flood", level="IV", lat=26.5, lon=106.7)
    inv.users.add("disp", role="dispatcher", password="disp-pass-12")
    inv.users.add("viewer1", role="viewer", password="view-pass-12")
    inv.users.add("keeper2", role="warehouse", points=["TS-02"], password="keeper-pass-2")
    inv.entitlements.set("QUILT", per_person=1)
    inv.entitlements.set("TENT12", per_household=1, max_members=4)
    inv.households.add("1", head="张三", members=3, village="新村", phone=PHONES[0], id_number=IDS[0])
    register = (
        f"编号,户主,人数,村,电话,身份证号\n2,李四,2,新村,{PHONES[1]},{IDS[1]}\n3,王五,4,老村,{PHONES[2]},{IDS[2]}\n"
    )
    inv.households.import_file(io.BytesIO(register.encode()))
    inv.distribution.distribute("CK-01", "1", collector="张小三")
    inv.distribution.distribute("CK-01", "3")
    inv.households.update("2", phone=PHONES[1], id_number=IDS[1])
    # A person's tent requisitioned (征用): the owner's ID number is kept masked only.
    zy = inv.requisitions.add(
        owner="王五", owner_id=IDS[2], authority="县人民政府", basis="《突发事件应对法》", point="CK-01",
        items=[("TENT12", 2, "600.00", "20.00")],
    ).id  # fmt: skip
    inv.requisitions.record_return(zy, {"TENT12": 2}, "good")
    inv.requisitions.assess(zy)
    inv.requisitions.add(
        owner="赵六", owner_id=IDS[1], authority="县人民政府", basis="征用令", point="CK-01", items=[("QUILT", 3, "80")]
    )
    # A donor's phone and a contract's contact phone: neither is in an export.
    inv.donors.add("D-1", "李四", contact=PHONES[1])
    inv.donors.add("D-2", "某公司", kind="company", contact=f"王经理 {PHONES[2]}")
    inv.donations.receive("D-1", "CK-01", "QUILT", 5, certificate="JZ-1")
    inv.points.add("AG", "协议仓库", kind="agreement", level="county", lat=26.5, lon=106.7, region_code="520102")
    inv.contracts.add(
        "XY-1", company="某商贸公司", contact=f"张经理 {PHONES[0]}", point="AG", items={"QUILT": 50},
        valid_from="2026-01-01", valid_to="2099-01-01", lead_time_hours=12,
    )  # fmt: skip
    return inv


def _clean(text: str, where: str) -> None:
    for secret in FORBIDDEN:
        assert secret not in text, f"{secret!r} in {where}"


def _run(inv: supplies.Inventory, *args: str, user: str = "admin") -> tuple[int, str]:
    from cli.main import cli
    from supplies.i18n import set_language

    url = inv.engine.url.render_as_string(hide_password=False)
    env = {"SUPPLIES_PII_KEY": os.environ["SUPPLIES_PII_KEY"], "LC_ALL": "C.UTF-8"}
    result = CliRunner().invoke(cli, ["--db", url, "--as", user, *args], env=env, prog_name="supplies")
    set_language("en")
    return result.exit_code, result.stdout + result.stderr


def _file_text(path: Path) -> str:
    if path.suffix == ".xlsx":
        book = load_workbook(path)
        return repr([list(ws.iter_rows(values_only=True)) for ws in book.worksheets])
    return path.read_bytes().decode("utf-8-sig")


def test_no_export_or_report_holds_a_full_id_or_phone(
    served: supplies.Inventory, tmp_path: Path, logs: pytest.LogCaptureFixture
) -> None:
    for user in ("admin", "disp", "viewer1", "keeper"):
        for kind in EXPORT_KINDS:
            for suffix in ("csv", "xlsx"):
                out = tmp_path / f"{user}-{kind}.{suffix}"
                code, said = _run(served, "export", kind, str(out), user=user)
                assert code == 0, said
                _clean(said + _file_text(out), f"export {kind} as {user}")
        for report in REPORTS:
            for suffix in ("csv", "xlsx", "json"):
                out = tmp_path / f"{user}-{report}.{suffix}"
                code, said = _run(served, "report", report, "--out", str(out), user=user)
                assert code == 0, said
                _clean(said + _file_text(out), f"report {report} as {user}")
        for village in ("新村", "老村"):
            out = tmp_path / f"{user}-{village}.xlsx"
            code, said = _run(served, "report", "signing-sheet", "--village", village, "--out", str(out), user=user)
            assert code == 0, said
            sheet = _file_text(out)
            _clean(said + sheet, f"signing sheet of {village} as {user}")
            assert "****" in sheet  # the masked ID numbers are there
            code, said = _run(served, "--json", "report", "signing-sheet", "--village", village, user=user)
            _clean(said, f"signing sheet of {village} as {user}")
        out = tmp_path / f"{user}-notice.xlsx"
        code, said = _run(served, "report", "notice", "--out", str(out), user=user)
        assert code == 0, said
        notice = _file_text(out) + _run(served, "report", "notice", "--json", user=user)[1]
        _clean(said + notice, f"notice as {user}")
        for personal in ("张三", "李四", "王五", "张小三", "****"):
            assert personal not in notice
        for args in (
            ("ledger",),
            ("--json", "ledger"),
            ("--json", "household", "list"),
            ("--json", "requisition", "list"),
            ("--json", "requisition", "show", "1"),
            ("requisition", "show", "1"),
        ):
            code, said = _run(served, *args, user=user)
            assert code == 0, said
            if "household" not in args:
                _clean(said, f"{args} as {user}")
            else:
                for secret in IDS:
                    assert secret not in said
    _clean(logs.text, "the log")
    registering = "\n".join(r.getMessage() for r in logs.get_records("setup"))
    _clean(registering, "the log of the registration and the distributions")
    assert "INSERT INTO household" in registering and "FROM household" in logs.text  # captured, parameters hidden


def test_no_error_message_repeats_an_id_number(served: supplies.Inventory, logs: pytest.LogCaptureFixture) -> None:
    bad = (
        "编号,户主,人数,村,电话,身份证号\n"
        f"4,赵六,2,新村,,{IDS[0]}\n"  # the same ID as household 1
        f"5,钱七,2,新村,,{IDS[1][:-1]}\n"  # 17 characters: not an ID number
        f"6,孙八,{IDS[2]},新村,,\n"  # an ID number in the members column
        f"7,周九,2,新村,{IDS[2]}0000,\n"  # an ID number run into the phone column
        f"8,吴十,2,新村,,{IDS[2]}{IDS[2]}\n"  # two run together
        f"1,郑一,2,新村,,{IDS[2].lower()}\n"  # a registered number, a registered ID in lower case
    )
    with pytest.raises(ImportRejected) as exc:
        served.households.import_file(io.BytesIO(bad.encode()))
    said = [str(exc.value), repr(exc.value.as_dict()), repr(exc.value.errors), exc.value.localized("zh")]
    assert len(exc.value.problems) >= 6
    for bad_add in (
        dict(number="9", id_number=IDS[0]),
        dict(number="9", id_number=IDS[0][:-2]),
        dict(number="9", id_number=IDS[0] + "1"),
        dict(number="9", phone=IDS[0] + "12345"),
    ):
        with pytest.raises(InvalidInput) as refused:
            served.households.add(head="x", members=1, village="v", **bad_add)  # type: ignore[arg-type]
        said += [str(refused.value), repr(refused.value.errors), refused.value.localized("zh")]
        if "id_number" in bad_add:  # the same number as a requisition's owner ID
            with pytest.raises(InvalidInput) as refused:
                served.requisitions.add(
                    owner="x", owner_id=bad_add["id_number"], owner_kind="company", authority="a", basis="b",
                    point="CK-01", items=[("QUILT", 1, "1")],
                )  # fmt: skip
            said += [str(refused.value), repr(refused.value.errors), refused.value.localized("zh")]
    with pytest.raises(InvalidInput) as updating:
        served.households.update("1", id_number=IDS[1])
    said += [str(updating.value), repr(updating.value.errors)]
    for text in said:
        _clean(text.replace(IDS[0] + "12345", ""), "an error message")  # the phone refused is not an ID
    code, out = _run(
        served, "household", "add", "9", "--head", "x", "--members", "1", "--village", "v", "--id-number", IDS[2]
    )
    assert code == 2 and "the same ID number as household 3" in out
    _clean(out, "the command's error")
    _clean(logs.text, "the log")


def test_only_admins_and_dispatchers_of_the_jurisdiction_see_phones(served: supplies.Inventory) -> None:
    for user, full in (("admin", True), ("disp", True), ("viewer1", False), ("keeper", False), ("keeper2", False)):
        rows = served.as_user(user).households.list()
        phones = {r.number: r.phone for r in rows}
        if full:
            assert phones == {"1": PHONES[0], "2": PHONES[1], "3": PHONES[2]}, user
        else:
            assert phones == {"1": "138****5678", "2": "139****1111", "3": "085*****2110"}, user
            assert served.as_user(user).households.get("2").phone == "139****1111"
            code, said = _run(served, "--json", "household", "list", user=user)
            assert code == 0
            _clean(said, f"household list as {user}")
        assert {r.id_number for r in rows} == {"5201**********1234", "5201**********567X", "5201**********0018"}
    for user in ("admin", "disp"):  # the signing sheet never shows a phone, not even to those who may see it
        _clean(repr(served.as_user(user).relief_papers.signing_sheet("新村").as_dict()), f"signing sheet as {user}")


def test_a_backup_is_for_admins_and_holds_no_id_number(served: supplies.Inventory, tmp_path: Path) -> None:
    for user in ("disp", "viewer1", "keeper"):
        with pytest.raises(PermissionDenied):
            served.as_user(user).backup(str(tmp_path / f"{user}.jsonl"))
    served.backup(str(tmp_path / "admin.jsonl"), format="json")
    text = (tmp_path / "admin.jsonl").read_text(encoding="utf-8")
    for secret in IDS:
        assert secret not in text  # never stored: only the keyed hash and the masked parts
    assert json.dumps(PHONES[0]) in text  # the phones are there: a backup restores the register whole


def test_no_web_page_shows_a_full_id_or_phone(served: supplies.Inventory, logs: pytest.LogCaptureFixture) -> None:
    from webadmin import create_app

    for user, password in (
        ("admin", "correct-horse-battery"),
        ("viewer1", "view-pass-12"),
        ("keeper", "keeper-pass-1"),
    ):
        app = create_app(
            served.engine.url.render_as_string(hide_password=False),
            SECRET_KEY="test",
            WTF_CSRF_ENABLED=False,
            TESTING=True,
        )
        try:
            client = app.test_client()
            assert client.post("/login", data={"name": user, "password": password}).status_code == 302
            for url in (
                "/",
                "/relief/papers/",
                "/relief/papers/sheet?village=新村",
                "/relief/papers/sheet?village=老村",
                "/relief/papers/notice",
                "/stock/ledger/",
                "/dispatch/incidents/",
                "/dispatch/requisitions/",
                "/dispatch/requisitions/show/1",
            ):
                reply = client.get(url)
                assert reply.status_code == 200, (user, url)
                _clean(reply.get_data(as_text=True), f"{url} as {user}")
            for url in ("/relief/papers/sheet?village=新村&format=xlsx", "/relief/papers/notice?format=xlsx"):
                book = load_workbook(io.BytesIO(client.get(url).data))
                _clean(repr(list(book.active.iter_rows(values_only=True))), f"{url} as {user}")
        finally:
            app.extensions["supplies"].close()
    _clean(logs.text, "the log")
