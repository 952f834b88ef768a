"""A PostgreSQL database for the benchmarks: on a given server, or on a throwaway cluster.

The server is SUPPLIES_BENCH_POSTGRES_URL, else SUPPLIES_TEST_POSTGRES_URL (which ``make bench``
sets through ``tests/with_postgres.sh``), when it answers. Without either, a cluster is started
from the installed PostgreSQL binaries on a free loopback port (as the ``postgres`` user when
run as root), and stopped and removed afterwards. Each benchmark creates its own database on the
server and drops it when done.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from .harness import NotMeasured

ENV = "SUPPLIES_BENCH_POSTGRES_URL"
TEST_ENV = "SUPPLIES_TEST_POSTGRES_URL"


@contextmanager
def postgres_database() -> Iterator[str]:
    """The URL of a new, empty database, dropped (with its throwaway server, if any) afterwards."""
    with _server() as server:
        name = f"supplies_bench_{os.getpid()}_{uuid.uuid4().hex[:6]}"
        admin = create_engine(server, isolation_level="AUTOCOMMIT")
        try:
            with admin.connect() as conn:
                conn.execute(text(f"CREATE DATABASE \"{name}\" ENCODING 'UTF8' TEMPLATE template0"))
            try:
                yield make_url(server).set(database=name).render_as_string(hide_password=False)
            finally:
                with admin.connect() as conn:
                    conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        finally:
            admin.dispose()


@contextmanager
def _server() -> Iterator[str]:
    name = ENV if os.environ.get(ENV) else TEST_ENV
    url = os.environ.get(name)
    if url:
        if not _answers(url):
            raise NotMeasured(f"{name}={make_url(url).render_as_string()} does not answer")
        yield url
        return
    binaries = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not binaries:
        raise NotMeasured(f"no PostgreSQL: set {ENV} or install the postgresql package")
    bin_dir = os.path.dirname(binaries[-1])
    workdir = tempfile.mkdtemp(prefix="supplies-bench-pg-")
    run_as: list[str] = []
    if os.geteuid() == 0:
        shutil.chown(workdir, "postgres", "postgres")
        run_as = ["runuser", "-u", "postgres", "--"]
    port = _free_port()
    data = os.path.join(workdir, "data")
    try:
        subprocess.run(
            [
                *run_as,
                f"{bin_dir}/initdb",
                "-D",
                data,
                "-U",
                "postgres",
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
            ],
            check=True,
            capture_output=True,
        )
        subprocess.run(
            [
                *run_as,
                f"{bin_dir}/pg_ctl",
                "-D",
                data,
                "-l",
                os.path.join(workdir, "log"),
                "-w",
                "-o",
                f"-k {workdir} -p {port} -h 127.0.0.1 -c fsync=off -c max_connections=100",
                "start",
            ],
            check=True,
            capture_output=True,
        )
        try:
            yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
        finally:
            subprocess.run([*run_as, f"{bin_dir}/pg_ctl", "-D", data, "-m", "immediate", "stop"], capture_output=True)
    except subprocess.CalledProcessError as exc:
        raise NotMeasured(
            f"could not start a throwaway PostgreSQL: {exc.stderr.decode(errors='replace')[-300:]}"
        ) from None
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _answers(url: str) -> bool:
    engine = create_engine(url, connect_args={"connect_timeout": 3})
    try:
        with engine.connect():
            return True
    except Exception:
        return False
    finally:
        engine.dispose()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def server() -> Iterator[str]:
    """The PostgreSQL server of this run (given, or a throwaway cluster stopped afterwards)."""
    with _server() as url:
        yield url


def mirror(source: str, server_url: str, name: str, log: Callable[[str], None] | None = None) -> str:
    """The generated SQLite dataset at ``source`` copied whole into the database ``name`` on the server.

    Made once and kept (a persistent ``SUPPLIES_BENCH_POSTGRES_URL`` reuses it across runs; the name
    carries the file's size and time). Rows go in with COPY, triggers and foreign-key checks off
    (``session_replication_role = replica``: the rows are a consistent copy), then the id
    sequences are set past the copied ids and the tables analysed.
    """
    import sqlite3
    import time

    import psycopg

    import supplies

    url = make_url(server_url).set(database=name).render_as_string(hide_password=False)
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            if conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).scalar():
                return url
            conn.execute(text(f"CREATE DATABASE \"{name}__building\" ENCODING 'UTF8' TEMPLATE template0"))
        started = time.perf_counter()
        building = make_url(url).set(database=f"{name}__building").render_as_string(hide_password=False)
        supplies.open(building, upgrade=True).close()
        lite = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        rows_total = 0
        with psycopg.connect(building.replace("postgresql+psycopg", "postgresql")) as pg:
            pg.execute("SET session_replication_role = replica")
            tables = [
                r[0]
                for r in pg.execute(
                    "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'alembic_version'"
                )
            ]
            # The migrations put in the top region; the copy brings it again.
            pg.execute("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " CASCADE")
            for table in tables:
                columns = [
                    r[0]
                    for r in pg.execute(
                        "SELECT column_name FROM information_schema.columns WHERE table_name = %s "
                        "ORDER BY ordinal_position",
                        (table,),
                    )
                ]
                names = ", ".join(f'"{c}"' for c in columns)
                cursor = lite.execute(f'SELECT {names} FROM "{table}"')
                with pg.cursor().copy(f'COPY "{table}" ({names}) FROM STDIN') as copy:
                    while batch := cursor.fetchmany(10_000):
                        for row in batch:
                            copy.write_row(row)
                        rows_total += len(batch)
                if "id" in columns:
                    pg.execute(
                        f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
                        f'(SELECT coalesce(max(id), 0) + 1 FROM "{table}"), false) '
                        f"WHERE pg_get_serial_sequence('\"{table}\"', 'id') IS NOT NULL"
                    )
            pg.commit()
            pg.autocommit = True
            pg.execute("VACUUM ANALYZE")
        lite.close()
        with admin.connect() as conn:
            conn.execute(text(f'ALTER DATABASE "{name}__building" RENAME TO "{name}"'))
        if log:
            log(f"copied {rows_total:,} rows into PostgreSQL database {name} in {time.perf_counter() - started:.0f} s")
        return url
    finally:
        admin.dispose()


def clone(url: str, name: str) -> str:
    """A private copy of the database at ``url`` (``CREATE DATABASE … TEMPLATE``: a file copy), as ``name``."""
    target = make_url(url)
    admin = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            # A template may have no other sessions: a case's engine left idle would block the copy.
            conn.execute(
                text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :d"),
                {"d": target.database},
            )
            conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{target.database}"'))
    finally:
        admin.dispose()
    return target.set(database=name).render_as_string(hide_password=False)


def drop(url: str) -> None:
    """Drop the database at ``url`` (a private copy made by :func:`clone`)."""
    target = make_url(url)
    admin = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)'))
    finally:
        admin.dispose()
