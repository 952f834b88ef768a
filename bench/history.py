"""Stock lots and years of ledger history for the synthetic province, posted through the bulk ledger service.

Lots are planned first (which items each point holds, in which procurement batches, under which
reserve mode), then each group of items is simulated in time order: every lot opens with a
receipt, then receives, issues, stock counts, write-offs, transfers between points holding the
same batch, rotations into a newer batch, and reservations that end in a dispatch or a release.
Every movement is one the ledger accepts, so balances stay consistent and ``verify()`` holds.
The counts are exact: ``scale.lots`` lots and ``scale.movements`` movements.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import numpy as np
from sqlalchemy.engine import Engine

from supplies.db import unit_of_work
from supplies.services.stock.history import Entry, NewLot, open_lots, post_many

from .region import PointInfo, Region
from .scales import Scale

DAY = 86_400
POOL = 16  # procurement batches per item
CHUNK_LOTS = 12_000  # lots simulated and written per transaction

_POINT_WEIGHT = {
    ("city", "depot"): 30,
    ("city", "agreement"): 15,
    ("city", "factory"): 4,
    ("city", "shelter"): 1.5,
    ("county", "depot"): 12,
    ("county", "agreement"): 6,
    ("county", "shelter"): 1.5,
    ("township", "depot"): 3,
    ("township", "shelter"): 1.5,
    ("village", "prepositioned"): 1,
}
_LEVEL_QTY = {"city": 6.0, "county": 3.0, "township": 0.6, "village": 0.2}
_WRITE_OFF_REASONS = ("霉变", "过期报废", "包装破损", "鼠害", "受潮")
_STANDARD_SHARE = 0.3  # of lots that hold items of the standard catalog (tents, quilts, sandbags ...)


@dataclass
class _Lots:
    """The planned lots, as parallel arrays (index = position in the plan)."""

    point: np.ndarray  # index into region.points
    item: np.ndarray  # index into region.items
    batch: np.ndarray  # index into the item's batch pool
    created: np.ndarray  # epoch seconds of the opening receipt
    qty0: np.ndarray  # opening receipt


Progress = Callable[[str, int, int], None]


def build_stock(
    engine: Engine, scale: Scale, region: Region, seed: int, anchor: date, progress: Progress | None = None
) -> int:
    """Open ``scale.lots`` lots and post ``scale.movements`` movements; return the movements written."""
    rng = np.random.default_rng(seed)
    end = int(datetime.combine(anchor, datetime.min.time(), tzinfo=UTC).timestamp())
    pools = _batch_pools(rng, region, end)
    lots = _plan_lots(rng, scale, region, pools)
    budget = rng.multinomial(scale.movements - scale.lots, _activity(region, lots))
    order = np.argsort(lots.item, kind="stable")
    written, done = 0, 0
    start = 0
    while start < len(order):
        stop = min(start + CHUNK_LOTS, len(order))
        while stop < len(order) and lots.item[order[stop]] == lots.item[order[stop - 1]]:
            stop += 1  # a chunk holds whole items, so transfers and rotations stay inside it
        idx = order[start:stop]
        with unit_of_work(engine) as s:
            ids = open_lots(s, [_new_lot(region, pools, lots, i) for i in idx])
            sim = _Simulation(rng, region, pools, lots, idx, ids, budget[idx], end)
            written += post_many(s, sim.run(), actor_id=region.admin_id)
        done += len(idx)
        start = stop
        if progress:
            progress("stock", done, len(order))
    return written


def _batch_pools(rng: np.random.Generator, region: Region, end: int) -> list[list[tuple[str, int, date | None]]]:
    """Per item: (batch code, procurement time, expiry) of its procurement batches, oldest first."""
    pools = []
    for it in region.items:
        life = it.shelf_life_days
        span = min(8 * 365, int(life * 1.15)) if life else 8 * 365
        times = np.sort(end - rng.integers(20 * DAY, max(span, 40) * DAY, size=POOL))
        pool = []
        for n, t in enumerate(times):
            day = datetime.fromtimestamp(int(t), UTC).date()
            pool.append((f"GZ{day:%Y%m}-{n + 1:02d}", int(t), day + timedelta(days=life) if life else None))
        pools.append(pool)
    return pools


def _plan_lots(
    rng: np.random.Generator, scale: Scale, region: Region, pools: list[list[tuple[str, int, date | None]]]
) -> _Lots:
    """Which (point, item, batch) lots exist: bigger points hold more, popular items are held widely."""
    w = np.array([_POINT_WEIGHT.get((p.level, p.kind), 1.0) for p in region.points])
    share = w / w.sum() * scale.lots
    per_point = np.floor(share).astype(np.int64)
    for i in np.argsort(-(share - per_point))[: scale.lots - int(per_point.sum())]:
        per_point[i] += 1
    standard = np.array([".G" not in it.code for it in region.items])
    weight = np.array([it.weight for it in region.items])
    if standard.any() and (~standard).any():
        weight[standard] = weight[~standard].sum() * _STANDARD_SHARE / (1 - _STANDARD_SHARE) / standard.sum()
    p_item = weight / weight.sum()
    points, items, batches = [], [], []
    for pi, k in enumerate(per_point):
        held: dict[int, int] = defaultdict(int)
        want = int(k)
        while want > 0:
            for it in rng.choice(len(region.items), size=want, p=p_item):
                if held[int(it)] < POOL:
                    held[int(it)] += 1
                    want -= 1
                    if want == 0:
                        break
        for it, count in held.items():
            for b in rng.choice(POOL, size=count, replace=False):
                points.append(pi)
                items.append(it)
                batches.append(int(b))
    point, item, batch = np.array(points), np.array(items), np.array(batches)
    bought = np.array([pools[i][b][1] for i, b in zip(item, batch)])
    created = bought + rng.integers(DAY, 60 * DAY, size=len(item))
    base = np.array([region.items[i].base_qty for i in item], float)
    level = np.array(
        [
            _LEVEL_QTY[region.points[p].level] * (4 if region.points[p].kind in ("agreement", "factory") else 1)
            for p in point
        ]
    )
    qty0 = np.maximum(1, np.rint(base * level * rng.lognormal(0, 0.5, size=len(item)))).astype(np.int64)
    return _Lots(point, item, batch, created, qty0)


def _activity(region: Region, lots: _Lots) -> np.ndarray:
    """How busy each lot's ledger is: big depots move stock more often than village points."""
    w = np.array([_LEVEL_QTY[region.points[p].level] + 0.5 for p in lots.point])
    return w / w.sum()


def _new_lot(region: Region, pools: list, lots: _Lots, i: int) -> NewLot:
    p: PointInfo = region.points[lots.point[i]]
    it = region.items[lots.item[i]]
    code, _t, expires = pools[lots.item[i]][lots.batch[i]]
    mode, lead = "physical", 0.0
    if p.kind == "agreement":
        mode, lead = "agreement", float(6 + (i * 7) % 19)
    elif p.kind == "factory":
        mode, lead = "capacity", float(24 + (i * 11) % 49)
    elif p.level in ("township", "village") and i % 31 == 0:
        mode = "donation"
    cost = Decimal(5 + (it.id * 37) % 2000).quantize(Decimal("0.01"))
    return NewLot(it.id, p.id, code, mode, expires, lead, cost, datetime.fromtimestamp(int(lots.created[i]), UTC))


class _Simulation:
    """One chunk of lots played forward in time; :meth:`run` returns its entries in time order."""

    def __init__(
        self,
        rng: np.random.Generator,
        region: Region,
        pools: list,
        lots: _Lots,
        idx: np.ndarray,
        ids: list[int],
        budget: np.ndarray,
        end: int,
    ) -> None:
        self.ids, self.pools = ids, pools
        n = len(idx)
        self.created = lots.created[idx].astype(np.int64)
        self.on_hand = [0] * n
        self.reserved = [0] * n
        self.qty0 = lots.qty0[idx].tolist()
        counts = budget.astype(np.int64) + 1  # the opening receipt is each lot's first slot
        owner = np.repeat(np.arange(n), counts)
        frac = rng.random(len(owner))
        first = np.zeros(n + 1, np.int64)
        first[1:] = np.cumsum(counts)
        frac[first[:-1]] = 0.0
        times = self.created[owner] + (frac * (end - self.created[owner])).astype(np.int64)
        by_lot = np.lexsort((times, owner))
        self.times = times[by_lot].tolist()
        self.first = first[:-1].tolist()
        self.next = [0] * n
        self.end = counts.tolist()
        self.order = np.argsort(times[by_lot], kind="stable").tolist()
        self.owner = owner.tolist()  # slots are grouped by lot already (by_lot keeps owner order)
        item, point, batch = lots.item[idx], lots.point[idx], lots.batch[idx]
        self.siblings: dict[tuple[int, int], list[int]] = defaultdict(list)  # same item and batch
        self.at_point: dict[tuple[int, int], list[int]] = defaultdict(list)  # same item and point
        for j in range(n):
            self.siblings[(int(item[j]), int(batch[j]))].append(j)
            self.at_point[(int(point[j]), int(item[j]))].append(j)
        self.item, self.point, self.batch = item.tolist(), point.tolist(), batch.tolist()
        self.actors = [region.admin_id, *region.keeper_ids]
        self.r = random.Random(int(rng.integers(2**62)))
        self.out: list[Entry] = []
        self.seq = 0
        self.open_ref: dict[int, str | None] = {}  # the request reference of a lot's open reservation

    def run(self) -> list[Entry]:
        for slot in self.order:
            j = self.owner[slot]
            k = slot - self.first[j]
            if k >= self.end[j]:
                continue  # taken earlier by a transfer or rotation into this lot
            self.next[j] = k + 1
            at = datetime.fromtimestamp(self.times[slot], UTC)
            if k == 0:
                self._add(j, "receive", self.qty0[j], 0, at, self._ref("入库单", at), None)
            elif self.reserved[j]:
                self._close(j, at)
            else:
                self._event(j, k, at, self.times[slot])
        return self.out

    def _rand(self, lo: int, hi: int) -> int:
        return lo + int(self.r.random() * (hi - lo + 1)) if hi > lo else lo

    def _add(
        self,
        j: int,
        kind: str,
        qty: int,
        rd: int,
        at: datetime,
        ref: str | None,
        reason: str | None,
        related: int | None = None,
    ) -> str | None:
        self.on_hand[j] += qty
        self.reserved[j] += rd
        self.seq += 1
        actor = self.actors[self.seq % len(self.actors)]
        self.out.append(
            Entry(
                self.ids[j], kind, qty, rd, at, actor, ref, reason, self.ids[related] if related is not None else None
            )
        )
        return ref

    def _ref(self, prefix: str, at: datetime) -> str:
        """A document number like 出库单2024-001234 (numbered in posting order)."""
        return f"{prefix}{at.year}-{self.seq + 1:06d}"

    def _close(self, j: int, at: datetime) -> None:
        r, ref = self.reserved[j], self.open_ref.pop(j, None)
        if self.r.random() < 0.7:
            self._add(j, "dispatch", -r, -r, at, ref, None)
        else:
            self._add(j, "release", 0, -r, at, ref, "调拨取消")

    def _free_slot(self, j: int) -> bool:
        """Lot ``j`` can give up its last future slot to receive a transfer."""
        return self.end[j] - self.next[j] >= (2 if self.reserved[j] else 1)

    def _event(self, j: int, k: int, at: datetime, t: int) -> None:
        free = self.on_hand[j] - self.reserved[j]
        u = self.r.random()
        if free <= 0 or u < 0.12:
            self._add(j, "receive", self._rand(1, max(1, self.qty0[j] // 2)), 0, at, self._ref("入库单", at), None)
        elif u < 0.32:
            self._add(j, "issue", -self._rand(1, max(1, free // 3)), 0, at, self._ref("出库单", at), None)
        elif u < 0.44:
            delta = self._rand(-max(1, free // 40), max(1, self.on_hand[j] // 40)) or 1
            self._add(j, "adjust", delta, 0, at, self._ref("盘点", at), "年度盘点")
        elif u < 0.49:
            self._add(
                j,
                "write_off",
                -self._rand(1, max(1, free // 20)),
                0,
                at,
                None,
                _WRITE_OFF_REASONS[self.seq % len(_WRITE_OFF_REASONS)],
            )
        elif (
            u < 0.62
            and self._pair(
                j,
                t,
                at,
                free,
                self.siblings[(self.item[j], self.batch[j])],
                "transfer_out",
                "transfer_in",
                "调拨单",
                max(1, free // 4),
            )
        ) or (u < 0.68 and self._pair(j, t, at, free, self._newer_here(j), "rotate_out", "rotate_in", "轮换", free)):
            return
        elif k + 1 < self.end[j]:
            self.open_ref[j] = self._add(
                j, "reserve", 0, self._rand(1, max(1, free // 3)), at, self._ref("REQ-", at), None
            )
        else:
            self._add(j, "issue", -self._rand(1, max(1, free // 3)), 0, at, self._ref("出库单", at), None)

    def _newer_here(self, j: int) -> list[int]:
        pool = self.pools[self.item[j]]
        mine = pool[self.batch[j]][1]
        return [o for o in self.at_point[(self.point[j], self.item[j])] if pool[self.batch[o]][1] > mine]

    def _pair(
        self,
        j: int,
        t: int,
        at: datetime,
        free: int,
        targets: list[int],
        out_kind: str,
        in_kind: str,
        ref: str,
        most: int,
    ) -> bool:
        """Move stock from ``j`` into one of ``targets`` (opened before ``t``, with a slot to spare)."""
        for _ in range(3):
            if not targets:
                return False
            o = targets[int(self.r.random() * len(targets))]
            if o != j and self.created[o] < t and self.next[o] > 0 and self._free_slot(o):
                q = self._rand(1, min(free, most))
                self.end[o] -= 1
                doc = self._ref(ref, at)
                self._add(j, out_kind, -q, 0, at, doc, None, related=o)
                self._add(o, in_kind, q, 0, at, doc, None, related=j)
                return True
        return False
