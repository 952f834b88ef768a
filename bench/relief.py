"""The last mile on a benchmark dataset: an incident in the county, its shelter stocked, the rules, a household register.

Nothing here goes into the generated dataset: the relief cases add it to their own copy in their
untimed preparation, through the public API (``inv.incidents``, ``inv.stock``, ``inv.entitlements``,
``inv.households``), as a county office would on the day.
"""

from __future__ import annotations

import csv
import random
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

import supplies
from supplies.models import Region, StoragePoint

from .harness import NotMeasured

QUILT, TENT = "PLAN14:3.05", "PLAN14:3.01"  # the standard catalog's quilt and single tent
HEADERS = ["编号", "户主", "人数", "5岁以下", "60岁以上", "村", "电话", "身份证号"]
_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何罗高林韦蒙潘龙"
_GIVEN = "建华国强秀英桂兰志明小芳德明玉珍文军海燕红梅永福金花"


@dataclass(frozen=True)
class Relief:
    """What :func:`prepare` made: the incident, the shelter point handing out, the county."""

    incident: int
    point: str
    county: str


def prepare(inv: supplies.Inventory, county: str, *, people: int) -> Relief:
    """An open flood incident in ``county``, its shelter stocked for ``people`` (quilts and tents), and the
    incident's rules: a quilt a person, a tent per household of up to four."""
    with inv.engine.connect() as conn:
        point = conn.execute(
            select(StoragePoint.code, StoragePoint.lat, StoragePoint.lon)
            .where(StoragePoint.kind == "shelter", StoragePoint.jurisdiction_code == county)
            .order_by(StoragePoint.code)
            .limit(1)
        ).first()
        name = conn.execute(select(Region.name).where(Region.code == county)).scalar()
    if point is None:
        raise NotMeasured(f"county {county} of the dataset has no shelter")
    code, lat, lon = point
    incident = inv.incidents.add(
        f"{name}洪涝灾害(发放基准)", type="flood", level="IV", lat=lat, lon=lon, region_code=county
    )
    inv.stock.receive(code, QUILT, people * 2, batch="BENCH-QUILT", reference="bench-relief")
    inv.stock.receive(code, TENT, people, batch="BENCH-TENT", reference="bench-relief")
    inv.entitlements.set(QUILT, per_person=1, incident=incident.id)
    inv.entitlements.set(TENT, per_household=1, max_members=4, incident=incident.id)
    return Relief(incident.id, code, county)


def write_register(target: Path, households: int, seed: int, county: str) -> int:
    """A register CSV of ``households`` households in 40 villages, with phones and well-formed ID numbers
    (all different); returns the people in it."""
    rng = random.Random(seed)
    villages = [f"第{n + 1}村" for n in range(40)]
    people = 0
    with target.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(HEADERS)
        for n in range(households):
            members = rng.choice((1, 2, 3, 3, 4, 4, 5, 6))
            under_5 = rng.randint(0, min(1, members - 1))
            age_60 = rng.randint(0, members - under_5) if rng.random() < 0.3 else 0
            born = 1940 + rng.randint(0, 60)
            # Unique by construction: the county, a year of birth, the household's running number, a check character.
            id_number = f"{county}{born}{n:07d}{rng.choice('0123456789X')}"
            w.writerow(
                [
                    f"H{n + 1:05d}",
                    rng.choice(_SURNAMES) + rng.choice(_GIVEN),
                    members,
                    under_5,
                    age_60,
                    villages[n % len(villages)],
                    f"13{rng.randint(0, 9)}{n:08d}",
                    id_number,
                ]
            )
            people += members
    return people
