"""The needs norms as editable data: the shipped defaults with their sources, and a department's own changes."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, col, select

from ...data import READINESS_NORMS, read_csv
from ...errors import NotFound
from ...i18n import t
from ...models import Item, NeedNorm
from ..results import Result

STATUSES = ("sourced", "assumed", "local")  # local: set or changed by the department


@dataclass(frozen=True)
class NormResult(Result):
    """One way to meet a need: so much per person, met by so much per unit of an item (or no item yet)."""

    need: str
    name_zh: str | None
    name_en: str | None
    amount_per_person: float
    basis: str
    unit: str
    hazard: str | None
    item: str | None
    amount_per_unit: float | None
    status: str
    source: str | None


def view(n: NeedNorm) -> NormResult:
    return NormResult(
        n.need,
        n.name_zh,
        n.name_en,
        n.amount_per_person,
        n.basis,
        n.unit,
        n.hazard,
        n.item_code,
        n.amount_per_unit,
        n.status,
        n.source,
    )


def shipped() -> list[NeedNorm]:
    """The default norms shipped in ``readiness_norms.csv``, each with its source and status."""
    out = []
    for r in read_csv(READINESS_NORMS):
        out.append(
            NeedNorm(
                need=r["need"],
                name_zh=r["name_zh"] or None,
                name_en=r["name_en"] or None,
                amount_per_person=float(r["amount_per_person"]),
                basis=r["basis"] or "once",
                unit=r["unit"],
                item_code=r["met_by"] or None,
                amount_per_unit=float(r["amount_per_unit"]) if r["amount_per_unit"] else None,
                status=r["status"] or "assumed",
                source=r["source"] or None,
                hazard=None,
            )
        )
    return out


def _key(n: NeedNorm) -> tuple[str, str | None, str | None]:
    return (n.need, n.item_code, n.hazard)


def load_defaults(s: Session) -> int:
    """Add the shipped norms that are not in the table yet (a department's edits are kept)."""
    have = {_key(n) for n in s.exec(select(NeedNorm)).all()}
    new = [n for n in shipped() if _key(n) not in have]
    s.add_all(new)
    s.flush()
    return len(new)


def active(s: Session, hazard: str | None) -> tuple[list[NeedNorm], bool]:
    """The norms that apply to ``hazard`` (general ones plus that hazard's), and whether they are the
    shipped defaults because the table is still empty."""
    rows = list(s.exec(select(NeedNorm).order_by(col(NeedNorm.id))).all())
    if not rows:
        return list(shipped()), True
    return [n for n in rows if n.hazard is None or n.hazard == hazard], False


def set_need(s: Session, data: dict[str, Any]) -> list[NeedNorm]:
    """Set a need's per-person amount (and names, unit, basis) on every row of that need and hazard."""
    hazard = data.get("hazard")
    same_hazard = col(NeedNorm.hazard) == hazard if hazard else col(NeedNorm.hazard).is_(None)
    rows = list(s.exec(select(NeedNorm).where(NeedNorm.need == data["need"], same_hazard)).all())
    if not rows:
        rows = [
            NeedNorm(
                need=data["need"],
                amount_per_person=data["amount_per_person"],
                unit=data["unit"],
                hazard=data.get("hazard"),
            )
        ]
    for n in rows:
        for key in ("amount_per_person", "unit", "basis", "name_zh", "name_en", "source"):
            if key in data and (data[key] is not None or key in ("amount_per_person", "unit", "basis")):
                setattr(n, key, data[key])
        n.status = "local"
        s.add(n)
    s.flush()
    return rows


def link(s: Session, data: dict[str, Any]) -> NeedNorm:
    """Let an item meet a need (``amount_per_unit`` of the need per unit); the need must exist."""
    item = s.exec(select(Item).where(Item.code == data["item"])).one_or_none()
    if item is None:
        raise NotFound(t("no item with code {item!r}", item=data["item"]), "item")
    rows = [
        n
        for n in s.exec(select(NeedNorm).where(NeedNorm.need == data["need"])).all()
        if n.hazard in (None, data.get("hazard"))
    ]
    if not rows:
        raise NotFound(t("no need {need!r}: define it first with its amount per person", need=data["need"]), "need")
    base = next((n for n in rows if n.hazard == data.get("hazard")), rows[0])
    for n in rows:
        if n.item_code == item.code and n.hazard == data.get("hazard"):
            n.amount_per_unit, n.status = data["amount_per_unit"], "local"
            s.add(n)
            s.flush()
            return n
    placeholder = next((n for n in rows if n.item_code is None and n.hazard == data.get("hazard")), None)
    row = placeholder or NeedNorm(
        need=base.need,
        name_zh=base.name_zh,
        name_en=base.name_en,
        amount_per_person=base.amount_per_person,
        basis=base.basis,
        unit=base.unit,
        hazard=data.get("hazard"),
        source=base.source,
    )
    row.item_code, row.amount_per_unit, row.status = item.code, data["amount_per_unit"], "local"
    s.add(row)
    s.flush()
    return row


def unlink(s: Session, need: str, item: str, hazard: str | None) -> int:
    """Stop counting an item for a need; the need itself stays (without items it is reported short)."""
    rows = [
        n
        for n in s.exec(select(NeedNorm).where(NeedNorm.need == need)).all()
        if n.item_code == item and n.hazard == hazard
    ]
    if not rows:
        raise NotFound(t("item {item!r} is not linked to need {need!r}", item=item, need=need), "item")
    others = [n for n in s.exec(select(NeedNorm).where(NeedNorm.need == need)).all() if n not in rows]
    for n in rows:
        if others:
            s.delete(n)
        else:  # keep the need defined, with no item
            n.item_code, n.amount_per_unit, n.status = None, None, "local"
            s.add(n)
    s.flush()
    return len(rows)


def views(rows: Iterable[NeedNorm]) -> list[NormResult]:
    return [view(n) for n in rows]


_DEPRECATED = {"NormView": "NormResult"}


def __getattr__(name: str) -> object:
    """Old names of the results, kept working with a warning (they are results, not views)."""
    if name in _DEPRECATED:
        import warnings

        warnings.warn(f"{name} is now {_DEPRECATED[name]}", DeprecationWarning, stacklevel=2)
        return globals()[_DEPRECATED[name]]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
