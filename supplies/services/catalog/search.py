"""Finding items and supply classes by code or name as a user types (a request line's code field)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import case, func, or_
from sqlmodel import select

from ...models import Item, SupplyClass
from ..base import Service
from ..results import Result

if TYPE_CHECKING:
    from ...inventory import Inventory

MAX_QUERY = 40  # longer than any code: a longer text cannot match one
MAX_RESULTS = 50


@dataclass(frozen=True)
class CodeMatch(Result):
    """An item or a supply class a request line may name."""

    code: str
    name: str
    kind: str  # "item" or "class"
    unit: str | None  # an item's unit; a class has none
    spec: str | None = None


class CatalogSearch(Service):
    """Items and classes by code or name; anyone with an account reads the catalog."""

    def find(self, text: str, *, limit: int = 20) -> list[CodeMatch]:
        """Items and classes whose code or name contains ``text`` (case-insensitive): an exact code
        first, then codes that start with it, then names that do, then the rest, items before classes."""
        query = (text or "").strip()[:MAX_QUERY]
        limit = max(1, min(int(limit), MAX_RESULTS))
        with self._work(write=False) as (s, _):
            found: list[tuple[int, int, str, CodeMatch]] = []
            for order, model in ((0, Item), (1, SupplyClass)):
                m: Any = model
                if query:
                    low = query.lower()
                    code, name = func.lower(m.code), func.lower(m.name)
                    rank: Any = case(
                        (code == low, 0),
                        (code.startswith(low, autoescape=True), 1),
                        (name.startswith(low, autoescape=True), 2),
                        else_=3,
                    )
                    q = (
                        select(m, rank)
                        .where(or_(code.contains(low, autoescape=True), name.contains(low, autoescape=True)))
                        .order_by(rank, m.code)
                    )
                    rows = [(row, int(r)) for row, r in s.exec(q.limit(limit)).all()]
                else:
                    rows = [(row, 3) for row in s.exec(select(m).order_by(m.code).limit(limit)).all()]
                found.extend((r, order, row.code, _match(row)) for row, r in rows)
        found.sort(key=lambda t: (t[0], t[1], t[2]))
        return [t[3] for t in found[:limit]]

    def lookup(self, codes: Iterable[str]) -> dict[str, CodeMatch]:
        """The items and classes with exactly these codes (unknown codes are left out)."""
        wanted = sorted({c for c in codes if isinstance(c, str) and 0 < len(c) <= MAX_QUERY})
        if not wanted:
            return {}
        with self._work(write=False) as (s, _):
            out = {}
            for model in (SupplyClass, Item):  # an item wins where a code names both (the core refuses it anyway)
                m: Any = model
                for row in s.exec(select(m).where(m.code.in_(wanted))).all():
                    out[row.code] = _match(row)
            return out


def _match(row: Item | SupplyClass) -> CodeMatch:
    if isinstance(row, Item):
        return CodeMatch(row.code, row.name, "item", row.unit, row.spec)
    return CodeMatch(row.code, row.name, "class", None)


def find_codes(inv: Inventory, text: str, *, limit: int = 20) -> list[CodeMatch]:
    """Items and classes matching ``text`` by code or name, best first (see :meth:`CatalogSearch.find`)."""
    return CatalogSearch(inv).find(text, limit=limit)


def lookup_codes(inv: Inventory, codes: Iterable[str]) -> dict[str, CodeMatch]:
    """The items and classes named exactly by ``codes``."""
    return CatalogSearch(inv).lookup(codes)
