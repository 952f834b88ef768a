"""Property: over random region trees, users and stock, every read stays in the user's subtree and every write
outside it is refused."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import supplies
from supplies.errors import NotFound, PermissionDenied
from tests.examples import examples

PROVINCE = "520000"


@dataclass(frozen=True)
class Tree:
    """Cities (with their counties) of one province, and where the user stands."""

    cities: tuple[int, ...]  # the number of counties of each city
    user_at: int  # an index into jurisdictions()
    role: str

    def jurisdictions(self) -> list[tuple[str, str | None]]:
        """(code, parent) of the province, each city and each county, top down."""
        out: list[tuple[str, str | None]] = [(PROVINCE, None)]
        for c, counties in enumerate(self.cities, start=1):
            city = f"52{c:02d}00"
            out.append((city, PROVINCE))
            out += [(f"52{c:02d}{k:02d}", city) for k in range(1, counties + 1)]
        return out

    def below(self, code: str) -> set[str]:
        """``code`` and every jurisdiction under it (by GB/T 2260 nesting)."""
        if code == PROVINCE:
            return {j for j, _ in self.jurisdictions()}
        if code.endswith("00"):
            return {j for j, _ in self.jurisdictions() if j[:4] == code[:4]}
        return {code}


trees = st.builds(
    Tree,
    cities=st.lists(st.integers(1, 3), min_size=1, max_size=3).map(tuple),
    user_at=st.integers(0, 20),
    role=st.sampled_from(["admin", "dispatcher", "viewer"]),
)


def _level(code: str) -> str:
    return "province" if code == PROVINCE else "city" if code.endswith("00") else "county"


def _build(inv: supplies.Inventory, tree: Tree) -> None:
    inv.agencies.add("TOP", "top agency")
    inv.classes.add("LIVING", "生活类", agency="TOP")
    inv.items.add("TENT", "帐篷", supply_class="LIVING", unit="顶")
    for code, parent in tree.jurisdictions():
        inv.regions.add(code, f"R{code}", level=_level(code), parent=parent)
        inv.agencies.add(f"A{code}", f"agency {code}", region_code=code)
        inv.classes.assign("LIVING", agency=f"A{code}")
        inv.points.add(f"P{code}", f"point {code}", level=_level(code), lat=26, lon=106, region_code=code)
        inv.stock.receive(f"P{code}", "TENT", 10, batch="B1")
        inv.users.add(f"u{code}", role="dispatcher", region=code, web_login=False)
    incident = inv.incidents.add("flood", type="flood", level="IV", lat=26, lon=106, population=1)
    for code, _ in tree.jurisdictions():
        who = inv.as_user(f"u{code}")
        rid = who.requests.create(incident.id, lines={"TENT": 5}, dest_point=f"P{code}").id
        who.requests.submit(rid)


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
@settings(max_examples=examples(8), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(tree=trees)
def test_reads_stay_in_the_subtree_and_writes_outside_it_are_refused(databases: object, tree: Tree) -> None:
    inv = databases.fresh_inventory()  # type: ignore[attr-defined]
    _build(inv, tree)
    codes = [code for code, _ in tree.jurisdictions()]
    at = codes[tree.user_at % len(codes)]
    inv.users.add("me", role=tree.role, region=at, web_login=False)
    me = inv.as_user("me")
    mine = tree.below(at)

    assert {lot.point[1:] for lot in me.stock.lots()} == mine
    assert {p.code[1:] for p in me.points.list()} == mine
    assert {a.code[1:] for a in me.agencies.list() if a.code != "TOP"} == mine
    assert {u.jurisdiction for u in me.users.list()} <= mine
    seen = {r.jurisdiction for r in me.requests.list()}
    assert seen == mine
    assert {(r.jurisdiction, r.part) for r in me.stock.rollup() if r.part != "total"} <= {
        (c, p) for c in mine for p in ("child", "own")
    }

    outside = [c for c in codes if c not in mine]
    for code in outside[:2]:
        with pytest.raises(PermissionDenied):
            if tree.role == "admin":
                me.stock.receive(f"P{code}", "TENT", 1, batch="B1")
            else:
                me.stock.rollup(jurisdiction=code)
        other = next(r for r in inv.requests.list() if r.jurisdiction == code)
        with pytest.raises((NotFound, PermissionDenied)):
            if tree.role == "dispatcher":
                me.requests.approve(other.id)
            else:
                me.requests.show(other.id)
    inside = next(r for r in inv.requests.list() if r.jurisdiction == at)
    if tree.role == "dispatcher":
        assert me.requests.approve(inside.id).status == "approved"
    if tree.role == "admin":
        me.stock.receive(f"P{at}", "TENT", 1, batch="B1")
    assert inv.stock.verify().ok
    inv.close()
