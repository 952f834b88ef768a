"""Reads that may lag go to a hot standby (SUPPLIES_READ_DATABASE_URL); writes never do (PostgreSQL only)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import DBAPIError

import supplies

PG_SERVER = os.environ.get("SUPPLIES_TEST_POSTGRES_URL")
BACKEND = "postgresql" if PG_SERVER else "sqlite"

needs_postgresql = pytest.mark.skipif(
    BACKEND != "postgresql", reason="a streaming replica needs PostgreSQL (SUPPLIES_TEST_POSTGRES_URL)"
)


def _pg_bin() -> Path | None:
    for d in sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True):
        if (d / "pg_basebackup").exists() and (d / "pg_ctl").exists():
            return d
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _as_postgres(cmd: list[str]) -> list[str]:
    # PostgreSQL refuses to run as root: the throwaway cluster (tests/with_postgres.sh) runs as postgres.
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd


@pytest.fixture(scope="module")
def standby_url() -> Iterator[str]:
    """A streaming replica of the test server (``pg_basebackup -R``) on another port; its URL."""
    assert PG_SERVER
    primary = make_url(PG_SERVER)
    bin_dir = _pg_bin()
    if bin_dir is None or primary.host not in ("127.0.0.1", "localhost"):
        pytest.skip("a standby is built only beside a local throwaway cluster with PostgreSQL's binaries")
    admin = create_engine(PG_SERVER, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        # A hot standby must allow at least as much as its primary.
        limits = {
            k: conn.execute(text(f"SHOW {k}")).scalar()
            for k in ("max_connections", "max_worker_processes", "max_wal_senders", "max_prepared_transactions")
        }
    admin.dispose()
    work = Path(tempfile.mkdtemp(prefix="supplies-standby."))
    if os.geteuid() == 0:
        shutil.chown(work, "postgres", "postgres")
    data, port = work / "data", _free_port()
    backup = [str(bin_dir / "pg_basebackup"), "-h", "127.0.0.1", "-p", str(primary.port), "-U", "postgres"]
    subprocess.run(_as_postgres([*backup, "-D", str(data), "-R", "-X", "stream", "-c", "fast"]), check=True)
    options = f"-k {work} -p {port} -h 127.0.0.1 -c fsync=off " + " ".join(f"-c {k}={v}" for k, v in limits.items())
    ctl = [str(bin_dir / "pg_ctl"), "-D", str(data)]
    subprocess.run(_as_postgres([*ctl, "-l", str(work / "log"), "-w", "-o", options, "start"]), check=True)
    try:
        yield primary.set(port=port).render_as_string(hide_password=False)
    finally:
        subprocess.run(_as_postgres([*ctl, "-m", "immediate", "stop"]), check=False, capture_output=True)
        shutil.rmtree(work, ignore_errors=True)


def _statements(engine: Engine) -> list[str]:
    """Every statement the engine executes from now on (its first word, upper-cased)."""
    seen: list[str] = []

    @event.listens_for(engine, "before_cursor_execute")
    def _record(_conn: object, _cursor: object, statement: str, *_: object) -> None:
        seen.append(statement.split(None, 1)[0].upper())

    return seen


def _caught_up(primary: Engine, standby: Engine) -> None:
    with primary.connect() as conn:
        target = conn.execute(text("SELECT pg_current_wal_insert_lsn()")).scalar()
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        with standby.connect() as conn:
            if conn.execute(text("SELECT pg_last_wal_replay_lsn() >= CAST(:t AS pg_lsn)"), {"t": target}).scalar():
                return
        time.sleep(0.05)
    raise AssertionError("the standby did not catch up in 15 s")


def _replay(standby: Engine, on: bool) -> None:
    with standby.connect() as conn:
        conn.execute(text("SELECT pg_wal_replay_resume()" if on else "SELECT pg_wal_replay_pause()"))
        conn.commit()


@needs_postgresql
def test_reports_read_the_standby_and_writes_stay_on_the_primary(county: supplies.Inventory, standby_url: str) -> None:
    primary_url = county.engine.url.render_as_string(hide_password=False)
    database = make_url(primary_url).database
    replica_url = make_url(standby_url).set(database=database).render_as_string(hide_password=False)
    inv = supplies.open(primary_url, user="admin", read_url=replica_url)
    try:
        assert inv.read_engine is not inv.engine
        on_primary, on_standby = _statements(inv.engine), _statements(inv.read_engine)
        inv.stock.receive("CK-01", "TENT12", 40, batch="B1")
        _caught_up(inv.engine, inv.read_engine)
        assert inv.reports.stock().totals()["on_hand"] == 40
        assert [lot.on_hand for lot in inv.stock.lots(point="CK-01")] == [40]

        # Replay paused: the primary has the new receipt, the standby (and so the reports) not yet.
        _replay(inv.read_engine, on=False)
        try:
            lot = inv.stock.receive("CK-01", "QUILT", 7, batch="B2")
            assert inv.stock.lot(lot.lot_ids[0]).on_hand == 7  # one lot, read right after a write: the primary
            assert inv.reports.stock().totals()["on_hand"] == 40
            assert len(inv.stock.lots(point="CK-01")) == 1
        finally:
            _replay(inv.read_engine, on=True)
        _caught_up(inv.engine, inv.read_engine)
        assert inv.reports.stock().totals()["on_hand"] == 47
        assert inv.stock.summary()

        writes = {"INSERT", "UPDATE", "DELETE", "CREATE", "ALTER", "DROP", "TRUNCATE"}
        assert {"INSERT", "UPDATE"} <= set(on_primary)
        assert "SELECT" in on_standby and not writes & set(on_standby)
        # The standby refuses a write anyway: nothing can be written there by mistake.
        with pytest.raises(DBAPIError, match="read-only"), inv.read_engine.begin() as conn:
            conn.execute(text("DELETE FROM agency"))
    finally:
        inv.close()


def test_without_a_standby_the_primary_serves_reads(inv: supplies.Inventory) -> None:
    assert inv.read_engine is inv.engine
    assert inv.as_user("admin").read_engine is inv.engine
