"""A city over two counties, built through the public API: the shared ground of the jurisdiction tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import supplies

CITY, HUISHUI, CHANGSHUN = "522700", "522731", "522729"
PASSWORD = "jurisdiction-pass-1"


def build_city(inv: supplies.Inventory) -> supplies.Inventory:
    """黔南州 with 惠水县 (and a township of it) and 长顺县: an agency and a depot on each level, tents
    everywhere (100 in the city's depot, 30 + 10 in 惠水县, 200 in 长顺县), users on both levels
    (all with the web password ``PASSWORD``); ``inv`` acts as the installation's top admin."""
    inv.regions.add("520000", "贵州省", level="province")
    inv.regions.add(CITY, "黔南布依族苗族自治州", level="city", parent="520000")
    inv.regions.add(HUISHUI, "惠水县", level="county", parent=CITY)
    inv.regions.add(CHANGSHUN, "长顺县", level="county", parent=CITY)
    inv.regions.add("522731101", "好花红镇", level="township", parent=HUISHUI)
    inv.agencies.add("QN-YJ", "黔南州应急管理局", region_code=CITY)
    inv.agencies.add("HS-MZ", "惠水县民政局", region_code=HUISHUI)
    inv.agencies.add("CS-MZ", "长顺县民政局", region_code=CHANGSHUN)
    inv.classes.add("LIVING", "生活类", agency="QN-YJ")
    inv.classes.assign("LIVING", agency="HS-MZ")
    inv.classes.assign("LIVING", agency="CS-MZ")
    inv.items.add("TENT", "帐篷", supply_class="LIVING", unit="顶")
    inv.points.add("QN-CK", "州储备库", level="city", lat=26.26, lon=107.52, region_code=CITY)
    inv.points.add("HS-CK", "惠水县储备库", level="county", lat=26.13, lon=106.66, region_code=HUISHUI)
    inv.points.add("HS-TS", "好花红镇储备点", level="township", lat=26.05, lon=106.63, region_code="522731101")
    inv.points.add("CS-CK", "长顺县储备库", level="county", lat=26.02, lon=106.45, region_code=CHANGSHUN)
    for point, qty in (("QN-CK", 100), ("HS-CK", 30), ("HS-TS", 10), ("CS-CK", 200)):
        inv.stock.receive(point, "TENT", qty, batch=f"B-{point}")
    for name, role, region in (
        ("city-disp", "dispatcher", CITY),
        ("city-admin", "admin", CITY),
        ("hs-disp", "dispatcher", HUISHUI),
        ("hs-admin", "admin", HUISHUI),
        ("cs-view", "viewer", CHANGSHUN),
        ("cs-disp", "dispatcher", CHANGSHUN),
    ):
        inv.users.add(name, role=role, region=region, password=PASSWORD)
    inv.users.add("cs-keeper", role="warehouse", points=["CS-CK"], password=PASSWORD)
    return inv


def approved_request(inv: supplies.Inventory, tents: int, dest: str) -> int:
    """A request of the acting dispatcher's jurisdiction for ``tents`` to ``dest`` within 12 hours, approved."""
    incident = inv.incidents.add("涟江洪水", type="flood", level="IV", lat=26.1, lon=106.6, population=500)
    needed = datetime.now(UTC) + timedelta(hours=12)
    rid = inv.requests.create(incident.id, lines={"TENT": tents}, dest_point=dest, needed_by=needed).id
    inv.requests.submit(rid)
    inv.requests.approve(rid)
    return rid
