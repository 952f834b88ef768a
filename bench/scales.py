"""The sizes the benchmarks run at: how many points, items, lots and movements, and how the region is cut."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class Scale:
    """One size of synthetic region (the counts the generator must produce exactly)."""

    name: str
    points: int
    items: int
    lots: int
    movements: int  # ledger history; the requests the generator runs add a few more
    cities: int
    counties: int  # spread over the cities
    townships: int  # spread over the counties
    incidents: int
    requests: int  # requests of the incident history (in every state but "approved")

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


SCALES: dict[str, Scale] = {
    "tiny": Scale(
        "tiny",
        points=40,
        items=60,
        lots=600,
        movements=3_000,
        cities=1,
        counties=2,
        townships=6,
        incidents=1,
        requests=4,
    ),
    "county": Scale(
        "county",
        points=200,
        items=500,
        lots=20_000,
        movements=200_000,
        cities=1,
        counties=2,
        townships=24,
        incidents=2,
        requests=12,
    ),
    "province": Scale(
        "province",
        points=2_000,
        items=1_000,
        lots=200_000,
        movements=2_000_000,
        cities=9,
        counties=90,  # 10 per city
        townships=600,
        incidents=4,
        requests=40,
    ),
    # Ten times the province's stock and history on the same territory: the size at which growth
    # exponents are read (cities, counties and townships stay; each holds ten times the points).
    "province10": Scale(
        "province10",
        points=20_000,
        items=1_000,
        lots=2_000_000,
        movements=20_000_000,
        cities=9,
        counties=90,
        townships=600,
        incidents=4,
        requests=40,
    ),
}
