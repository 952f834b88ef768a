"""A demo city (黔南州) over three counties, loaded through the public API: its regions, agencies on both levels,
the catalog with who answers for each class where, points, stock, targets, users at both levels, and the
readiness norms with the bottled water counted toward drinking water.

``supplies init --demo`` calls :func:`load`. The regions are the real divisions (GB/T 2260, shipped
in supplies/data/regions_qiannan.csv); 惠水县 holds most of the stock, 长顺县 and 罗甸县 a depot each,
the city (州) a depot of its own, so a county's shortfall escalates to the city, which serves it from
its depot and from the other counties. The places, agencies and companies are modelled on real ones
of Guizhou but every name, phone number and quantity is invented for the demo.
Loading is idempotent: what exists is skipped, and a database holding data of its own (any
agency, class, item or point that is not the demo's) is left alone.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .config import local_today

if TYPE_CHECKING:
    from .inventory import Inventory

COUNTY_REGION = "522731"  # 惠水县, 黔南布依族苗族自治州, 贵州省
CITY_REGION = "522700"  # 黔南布依族苗族自治州
REGIONS_FILE = Path(__file__).with_name("data") / "regions_qiannan.csv"

# code, name, contact, phone, region
AGENCIES = [
    ("HSYJ", "惠水县应急管理局", "罗建华", "0854-6222110", COUNTY_REGION),
    ("HSSW", "惠水县水务局", "韦志明", "0854-6221318", COUNTY_REGION),
    ("HSLC", "惠水县发展和改革局(粮食和物资储备)", "王小芳", "0854-6232056", COUNTY_REGION),
    ("QNYJ", "黔南州应急管理局", "吴国栋", "0854-8222110", CITY_REGION),
    ("CSYJ", "长顺县应急管理局", "杨秀英", "0854-6822110", "522729"),
    ("LDYJ", "罗甸县应急管理局", "罗永刚", "0854-7612110", "522728"),
]

# class (with its sub-classes), the agency answering for it in that agency's jurisdiction
ASSIGNMENTS = [(cls, agency) for agency in ("QNYJ", "CSYJ", "LDYJ") for cls in ("PLAN14:3", "PLAN14:1", "LOCAL:FOOD")]

# code, name, English name, agency, parent
CLASSES = [
    ("PLAN14:3", "受灾人员基本生活保障物资", "Basic living supplies for affected people", "HSYJ", None),
    ("PLAN14:1", "抢险救援保障物资", "Rescue and hazard-response supplies", "HSYJ", None),
    ("PLAN14:1.2", "防汛抗旱物资", "Flood control and drought relief supplies", "HSSW", "PLAN14:1"),
    ("LOCAL:FOOD", "食品和饮用水", "Food and drinking water", "HSLC", None),
]

# code, name, class, unit, spec, shelf life (days), unit weight (kg), unit volume (m3)
# Equipment lent to households and sites and returned after the emergency (see supplies.services.relief.returns).
REUSABLE = frozenset({"PLAN14:3.01", "PLAN14:3.03", "PLAN14:3.07", "PLAN14:1.2.11", "PLAN14:1.2.13"})
ITEMS = [
    ("PLAN14:3.01", "单帐篷(12平方米)", "PLAN14:3", "顶", "3.2×3.75m 单层, 含地布", 3650, 30.0, 0.12),
    ("PLAN14:3.03", "棉帐篷(12平方米)", "PLAN14:3", "顶", "单层加保温层", 3650, 45.0, 0.2),
    ("PLAN14:3.04", "棉大衣(防寒服)", "PLAN14:3", "件", "军绿色, 均码", 1825, 2.0, 0.02),
    ("PLAN14:3.05", "棉被", "PLAN14:3", "床", "200×230cm, 棉絮3kg", 1825, 3.2, 0.03),
    ("PLAN14:3.07", "折叠床", "PLAN14:3", "张", "190×70cm 钢架", 3650, 9.0, 0.05),
    ("PLAN14:3.09", "防潮垫", "PLAN14:3", "张", "180×60cm", 1825, 0.5, 0.01),
    ("PLAN14:3.16", "应急灯", "PLAN14:3", "盏", "充电式 LED", 1825, 0.8, 0.003),
    ("PLAN14:1.2.01", "编织袋", "PLAN14:1.2", "条", "55×95cm 聚丙烯", 1095, 0.1, 0.0005),
    ("PLAN14:1.2.03", "救生衣", "PLAN14:1.2", "件", "成人, 泡沫浮力", 1825, 1.0, 0.02),
    ("PLAN14:1.2.05", "冲锋舟", "PLAN14:1.2", "艘", "5.2m 玻璃钢, 配40马力舷外机", None, 300.0, 3.0),
    ("PLAN14:1.2.11", "汽油发电机", "PLAN14:1.2", "台", "5kW", None, 80.0, 0.3),
    ("PLAN14:1.2.13", "抽水泵", "PLAN14:1.2", "台", "潜水泵 100m³/h", None, 60.0, 0.2),
    ("LOCAL:FOOD.01", "瓶装饮用水", "LOCAL:FOOD", "箱", "550ml×24瓶", 540, 13.5, 0.02),
    ("LOCAL:FOOD.02", "方便面", "LOCAL:FOOD", "箱", "12桶", 180, 3.0, 0.05),
    ("LOCAL:FOOD.03", "压缩饼干", "LOCAL:FOOD", "箱", "125g×60袋", 1095, 8.0, 0.02),
]

# code, name, level, kind, region, lat, lon, address, capacity (m3)
POINTS = [
    (
        "HS-CK01",
        "惠水县应急物资储备库",
        "county",
        "depot",
        "522731",
        26.1386,
        106.6572,
        "惠水县涟江街道城南大道",
        6000.0,
    ),
    (
        "HS-TS01",
        "好花红镇应急物资储备点",
        "township",
        "depot",
        "522731102",
        26.0470,
        106.6305,
        "好花红镇政府院内",
        300.0,
    ),
    ("HS-TS02", "羡塘镇应急物资储备点", "township", "depot", "522731108", 25.9405, 106.5598, "羡塘镇新街", 300.0),
    ("HS-TS03", "断杉镇应急物资储备点", "township", "depot", "522731105", 25.8502, 106.6790, "断杉镇集镇", 250.0),
    ("HS-TS04", "芦山镇应急物资储备点", "township", "depot", "522731106", 26.2050, 106.8110, "芦山镇政府旁", 250.0),
    ("HS-TS05", "王佑镇应急物资储备点", "township", "depot", "522731107", 26.2410, 106.6200, "王佑镇老街", 250.0),
    (
        "HS-VL01",
        "羡塘镇高镇村靠前储备点",
        "village",
        "prepositioned",
        "522731108",
        25.9102,
        106.5303,
        "高镇村村委会",
        40.0,
    ),
    (
        "HS-VL02",
        "断杉镇摆卡村靠前储备点",
        "village",
        "prepositioned",
        "522731105",
        25.8121,
        106.7015,
        "摆卡村村委会",
        40.0,
    ),
    (
        "HS-VL03",
        "芦山镇摆榜村靠前储备点",
        "village",
        "prepositioned",
        "522731106",
        26.2330,
        106.8642,
        "摆榜村活动室",
        40.0,
    ),
    (
        "HS-SH01",
        "惠水县体育中心应急避难场所",
        "county",
        "shelter",
        "522731001",
        26.1290,
        106.6491,
        "涟江街道体育路",
        None,
    ),
    (
        "HS-AG01",
        "惠水县惠民商贸有限公司代储仓库",
        "county",
        "agreement",
        "522731001",
        26.1512,
        106.6688,
        "经济开发区仓储园",
        4000.0,
    ),
    # In 都匀, but its capacity is reserved by contract with 惠水县: it belongs to that jurisdiction.
    (
        "HS-FC01",
        "黔南州瑞丰被服厂(产能储备)",
        "county",
        "factory",
        COUNTY_REGION,
        26.2595,
        107.5180,
        "都匀经济开发区",
        None,
    ),
    (
        "QN-CK01",
        "黔南州应急物资储备库",
        "city",
        "depot",
        CITY_REGION,
        26.2680,
        107.5010,
        "都匀市经济开发区储备路",
        12000.0,
    ),
    ("CS-CK01", "长顺县应急物资储备库", "county", "depot", "522729001", 26.0228, 106.4520, "长顺县长寨街道", 3000.0),
    ("LD-CK01", "罗甸县应急物资储备库", "county", "depot", "522728001", 25.4260, 106.7510, "罗甸县斛兴街道", 3000.0),
]

# point, item, quantity, batch, expires in N days (None: no expiry), reserve mode, lead time (h)
LOTS = [
    ("HS-CK01", "PLAN14:3.01", 400, "2021-HS-01", 1500, "physical", 0),
    ("HS-CK01", "PLAN14:3.01", 120, "2024-HS-02", 3100, "physical", 0),
    ("HS-CK01", "PLAN14:3.03", 80, "2022-HS-01", 2000, "physical", 0),
    ("HS-CK01", "PLAN14:3.04", 1500, "2022-HS-03", 600, "physical", 0),
    ("HS-CK01", "PLAN14:3.05", 2000, "2020-HS-05", 25, "physical", 0),
    ("HS-CK01", "PLAN14:3.05", 1200, "2024-HS-01", 1400, "physical", 0),
    ("HS-CK01", "PLAN14:3.07", 600, "2023-HS-02", 2800, "physical", 0),
    ("HS-CK01", "PLAN14:3.09", 800, "2023-HS-03", 1200, "physical", 0),
    ("HS-CK01", "PLAN14:3.16", 300, "2024-HS-04", 1500, "physical", 0),
    ("HS-CK01", "PLAN14:1.2.01", 20000, "2024-SW-01", 700, "physical", 0),
    ("HS-CK01", "PLAN14:1.2.03", 300, "2023-SW-02", 1100, "physical", 0),
    ("HS-CK01", "PLAN14:1.2.05", 4, "2019-SW-01", None, "physical", 0),
    ("HS-CK01", "PLAN14:1.2.11", 12, "2022-SW-03", None, "physical", 0),
    ("HS-CK01", "PLAN14:1.2.13", 10, "2022-SW-04", None, "physical", 0),
    ("HS-CK01", "LOCAL:FOOD.01", 800, "2025-LC-07", 200, "physical", 0),
    ("HS-CK01", "LOCAL:FOOD.03", 500, "2024-LC-02", 400, "physical", 0),
    ("HS-TS01", "PLAN14:3.01", 30, "2023-HS-06", 2600, "physical", 0),
    ("HS-TS01", "PLAN14:3.05", 150, "2023-HS-06", 1000, "physical", 0),
    ("HS-TS01", "PLAN14:1.2.01", 3000, "2024-SW-05", 800, "physical", 0),
    ("HS-TS01", "PLAN14:1.2.03", 40, "2023-SW-05", 1200, "physical", 0),
    ("HS-TS01", "LOCAL:FOOD.01", 80, "2025-LC-08", 260, "physical", 0),
    ("HS-TS02", "PLAN14:3.01", 40, "2023-HS-06", 2600, "physical", 0),
    ("HS-TS02", "PLAN14:3.05", 200, "2023-HS-06", 1000, "physical", 0),
    ("HS-TS02", "PLAN14:1.2.01", 5000, "2024-SW-05", 800, "physical", 0),
    ("HS-TS02", "PLAN14:1.2.03", 50, "2023-SW-05", 1200, "physical", 0),
    ("HS-TS02", "LOCAL:FOOD.01", 200, "捐赠-2025-06", 90, "donation", 0),
    ("HS-TS03", "PLAN14:3.01", 25, "2023-HS-06", 2600, "physical", 0),
    ("HS-TS03", "PLAN14:3.05", 120, "2023-HS-06", 1000, "physical", 0),
    ("HS-TS03", "PLAN14:1.2.01", 4000, "2024-SW-05", 800, "physical", 0),
    ("HS-TS03", "PLAN14:3.16", 20, "2024-HS-04", 1500, "physical", 0),
    ("HS-TS04", "PLAN14:3.01", 20, "2023-HS-06", 2600, "physical", 0),
    ("HS-TS04", "PLAN14:3.05", 100, "2023-HS-06", 1000, "physical", 0),
    ("HS-TS04", "PLAN14:1.2.01", 2000, "2024-SW-05", 800, "physical", 0),
    ("HS-TS04", "LOCAL:FOOD.01", 60, "2025-LC-08", 260, "physical", 0),
    ("HS-TS05", "PLAN14:3.01", 20, "2023-HS-06", 2600, "physical", 0),
    ("HS-TS05", "PLAN14:3.05", 100, "2023-HS-06", 1000, "physical", 0),
    ("HS-TS05", "PLAN14:1.2.01", 2500, "2024-SW-05", 800, "physical", 0),
    ("HS-VL01", "PLAN14:3.05", 30, "2024-HS-07", 1300, "physical", 0),
    ("HS-VL01", "PLAN14:1.2.01", 1000, "2024-SW-06", 850, "physical", 0),
    ("HS-VL01", "PLAN14:1.2.03", 20, "2024-SW-06", 1300, "physical", 0),
    ("HS-VL02", "PLAN14:3.05", 30, "2024-HS-07", 1300, "physical", 0),
    ("HS-VL02", "PLAN14:1.2.01", 1000, "2024-SW-06", 850, "physical", 0),
    ("HS-VL02", "LOCAL:FOOD.01", 20, "2024-LC-11", 12, "physical", 0),
    ("HS-VL03", "PLAN14:3.05", 30, "2024-HS-07", 1300, "physical", 0),
    ("HS-VL03", "PLAN14:1.2.01", 1000, "2024-SW-06", 850, "physical", 0),
    ("HS-SH01", "PLAN14:3.07", 200, "2023-HS-08", 2800, "physical", 0),
    ("HS-SH01", "PLAN14:3.05", 300, "2024-HS-08", 1400, "physical", 0),
    ("HS-SH01", "PLAN14:3.16", 50, "2024-HS-08", 1500, "physical", 0),
    ("HS-SH01", "LOCAL:FOOD.01", 100, "2025-LC-09", 300, "physical", 0),
    ("HS-AG01", "LOCAL:FOOD.01", 3000, "协议-2025", 300, "agreement", 6),
    ("HS-AG01", "LOCAL:FOOD.02", 2000, "协议-2025", 150, "agreement", 6),
    ("HS-AG01", "LOCAL:FOOD.03", 1000, "协议-2025", 700, "agreement", 8),
    ("HS-FC01", "PLAN14:3.05", 5000, "产能-2025", None, "capacity", 72),
    ("HS-FC01", "PLAN14:3.04", 2000, "产能-2025", None, "capacity", 96),
    ("QN-CK01", "PLAN14:3.01", 600, "2024-QN-01", 3000, "physical", 0),
    ("QN-CK01", "PLAN14:3.05", 3000, "2024-QN-02", 1500, "physical", 0),
    ("QN-CK01", "PLAN14:3.04", 2000, "2023-QN-03", 900, "physical", 0),
    ("QN-CK01", "PLAN14:1.2.01", 30000, "2024-QN-04", 800, "physical", 0),
    ("QN-CK01", "LOCAL:FOOD.01", 1500, "2025-QN-05", 300, "physical", 0),
    ("CS-CK01", "PLAN14:3.01", 150, "2024-CS-01", 3000, "physical", 0),
    ("CS-CK01", "PLAN14:3.05", 800, "2024-CS-02", 1500, "physical", 0),
    ("CS-CK01", "PLAN14:1.2.01", 6000, "2024-CS-03", 800, "physical", 0),
    ("LD-CK01", "PLAN14:3.05", 600, "2024-LD-01", 1500, "physical", 0),
    ("LD-CK01", "PLAN14:1.2.01", 8000, "2024-LD-02", 800, "physical", 0),
    ("LD-CK01", "LOCAL:FOOD.01", 400, "2025-LD-03", 300, "physical", 0),
]

# item, point (or None), region (or None), quantity
TARGETS = [
    ("PLAN14:3.01", "HS-CK01", None, 600),
    ("PLAN14:3.05", "HS-CK01", None, 4000),
    ("PLAN14:3.04", "HS-CK01", None, 2000),
    ("PLAN14:3.07", "HS-CK01", None, 800),
    ("PLAN14:1.2.01", "HS-CK01", None, 30000),
    ("PLAN14:1.2.03", "HS-CK01", None, 500),
    ("LOCAL:FOOD.01", "HS-CK01", None, 1500),
    ("PLAN14:3.01", None, COUNTY_REGION, 1000),
    ("PLAN14:3.05", None, COUNTY_REGION, 6000),
    ("PLAN14:1.2.01", None, COUNTY_REGION, 50000),
    *[("PLAN14:3.05", p, None, 150) for p in ("HS-TS01", "HS-TS02", "HS-TS03", "HS-TS04", "HS-TS05")],
    *[("PLAN14:1.2.01", p, None, 5000) for p in ("HS-TS01", "HS-TS02", "HS-TS03", "HS-TS04", "HS-TS05")],
]

# need, item, amount of the need one unit meets: a case of 24 bottles of 550 ml is 13.2 litres of water
NEED_LINKS = [
    ("water", "LOCAL:FOOD.01", 13.2),
]

# name, role, points, agency, who, region
USERS = [
    ("zhangwei", "dispatcher", (), None, "张伟, 惠水县应急管理局调度员", COUNTY_REGION),
    ("lina", "warehouse", ("HS-CK01",), None, "李娜, 惠水县储备库库管员", COUNTY_REGION),
    ("weizhiming", "agency_officer", (), "HSSW", "韦志明, 惠水县水务局", COUNTY_REGION),
    ("chenjing", "viewer", (), None, "陈静, 惠水县政府值班室", COUNTY_REGION),
    ("wuguodong", "dispatcher", (), None, "吴国栋, 黔南州应急管理局调度员", CITY_REGION),
    ("zhoumin", "viewer", (), None, "周敏, 黔南州应急管理局值班室", CITY_REGION),
    ("yangxiuying", "dispatcher", (), None, "杨秀英, 长顺县应急管理局调度员", "522729"),
    ("luoping", "warehouse", ("CS-CK01",), None, "罗平, 长顺县储备库库管员", "522729"),
]


@dataclass(frozen=True)
class DemoUser:
    """A demo user created by this load, with its one-time password."""

    name: str
    role: str
    scope: str
    who: str
    password: str


@dataclass
class DemoResult:
    """What a load did: whether it wrote anything, why not, what it created."""

    loaded: bool
    reason: str | None = None
    created: dict[str, int] = field(default_factory=dict)
    users: list[DemoUser] = field(default_factory=list)


def load(
    inv: Inventory, *, today: date | None = None, progress: Callable[[int, int], None] | None = None
) -> DemoResult:
    """Load the demo city as ``inv``'s user (an admin); skip what exists; return what was created.

    ``progress(done, total)`` is called after every step. Expiry dates are counted from
    ``today`` so the demo always has lots near expiry.
    """
    today = today or local_today()
    existing = _existing(inv)
    foreign = _foreign(existing)
    if foreign:
        return DemoResult(False, f"the database already holds its own data ({foreign}); the demo was not loaded")

    steps: list[tuple[str, Callable[[], object]]] = []
    if CITY_REGION not in existing["regions"]:
        steps.append(("regions", partial(inv.regions.load, REGIONS_FILE)))
    for code, name, contact, phone, region in AGENCIES:
        if code not in existing["agencies"]:
            steps.append(
                (
                    "agencies",
                    partial(
                        inv.agencies.add,
                        code,
                        name,
                        contact=contact,
                        phone=phone,
                        level="city" if region == CITY_REGION else "county",
                        region_code=region,
                    ),
                )
            )
    for code, name, name_en, agency, parent in CLASSES:
        if code not in existing["classes"]:
            steps.append(
                ("classes", partial(inv.classes.add, code, name, agency=agency, parent=parent, name_en=name_en))
            )
    for code, name, cls, unit, spec, shelf, kg, m3 in ITEMS:
        if code not in existing["items"]:
            # Tents, folding beds, pumps and generators are lent and returned (回收), not consumed.
            steps.append(
                (
                    "items",
                    partial(
                        inv.items.add,
                        code,
                        name,
                        supply_class=cls,
                        unit=unit,
                        spec=spec,
                        shelf_life_days=shelf,
                        unit_weight_kg=kg,
                        unit_volume_m3=m3,
                        reusable=code in REUSABLE,
                    ),
                )
            )
    held = existing["responsibilities"]
    for cls, agency in ASSIGNMENTS:
        if (cls, agency) not in held:
            steps.append(("assignments", partial(inv.classes.assign, cls, agency=agency)))
    for code, name, level, kind, region, lat, lon, address, cap in POINTS:
        if code not in existing["points"]:
            steps.append(
                (
                    "points",
                    partial(
                        inv.points.add,
                        code,
                        name,
                        level=level,
                        kind=kind,
                        region_code=region,
                        lat=lat,
                        lon=lon,
                        address=address,
                        capacity_m3=cap,
                    ),
                )
            )
    for point, item, qty, batch, days, mode, lead in LOTS:
        if (point, item, batch) not in existing["lots"]:
            expires = today + timedelta(days=days) if days is not None else None
            steps.append(
                (
                    "lots",
                    partial(
                        inv.stock.receive,
                        point,
                        item,
                        qty,
                        batch=batch,
                        expires_on=expires,
                        mode=mode,
                        lead_time_hours=lead,
                        reference="demo",
                        reason="示例数据 demo stock",
                    ),
                )
            )
    for item, target_point, target_region, qty in TARGETS:
        if (item, target_point, None if target_point else target_region) not in existing["targets"]:
            steps.append(
                ("targets", partial(inv.targets.set, item, qty, point=target_point, region_code=target_region))
            )
    for need, item, per_unit in NEED_LINKS:
        if (need, item) not in existing["norms"]:
            steps.append(("norms", partial(_link_need, inv, need, item, per_unit)))
    users: list[DemoUser] = []
    for name, role, points, user_agency, who, user_region in USERS:
        if name not in existing["users"]:
            password = secrets.token_urlsafe(9)
            scope = ", ".join(points) or user_agency or user_region
            users.append(DemoUser(name, role, scope, who, password))
            steps.append(
                (
                    "users",
                    partial(
                        inv.users.add,
                        name,
                        role=role,
                        points=list(points),
                        agency=user_agency,
                        password=password,
                        region=user_region,
                    ),
                )
            )

    if not steps:
        return DemoResult(False, "the demo city is already loaded")
    created: dict[str, int] = {}
    for done, (kind, step) in enumerate(steps, start=1):
        step()
        created[kind] = created.get(kind, 0) + 1
        if progress:
            progress(done, len(steps))
    return DemoResult(True, None, created, users)


def _existing(inv: Inventory) -> dict[str, set[Any]]:
    """Everything the demo would create that is already there (one list query per kind)."""
    classes = {c.code for c in inv.classes.list()}
    return {
        "agencies": {a.code for a in inv.agencies.list()},
        "classes": classes,
        "items": {i.code for i in inv.items.list()},
        "points": {p.code for p in inv.points.list()},
        "lots": {(lot.point, lot.item, lot.batch) for lot in inv.stock.lots(with_stock_only=False)},
        "targets": {(t.item, t.point, t.region_code) for t in inv.targets.list()},
        "users": {u.name for u in inv.users.list()},
        "norms": {(n.need, n.item) for n in inv.readiness.norms() if n.hazard is None},
        "regions": {r.code for r in inv.regions.list()},
        "responsibilities": {
            (cls, agency) for cls, _ in ASSIGNMENTS for _j, agency in inv.classes.responsibilities(cls)
        }
        if {c[0] for c in CLASSES} <= classes
        else set(),
    }


def _link_need(inv: Inventory, need: str, item: str, amount_per_unit: float) -> None:
    """Count a demo item toward a need of the readiness check (the shipped norms are put in the table first)."""
    inv.readiness.load_default_norms()
    inv.readiness.link(need, item, amount_per_unit=amount_per_unit)


def _foreign(existing: dict[str, set[Any]]) -> str | None:
    """A description of existing catalog or places that are not the demo's, else None."""
    ours = {
        "agencies": {a[0] for a in AGENCIES},
        "classes": {c[0] for c in CLASSES},
        "items": {i[0] for i in ITEMS},
        "points": {p[0] for p in POINTS},
    }
    for kind, codes in ours.items():
        other = sorted(existing[kind] - codes)
        if other:
            more = f" and {len(other) - 3} more" if len(other) > 3 else ""
            return f"{kind}: {', '.join(other[:3])}{more}"
    return None
