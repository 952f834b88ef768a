"""Running `supplies` as the end-to-end tests of tests/cli do: in this process (fast), or as the installed script.

In-process runs go through Click's own test runner with the same clean environment a subprocess
gets; ``SUPPLIES_TEST_CLI=subprocess`` runs every call as the real script instead. The tests that
need the real process (start-up imports, the server, kill -9) start it themselves.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from click.testing import CliRunner

import supplies
from supplies.i18n import set_language

SUPPLIES = Path(sys.executable).with_name("supplies")
IN_PROCESS = os.environ.get("SUPPLIES_TEST_CLI", "in-process") != "subprocess"


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

    def __init__(self, url: str, user: str | None = "admin", cwd: Path | None = None) -> None:
        self.url = url
        self.user = user
        self.cwd = cwd

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
        run = (
            _in_process(cmd[1:], environ, stdin, self.cwd) if IN_PROCESS else _subprocess(cmd, environ, stdin, self.cwd)
        )
        if expect is not None:
            assert run.code == expect, str(run)
        return run


def _subprocess(cmd: list[str], environ: dict[str, str], stdin: str | None, cwd: Path | None) -> Run:
    proc = subprocess.run(
        cmd, capture_output=True, text=True, encoding="utf-8", env=environ, input=stdin, cwd=cwd, timeout=120
    )
    return Run(tuple(cmd[1:]), proc.returncode, proc.stdout, proc.stderr)


def _in_process(args: list[str], environ: dict[str, str], stdin: str | None, cwd: Path | None) -> Run:
    from cli.main import cli

    # The runner sets what the subprocess would see and unsets every other SUPPLIES_* and locale variable.
    overrides: dict[str, str | None] = {k: None for k in os.environ if k.startswith(("SUPPLIES_", "LC_", "LANG"))}
    overrides.update(environ)
    with _working_directory(cwd):
        result = CliRunner().invoke(cli, args, env=overrides, input=stdin, prog_name="supplies")
    set_language("en")  # the run set the language of this process; the next test starts in English
    err = result.stderr
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        # What the real script would print as a traceback: an escaped exception is the command's bug.
        import traceback

        err += "".join(traceback.format_exception(result.exception))
        return Run(tuple(args), 1, result.stdout, err)
    return Run(tuple(args), result.exit_code, result.stdout, err)


@contextmanager
def _working_directory(cwd: Path | None) -> Iterator[None]:
    if cwd is None:
        yield
        return
    before = Path.cwd()
    os.chdir(cwd)
    try:
        yield
    finally:
        os.chdir(before)


def url_of(inv: supplies.Inventory) -> str:
    return inv.engine.url.render_as_string(hide_password=False)
