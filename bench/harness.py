"""The benchmark harness: a case interface, warm-up and timed runs, baselines in the same process, results.

Each case runs once to warm up (under ``tracemalloc``, which gives its peak Python memory), then
``runs`` timed runs; a case with a baseline runs the baseline interleaved with its own runs, so
both see the same machine load, and reports the ratio of the two medians.
"""

from __future__ import annotations

import importlib.util
import statistics
import time
import traceback
import tracemalloc
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from .generate import Dataset, copy_database, ensure, remove_database
from .machine import loop_seconds
from .scales import Scale


class NotMeasured(Exception):
    """The case cannot run here (a module or a server it needs is missing); the reason says which."""


@dataclass
class Sample:
    """What one run reports when the harness's wall clock is not the right measure."""

    seconds: float | None = None  # the measured part only (e.g. without per-run set-up)
    peak_rss_mb: float | None = None  # of a child process the run started
    metrics: dict[str, Any] = field(default_factory=dict)


@dataclass
class Stats:
    samples: list[float]
    metrics: list[dict[str, Any]]
    peak_mem_mb: float | None

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    @property
    def min(self) -> float:
        return min(self.samples)

    @property
    def max(self) -> float:
        return max(self.samples)


@dataclass
class Verdict:
    """A case's judgement of its own figures against its target."""

    passed: bool | None
    ratio: float | None = None
    metrics: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


@dataclass
class Context:
    """What cases share: the scale, its dataset, the number of runs, a scratch directory and a logger.

    ``backend`` is the database the cases run on: ``sqlite`` (the generated file) or
    ``postgresql`` (a copy of that file on the benchmark's server, made once per run and scale).
    """

    scale: Scale
    seed: int
    runs: int
    workdir: Path
    log: Callable[[str], None]
    db: Path | None = None
    warm_up: bool = True  # off only for the smoke test (no warm-up, so no peak memory)
    backend: str = "sqlite"
    _datasets: dict[str, Dataset] = field(default_factory=dict)
    _stack: ExitStack = field(default_factory=ExitStack)
    _server: str | None = None

    @property
    def dataset(self) -> Dataset:
        """The generated database of this run's scale (or the one given with ``--dataset``)."""
        return self._get(self.scale.name, self.db)

    def county_dataset(self) -> Dataset:
        """The county database (the tiny one at tiny scale, so the smoke test stays small)."""
        name = "tiny" if self.scale.name == "tiny" else "county"
        return self._get(name, self.db if name == self.scale.name else None)

    def dataset_of(self, scale: str) -> Dataset:
        """The dataset of another scale (the growth case), on this run's backend."""
        return self._get(scale, self.db if scale == self.scale.name else None)

    def _get(self, name: str, path: Path | None) -> Dataset:
        if name not in self._datasets:
            data = ensure(name, seed=self.seed, path=path, log=self.log)
            if self.backend == "postgresql":
                data = replace(data, pg_url=self._mirror(data))
            self._datasets[name] = data
        return self._datasets[name]

    def pg_server(self) -> str:
        """The PostgreSQL server of this run (a throwaway cluster when none is given), kept open until :meth:`close`."""
        if self._server is None:
            from .pg import server

            self._server = self._stack.enter_context(server())
        return self._server

    def _mirror(self, data: Dataset) -> str:
        from .pg import mirror

        st = data.path.stat()
        name = f"supplies_bench_{data.scale.name}_s{data.seed}_{st.st_size:x}_{int(st.st_mtime):x}"
        return mirror(str(data.path), self.pg_server(), name, self.log)

    def private_copy(self, data: Dataset, name: str) -> str:
        """The URL of a copy of ``data`` that a case may change freely (a file, or a database cloned on the server)."""
        if data.pg_url:
            from .pg import clone

            return clone(data.pg_url, f"supplies_bench_copy_{name}")
        return f"sqlite:///{copy_database(data.path, self.workdir / f'{name}.db')}"

    def drop_copy(self, url: str) -> None:
        """Remove a copy made by :meth:`private_copy`."""
        if url.startswith("sqlite:///"):
            remove_database(Path(url.removeprefix("sqlite:///")))
        else:
            from .pg import drop

            drop(url)

    def close(self) -> None:
        self._stack.close()


class Case:
    """One benchmark. Subclasses set the class attributes and override :meth:`run` (and the others as needed)."""

    name = ""
    title = ""
    target = ""
    needs: tuple[str, ...] = ()  # modules that must exist, else the case is "not measured"
    has_baseline = False
    ratio_of = ""  # what the ratio divides, in words
    warming_up = False  # set by the harness during the untimed, memory-traced warm-up run
    max_runs: int | None = None  # at most this many timed runs, whatever --runs says (very long cases)
    needs_warm_up = True  # False: every run starts afresh (a new process), a warm-up would only cost
    backends: tuple[str, ...] = ("sqlite", "postgresql")  # the databases the case is measured on

    def setup(self, ctx: Context) -> None:
        """Untimed preparation, once."""

    def before_run(self) -> None:
        """Untimed preparation before every run (and before every baseline run)."""

    def run(self) -> Sample | None:
        raise NotImplementedError

    def baseline(self) -> Sample | None:
        raise NotImplementedError

    def judge(self, stats: Stats, base: Stats | None) -> Verdict:
        raise NotImplementedError

    def teardown(self) -> None:
        """Remove what :meth:`setup` made."""


def missing_modules(case: Case) -> list[str]:
    return [m for m in case.needs if importlib.util.find_spec(m) is None]


def run_case(case: Case, ctx: Context) -> dict[str, Any]:
    """Run one case and return its result record."""
    record: dict[str, Any] = {
        "case": case.name,
        "title": case.title,
        "scale": ctx.scale.name,
        "database": ctx.backend,
        "runs": 0,
        "median_s": None,
        "min_s": None,
        "max_s": None,
        "target": case.target,
        "ratio": None,
        "ratio_of": case.ratio_of or None,
        "baseline_median_s": None,
        "peak_mem_mb": None,
        "pass": None,
        "metrics": {},
        "notes": [],
    }
    started = time.perf_counter()
    speed_before = loop_seconds()
    try:
        _run_case(case, ctx, record)
    except Exception as exc:
        ctx.log(traceback.format_exc())
        record["pass"] = False
        record["notes"].append(f"error: {type(exc).__name__}: {exc}")
    finally:
        record["elapsed_s"] = round(time.perf_counter() - started, 1)
        # The machine's speed around the case (bench.machine): a figure is read beside it.
        record["loop_s"] = [speed_before, loop_seconds()]
    return record


def _run_case(case: Case, ctx: Context, record: dict[str, Any]) -> None:
    if ctx.backend not in case.backends:
        record["notes"].append(f"not measured: the case runs on {' and '.join(case.backends)} only")
        return
    missing = missing_modules(case)
    if missing:
        record["notes"].append(f"not measured: {', '.join(missing)} missing")
        return
    try:
        case.setup(ctx)
        try:
            runs = min(ctx.runs, case.max_runs or ctx.runs)
            stats, base = _measure(case, runs, ctx.warm_up and case.needs_warm_up)
        finally:
            case.teardown()
    except NotMeasured as exc:
        record["notes"].append(f"not measured: {exc}")
        return
    verdict = case.judge(stats, base)
    record.update(
        {
            "runs": len(stats.samples),
            "median_s": _r(stats.median),
            "min_s": _r(stats.min),
            "max_s": _r(stats.max),
            "ratio": None if verdict.ratio is None else round(verdict.ratio, 3),
            "baseline_median_s": _r(base.median) if base else None,
            "peak_mem_mb": None if stats.peak_mem_mb is None else round(stats.peak_mem_mb, 1),
            "pass": verdict.passed,
            "metrics": verdict.metrics,
            "notes": verdict.notes,
        }
    )


def _measure(case: Case, runs: int, warm_up: bool = True) -> tuple[Stats, Stats | None]:
    peak = None
    if warm_up:  # fills caches and imports; traced, so it also gives the peak Python memory
        case.before_run()
        case.warming_up = True
        tracemalloc.start()
        try:
            warm = case.run()
            traced_peak = tracemalloc.get_traced_memory()[1] / 2**20
        finally:
            tracemalloc.stop()
            case.warming_up = False
        peak = warm.peak_rss_mb if warm and warm.peak_rss_mb is not None else traced_peak
        if case.has_baseline:
            case.before_run()
            case.baseline()
    own: list[tuple[float, Sample | None]] = []
    other: list[tuple[float, Sample | None]] = []
    for _ in range(runs):
        own.append(_timed(case, case.run))
        if case.has_baseline:
            other.append(_timed(case, case.baseline))
    base = _stats(other, None) if other else None
    return _stats(own, peak), base


def _timed(case: Case, fn: Callable[[], Sample | None]) -> tuple[float, Sample | None]:
    case.before_run()
    t0 = time.perf_counter()
    sample = fn()
    wall = time.perf_counter() - t0
    return (sample.seconds if sample and sample.seconds is not None else wall), sample


def _stats(runs: list[tuple[float, Sample | None]], peak: float | None) -> Stats:
    rss = [s.peak_rss_mb for _, s in runs if s and s.peak_rss_mb is not None]
    if rss:
        peak = max(rss + ([peak] if peak is not None else []))
    return Stats([t for t, _ in runs], [s.metrics if s else {} for _, s in runs], peak)


def _r(x: float) -> float:
    return round(x, 6)
