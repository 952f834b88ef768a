"""The deterministic synthetic province the benchmarks run on: build it once per scale and seed, then reuse the file.

``python -m bench.generate --scale county`` builds (or finds) the database and prints what it holds.
The file is cached as ``bench/<scale>-s<seed>-v<version>.db`` with a JSON manifest beside it;
bump :data:`VERSION` whenever the generator changes what it makes.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import event, func, select, text

import supplies
from supplies.models import (
    Agency,
    ClassResponsibility,
    DispatchRequest,
    Incident,
    Item,
    Movement,
    Region,
    StockLot,
    StoragePoint,
    User,
)

from .history import build_stock
from .incidents import build_incidents
from .region import CITY_DISPATCHER, COUNTY_DISPATCHER, PROVINCE_ADMIN, USER_PASSWORD, build_region
from .scales import SCALES, Scale

VERSION = 3  # 3: a jurisdiction tree (province, cities, counties) with its agencies and users
BENCH_DIR = Path(__file__).resolve().parent
MAX_AGE_DAYS = 90  # a cached dataset older than this is rebuilt: its stock would be expiring by now
ADMIN = "bench"
ADMIN_PASSWORD = "bench-password-1"

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class Dataset:
    """A generated database file and what the generator says it holds."""

    path: Path  # the generated SQLite file (the source of a PostgreSQL copy too)
    scale: Scale
    seed: int
    manifest: dict[str, Any]
    pg_url: str | None = None  # set when the benchmark runs on PostgreSQL: the file's copy there

    @property
    def url(self) -> str:
        return self.pg_url or f"sqlite:///{self.path}"

    @property
    def backend(self) -> str:
        return "postgresql" if self.pg_url else "sqlite"

    def open(self, user: str = ADMIN) -> supplies.Inventory:
        return supplies.open(self.url, user=user)


def cache_path(scale: str, seed: int, directory: Path = BENCH_DIR) -> Path:
    return directory / f"{scale}-s{seed}-v{VERSION}.db"


def manifest_path(db: Path) -> Path:
    """The manifest beside a generated database (``X.db-manifest.json``, ignored by git like the file)."""
    return db.with_name(db.name + "-manifest.json")


def ensure(
    scale: str,
    *,
    seed: int = 1,
    path: Path | None = None,
    progress: Progress | None = None,
    log: Callable[[str], None] | None = None,
) -> Dataset:
    """The dataset for ``scale`` and ``seed``: the cached file if there is one, else a new build.

    A file given as ``path`` is used as it is, however old, but never overwritten unless it is
    missing: a file that holds something else is refused.
    """
    sc = SCALES[scale]
    target = Path(path) if path else cache_path(scale, seed)
    manifest_file = manifest_path(target)
    manifest = json.loads(manifest_file.read_text()) if target.exists() and manifest_file.exists() else {}
    same = (manifest.get("version"), manifest.get("seed"), manifest.get("scale")) == (VERSION, seed, scale)
    fresh = date.fromisoformat(manifest.get("anchor", "1970-01-01")) >= date.today() - timedelta(days=MAX_AGE_DAYS)
    if same and (fresh or path is not None):
        supplies.open(f"sqlite:///{target}", upgrade=True).close()  # the schema's later migrations, once
        changed = sync_indexes(target)
        if changed and log:
            log(f"indexes of {target.name} brought up to the models: {', '.join(changed)}")
        return Dataset(target, sc, seed, manifest)
    if path is not None and target.exists():
        raise ValueError(
            f"{target} is not a {scale} dataset of seed {seed} made by generator version {VERSION}; "
            "give another file or remove it"
        )
    if log:
        log(f"generating the {scale} dataset (seed {seed}) into {target}")
    manifest = generate(target, sc, seed, progress=progress)
    manifest_file.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
    return Dataset(target, sc, seed, manifest)


def sync_indexes(path: Path) -> list[str]:
    """Give a cached dataset the indexes the models now declare (creating the missing ones, dropping
    the ones they no longer have); return what changed, as ``+name`` / ``-name``.

    Indexes change more often than what the generator makes, and rebuilding the province for one
    takes minutes; measuring a new query against the old indexes would measure the wrong thing.
    """
    from sqlalchemy import create_engine

    from supplies.migrate import head_revision, upgrade
    from supplies.models import metadata

    engine = create_engine(f"sqlite:///{path}")
    changed = []
    try:
        with engine.connect() as conn:
            at = conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
        if at != head_revision():  # a newer release's tables first (migrations), then its indexes
            upgrade(engine)
            changed.append(f"schema {at} -> {head_revision()}")
        with engine.begin() as conn:
            for table in metadata.sorted_tables:
                # sqlite_master, not the inspector: it skips expression indexes (lower(code)).
                have = {
                    name
                    for (name,) in conn.exec_driver_sql(
                        "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ? "
                        "AND name NOT LIKE 'sqlite_autoindex%'",
                        (table.name,),
                    )
                }
                for index in sorted(table.indexes, key=lambda ix: str(ix.name)):
                    if index.name not in have:
                        index.create(conn)
                        changed.append(f"+{index.name}")
                for name in sorted(have - {ix.name for ix in table.indexes}):
                    conn.exec_driver_sql(f'DROP INDEX "{name}"')
                    changed.append(f"-{name}")
    finally:
        engine.dispose()
    return changed


def generate(
    path: Path, scale: Scale, seed: int, *, anchor: date | None = None, progress: Progress | None = None
) -> dict[str, Any]:
    """Build the dataset into the SQLite file ``path`` (replacing it) and return its manifest.

    Every date is relative to ``anchor`` (default: the first of this month), the "today" of the
    generated history: the same seed and anchor give the same database.
    """
    tmp = path.with_name(path.name + ".building")
    for p in _files(tmp):
        p.unlink(missing_ok=True)
    inv = supplies.open(f"sqlite:///{tmp}", upgrade=True)
    # A bigger page cache for this connection only: the bulk load keeps the ledger's indexes hot.
    event.listen(inv.engine, "connect", lambda conn, _rec: conn.execute("PRAGMA cache_size=-262144"))
    inv.engine.dispose()
    manifest = populate(inv, scale, seed, anchor=anchor, progress=progress)
    with inv.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    inv.close()
    for p in _files(path):
        p.unlink(missing_ok=True)
    os.replace(tmp, path)
    for p in _files(tmp):
        p.unlink(missing_ok=True)
    return manifest


def populate(
    inv: supplies.Inventory, scale: Scale, seed: int, *, anchor: date | None = None, progress: Progress | None = None
) -> dict[str, Any]:
    """Fill the empty, migrated database of ``inv`` (SQLite or PostgreSQL) and return its manifest."""
    started = time.perf_counter()
    anchor = anchor or date.today().replace(day=1)
    inv.users.bootstrap_admin(ADMIN, ADMIN_PASSWORD)
    inv = inv.as_user(ADMIN)
    timings: dict[str, float] = {}
    t = time.perf_counter()
    region = build_region(inv, scale, random.Random(seed))
    with inv.engine.connect() as conn:
        users = dict(conn.execute(select(User.name, User.id)).all())
    region.admin_id = users[ADMIN]
    region.keeper_ids = [uid for name, uid in sorted(users.items()) if name.startswith("keeper-")]
    timings["reference_s"] = time.perf_counter() - t
    t = time.perf_counter()
    history = build_stock(inv.engine, scale, region, seed, anchor, progress)
    timings["stock_s"] = time.perf_counter() - t
    t = time.perf_counter()
    requests = build_incidents(inv, scale, region, random.Random(seed + 1), anchor)
    timings["incidents_s"] = time.perf_counter() - t
    manifest = _manifest(inv, scale, seed, anchor, history, requests)
    manifest["build_s"] = round(time.perf_counter() - started, 1)
    manifest["timings"] = {k: round(v, 1) for k, v in timings.items()}
    return manifest


def _manifest(
    inv: supplies.Inventory, scale: Scale, seed: int, anchor: date, history: int, requests: int
) -> dict[str, Any]:
    """What the database holds, counted from the database itself."""
    with inv.engine.connect() as conn:

        def count(model: Any, *where: Any) -> int:
            return int(conn.execute(select(func.count()).select_from(model).where(*where)).scalar_one())

        levels = dict(conn.execute(select(StoragePoint.level, func.count()).group_by(StoragePoint.level)).all())
        townships = conn.execute(
            select(func.count(func.distinct(StoragePoint.region_code))).where(StoragePoint.level == "township")
        ).scalar_one()
        busiest = conn.execute(
            select(StoragePoint.code, func.count(StockLot.id).label("n"))
            .join(StockLot, StockLot.point_id == StoragePoint.id)
            .where(StoragePoint.level == "county", StoragePoint.kind == "depot")
            .group_by(StoragePoint.code)
            .order_by(text("n DESC"), StoragePoint.code)
            .limit(1)
        ).first()
        modes = dict(conn.execute(select(StockLot.mode, func.count()).group_by(StockLot.mode)).all())
        statuses = dict(
            conn.execute(select(DispatchRequest.status, func.count()).group_by(DispatchRequest.status)).all()
        )
        scoped = dict(
            conn.execute(
                select(User.name, User.jurisdiction_code).where(
                    User.name.in_([COUNTY_DISPATCHER, CITY_DISPATCHER, PROVINCE_ADMIN])  # type: ignore[attr-defined]
                )
            ).all()
        )
        county, city = scoped[COUNTY_DISPATCHER], scoped[CITY_DISPATCHER]
        lots_by_jurisdiction = dict(
            conn.execute(select(StockLot.jurisdiction_code, func.count()).group_by(StockLot.jurisdiction_code)).all()
        )
        level_of = dict(conn.execute(select(Region.code, Region.level)).all())
        return {
            "scale": scale.name,
            "seed": seed,
            "version": VERSION,
            "anchor": anchor.isoformat(),
            "spec": scale.as_dict(),
            "points": count(StoragePoint),
            "points_by_level": levels,
            "townships": int(townships),
            "items": count(Item),
            "lots": count(StockLot),
            # Receipts of the generated requests book what arrived at their destination points.
            "lots_booked_on_arrival": int(
                conn.exec_driver_sql(
                    "SELECT count(*) FROM stock_lot l WHERE (SELECT kind FROM movement m WHERE m.lot_id = l.id"
                    " ORDER BY m.id LIMIT 1) = 'arrival'"
                ).scalar_one()
            ),
            "lots_by_mode": modes,
            "history_movements": history,
            "movements": count(Movement),
            "incidents": count(Incident),
            "requests": requests,
            "requests_by_status": statuses,
            "busiest_county_depot": busiest[0] if busiest else None,
            "regions_by_level": dict(conn.execute(select(Region.level, func.count()).group_by(Region.level)).all()),
            "agencies": count(Agency),
            "class_responsibilities": count(ClassResponsibility),
            "lots_by_jurisdiction_level": {
                level: sum(n for code, n in lots_by_jurisdiction.items() if level_of.get(code) == level)
                for level in ("root", "province", "city", "county")
            },
            "county": county,
            "county_lots": lots_by_jurisdiction.get(county, 0),
            "city": city,
            "city_lots": sum(n for code, n in lots_by_jurisdiction.items() if code[:4] == city[:4]),
            "province": scoped[PROVINCE_ADMIN],
            "users": {
                "county_dispatcher": COUNTY_DISPATCHER,
                "city_dispatcher": CITY_DISPATCHER,
                "province_admin": PROVINCE_ADMIN,
            },
            "admin": ADMIN,
            "admin_password": ADMIN_PASSWORD,
            "user_password": USER_PASSWORD,
        }


def copy_database(source: Path, target: Path) -> Path:
    """A private copy of a generated database (for cases that write), replacing ``target``."""
    for p in _files(target):
        p.unlink(missing_ok=True)
    shutil.copyfile(source, target)
    # On disk before the case times anything: otherwise the kernel writes the copy's hundreds of
    # megabytes back while the measured import runs, and the import is charged for it.
    with target.open("rb+") as f:
        os.fsync(f.fileno())
    return target


def remove_database(path: Path) -> None:
    for p in _files(path):
        p.unlink(missing_ok=True)


def _files(path: Path) -> list[Path]:
    return [path, Path(f"{path}-wal"), Path(f"{path}-shm"), Path(f"{path}-journal"), manifest_path(path)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.generate", description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=sorted(SCALES), default="county")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--db", type=Path, help="write here instead of the cache under bench/")
    parser.add_argument("--force", action="store_true", help="rebuild even if a cached file exists")
    args = parser.parse_args(argv)
    target = args.db or cache_path(args.scale, args.seed)
    if args.force:
        remove_database(target)
    data = ensure(args.scale, seed=args.seed, path=target, log=lambda m: print(m, file=sys.stderr))
    print(json.dumps(data.manifest, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
