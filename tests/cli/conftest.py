"""Fixtures for the end-to-end tests of the `supplies` command."""

from __future__ import annotations

import pytest
from cli_harness import Cli, url_of

import supplies


@pytest.fixture
def cli(db_url: str) -> Cli:
    """The command on an empty, migrated database of the backend under test (no users yet)."""
    return Cli(db_url)


@pytest.fixture
def county_cli(county: supplies.Inventory) -> Cli:
    """The command acting as "admin" on the small county of tests/conftest.py."""
    return Cli(url_of(county))
