"""The service layer's floors: a domain uses another domain's public names only."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

pytestmark = pytest.mark.once  # reads source files only: run in the SQLite half only

SERVICES = Path(__file__).resolve().parents[2] / "supplies" / "services"
SHARED = {"base", "results", "collector"}


def _domain_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[2] if len(parts) > 2 and parts[:2] == ["supplies", "services"] else None


def _private_imports_across_domains() -> list[str]:
    found = []
    for path in SERVICES.rglob("*.py"):
        relative = path.relative_to(SERVICES.parent.parent).with_suffix("")
        package = ".".join(relative.parts[:-1])  # supplies.services.<domain>
        here = _domain_of(".".join(relative.parts))
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.ImportFrom):
                continue
            base = package.split(".")[: len(package.split(".")) - (node.level - 1)] if node.level else []
            target = ".".join([*base, *(node.module or "").split(".")]).strip(".")
            there = _domain_of(target)
            if there is None or there == here or there in SHARED:
                continue
            private = [alias.name for alias in node.names if alias.name.startswith("_")]
            private_module = any(part.startswith("_") for part in target.split("."))
            if private or private_module:
                found.append(f"{path.relative_to(SERVICES)}: from {target} import {', '.join(private) or '...'}")
    return found


def test_no_domain_reaches_into_another_domains_private_names() -> None:
    assert _private_imports_across_domains() == []


def test_the_check_sees_a_private_import(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake = tmp_path / "supplies" / "services"
    (fake / "stock").mkdir(parents=True)
    (fake / "dispatch").mkdir()
    (fake / "dispatch" / "commands.py").write_text("from ..stock.ledger import _secret\n", encoding="utf-8")
    monkeypatch.setitem(globals(), "SERVICES", fake)
    assert _private_imports_across_domains() == [
        "dispatch/commands.py: from supplies.services.stock.ledger import _secret"
    ]


def test_the_commands_list_every_import_and_export_kind() -> None:
    """cli.io_cmds keeps its own copy of the kinds (the library is slow to import): a new kind must reach it."""
    from cli.io_cmds import KINDS as COMMAND_KINDS
    from supplies.services.io.columns import KINDS as LIBRARY_KINDS

    assert tuple(COMMAND_KINDS) == tuple(LIBRARY_KINDS)
