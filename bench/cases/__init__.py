"""The benchmark cases, one module each; every module defines ``CASE``, a :class:`bench.harness.Case` subclass."""

from __future__ import annotations

import importlib

from ..harness import Case

# In the order they run and are reported.
CASE_NAMES = [
    "allocate",
    "plan",
    "import_stock",
    "import_memory",
    "ledger_export_memory",
    "summary",
    "verify",
    "cli_help",
    "cli_stock_list",
    "web_lots",
    "concurrent",
    "web_load",
    "readiness",
    "readiness_memory",
    "county_lots_page",
    "county_allocation",
    "county_summary",
    "city_plan",
    "distribute_one",
    "household_import",
    "api_lots_page",
    "map_points",
]


def load_case(name: str) -> Case:
    """A fresh instance of the case called ``name``."""
    return importlib.import_module(f"{__name__}.{name}").CASE()
