"""Reference data shipped with the package: the standard catalog and the needs norms, with SOURCES.md."""

from __future__ import annotations

import csv
import io
from importlib import resources

SUPPLY_CATALOG = "supply_catalog.csv"
READINESS_NORMS = "readiness_norms.csv"
NEEDS_NORMS = "needs_norms.csv"
SOURCES = "SOURCES.md"


def read_text(name: str) -> str:
    """The text of a shipped data file (UTF-8)."""
    return resources.files(__name__).joinpath(name).read_text(encoding="utf-8-sig")


def read_csv(name: str) -> list[dict[str, str]]:
    """The rows of a shipped CSV file as dicts keyed by its header."""
    return list(csv.DictReader(io.StringIO(read_text(name))))
