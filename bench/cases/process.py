"""Timing a whole child process (start-up included) and its peak memory, for the command-line cases."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from ..harness import Context, NotMeasured, Sample


def console_script(name: str) -> str:
    """The console script ``name`` installed beside this Python (the project's venv)."""
    here = Path(sys.executable).parent / name
    found = str(here) if here.exists() else shutil.which(name)
    if not found:
        raise NotMeasured(f"the `{name}` console script is not installed")
    return found


def installed_python_env(ctx: Context) -> dict[str, str]:
    """Environment for child Pythons that cache compiled modules, as an installed program does.

    With PYTHONDONTWRITEBYTECODE set (some shells and containers set it) a child would compile
    the project's own modules from source on every run (~40 ms for `supplies stock list`) while
    the baseline's libraries load the bytecode pip compiled at install: unlike things compared.
    The cache lives in the bench's scratch directory, filled by the warm-up run, never in the
    source tree. Give it to the case's command and its baseline alike. Without a warm-up (the
    smoke test) nothing would read the cache: the environment is left as it is.
    """
    if not ctx.warm_up:
        return {}
    return {"PYTHONDONTWRITEBYTECODE": "", "PYTHONPYCACHEPREFIX": str(ctx.workdir / "pycache")}


def run_process(argv: list[str], env: dict[str, str] | None = None, *, watch_memory: bool = False) -> Sample:
    """Run ``argv`` to completion; the sample has its exit code and output size.

    With ``watch_memory`` (the untimed warm-up run) the child's peak resident memory is read from
    ``/proc/<pid>/status`` while it runs: ``wait4``'s ``ru_maxrss`` would report this (large)
    parent's memory, which the child inherits at ``fork`` and keeps as its high-water mark.
    """
    peak_kb = 0
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(
            argv, stdout=out, stderr=err, stdin=subprocess.DEVNULL, env={**os.environ, **(env or {})}
        )
        while watch_memory and proc.poll() is None:
            peak_kb = max(peak_kb, high_water_kb(proc.pid))
            time.sleep(0.002)
        proc.wait()
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    sample = Sample(
        peak_rss_mb=peak_kb / 1024 if peak_kb else None,
        metrics={"exit_code": proc.returncode, "stdout_bytes": len(stdout)},
    )
    if proc.returncode != 0:
        sample.metrics["stderr"] = stderr.decode(errors="replace")[-500:]
    return sample


def high_water_kb(pid: int) -> int:
    """The peak resident memory of process ``pid`` since its last exec, in KiB (0 if unknown)."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


# Started with `python -S`, it runs the child given as its arguments and reports the child's peak
# resident memory (ru_maxrss of its children, in KiB) as its last stderr line.
_LAUNCHER = (
    "import resource, subprocess, sys\n"
    "done = subprocess.run(sys.argv[1:])\n"
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr)\n"
    "sys.exit(done.returncode)\n"
)


def run_child(function: str, *args: str) -> tuple[dict[str, Any], float]:
    """Run ``function`` ("module:name", which reads ``sys.argv[1:]`` and prints its figures as one JSON
    line) in a fresh Python; return those figures and the child's peak resident memory in MB.

    The peak is ``getrusage(RUSAGE_CHILDREN).ru_maxrss`` read by a small launcher (``python -S``)
    that starts the child: read by the bench itself it would be the bench's own size, which a child
    inherits at ``fork`` as its high-water mark (see :func:`run_process`).
    """
    module, name = function.split(":")
    child = [sys.executable, "-c", f"from {module} import {name}; {name}()", *args]
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(Path(__file__).parents[2]), os.environ.get("PYTHONPATH")])),
    }
    done = subprocess.run([sys.executable, "-S", "-c", _LAUNCHER, *child], capture_output=True, text=True, env=env)
    if done.returncode != 0:
        raise RuntimeError(f"{function} failed: {done.stderr[-800:]}")
    figures: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return figures, int(done.stderr.strip().splitlines()[-1]) / 1024
