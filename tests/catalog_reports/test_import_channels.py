"""Importing contracts, donors, donations and requisitions: through their services, all or nothing,
every problem named by row and column, refusals exit 3, re-imports add nothing twice."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

import supplies
from supplies.services.io.imports import ImportRejected
from supplies.services.io.rows import ImportRefused

from .conftest import snapshot

ID = "520102199001011234"


@pytest.fixture
def agreed(county: supplies.Inventory) -> supplies.Inventory:
    county.points.add(
        "AG-01", "协议储备库", kind="agreement", level="county", lat=26.5, lon=106.7, region_code="520102"
    )
    county.contracts.add(
        "XY-1", company="某商贸公司", point="AG-01", items={"QUILT": 100}, valid_from=date(2026, 1, 1),
        valid_to=date(2099, 1, 1), lead_time_hours=12,
    )  # fmt: skip
    county.donors.add("D-1", "某爱心企业", kind="company")
    county.donations.receive("D-1", "CK-01", "QUILT", 10, certificate="JZ-1")
    return county


def _reject(inv: supplies.Inventory, kind: str, path: Path, text: str, *, exit_code: int = 2) -> ImportRejected:
    path.write_text(text, encoding="utf-8")
    before = snapshot(inv)
    with pytest.raises(ImportRejected) as err:
        inv.imports.file(kind, path)
    assert snapshot(inv) == before
    assert err.value.exit_code == exit_code, err.value.problems
    return err.value


def _where(err: ImportRejected) -> set[tuple[int, str | None]]:
    return {(p.row, p.column) for p in err.problems}


def test_contract_rows_are_signed_through_the_service(agreed: supplies.Inventory, tmp_path: Path) -> None:
    path = tmp_path / "contracts.csv"
    path.write_text(
        "合同编号,企业名称,储备点,物资编码,协议数量,单价(元),有效期起,有效期止,供货时间(小时),储备方式\n"
        "XY-2,某被服厂,AG-01,TENT12,50,800,2026-01-01,2098-12-31,24,协议储备\n"
        "XY-2,某被服厂,AG-01,QUILT,20,,2026-01-01,2098-12-31,24,协议储备\n"
        "XY-1,某商贸公司,AG-01,QUILT,100,,2026-01-01,2099-01-01,12,协议储备\n",  # identical: unchanged
        encoding="utf-8",
    )
    result = agreed.imports.file("contracts", path)
    assert (result.rows, result.added, result.unchanged, result.movements) == (3, 1, 1, 2)
    shown = agreed.contracts.show("XY-2").contract
    assert {ln.item: (ln.quantity, ln.remaining) for ln in shown.lines} == {"TENT12": (50, 50), "QUILT": (20, 20)}
    assert {m.reference for m in agreed.stock.ledger(point="AG-01")} == {"contract:XY-1", "contract:XY-2"}
    assert agreed.stock.verify().ok


def test_bad_contract_rows_are_named_by_row_and_column(agreed: supplies.Inventory, tmp_path: Path) -> None:
    err = _reject(
        agreed,
        "contracts",
        tmp_path / "contracts.csv",
        "\n".join(
            [
                "code,company,credit_code,point,item,quantity,valid_from,valid_to,lead_time_hours",
                "N-1,甲公司,,AG-01,TENT12,5,2026-01-01,2099-01-01,6",  # 2 fine, but its contract has row 3
                "N-1,甲公司,,AG-01,NOPE,5,2026-01-01,2099-01-01,6",  # 3 no such item
                "N-2,乙公司,91350100M000100Y44,AG-01,TENT12,5,2026-01-01,2099-01-01,6",  # 4 bad credit code
                "N-3,丙公司,,CK-01,TENT12,5,2026-01-01,2099-01-01,6",  # 5 a depot is no agreement point
                "N-4,丁公司,,AG-01,TENT12,5,2020-01-01,2021-01-01,6",  # 6 ended
                "N-5,戊公司,,AG-01,TENT12,5,2026-01-01,2099-01-01,6",  # 7
                "N-5,己公司,,AG-01,QUILT,5,2026-01-01,2099-01-01,6",  # 8 another company for one contract
                "XY-1,某商贸公司,,AG-01,QUILT,999,2026-01-01,2099-01-01,12",  # 9 exists with other terms
            ]
        ),
    )
    assert _where(err) == {
        (3, "item"),
        (4, "credit_code"),
        (5, "point"),
        (6, "valid_to"),
        (8, "company"),
        (9, "code"),
    }
    assert "renew" in next(p.reason for p in err.problems if p.row == 9)


def test_a_user_who_may_not_sign_is_refused_with_exit_code_3(agreed: supplies.Inventory, tmp_path: Path) -> None:
    from cli.main import cli
    from supplies.i18n import set_language

    path = tmp_path / "contracts.csv"
    path.write_text(
        "code,company,point,item,quantity,valid_from,valid_to,lead_time_hours\n"
        "N-9,甲公司,AG-01,TENT12,5,2026-01-01,2099-01-01,6\n",
        encoding="utf-8",
    )
    before = snapshot(agreed)
    with pytest.raises(ImportRefused):
        agreed.as_user("keeper").imports.file("contracts", path)
    url = agreed.engine.url.render_as_string(hide_password=False)
    for kind, text in (
        ("contracts", None),
        ("requisitions", "authority,basis,owner,point,item,qty,unit_value\n县政府,依据,张三,CK-01,QUILT,1,10\n"),
        ("donations", "donor,point,item,qty\nD-1,TS-01,QUILT,5\n"),  # the keeper serves CK-01 only
    ):
        if text is not None:
            path = tmp_path / f"{kind}.csv"
            path.write_text(text, encoding="utf-8")
        result = CliRunner().invoke(cli, ["--db", url, "--as", "keeper", "import", kind, str(path)])
        set_language("en")
        assert result.exit_code == 3, (kind, result.output)
        assert "nothing was imported" in result.output
    assert snapshot(agreed) == before


def test_donors_and_donations(agreed: supplies.Inventory, tmp_path: Path) -> None:
    donors = tmp_path / "donors.csv"
    donors.write_text(
        "捐赠人编码,捐赠人,类型,匿名,联系方式\nD-2,李四,个人,是,13900001111\nD-1,某爱心企业,企业,否,\n",
        encoding="utf-8",
    )
    result = agreed.imports.file("donors", donors)
    assert (result.added, result.unchanged) == (1, 1)
    d2 = agreed.donors.get("D-2")
    assert (d2.kind, d2.anonymous, d2.contact) == ("person", True, "13900001111")
    assert agreed.exports.rows("donors")[1] == [
        ["D-1", "某爱心企业", "company", False, None],
        ["D-2", "李四", "person", True, None],
    ]

    err = _reject(agreed, "donors", donors, "code,name,kind\nD-1,别的名字,company\nD-3,x,robot\nD-4,y,\nD-4,z,\n")
    assert _where(err) == {(2, "code"), (3, "kind"), (5, "code")}

    receipts = tmp_path / "donations.csv"
    receipts.write_text(
        "donor,point,item,qty,certificate,triage,reason,restriction\n"
        "D-2,CK-01,TENT12,3,JZ-2,later,,region:520102\n"
        "D-2,CK-01,QUILT,1,,unusable,破损,\n",
        encoding="utf-8",
    )
    result = agreed.imports.file("donations", receipts)
    assert (result.added, result.movements) == (2, 1)
    assert [(d.item, d.restriction, d.in_stock) for d in agreed.donations.list()][-2:] == [
        ("TENT12", "region:520102", True),
        ("QUILT", None, False),
    ]
    err = _reject(
        agreed,
        "donations",
        receipts,
        "donor,point,item,qty,certificate,triage,reason,restriction\n"
        "D-2,CK-01,TENT12,3,JZ-2,later,,\n"  # 2 received already
        "D-9,CK-01,TENT12,3,,,,\n"  # 3 no such donor
        "D-2,CK-01,QUILT,1,,unusable,,\n"  # 4 unusable without a reason
        "D-2,CK-01,QUILT,1,,,,somewhere\n"  # 5 not a restriction
        "D-2,CK-01,QUILT,1,JZ-7,,,\n"  # 6 fine
        "D-2,CK-01,QUILT,1,JZ-7,,,\n",  # 7 the same certificate twice
    )
    assert _where(err) == {(2, "certificate"), (3, "donor"), (4, "reason"), (5, "restriction"), (7, "certificate")}


def test_requisitions_keep_the_owner_id_masked_and_never_echo_it(agreed: supplies.Inventory, tmp_path: Path) -> None:
    path = tmp_path / "征用.csv"
    path.write_text(
        "征用单号,征用机关,法律依据,被征用人,被征用人类型,身份证号/信用代码,储备点,物资编码,数量,评估单价(元),日租金(元),征用时间\n"
        f"7,县政府,《突发事件应对法》,张三,个人,{ID},CK-01,TENT12,2,600,20,2026-03-01 08:00:00\n"
        f"7,县政府,《突发事件应对法》,张三,个人,{ID},CK-01,QUILT,5,85.5,,2026-03-01 08:00:00\n",
        encoding="utf-8",
    )
    result = agreed.imports.file("requisitions", path)
    assert (result.rows, result.added, result.movements) == (2, 1, 2)
    (req,) = agreed.requisitions.list()
    assert req.owner_id == "5201**********1234" and len(req.lines) == 2
    assert agreed.imports.file("requisitions", path).unchanged == 1  # found again, not added twice
    _heads, rows = agreed.exports.rows("requisitions", lang="zh")
    assert rows[0][5] == "5201**********1234" and rows[0][12] == "未结" and ID not in repr(rows)

    bad_id = ID[:-1] + "5"  # the check character is wrong... or 17 characters
    err = _reject(
        agreed,
        "requisitions",
        path,
        "id,authority,basis,owner,owner_id,point,item,qty,unit_value,status,compensation_total\n"
        f"1,县政府,依据,李四,{ID[:-1]},CK-01,QUILT,1,10,,\n"  # 2 not an ID number
        f"2,县政府,依据,王五,{bad_id},CK-99,QUILT,1,10,,\n"  # 3 no such point
        "3,县政府,依据,赵六,,CK-01,QUILT,1,10,closed,\n"  # 4 only open ones
        "4,县政府,依据,钱七,,CK-01,QUILT,1,10,,100\n"  # 5 compensation comes later
        "5,县政府,依据,孙八,,CK-01,QUILT,1,10,,\n"  # 6
        "5,县政府,依据,孙八,,CK-01,QUILT,2,10,,\n",  # 7 the same item twice in one requisition
    )
    assert _where(err) == {(2, "owner_id"), (3, "point"), (4, "status"), (5, "compensation_total"), (7, "item")}
    said = repr(err.as_dict()) + str(err) + repr(err.errors) + err.localized("zh")
    assert ID[:-1] not in said and bad_id not in said
