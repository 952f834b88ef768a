"""Laying out the dashboard map: a frame around the bulk of the places (far ones clamped to its edge), and labels that never overlap."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

#: A place is far when the gap to its nearest neighbour on an axis exceeds this many times the range of the rest.
FAR = 1.5
#: At most this share of the places (at least one) is put at the edge, and only from this many places on.
MOST_OFF = 0.10
FEWEST = 5


def bulk_range(values: Iterable[float]) -> tuple[float, float]:
    """The range that holds the bulk of ``values``: all of them except a few isolated far ones at either end.

    An extreme value is far when its gap to the next one is more than :data:`FAR` times the range
    of the values left: the demo's factory 80 km east of a county 30 km wide is, a county spread
    evenly is not, nor are two clusters of places. At most :data:`MOST_OFF` of the values (at
    least one) are left out, the most isolated first; among fewer than :data:`FEWEST` values
    none is (there is no "rest" to compare with).
    """
    ordered = sorted(values)
    if not ordered:
        raise ValueError("no values")
    lo, hi = 0, len(ordered) - 1
    allowed = max(1, int(MOST_OFF * len(ordered))) if len(ordered) >= FEWEST else 0
    for _ in range(allowed):
        if hi - lo < 2:
            break
        low_gap, low_rest = ordered[lo + 1] - ordered[lo], ordered[hi] - ordered[lo + 1]
        high_gap, high_rest = ordered[hi] - ordered[hi - 1], ordered[hi - 1] - ordered[lo]
        low_ratio = low_gap / low_rest if low_rest > 0 else (math.inf if low_gap > 0 else 0.0)
        high_ratio = high_gap / high_rest if high_rest > 0 else (math.inf if high_gap > 0 else 0.0)
        if max(low_ratio, high_ratio) <= FAR:
            break
        if high_ratio >= low_ratio:
            hi -= 1
        else:
            lo += 1
    return ordered[lo], ordered[hi]


@dataclass(frozen=True)
class Box:
    """An axis-aligned rectangle on the canvas (pixels)."""

    x0: float
    y0: float
    x1: float
    y1: float

    def overlaps(self, other: Box) -> bool:
        return self.x0 < other.x1 and other.x0 < self.x1 and self.y0 < other.y1 and other.y0 < self.y1


@dataclass(frozen=True)
class Label:
    """Where a label goes: its anchor point, its text-anchor, and whether it is shown or waits for the hover."""

    x: float
    y: float
    anchor: str
    shown: bool


def text_width(text: str, size: float = 10.0) -> float:
    """An estimate of the drawn width: CJK characters are square, Latin ones about 0.62 of the size."""
    return sum(size if ord(ch) > 0x2E80 else size * 0.62 for ch in text)


class _Grid:
    """Placed boxes bucketed by cell, so that checking a new box looks only at its neighbours."""

    def __init__(self, cell: float = 48.0) -> None:
        self.cell = cell
        self.cells: dict[tuple[int, int], list[Box]] = {}

    def _keys(self, b: Box) -> Iterable[tuple[int, int]]:
        for i in range(int(b.x0 // self.cell), int(b.x1 // self.cell) + 1):
            for j in range(int(b.y0 // self.cell), int(b.y1 // self.cell) + 1):
                yield i, j

    def hits(self, b: Box) -> bool:
        return any(b.overlaps(o) for k in self._keys(b) for o in self.cells.get(k, ()))

    def add(self, b: Box) -> None:
        for k in self._keys(b):
            self.cells.setdefault(k, []).append(b)


def place_labels(
    points: Sequence[tuple[float, float, float, str]], width: float, height: float, size: float = 10.0
) -> list[Label]:
    """A label for each ``(x, y, r, text)`` beside its dot, overlapping no other label, dot or the canvas edge.

    Points come in order of importance (the biggest stock first): each tries right, left,
    above and below its dot; a label that fits nowhere is hidden, to be shown on hover.
    """
    dots = _Grid()
    for x, y, r, _text in points:
        dots.add(Box(x - r, y - r, x + r, y + r))
    labels = _Grid()
    out: list[Label] = []
    for x, y, r, text in points:
        w, h, gap = text_width(text, size), size, 2.0
        own = Box(x - r, y - r, x + r, y + r)
        candidates = [  # (anchor x, baseline y, text-anchor, box)
            (x + r + gap, y + h * 0.35, "start", Box(x + r + gap, y - h / 2, x + r + gap + w, y + h / 2)),
            (x - r - gap, y + h * 0.35, "end", Box(x - r - gap - w, y - h / 2, x - r - gap, y + h / 2)),
            (x, y - r - gap - 1, "middle", Box(x - w / 2, y - r - gap - h, x + w / 2, y - r - gap)),
            (x, y + r + gap + h * 0.85, "middle", Box(x - w / 2, y + r + gap, x + w / 2, y + r + gap + h)),
        ]
        chosen = None
        for lx, ly, anchor, box in candidates:
            inside = box.x0 >= 0 and box.y0 >= 0 and box.x1 <= width and box.y1 <= height
            if inside and not labels.hits(box) and not _hits_other_dots(dots, box, own):
                chosen = (lx, ly, anchor, box)
                break
        if chosen is None:
            lx, ly, anchor, _box = candidates[0] if x + r + gap + w <= width else candidates[1]
            out.append(Label(round(lx, 1), round(ly, 1), anchor, False))
            continue
        labels.add(chosen[3])
        out.append(Label(round(chosen[0], 1), round(chosen[1], 1), chosen[2], True))
    return out


def _hits_other_dots(dots: _Grid, box: Box, own: Box) -> bool:
    return any(box.overlaps(o) and o != own for k in dots._keys(box) for o in dots.cells.get(k, ()))


def edge_arrow(x: float, y: float, tx: float, ty: float, length: float = 14.0) -> tuple[float, float, float, float]:
    """A short arrow from a clamped dot at (x, y) toward where the place really is, (tx, ty)."""
    dx, dy = tx - x, ty - y
    norm = math.hypot(dx, dy) or 1.0
    return (round(x, 1), round(y, 1), round(x + dx / norm * length, 1), round(y + dy / norm * length, 1))
