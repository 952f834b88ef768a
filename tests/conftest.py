"""Test fixtures: a fresh database per test on SQLite (default) or PostgreSQL (SUPPLIES_TEST_POSTGRES_URL)."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from hypothesis import settings
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

import supplies

# `make test` runs a bounded number of examples per property (half Hypothesis' default on SQLite: the
# whole suite has 20 minutes on two cores); HYPOTHESIS_PROFILE=deep hunts longer. A test naming its
# own count scales it by the profile (tests/examples.py).
settings.register_profile("suite", max_examples=50)
settings.register_profile("deep", max_examples=3000)
# The PostgreSQL half checks that the server behaves as SQLite does; fewer examples do that.
settings.register_profile("postgresql", max_examples=20)
settings.load_profile(
    os.environ.get("HYPOTHESIS_PROFILE") or ("postgresql" if os.environ.get("SUPPLIES_TEST_POSTGRES_URL") else "suite")
)


@pytest.fixture(autouse=True)
def fast_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Argon2 with its cheapest settings: the tests add users and log in often, and the hash's
    strength is not what they test (the hash records its own settings, so checking stays correct).
    Commands run as subprocesses (the README's, the CLI's start-up tests) hash at full strength."""
    from supplies.services.users import accounts as users

    monkeypatch.setattr(users, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


PG_SERVER = os.environ.get("SUPPLIES_TEST_POSTGRES_URL")
BACKEND = "postgresql" if PG_SERVER else "sqlite"
# A deadlock or a forgotten open transaction fails one test in seconds instead of hanging CI.
PG_OPTIONS = "-c lock_timeout=10000 -c statement_timeout=60000 -c idle_in_transaction_session_timeout=60000"


def pytest_report_header(config: pytest.Config) -> str:
    return f"supplies test database: {BACKEND}"


class Databases:
    """Hands out empty, migrated databases of the backend under test."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.backend = BACKEND
        self._template: Path | None = None
        self._pg_url: str | None = None
        self._pg_admin_url: str | None = None

    # SQLite: migrate once into a template file, then copy it for every test.
    def _sqlite_fresh(self) -> str:
        if self._template is None:
            self._template = self.workdir / "template.db"
            inv = supplies.open(f"sqlite:///{self._template}", upgrade=True)
            inv.close()
        target = self.workdir / f"{uuid.uuid4().hex}.db"
        shutil.copyfile(self._template, target)
        return f"sqlite:///{target}"

    # PostgreSQL: one database for the run, emptied with TRUNCATE before every test.
    def _pg_fresh(self) -> str:
        if self._pg_url is None:
            assert PG_SERVER
            name = f"supplies_test_{os.getpid()}_{uuid.uuid4().hex[:6]}"
            self._pg_admin_url = PG_SERVER
            admin = create_engine(PG_SERVER, isolation_level="AUTOCOMMIT")
            with admin.connect() as conn:
                conn.execute(text(f"CREATE DATABASE \"{name}\" ENCODING 'UTF8' TEMPLATE template0"))
            admin.dispose()
            url = make_url(PG_SERVER).set(database=name).update_query_dict({"options": PG_OPTIONS})
            self._pg_url = url.render_as_string(hide_password=False)
            supplies.open(self._pg_url, upgrade=True).close()
            return self._pg_url
        engine = create_engine(self._pg_url)
        with engine.begin() as conn:
            tables = (
                conn.execute(
                    text("SELECT tablename FROM pg_tables WHERE schemaname='public' AND tablename <> 'alembic_version'")
                )
                .scalars()
                .all()
            )
            # The ledger refuses TRUNCATE (a trigger); a test database is emptied past it.
            conn.execute(text("SET LOCAL session_replication_role = replica"))
            conn.execute(text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE"))
            # The installation's top region is data the migrations put in (0003): put it back.
            conn.execute(
                text(
                    "INSERT INTO region (code, name, level, parent_code, path, jurisdiction_code, created_at) "
                    "VALUES ('000000', '全辖区', 'root', NULL, '000000/', '000000', CURRENT_TIMESTAMP)"
                )
            )
        engine.dispose()
        return self._pg_url

    def fresh_url(self) -> str:
        """An empty database at the newest schema, with no users."""
        return self._pg_fresh() if self.backend == "postgresql" else self._sqlite_fresh()

    def fresh_inventory(self, admin: str = "admin") -> supplies.Inventory:
        """A fresh database opened as ``admin`` (created as the first admin)."""
        inv = supplies.open(self.fresh_url())
        inv.users.bootstrap_admin(admin, "correct-horse-battery")
        return inv.as_user(admin)

    def drop(self) -> None:
        if self._pg_url and self._pg_admin_url:
            name = make_url(self._pg_url).database
            admin = create_engine(self._pg_admin_url, isolation_level="AUTOCOMMIT")
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()


@pytest.fixture(scope="session")
def databases(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Databases]:
    dbs = Databases(tmp_path_factory.mktemp("db"))
    yield dbs
    dbs.drop()


@pytest.fixture
def db_url(databases: Databases) -> str:
    """URL of an empty, migrated database with no users."""
    return databases.fresh_url()


@pytest.fixture
def inv(databases: Databases) -> Iterator[supplies.Inventory]:
    """A fresh inventory acting as the admin ``admin``."""
    handle = databases.fresh_inventory()
    yield handle
    handle.close()


@pytest.fixture
def county(inv: supplies.Inventory) -> supplies.Inventory:
    """A small county: two agencies, two classes, three items, three points, one warehouse user."""
    inv.agencies.add("CIV", "民政局 Civil Affairs Bureau", contact="王丽", phone="0858-1234567")
    inv.agencies.add("WAT", "水利局 Water Resources Bureau", contact="李强", phone="0858-7654321")
    inv.classes.add("LIVING", "受灾人员基本生活保障物资", agency="CIV")
    inv.classes.add("FLOOD", "防汛抗旱物资", agency="WAT")
    inv.items.add("TENT12", "单帐篷(12平方米)", supply_class="LIVING", unit="顶", shelf_life_days=3650)
    inv.items.add("QUILT", "棉被", supply_class="LIVING", unit="床")
    inv.items.add("SANDBAG", "编织袋", supply_class="FLOOD", unit="条")
    inv.points.add("CK-01", "县救灾物资储备库", level="county", lat=26.58, lon=106.71, region_code="520102")
    inv.points.add("TS-01", "城关镇储备点", level="township", lat=26.60, lon=106.80, region_code="520102001")
    inv.points.add("TS-02", "河口镇储备点", level="township", lat=26.40, lon=106.60, region_code="520102002")
    inv.users.add("keeper", role="warehouse", points=["CK-01"], password="keeper-pass-1")
    return inv
