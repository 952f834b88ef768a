"""The package as installed from a wheel holds every module, catalog, template and data file the code uses."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.once


def test_the_wheel_holds_every_package_and_data_file(tmp_path: Path) -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "-q",
            "-w",
            str(tmp_path),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    sources = {
        p.relative_to(ROOT).as_posix() for d in ("supplies", "cli", "webadmin") for p in (ROOT / d).rglob("*.py")
    }
    missing = sorted(s for s in sources if s not in names)
    assert not missing, f"modules left out of the wheel: {missing}"
    for needed in (
        "supplies/locale/zh_Hans_CN/LC_MESSAGES/supplies.mo",
        "supplies/templates/pick_documents.html",
        "supplies/data/needs_norms.csv",
        "supplies/_migrations/versions/0002_hardening.py",
        "webadmin/translations/zh_Hans_CN/LC_MESSAGES/messages.mo",
    ):
        assert needed in names, needed
