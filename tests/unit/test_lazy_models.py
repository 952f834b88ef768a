"""The tables loaded with `import supplies` stand alone: a write to them never needs a table loaded later."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

PROBE = """
import json
import supplies
from supplies.models.base import metadata
eager = set(metadata.tables)
import supplies.models
every = supplies.models.metadata.tables
print(json.dumps({
    "eager": sorted(eager),
    "dangling": sorted(f"{t} -> {fk.target_fullname}" for t in eager for fk in every[t].foreign_keys
                       if fk.target_fullname.split(".")[0] not in eager),
}))
"""


@pytest.mark.once
def test_every_foreign_key_of_an_eager_table_points_at_an_eager_one() -> None:
    # A stock lot's key to class_responsibility, say, with that table loaded on first use: a flush
    # of a new lot fails ("could not find table ... to generate a foreign key") in a fresh process.
    done = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, check=True)
    found = json.loads(done.stdout)
    assert {"stock_lot", "movement", "item", "storage_point", "app_user"} <= set(found["eager"])
    assert found["dangling"] == []
