"""Tables look the same in a terminal (rich, coloured) and when piped or long (plain, fast)."""

from __future__ import annotations

import io
import re

import pytest
from rich.console import Console
from rich.text import Text

from cli.output import Output

pytestmark = pytest.mark.once  # no database behaviour here: run in the SQLite half only

HEADERS = ["point", "item", "name", "lot", "expires", "on hand", "free", "unit"]
ROWS = [
    ("HS-TS02", "PLAN14:3.01", "单帐篷(12平方米)", "2023-HS-06", Text("2034-01-05", style="yellow"), 40, 40, "顶"),
    ("HS-VL01", "LOCAL:FOOD.01", "瓶装饮用水", "捐赠-2025-06", None, 12000, 0, "箱"),
    ("HS-CK01", "PLAN14:1.2.05", "冲锋舟", "", None, 4, 4, "艘"),
]


def rendered(terminal: bool, capsys: pytest.CaptureFixture[str]) -> list[str]:
    out = Output()
    buffer = io.StringIO()
    out._console = Console(file=buffer, force_terminal=terminal, width=200, highlight=False)
    out.table(HEADERS, ROWS, title="HS-TS02 羡塘镇应急物资储备点")
    text = buffer.getvalue() + capsys.readouterr().out
    return [re.sub(r"\x1b\[[0-9;]*m", "", line) for line in text.splitlines()]


def test_terminal_and_piped_tables_have_the_same_layout(capsys: pytest.CaptureFixture[str]) -> None:
    coloured = rendered(True, capsys)
    plain = rendered(False, capsys)
    assert coloured == plain
    assert plain[0] == "HS-TS02 羡塘镇应急物资储备点"
    assert plain[4].rstrip().endswith("12000      0   箱")  # numbers right-aligned under their header
