"""How `supplies serve` runs the web admin: waitress in one process, or gunicorn's pre-forked workers on POSIX."""

from __future__ import annotations

import gc
import os
from typing import Any


def gunicorn_available() -> bool:
    """Whether several worker processes can be run here (gunicorn is installed; it runs on POSIX only)."""
    if os.name != "posix":
        return False
    try:
        import gunicorn  # noqa: F401
    except ImportError:
        return False
    return True


def settle_heap() -> None:
    """Put what start-up built (modules, the app, SQLAlchemy's mappers and caches) out of the collector's sight.

    A full collection walks every object the process tracks: after start-up some 200,000, about
    130 ms during which every thread of the process waits, once every few dozen pages. Frozen,
    they are never walked again; the garbage of requests is collected as before.
    """
    gc.collect()
    gc.freeze()


def run_waitress(web: Any, host: str, port: int, threads: int) -> None:
    from waitress import serve

    settle_heap()
    serve(web, host=host, port=port, threads=threads)


def run_gunicorn(database_url: str, host: str, port: int, threads: int, workers: int) -> None:
    """Serve with ``workers`` processes of ``threads`` threads each, until SIGINT or SIGTERM.

    One Python process runs Python code on one core at a time (the GIL), whatever its threads;
    gunicorn's master forks the workers and restarts any that dies. Each worker builds its own
    app, and so its own database connections, after the fork (connections must not be shared
    across processes). They share the session key (given here when the environment sets none,
    so a session made by one worker is valid in the others) and the log-in limit, which is kept
    in the database.
    """
    from gunicorn.app.base import BaseApplication

    from .settings import secret_key

    key = secret_key(database_url)  # one key for all workers (a random one lives as long as this server)

    class _Server(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            settings = {
                "bind": f"[{host}]:{port}" if ":" in host else f"{host}:{port}",
                "workers": workers,
                "threads": threads,
                "worker_class": "gthread",
                # A worker that stops answering its master is restarted; a long export runs in a
                # worker thread while the worker keeps answering, so this limit does not cut it.
                "timeout": 60,
                "graceful_timeout": 10,
                "proc_name": "supplies-serve",
                "accesslog": None,
            }
            for name, value in settings.items():
                self.cfg.set(name, value)

        def load(self) -> Any:
            from . import create_app

            app = create_app(database_url=database_url, SECRET_KEY=key)
            settle_heap()  # in each worker, after the fork: what it built for itself
            return app

    _Server().run()
