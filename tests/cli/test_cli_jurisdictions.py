"""The jurisdiction commands other projects script: region load/list, user add --region, class assign, request escalate."""

from __future__ import annotations

from pathlib import Path

from cli_harness import Cli

REGIONS = """code,name,level,parent
522700,黔南布依族苗族自治州,州,
522731,惠水县,县,522700
522729,长顺县,county,522700
522731101,好花红镇,镇,
"""


def test_a_city_is_loaded_assigned_and_escalated_to(county_cli: Cli, tmp_path: Path) -> None:
    regions = tmp_path / "regions.csv"
    regions.write_text(REGIONS, encoding="utf-8")
    assert county_cli("--json", "region", "load", str(regions)).json == {"added": 4, "updated": 0, "unchanged": 0}
    assert county_cli("--json", "region", "load", str(regions)).json["unchanged"] == 4  # again: nothing new
    listed = county_cli("--json", "region", "list", "--under", "522731").json
    assert [(r["code"], r["jurisdiction"]) for r in listed] == [("522731", "522731"), ("522731101", "522731")]
    assert "好花红镇" in county_cli("region", "list").out

    county_cli("agency", "add", "HS-MZ", "惠水县民政局", "--region", "522731")
    county_cli("agency", "add", "QN-YJ", "黔南州应急管理局", "--region", "522700")
    assigned = county_cli("--json", "class", "assign", "LIVING", "--agency", "HS-MZ").json
    assert assigned == {"class": "LIVING", "agency": "HS-MZ", "jurisdiction": "522731"}
    county_cli("class", "assign", "LIVING", "--agency", "QN-YJ")
    county_cli(
        "point",
        "add",
        "HS-CK",
        "惠水县储备库",
        "--level",
        "county",
        "--lat",
        "26.13",
        "--lon",
        "106.66",
        "--region",
        "522731",
    )
    county_cli(
        "point",
        "add",
        "QN-CK",
        "州储备库",
        "--level",
        "city",
        "--lat",
        "26.26",
        "--lon",
        "107.52",
        "--region",
        "522700",
    )
    for point, qty in (("HS-CK", "20"), ("QN-CK", "500")):
        county_cli("stock", "receive", "--point", point, "--item", "TENT12", "--qty", qty, "--lot", "B1")
    added = county_cli(
        "--json", "user", "add", "hs-disp", "--role", "dispatcher", "--region", "522731", "--no-password"
    ).json
    assert added["jurisdiction"] == "522731"
    county_cli("user", "add", "qn-disp", "--role", "dispatcher", "--region", "522700", "--no-password")

    hs = Cli(county_cli.url, user="hs-disp")
    incident = hs(
        "--json", "incident", "add", "涟江洪水", "--type", "flood", "--level", "IV", "--lat", "26.1", "--lon", "106.6"
    ).json["id"]
    rid = hs(
        "--json", "request", "create", "--incident", str(incident), "--line", "TENT12=100", "--dest-point", "HS-CK"
    ).json["id"]
    for step in ("submit", "approve", "allocate"):
        hs("request", step, str(rid))
    above = hs("--json", "request", "escalate", str(rid)).json
    assert above["jurisdiction"] == "522700" and above["status"] == "submitted" and above["escalated_from"] == rid
    refused = hs("request", "approve", str(above["id"]), expect=3)
    assert "522731" in refused.err
    qn = Cli(county_cli.url, user="qn-disp")
    qn("request", "approve", str(above["id"]))
    plan = qn("--json", "request", "allocate", str(above["id"])).json
    assert sum(r["quantity"] for r in plan["rows"]) == 80
    shown = hs("request", "show", str(rid)).out
    assert f"coming from above: request #{above['id']}" in shown and "QN-CK" in shown


def test_the_shipped_divisions_load_and_a_file_or_the_flag_is_required(county_cli: Cli, tmp_path: Path) -> None:
    done = county_cli("--json", "region", "load", "--shipped").json
    assert done["added"] == 42
    assert any(r["name"] == "惠水县" for r in county_cli("--json", "region", "list", "--under", "522700").json)
    assert "FILE or --shipped" in county_cli("region", "load", expect=2).err
