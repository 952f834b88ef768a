"""The synthetic province's reference data: agencies, the catalog, storage points on four levels, users, travel times.

Everything here goes through the public API (``inv.regions``, ``inv.agencies``, ``inv.classes``,
``inv.items``, ``inv.points``, ``inv.users``, ``inv.travel_times``, ``inv.catalog``), as a province
office would enter it, except the class responsibilities of the cities and counties, which are
inserted in one statement with exactly the rows ``inv.classes.assign`` would make. The places are
modelled on Guizhou: nine prefectures with their real codes and seats, counties, townships and
villages around them, all inside 24.6-29.2 N, 103.6-109.6 E; names are invented.

The places are a real jurisdiction tree (GB/T 2260 codes, loaded with ``inv.regions.add_many``):
the province, its cities, their counties, each jurisdiction with its own agencies and its own
responsible agency per class; every point lies in a county (or, for city depots, in its city).
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field

from sqlalchemy import insert, select

import supplies
from supplies.models import Agency, ClassResponsibility
from supplies.models.base import utcnow

from .scales import Scale

LAT_RANGE = (24.6, 29.2)
LON_RANGE = (103.6, 109.6)

# Prefecture code, seat, latitude, longitude (the nine prefectures of Guizhou).
CITIES = [
    ("520100", "贵阳", 26.647, 106.630),
    ("520200", "六盘水", 26.593, 104.830),
    ("520300", "遵义", 27.725, 106.927),
    ("520400", "安顺", 26.245, 105.948),
    ("520500", "毕节", 27.302, 105.285),
    ("520600", "铜仁", 27.718, 109.191),
    ("522300", "黔西南", 25.088, 104.904),
    ("522600", "黔东南", 26.583, 107.977),
    ("522700", "黔南", 26.258, 107.517),
]

_SYLLABLES = [
    "清",
    "水",
    "石",
    "阡",
    "平",
    "塘",
    "长",
    "顺",
    "龙",
    "里",
    "惠",
    "独",
    "山",
    "罗",
    "甸",
    "三",
    "都",
    "荔",
    "波",
    "瓮",
    "安",
    "福",
    "泉",
    "贵",
    "定",
    "丹",
    "寨",
    "雷",
    "台",
    "江",
    "榕",
    "从",
    "黎",
    "锦",
    "屏",
    "天",
    "柱",
    "岑",
    "巩",
    "剑",
    "河",
    "镇",
    "远",
    "施",
    "秉",
    "黄",
    "麻",
    "凤",
    "冈",
    "湄",
    "潭",
    "余",
    "庆",
    "习",
    "赤",
    "仁",
    "桐",
    "梓",
    "绥",
    "阳",
    "正",
    "务",
    "川",
    "道",
    "真",
    "紫",
    "云",
    "关",
    "岭",
    "望",
    "谟",
    "册",
    "亨",
    "晴",
    "隆",
    "普",
    "盘",
    "兴",
    "义",
    "威",
    "宁",
    "赫",
    "章",
    "纳",
    "雍",
    "织",
    "金",
    "大",
    "方",
    "黔",
    "西",
    "金",
    "沙",
    "思",
    "南",
    "印",
    "德",
    "沿",
    "松",
    "桃",
    "万",
    "碧",
    "花",
    "溪",
    "乌",
    "白",
    "云",
    "开",
    "阳",
    "息",
    "烽",
    "修",
    "文",
    "六",
    "枝",
    "水",
    "城",
]

PROVINCE = ("520000", "黔省")  # the province's code (Guizhou's) and an invented name

AGENCIES = [  # code, name, contact, phone
    ("GZYJ", "省应急管理厅", "周明远", "0851-86812110"),
    ("GZSL", "省水利厅", "杨晓东", "0851-85283040"),
    ("GZLY", "省林业局", "吴建平", "0851-86593052"),
    ("GZLS", "省粮食和物资储备局", "陈丽华", "0851-85812206"),
    ("GZWJ", "省卫生健康委员会", "刘卫国", "0851-86829120"),
    ("GZXF", "省消防救援总队", "赵志强", "0851-86758119"),
]
# The agencies every city and county keeps, by the suffix of the province's codes above (the
# province's GZYJ is a county's X520101YJ): each answers for the same classes there as its
# province counterpart does in the province.
LOCAL_AGENCIES = [
    ("YJ", "应急管理局"),
    ("SL", "水利局"),
    ("LY", "林业局"),
    ("LS", "粮食和物资储备局"),
    ("WJ", "卫生健康局"),
    ("XF", "消防救援大队"),
]
# The users the jurisdiction cases act as (besides the installation's own admin at the top).
COUNTY_DISPATCHER = "dispatcher-county"
CITY_DISPATCHER = "dispatcher-city"
PROVINCE_ADMIN = "admin-province"
USER_PASSWORD = "bench-password-1"  # the scoped users log in to the web admin too
# Classes handed from the default agency to the one that really stockpiles them (one agency per class).
HANDOVERS = [
    ("PLAN14:1.2", "GZSL"),
    ("DB37T4824:3", "GZSL"),
    ("PLAN14:1.1", "GZLY"),
    ("DB37T4824:2", "GZLY"),
    ("NDRC2015:2.1.1", "GZWJ"),
    ("PLAN14:1.5", "GZXF"),
]
FOOD = [  # code, name, unit, shelf life (days), base quantity
    ("LOCAL:FOOD.01", "瓶装饮用水(550ml×24)", "箱", 540, 400),
    ("LOCAL:FOOD.02", "方便面(12桶)", "箱", 180, 300),
    ("LOCAL:FOOD.03", "压缩饼干(125g×60)", "箱", 1095, 200),
    ("LOCAL:FOOD.04", "大米(25kg)", "袋", 365, 200),
]
NORM_LINKS = [("water", "LOCAL:FOOD.01", 13.2), ("food", "LOCAL:FOOD.03", 7.5), ("food", "LOCAL:FOOD.04", 25.0)]
_BASE_QTY = {
    "顶": 40,
    "床": 300,
    "件": 200,
    "张": 100,
    "条": 2000,
    "台": 4,
    "艘": 2,
    "套": 20,
    "个": 50,
    "盏": 80,
    "双": 150,
    "平方米": 2000,
    "片": 200,
    "块": 200,
    "箱": 300,
    "袋": 200,
}
_UNITS = ["件", "个", "套", "台", "箱", "条", "双", "顶", "张"]


@dataclass(frozen=True)
class Place:
    code: str
    name: str
    lat: float
    lon: float
    city: int


@dataclass(frozen=True)
class PointInfo:
    """A storage point as the generator made it."""

    id: int
    code: str
    level: str
    kind: str
    region_code: str
    lat: float
    lon: float
    city: int


@dataclass(frozen=True)
class ItemInfo:
    """An item as the generator made it, with how much a lot of it usually holds and how popular it is."""

    id: int
    code: str
    class_code: str
    shelf_life_days: int | None
    base_qty: int
    weight: float


@dataclass
class Region:
    """What the reference-data step built, for the stock and incident steps that follow."""

    points: list[PointInfo] = field(default_factory=list)
    items: list[ItemInfo] = field(default_factory=list)
    townships: list[Place] = field(default_factory=list)
    counties: list[Place] = field(default_factory=list)
    cities: list[Place] = field(default_factory=list)
    admin_id: int = 0
    keeper_ids: list[int] = field(default_factory=list)


def build_region(inv: supplies.Inventory, scale: Scale, rng: random.Random) -> Region:
    """Agencies, catalog, points, users and travel times for ``scale`` (``inv`` acts as an admin)."""
    region = Region()
    cities, counties, townships, villages = _places(scale, rng)
    region.cities, region.counties, region.townships = cities, counties, townships
    _divisions(inv, cities, counties, townships, villages)
    for code, name, contact, phone in AGENCIES:
        inv.agencies.add(code, name, contact=contact, phone=phone, level="province", region_code=PROVINCE[0])
    _local_agencies(inv, cities, counties)
    region.items = _catalog(inv, scale, rng)
    _responsibilities(inv)
    specs = _point_specs(scale, rng, cities, counties, townships, villages)
    inv.imports.rows(
        "points",
        [
            dict(
                code=code,
                name=name,
                level=level,
                kind=kind,
                region_code=region_code,
                lat=lat,
                lon=lon,
                capacity_m3=capacity,
                address=f"{name}院内",
            )
            for code, name, level, kind, region_code, lat, lon, capacity, _city in specs
        ],
        reference="bench-generator",
    )
    ids = {p.code: p.id for p in inv.points.list()}
    region.points = [PointInfo(ids[s[0]], s[0], s[2], s[3], s[4], s[5], s[6], s[8]) for s in specs]
    depots = [p for p in region.points if p.kind == "depot" and p.level == "county"]
    for n, p in enumerate(depots[:20]):
        inv.users.add(f"keeper-{n + 1:02d}", role="warehouse", points=[p.code], web_login=False)
    for n in range(8):
        inv.users.add(f"dispatcher-{n + 1}", role="dispatcher", web_login=False)
    inv.users.add("viewer", role="viewer", web_login=False)
    # Scoped users: a dispatcher of the first county, one of its city, an admin of the province.
    inv.users.add(COUNTY_DISPATCHER, role="dispatcher", region=counties[0].code, password=USER_PASSWORD)
    inv.users.add(CITY_DISPATCHER, role="dispatcher", region=cities[0].code, password=USER_PASSWORD)
    inv.users.add(PROVINCE_ADMIN, role="admin", region=PROVINCE[0], password=USER_PASSWORD)
    _travel_times(inv, region, rng)
    return region


def _divisions(
    inv: supplies.Inventory, cities: list[Place], counties: list[Place], townships: list[Place], villages: list[Place]
) -> None:
    """The province, its cities, counties, townships and villages as regions (paths and jurisdictions by the service)."""
    rows: list[tuple[str, str, str, str | None]] = [(PROVINCE[0], PROVINCE[1], "province", None)]
    rows += [(c.code, c.name + "市", "city", PROVINCE[0]) for c in cities]
    rows += [(c.code, c.name, "county", c.code[:4] + "00") for c in counties]
    rows += [(t.code, t.name, "township", t.code[:6]) for t in townships]
    rows += [(v.code, v.name, "village", v.code[:9]) for v in villages]
    inv.regions.add_many(rows)


def _local_agencies(inv: supplies.Inventory, cities: list[Place], counties: list[Place]) -> None:
    """Each city's and county's own agencies (city code prefix C, county X), in its jurisdiction."""
    rows = []
    for prefix, level, places, word in (("C", "city", cities, "市"), ("X", "county", counties, "")):
        for place in places:
            for suffix, title in LOCAL_AGENCIES:
                rows.append(
                    dict(
                        code=f"{prefix}{place.code}{suffix}",
                        name=f"{place.name}{word}{title}",
                        level=level,
                        region_code=place.code,
                    )
                )
    if rows:
        inv.imports.rows("agencies", rows, reference="bench-generator")


def _responsibilities(inv: supplies.Inventory) -> None:
    """Every city and county answers for every class through its own agency of the same kind as the
    province's (the rows ``inv.classes.assign`` would make, inserted in one statement)."""
    with inv.engine.begin() as conn:
        agencies = conn.execute(select(Agency.id, Agency.code, Agency.jurisdiction_code)).all()
        province = {aid: code[2:] for aid, code, j in agencies if j == PROVINCE[0]}  # GZYJ -> YJ
        local = {(j, code[7:]): aid for aid, code, j in agencies if j != PROVINCE[0] and len(code) == 9}
        held = conn.execute(
            select(ClassResponsibility.class_id, ClassResponsibility.agency_id).where(
                ClassResponsibility.jurisdiction_code == PROVINCE[0]
            )
        ).all()
        jurisdictions = sorted({j for j, _kind in local})
        now = utcnow()
        rows = [
            {
                "class_id": class_id,
                "jurisdiction_code": j,
                "agency_id": local[(j, province[agency_id])],
                "created_at": now,
            }
            for j in jurisdictions
            for class_id, agency_id in held
        ]
        if rows:
            conn.execute(insert(ClassResponsibility), rows)


def _catalog(inv: supplies.Inventory, scale: Scale, rng: random.Random) -> list[ItemInfo]:
    """The standard catalog held by the emergency department, its handovers, food, then generated items."""
    inv.catalog.load_standard(agency="GZYJ")  # the standard classes and items, and the readiness norms
    have = {c.code for c in inv.classes.list()}
    for code, agency in HANDOVERS:
        if code in have:
            inv.classes.handover(code, to_agency=agency, reason="省级物资分类储备分工")
    inv.classes.add("LOCAL:FOOD", "食品和饮用水", name_en="Food and drinking water", agency="GZLS")
    for code, name, unit, life, _qty in FOOD:
        inv.items.add(code, name, supply_class="LOCAL:FOOD", unit=unit, shelf_life_days=life)
    existing = inv.items.list()
    classes = inv.classes.list()
    parents = {c.parent_id for c in classes}
    leaves = sorted((c for c in classes if c.id not in parents), key=lambda c: c.code)
    rows = []
    for n in range(scale.items - len(existing)):
        cls = leaves[n % len(leaves)]
        rows.append(
            dict(
                code=f"{cls.code}.G{n + 1:04d}",
                name=f"{cls.name}物资 型号G{n + 1:04d}",
                supply_class=cls.code,
                unit=rng.choice(_UNITS),
                spec=f"规格{rng.randint(1, 9)}型",
                shelf_life_days=rng.choice([None, None, 365, 730, 1095, 1825, 3650]),
                unit_weight_kg=round(rng.uniform(0.2, 80), 1),
                unit_volume_m3=round(rng.uniform(0.001, 0.5), 3),
            )
        )
    if rows:
        inv.imports.rows("items", rows, reference="bench-generator")
    for need, code, per_unit in NORM_LINKS:  # the province's own water and food items count toward the norms
        inv.readiness.link(need, code, amount_per_unit=per_unit)
    food_qty = {code: qty for code, _n, _u, _l, qty in FOOD}
    class_code = {c.id: c.code for c in classes}
    out = []
    for rank, it in enumerate(sorted(inv.items.list(), key=lambda i: (".G" in i.code, i.code))):
        generated = ".G" in it.code
        weight = 1.0 / (rank + 1) ** 0.7 if generated else 8.0
        base = food_qty.get(it.code) or _BASE_QTY.get(it.unit, 100)
        out.append(ItemInfo(it.id, it.code, class_code[it.class_id], it.shelf_life_days, base, weight))  # type: ignore[arg-type]
    return out


def _places(scale: Scale, rng: random.Random) -> tuple[list[Place], list[Place], list[Place], list[Place]]:
    """Prefectures, counties, townships and villages with hierarchical codes and nearby coordinates."""
    cities = [Place(code, name, lat, lon, i) for i, (code, name, lat, lon) in enumerate(CITIES[: scale.cities])]
    counties = []
    for n in range(scale.counties):
        city = cities[n % len(cities)]
        seq = n // len(cities) + 1
        counties.append(Place(f"{city.code[:4]}{seq:02d}", _name(rng) + "县", *_near(rng, city, 0.7), city.city))
    townships = []
    for n in range(scale.townships):
        county = counties[n % len(counties)]
        seq = n // len(counties) + 1
        townships.append(
            Place(
                f"{county.code}{100 + seq:03d}",
                _name(rng) + rng.choice("镇镇乡"),
                *_near(rng, county, 0.18),
                county.city,
            )
        )
    villages = []
    want = scale.points  # enough villages for the village-level points
    for n in range(want):
        town = townships[n % len(townships)]
        seq = n // len(townships) + 1
        villages.append(Place(f"{town.code}{200 + seq:03d}", _name(rng) + "村", *_near(rng, town, 0.06), town.city))
    return cities, counties, townships, villages


def _point_specs(
    scale: Scale,
    rng: random.Random,
    cities: list[Place],
    counties: list[Place],
    townships: list[Place],
    villages: list[Place],
) -> list[tuple]:
    """(code, name, level, kind, region, lat, lon, capacity, city) for every point, on all four levels."""
    specs: list[tuple] = []
    seen: dict[str, int] = {}

    def add(
        prefix: str, place: Place, suffix: str, level: str, kind: str, capacity: float | None, spread: float = 0.02
    ) -> None:
        lat, lon = _near(rng, place, spread)
        n = seen[f"{prefix}-{place.code}"] = seen.get(f"{prefix}-{place.code}", 0) + 1
        specs.append(
            (
                f"{prefix}-{place.code}-{n:02d}",
                place.name + suffix,
                level,
                kind,
                place.code,
                lat,
                lon,
                capacity,
                place.city,
            )
        )

    for city in cities:
        add("CT", city, "市级应急物资储备库", "city", "depot", 20000.0)
        add("AG", city, "商贸物流有限公司代储仓库", "city", "agreement", 15000.0)
        add("SH", city, "中心应急避难场所", "city", "shelter", None)
    for n in range(max(1, len(cities) // 2)):
        add("FC", cities[n], "被服厂(产能储备)", "city", "factory", None)
    for n, county in enumerate(counties):
        add("CK", county, "应急物资储备库", "county", "depot", 6000.0)
        add("AG", county, "惠民商贸公司代储仓库", "county", "agreement", 3000.0)
        if n % 2 == 0:
            add("SH", county, "体育中心应急避难场所", "county", "shelter", None)
    for n, town in enumerate(townships):
        add("TS", town, "应急物资储备点", "township", "depot", 300.0)
        if n % 6 == 0:
            add("SH", town, "中学应急避难场所", "township", "shelter", None)
    left = scale.points - len(specs)
    if left < 0:
        raise ValueError(f"scale {scale.name}: {len(specs)} points above village level exceed {scale.points}")
    for village in villages[:left]:
        add("VL", village, "靠前储备点", "village", "prepositioned", 40.0, 0.005)
    return specs


def _travel_times(inv: supplies.Inventory, region: Region, rng: random.Random) -> None:
    """Road hours from each county depot to the townships of its county (mountain roads: slower than the estimate)."""
    depot_of = {p.region_code: p for p in region.points if p.kind == "depot" and p.level == "county"}
    rows = []
    for town in region.townships:
        depot = depot_of.get(town.code[:6])
        if depot is None:
            continue
        km = _km(depot.lat, depot.lon, town.lat, town.lon) * 1.6
        rows.append(
            {"from_point": depot.code, "to_region": town.code, "hours": round(km / 35 + rng.uniform(0.2, 1), 2)}
        )
    if rows:
        inv.travel_times.load(rows)


def _name(rng: random.Random) -> str:
    return rng.choice(_SYLLABLES) + rng.choice(_SYLLABLES)


def _near(rng: random.Random, place: Place, spread: float) -> tuple[float, float]:
    lat = min(max(place.lat + rng.uniform(-spread, spread), LAT_RANGE[0] + 0.01), LAT_RANGE[1] - 0.01)
    lon = min(max(place.lon + rng.uniform(-spread, spread), LON_RANGE[0] + 0.01), LON_RANGE[1] - 0.01)
    return round(lat, 5), round(lon, 5)


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(a))
