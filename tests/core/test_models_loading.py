"""The dispatch and readiness tables load on first use, yet `supplies.models` and its metadata stay whole."""

from __future__ import annotations

import subprocess
import sys

from sqlalchemy import inspect

import supplies


def in_fresh_python(code: str) -> str:
    # A new interpreter: this one has imported the dispatch models already for other tests.
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def test_metadata_holds_every_table_of_the_schema(db_url: str) -> None:
    listed = in_fresh_python("from supplies.models import metadata; print(*sorted(metadata.tables))").split()
    inv = supplies.open(db_url)
    try:
        created = set(inspect(inv.engine).get_table_names()) - {"alembic_version"}
    finally:
        inv.close()
    assert set(listed) == created
    assert {"dispatch_request", "allocation", "need_norm"} <= created


def test_every_model_name_resolves_and_the_unused_tables_wait_until_asked_for() -> None:
    out = in_fresh_python(
        "import sys, supplies.models as m\n"
        "print('dispatch' if 'supplies.models.dispatch' in sys.modules else 'lazy')\n"
        "from supplies.models import Allocation, NeedNorm\n"
        "from supplies.models.dispatch import Allocation as real\n"
        "print(Allocation is real, Allocation.__tablename__, NeedNorm.__tablename__)\n"
        "print(all(hasattr(m, name) for name in m.__all__))\n"
    )
    assert out.split() == ["lazy", "True", "allocation", "need_norm", "True"]
