"""The allocation problem in plain data: lines to serve, candidate lots, options with arrival times, and plans."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any, NamedTuple

# How much an hour of a unit's arrival counts at each priority (1 = most urgent): a priority-1
# unit arriving an hour later costs as much as sixteen priority-5 units doing so.
PRIORITY_WEIGHTS: dict[int, float] = {1: 16.0, 2: 8.0, 3: 4.0, 4: 2.0, 5: 1.0}
PRIORITIES = (1, 2, 3, 4, 5)


@dataclass(frozen=True)
class Need:
    """A request line still to serve: ``quantity`` units of one item or of any item of some classes."""

    line_id: int
    request_id: int
    priority: int
    quantity: int
    code: str
    item_ids: frozenset[int] = frozenset()
    class_ids: frozenset[int] = frozenset()
    usable_until: date = date.min  # lots must not expire before this day
    rank: tuple[Any, ...] = ()  # the order in which earliest-first serves lines
    # The storage points that may serve it (its request's jurisdiction and below), or None for any.
    points: frozenset[int] | None = None
    # What a donor's restriction is checked against (see Candidate.allows): the request's incident,
    # that incident's type and the path of the destination's region (``000000/520000/.../``).
    incident_id: int | None = None
    incident_type: str | None = None
    region_path: str = ""

    @property
    def weight(self) -> float:
        return PRIORITY_WEIGHTS[self.priority]


class Candidate(NamedTuple):
    """A lot with free stock at an active point, as the candidate query returns it.

    A named tuple, not a dataclass: a province-wide query returns thousands of these per request.
    """

    lot_id: int
    item_id: int
    class_id: int
    point_id: int
    agency_id: int
    free: int
    expires_on: date | None
    lead_time_hours: float
    lat: float
    lon: float
    # A donated lot's restriction (定向捐赠): only requests of this incident, to a destination in this
    # region (or below), or of an incident of this type (purpose). None: no restriction.
    only_incident: int | None = None
    only_region: str | None = None
    only_purpose: str | None = None

    def allows(self, need: Need) -> bool:
        """Whether the donor's restriction on this lot lets it serve ``need`` (always, for other lots)."""
        if self.only_incident is not None and self.only_incident != need.incident_id:
            return False
        if self.only_region is not None and f"/{self.only_region}/" not in f"/{need.region_path}":
            return False
        return self.only_purpose is None or self.only_purpose == need.incident_type

    def serves(self, need: Need) -> bool:
        if self.item_id not in need.item_ids and self.class_id not in need.class_ids:
            return False
        if need.points is not None and self.point_id not in need.points:
            return False
        if not self.allows(need):
            return False
        return self.expires_on is None or self.expires_on >= need.usable_until


class Option(NamedTuple):
    """Lot ``lot_id`` can serve line ``line_id``; its stock would arrive after ``eta_hours``."""

    line_id: int
    lot_id: int
    eta_hours: float


@dataclass
class Problem:
    """Everything a strategy needs: the lines, the candidate lots and, per line, its options.

    ``options[line_id]`` is sorted earliest-first: arrival (to the minute), then expiry (FEFO,
    lots without expiry last), then lot id, so every strategy sees ties broken the same way.
    """

    needs: list[Need]
    lots: dict[int, Candidate]
    options: dict[int, list[Option]] = field(default_factory=dict)

    def need(self, line_id: int) -> Need:
        return self._needs_by_id[line_id]

    def __post_init__(self) -> None:
        self._needs_by_id = {n.line_id: n for n in self.needs}


def fefo_key(lot: Candidate) -> tuple[bool, date, int]:
    """Earliest expiry first, lots that never expire last, then the older lot."""
    return (lot.expires_on is None, lot.expires_on or date.max, lot.lot_id)


def option_key(option: Option, lot: Candidate) -> tuple[int, tuple[bool, date, int]]:
    """Earliest arrival first; among arrivals within the same minute, earliest expiry (FEFO)."""
    return (round(option.eta_hours * 60), fefo_key(lot))


@dataclass(frozen=True)
class Take:
    """``quantity`` units of lot ``lot_id`` for line ``line_id``, arriving after ``eta_hours``."""

    line_id: int
    lot_id: int
    quantity: int
    eta_hours: float


@dataclass
class Solution:
    """A plan: the takes chosen for a problem, with how it scores."""

    strategy: str
    takes: list[Take]
    # Earliest-first fills this in: for each line, the latest arrival (hours) its choice looked at,
    # infinite if it used up every option. Any problem that holds every option arriving before
    # then, in the same order, yields the same takes (see supplies.allocation.reach).
    horizon: dict[int, float] = field(default_factory=dict)

    def served(self) -> dict[int, int]:
        out: dict[int, int] = defaultdict(int)
        for t in self.takes:
            out[t.line_id] += t.quantity
        return out

    def short_by_priority(self, problem: Problem) -> tuple[int, ...]:
        """Units not served, per priority 1..5."""
        served = self.served()
        short = dict.fromkeys(PRIORITIES, 0)
        for n in problem.needs:
            short[n.priority] += n.quantity - served.get(n.line_id, 0)
        return tuple(short[p] for p in PRIORITIES)

    def weighted_eta(self, problem: Problem) -> float:
        """Sum over served units of priority weight × arrival hours: what the optimal plan minimises."""
        return float(sum(problem.need(t.line_id).weight * t.eta_hours * t.quantity for t in self.takes))

    def score(self, problem: Problem) -> tuple[tuple[int, ...], float]:
        """Lower is better: first fewer units short at the most urgent priority, then less weighted time."""
        return self.short_by_priority(problem), self.weighted_eta(problem)


def check_feasible(problem: Problem, solution: Solution) -> None:
    """Raise AssertionError if the plan takes more than a lot has free or more than a line asks."""
    per_lot: dict[int, int] = defaultdict(int)
    for t in solution.takes:
        assert t.quantity > 0, t
        per_lot[t.lot_id] += t.quantity
        lot = problem.lots[t.lot_id]
        assert lot.serves(problem.need(t.line_id)), t
    for lot_id, q in per_lot.items():
        assert q <= problem.lots[lot_id].free, (lot_id, q)
    for line_id, q in solution.served().items():
        assert q <= problem.need(line_id).quantity, (line_id, q)
