"""Fuzzing the command line: any option value ends in exit 0, 2 or 3 with one readable line, never "unexpected".

The commands run in this process (Click's test runner) so that a few hundred examples take
seconds; tests/cli runs the installed script end to end.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import supplies
from cli.main import cli

from .strategies import FORMULAS, LONG, huge_ints

arg_text = st.one_of(
    st.sampled_from(
        [
            "",
            " ",
            "CK-01",
            "TENT12",
            "QUILT",
            "B1",
            "2026-13-01",
            "0001-01-01",
            "9999-12-31",
            "nan",
            "inf",
            "-0",
            "1e9",
            "1_000",
            "０１",
            "+12h",
            "-3h",
            LONG[:5000],
            *FORMULAS,
            "A\x01B",
            "\x1b[2J",
        ]
    ),
    huge_ints.map(str),
    st.floats().map(repr),
    st.text(max_size=12).filter(lambda t: "\x00" not in t),  # argv cannot hold NUL
)
OPTIONS = {
    ("stock", "receive"): [
        "--point",
        "--item",
        "--qty",
        "--lot",
        "--expires",
        "--lead-time-hours",
        "--unit-cost",
        "--agency",
        "--reference",
        "--reason",
    ],
    ("stock", "issue"): ["--point", "--item", "--qty", "--lot", "--reason"],
    ("stock", "transfer"): ["--from", "--to", "--item", "--qty", "--lot", "--to-lot"],
    ("stock", "adjust"): ["--point", "--item", "--counted", "--lot"],
    ("stock", "rotate"): ["--point", "--item", "--qty", "--lot", "--new-lot", "--new-expires"],
    ("stock", "write-off"): ["--point", "--item", "--qty", "--reason", "--lot"],
    ("stock", "list"): ["--point", "--item", "--class", "--agency", "--region", "--expiring-days", "--limit"],
    ("ledger",): ["--point", "--item", "--since", "--until", "--limit"],
    ("target", "set", "TENT12", "5"): ["--point", "--region"],
    ("item", "add", "N1", "新物资"): ["--class", "--unit", "--spec", "--shelf-life-days", "--weight-kg"],
    ("incident", "add", "洪水"): ["--type", "--level", "--lat", "--lon", "--population", "--region", "--started-at"],
    ("request", "create"): [
        "--incident",
        "--line",
        "--dest-point",
        "--dest-lat",
        "--dest-lon",
        "--needed-by",
        "--priority",
        "--unit",
        "--note",
    ],
    ("readiness",): ["--lat", "--lon", "--point", "--population", "--hours", "--days", "--region"],
    ("report", "ledger"): ["--since", "--until", "--by", "--tz", "--point", "--region"],
    ("report", "gaps"): ["--point", "--item", "--region"],
}
GOOD = {
    "--point": "CK-01",
    "--from": "CK-01",
    "--to": "TS-01",
    "--item": "TENT12",
    "--qty": "1",
    "--counted": "3",
    "--class": "LIVING",
    "--unit": "个",
    "--type": "flood",
    "--level": "IV",
    "--lat": "26.5",
    "--lon": "106.7",
    "--incident": "1",
    "--line": "TENT12=2",
    "--dest-point": "TS-01",
    "--population": "100",
    "--new-lot": "B9",
}


def state(url: str) -> tuple[object, ...]:
    with supplies.open(url, user="admin") as inv:
        lots = sorted((x.point, x.item, x.batch, x.on_hand, x.reserved) for x in inv.stock.lots(with_stock_only=False))
        return (
            lots,
            len(inv.stock.ledger()),
            len(inv.items.list()),
            len(inv.targets.list()),
            len(inv.incidents.list()),
            len(inv.requests.list()),
        )


@pytest.fixture
def county_url(county: supplies.Inventory) -> str:
    county.stock.receive("CK-01", "TENT12", 40, batch="B1")
    county.incidents.add("洪水", type="flood", level="IV", lat=26.5, lon=106.7)
    return county.engine.url.render_as_string(hide_password=False)


@settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_any_option_value_exits_0_2_or_3_with_one_line(county_url: str, tmp_path: Path, data: st.DataObject) -> None:
    command = data.draw(st.sampled_from(sorted(OPTIONS)), label="command")
    args = list(command)
    for option in OPTIONS[command]:
        if data.draw(st.booleans()):
            value = data.draw(arg_text) if data.draw(st.booleans()) else GOOD.get(option, "x")
            args += [option, value]
        elif option in GOOD:
            args += [option, GOOD[option]]
    if command[0] == "report":
        args += ["--out", str(tmp_path / "report.xlsx")]
    before = state(county_url)
    result = CliRunner().invoke(cli, ["--db", county_url, "--as", "admin", *args], env={"SUPPLIES_TIMEZONE": None})
    shown = result.output + (result.stderr if result.stderr_bytes is not None else "")
    assert result.exit_code in (0, 2, 3), f"supplies {args!r} -> {result.exit_code}\n{shown}\n{result.exception!r}"
    assert "unexpected" not in shown and "Traceback" not in shown, shown
    if result.exit_code:
        assert state(county_url) == before, f"supplies {args!r} failed but changed something:\n{shown}"
    with supplies.open(county_url, user="admin") as inv:
        assert inv.stock.verify().ok
