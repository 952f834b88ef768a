"""Running the installed `supplies` script in a subprocess, as the end-to-end tests of tests/cli do."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import supplies

SUPPLIES = Path(sys.executable).with_name("supplies")


@dataclass
class Run:
    """One finished `supplies` run."""

    args: tuple[str, ...]
    code: int
    out: str
    err: str

    @property
    def json(self) -> Any:
        return json.loads(self.out)

    def __str__(self) -> str:
        return f"supplies {' '.join(self.args)} -> {self.code}\nstdout:\n{self.out}\nstderr:\n{self.err}"


class Cli:
    """Runs `supplies --db URL --as USER ...` in a subprocess with a clean SUPPLIES_* environment."""

    def __init__(self, url: str, user: str | None = "admin") -> None:
        self.url = url
        self.user = user

    def __call__(
        self,
        *args: str,
        user: str | bool | None = True,
        expect: int | None = 0,
        env: dict[str, str] | None = None,
        stdin: str | None = None,
    ) -> Run:
        acting = self.user if user is True else user
        cmd = [str(SUPPLIES), "--db", self.url, *(["--as", acting] if acting else []), *args]
        environ = {k: v for k, v in os.environ.items() if not k.startswith("SUPPLIES_")}
        environ["LC_ALL"] = "C.UTF-8"  # messages in English unless a test asks for another language
        environ.update(env or {})
        proc = subprocess.run(
            cmd, capture_output=True, text=True, encoding="utf-8", env=environ, input=stdin, timeout=120
        )
        run = Run(tuple(cmd[1:]), proc.returncode, proc.stdout, proc.stderr)
        if expect is not None:
            assert run.code == expect, str(run)
        return run


def url_of(inv: supplies.Inventory) -> str:
    return inv.engine.url.render_as_string(hide_password=False)
