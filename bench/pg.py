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
from collections.abc import Iterator
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
