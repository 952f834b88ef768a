"""A city (州) with three counties, users at both levels and stock in one county: for the 报送 tests."""

from __future__ import annotations

from pathlib import Path

import supplies

CITY, HUISHUI, SANDU, LIBO = "522700", "522731", "522732", "522722"
PASSWORDS = {"city": "city-pass-1", "citydesk": "citydesk-pass-1", "hs": "hs-pass-1", "cityview": "cityview-pass-1"}


def build_city(inv: supplies.Inventory) -> supplies.Inventory:
    """黔南州 with 惠水县, 三都县 and 荔波县 below it (and a township of 惠水县); ``inv`` acts as the top admin.

    Users: ``city`` (admin of the city), ``citydesk`` (its dispatcher), ``cityview`` (its viewer),
    ``hs`` (惠水县's dispatcher), ``sd`` (三都县's admin). 惠水县 has a depot with 10 tents received.
    """
    inv.regions.add("520000", "贵州省", level="province")
    inv.regions.add(CITY, "黔南布依族苗族自治州", level="city", parent="520000")
    for code, name in ((HUISHUI, "惠水县"), (SANDU, "三都水族自治县"), (LIBO, "荔波县")):
        inv.regions.add(code, name, level="county", parent=CITY)
    inv.regions.add("522731100", "和平镇", level="township", parent=HUISHUI)
    inv.users.add("city", role="admin", region=CITY, password=PASSWORDS["city"])
    inv.users.add("citydesk", role="dispatcher", region=CITY, password=PASSWORDS["citydesk"])
    inv.users.add("cityview", role="viewer", region=CITY, password=PASSWORDS["cityview"])
    inv.users.add("hs", role="dispatcher", region=HUISHUI, password=PASSWORDS["hs"])
    inv.users.add("sd", role="admin", region=SANDU, web_login=False)
    inv.agencies.add("HSYJ", "惠水县应急管理局", region_code=HUISHUI)
    inv.classes.add("LIVING", "受灾人员基本生活保障物资", agency="HSYJ")
    inv.items.add("TENT12", "单帐篷(12平方米)", supply_class="LIVING", unit="顶")
    inv.points.add("HS-CK01", "惠水县应急物资储备库", level="county", lat=26.14, lon=106.66, region_code=HUISHUI)
    inv.points.add("HS-TS01", "和平镇储备点", level="township", lat=26.10, lon=106.60, region_code="522731100")
    inv.stock.receive("HS-CK01", "TENT12", 10, batch="T1")
    return inv


def county_alone(tmp_path: Path) -> supplies.Inventory:
    """惠水县 running alone on its own SQLite file, cut off from the city."""
    inv = supplies.open(f"sqlite:///{tmp_path / 'huishui.db'}", upgrade=True)
    inv.users.bootstrap_admin("hsadmin", "hsadmin-pass-1")
    inv = inv.as_user("hsadmin")
    inv.regions.add(HUISHUI, "惠水县", level="county")
    inv.users.add("hs", role="dispatcher", region=HUISHUI, web_login=False)
    inv.agencies.add("HSYJ", "惠水县应急管理局", region_code=HUISHUI)
    inv.classes.add("LIVING", "受灾人员基本生活保障物资", agency="HSYJ")
    inv.items.add("TENT12", "单帐篷(12平方米)", supply_class="LIVING", unit="顶")
    inv.points.add("HS-CK01", "惠水县应急物资储备库", level="county", lat=26.14, lon=106.66, region_code=HUISHUI)
    inv.stock.receive("HS-CK01", "TENT12", 25, batch="T1")
    return inv
