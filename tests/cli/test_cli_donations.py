"""`supplies donor ...`, `supplies donation ...`, `supplies item classify` and `supplies report donations`."""

from __future__ import annotations

from pathlib import Path

from cli_harness import Cli
from openpyxl import load_workbook

import supplies


def _setup(url: str) -> Cli:
    with supplies.open(url, user="admin") as inv:
        inv.users.add("disp", role="dispatcher", web_login=False)
        inv.users.add("viewer", role="viewer", web_login=False)
    return Cli(url, user="admin")


def test_donors_donations_pledges_letter_and_disclosure(county_cli: Cli, tmp_path: Path) -> None:
    run = _setup(county_cli.url)
    run("donor", "add", "D-CO", "贵州某商贸有限公司", "--kind", "company")
    run("donor", "add", "D-ANON", "王五", "--anonymous", "--contact", "13900000000")
    donors = run("--json", "donor", "list").json
    assert [(d["code"], d["shown_as"]) for d in donors] == [("D-ANON", "匿名"), ("D-CO", "贵州某商贸有限公司")]

    incident = run("incident", "add", "洪涝", "--type", "flood", "--level", "IV", "--lat", "26.6", "--lon", "106.8")
    inc = incident.out.strip()
    pledge = run("donation", "pledge", "--donor", "D-CO", "--item", "QUILT", "--qty", "50").out.strip()
    got = run(
        "donation", "receive", "--donor", "D-CO", "--point", "TS-01", "--item", "QUILT", "--qty", "30",
        "--certificate", "JZ-0001", "--for-incident", inc, "--pledge", pledge,
    )  # fmt: skip
    did = got.out.splitlines()[0]
    assert did.isdigit() and "JZ-0001" in got.out
    run("donation", "receive", "--donor", "D-ANON", "--point", "CK-01", "--item", "TENT12", "--qty", "4",
        "--triage", "later", "--for-region", "520102")  # fmt: skip
    bad = run(
        "--json", "donation", "receive", "--donor", "D-ANON", "--point", "CK-01", "--item", "TENT12", "--qty", "2",
        "--triage", "unusable", "--reason", "发霉",
    ).json  # fmt: skip
    assert bad["lot_id"] is None and bad["disposed_at"]
    listed = run("--json", "donation", "list").json
    assert [(d["donor"], d["quantity"], d["triage"]) for d in listed] == [
        ("D-CO", 30, "urgent"),
        ("D-ANON", 4, "later"),
        ("D-ANON", 2, "unusable"),
    ]
    assert [d["id"] for d in run("--json", "donation", "list", "--incident", inc).json] == [int(did)]
    pledges = run("--json", "donation", "pledges").json
    assert [(p["quantity"], p["received"], p["status"]) for p in pledges] == [(50, 30, "open")]
    assert "outstanding" in run("donation", "pledges", "--open").out

    letter = run("donation", "letter", did).out
    assert "贵州某商贸有限公司" in letter and "JZ-0001" in letter
    assert "<html" in run("donation", "letter", did, "--html").out

    rid = run("request", "create", "--incident", inc, "--dest-point", "TS-01", "--line", "QUILT=20").out.strip()
    run("request", "submit", rid)
    run("request", "approve", rid, user="disp")
    run("request", "allocate", rid, user="disp")
    run("request", "dispatch", rid, user="disp")

    out = tmp_path / "公示.xlsx"
    run("report", "donations", "--incident", inc, "--out", str(out))
    cells = [[c.value for c in row] for ws in load_workbook(out).worksheets for row in ws.iter_rows()]
    flat = [str(v) for row in cells for v in row]
    assert "捐赠人" in flat and "贵州某商贸有限公司" in flat and "13900000000" not in flat
    rows = run("--json", "report", "donations").json["rows"]
    table = {(r["donor"], r["item"]): (r["received"], r["allocated"], r["distributed"], r["remaining"]) for r in rows}
    assert table == {("贵州某商贸有限公司", "QUILT"): (30, 20, 20, 10), ("匿名", "TENT12"): (4, 0, 0, 4)}
    assert run("--json", "verify").json["ok"] is True


def test_goods_not_in_the_catalog_and_item_classify(county_cli: Cli) -> None:
    run = _setup(county_cli.url)
    run("donor", "add", "D-1", "某人")
    run("class", "add", "TO-CLASSIFY", "待分类物资", "--agency", "CIV")
    run("donation", "receive", "--donor", "D-1", "--point", "CK-01", "--item", "X-1", "--qty", "3",
        "--new-item", "取暖器", "--unit", "台")  # fmt: skip
    run("item", "classify", "X-1", "--class", "LIVING", expect=2)  # has stock: needs --as
    done = run("--json", "item", "classify", "X-1", "--class", "LIVING", "--as", "HEATER").json
    assert done["classified_as"] == "HEATER"
    lots = run("--json", "stock", "list", "--point", "CK-01").json
    assert [(x["item"], x["on_hand"], x["mode"]) for x in lots] == [("HEATER", 3, "donation")]
    assert run("--json", "verify").json["ok"] is True


def test_bad_input_exits_2_and_a_refusal_exits_3(county_cli: Cli) -> None:
    run = _setup(county_cli.url)
    run("donor", "add", "D-1", "某人")
    base = ["donation", "receive", "--donor", "D-1", "--point", "CK-01", "--item", "QUILT"]
    err = run("--json", *base, "--qty", "0", expect=2).json
    assert err["error"]["field"] == "qty"
    assert run("--json", *base, "--qty", "1", "--triage", "unusable", expect=2).json["error"]["field"] == "reason"
    run(*base, "--qty", "1", "--for-region", "5201", expect=2)
    run(*base, "--qty", "1", "--donor", "NOPE", expect=2)
    run(*base, "--qty", "1", user="viewer", expect=3)
    run("donor", "add", "D-2", "某人", user="viewer", expect=3)
    run("donor", "add", "D-1", "again", expect=2)
    run("donation", "letter", "999", expect=2)
