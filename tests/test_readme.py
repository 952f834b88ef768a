"""The README's examples run: every ```python and ```sh block of README.md, one test per block.

A renamed option, a user the demo does not have or a missing set-up line fails here (test id
``README.md:LINE``, the line of the block's opening fence) instead of failing a reader.

How a block runs
    * Each block runs alone, in a fresh temporary directory (its current directory), with
      ``SUPPLIES_*`` variables removed, ``PATH`` starting with the virtualenv's ``bin`` (so
      ``supplies`` is the installed command), and ``USER``/``LOGNAME`` set to ``readme``: the
      login name that ``supplies`` acts as when a block names no user.
    * ```python blocks run as a script with the virtualenv's Python. They are standalone by
      default: the block holds its own imports and ``supplies.open(...)``.
    * ```sh blocks run with ``bash -e -o pipefail``, so any failing line fails the block. They run
      on the demo county (``./supplies.db`` as ``supplies init --demo`` makes it), except a block
      that runs ``supplies init`` itself, which starts in an empty directory.
    * The demo database is made once for the module by running ``supplies init --demo`` (as the
      user ``readme``, who becomes its admin) and copied into each block's directory: the same
      file the command would make there, without its four seconds per block.
    * A block that calls ``jq`` is skipped when ``jq`` is not installed (nothing is installed).

Markers: an HTML comment on the line right before the opening fence
    ``<!-- readme-test: demo -->``
        a python block that opens the demo database (./supplies.db) made by ``supplies init --demo``.
    ``<!-- readme-test: skip (reason) -->``
        a block that cannot run in a test (it starts a server, installs packages, needs a
        PostgreSQL server, runs the suite or the benchmarks); the reason is required and shown.

Files the test prepares (a block reads them as a reader's own files; made only for a block that
names them)
    ``pw.txt``             a web password, for ``--password-stdin < pw.txt``;
    ``roads.csv``          a travel-time table (from_point, to_point, to_region, hours);
    ``2025年入库.xlsx``    a filled-in stock template: two receipts at demo points.
Every other file a block reads it writes itself first (``supplies backup``, ``supplies export``).

The module does not depend on the server database (every block uses SQLite files in its own
directory), so it runs once: in the SQLite half of ``make test`` (which the other tests that need
no database, marked ``once``, leave to the PostgreSQL half: the halves take about as long).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"
BIN = Path(sys.executable).parent  # the virtualenv's bin: python and the `supplies` script
DEMO_USER = "readme"
BLOCK_TIMEOUT_S = 100  # pytest's own timeout is 120 s a test
MAX_SKIPS = 9  # skips stay few: raise it only with a reason in the README (its "Developing" notes)

pytestmark = pytest.mark.skipif(
    bool(os.environ.get("SUPPLIES_TEST_POSTGRES_URL")),
    reason="the README examples use SQLite files only; they run in the SQLite half of the suite",
)

FENCE = re.compile(r"^```(\S*)\s*$")
MARKER = re.compile(r"^<!--\s*readme-test:\s*(?P<body>.*?)\s*-->$")
MARKER_BODY = re.compile(r"^(?:(?P<demo>demo)|skip\s*\((?P<reason>.*\S.*)\))$")
RUNS_INIT = re.compile(r"^\s*supplies\s+init\b", re.MULTILINE)
CALLS_JQ = re.compile(r"\|\s*jq\b")


@dataclass(frozen=True)
class Block:
    """A fenced code block of the README."""

    lang: str
    line: int  # line number of the opening fence
    code: str
    marker: str | None  # the text of a readme-test comment right before the fence

    @property
    def id(self) -> str:
        return f"README.md:{self.line}"

    @property
    def skip_reason(self) -> str | None:
        m = MARKER_BODY.match(self.marker or "")
        return m["reason"].strip() if m and m["reason"] else None

    @property
    def wants_demo(self) -> bool:
        if self.lang == "sh":
            return not RUNS_INIT.search(self.code)
        return self.marker == "demo"


def parse(text: str) -> list[Block]:
    """Every fenced block with its language, opening line and the marker just before it."""
    blocks: list[Block] = []
    lines = text.splitlines()
    n = 0
    while n < len(lines):
        m = FENCE.match(lines[n])
        if not m:
            n += 1
            continue
        start = n
        n += 1
        while n < len(lines) and not lines[n].startswith("```"):
            n += 1
        prev = MARKER.match(lines[start - 1].strip()) if start else None
        blocks.append(Block(m[1], start + 1, "\n".join(lines[start + 1 : n]) + "\n", prev["body"] if prev else None))
        n += 1
    return blocks


BLOCKS = parse(README.read_text(encoding="utf-8"))
RUNNABLE = [b for b in BLOCKS if b.lang in ("python", "sh")]


def clean_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SUPPLIES_")}
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    env["USER"] = env["LOGNAME"] = DEMO_USER
    env.pop("VIRTUAL_ENV", None)
    return env


def run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        args,
        cwd=cwd,
        env=clean_env(),
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        timeout=BLOCK_TIMEOUT_S,
    )


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A directory in which `supplies init --demo` ran: ./supplies.db holds the demo county."""
    where = tmp_path_factory.mktemp("readme-demo")
    done = run([str(BIN / "supplies"), "init", "--demo"], where)
    assert done.returncode == 0, f"supplies init --demo failed:\n{done.stdout}\n{done.stderr}"
    return where


def prepare_files(block: Block, where: Path) -> None:
    """The reader's own files that a block reads (see the module's docstring)."""
    if "pw.txt" in block.code:
        (where / "pw.txt").write_text("a-long-password-for-weizm\n", encoding="utf-8")
    if "roads.csv" in block.code:
        (where / "roads.csv").write_text(
            "from_point,to_point,to_region,hours\nHS-CK01,HS-TS06,,1.5\nHS-CK01,,522731102,2.5\n", encoding="utf-8"
        )
    if "2025年入库.xlsx" in block.code:
        from openpyxl import Workbook

        book = Workbook()
        sheet = book.active
        sheet.append(["储备点", "物资编码", "数量", "批次", "有效期至", "凭证号"])
        sheet.append(["HS-CK01", "PLAN14:3.05", 500, "2025-HS-09", "2030-06-30", "入库单2025-118"])
        sheet.append(["HS-TS01", "PLAN14:1.2.01", 2000, "2025-SW-03", "2028-05-31", "入库单2025-121"])
        book.save(where / "2025年入库.xlsx")


@pytest.mark.parametrize("block", RUNNABLE, ids=[b.id for b in RUNNABLE])
def test_readme_example_runs(block: Block, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    if block.skip_reason:
        pytest.skip(f"{block.id}: {block.skip_reason}")
    if block.lang == "sh" and CALLS_JQ.search(block.code) and not shutil.which("jq"):
        pytest.skip(f"{block.id}: calls jq, which is not installed")
    if block.wants_demo:
        demo: Path = request.getfixturevalue("demo_dir")
        shutil.copytree(demo, tmp_path, dirs_exist_ok=True)
    prepare_files(block, tmp_path)
    if block.lang == "python":
        script = tmp_path / "readme_example.py"
        script.write_text(block.code, encoding="utf-8")
        done = run([str(BIN / "python"), script.name], tmp_path)
    else:
        script = tmp_path / "readme_example.sh"
        script.write_text(block.code, encoding="utf-8")
        done = run(["bash", "-e", "-o", "pipefail", script.name], tmp_path)
    assert done.returncode == 0, (
        f"the {block.lang} example at {block.id} exited with status {done.returncode}"
        f"{' (on the demo county)' if block.wants_demo else ''}\n"
        f"--- example ---\n{block.code}--- stdout ---\n{done.stdout}--- stderr ---\n{done.stderr}"
    )


def test_readme_markers_are_known_and_skips_few() -> None:
    """Every readme-test comment sits right before a fence and says demo or skip (reason)."""
    text = README.read_text(encoding="utf-8").splitlines()
    fenced_markers = {b.line - 1 for b in BLOCKS if b.marker is not None}
    problems = []
    for n, line in enumerate(text, start=1):
        m = MARKER.match(line.strip())
        if not m and line.lstrip().startswith("<!--") and "readme-test" in line:
            problems.append(f"README.md:{n}: malformed marker {line.strip()!r}")
        elif m and n not in fenced_markers:
            problems.append(f"README.md:{n}: marker not right before a code fence")
        elif m and not MARKER_BODY.match(m["body"]):
            problems.append(f"README.md:{n}: unknown marker {m['body']!r} (demo, or skip (reason))")
    for b in BLOCKS:
        if b.marker == "demo" and b.lang != "python":
            problems.append(f"{b.id}: the demo marker is for python blocks (sh blocks run on the demo)")
        if b.marker is not None and b.lang not in ("python", "sh"):
            problems.append(f"{b.id}: a marker on a {b.lang or 'plain'} block, which is never run")
    assert not problems, "\n".join(problems)

    skipped = [b for b in RUNNABLE if b.skip_reason]
    listing = "\n".join(f"  {b.id}: {b.skip_reason}" for b in skipped)
    print(f"README: {len(RUNNABLE)} python and sh examples, {len(skipped)} skipped:\n{listing}")
    assert RUNNABLE and len(skipped) <= MAX_SKIPS, f"{len(skipped)} examples skipped:\n{listing}"
