"""`supplies serve --workers 2`: two processes serve the web admin, and a log-in made in one holds in the other."""

from __future__ import annotations

import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

import supplies

from .helpers import PASSWORDS, url_of

SUPPLIES = Path(sys.executable).with_name("supplies")

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="gunicorn's workers: POSIX (read on Linux)"
)


def _children(pid: int) -> set[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return {int(p) for p in path.read_text().split()} if path.exists() else set()


def test_two_worker_processes_serve_the_pages_of_one_log_in(town: supplies.Inventory) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    base = f"http://127.0.0.1:{port}"
    env = {k: v for k, v in os.environ.items() if k != "SUPPLIES_SECRET_KEY"}  # the server shares its own key
    server = subprocess.Popen(
        [str(SUPPLIES), "--db", url_of(town), "serve", "--port", str(port), "--workers", "2", "--threads", "2"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{base}/login", timeout=5).close()
                break
            except OSError:
                assert server.poll() is None, server.communicate()
                assert time.monotonic() < deadline, "the web admin did not answer"
                time.sleep(0.3)
        while len(_children(server.pid)) < 2:  # the second worker may still be starting
            assert time.monotonic() < deadline, "gunicorn did not start two workers"
            time.sleep(0.2)
        workers = _children(server.pid)
        assert len(workers) == 2

        browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        form = browser.open(f"{base}/login", timeout=10).read().decode()
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form) or re.search(
            r'value="([^"]+)"[^>]*name="csrf_token"', form
        )
        assert token, "no CSRF token on the log-in page"
        data = urllib.parse.urlencode({"name": "admin", "password": PASSWORDS["admin"], "csrf_token": token.group(1)})
        browser.open(f"{base}/login", data=data.encode(), timeout=10).close()
        # Each request opens its own connection, which either worker may accept: the session (and
        # its CSRF key) signed by one is honoured by the other.
        for _ in range(6):
            for path, text in (("/stock/lots/", "T1"), ("/stock/ledger/?search=TS-02", "Q1"), ("/", "admin")):
                with browser.open(base + path, timeout=30) as page:
                    assert page.status == 200 and page.url == base + path, path  # not sent back to log in
                    assert text in page.read().decode(), path
        assert server.poll() is None
        assert _children(server.pid) == workers  # no worker died
    finally:
        server.terminate()
        _out, err = server.communicate(timeout=30)
    assert server.returncode == 0, err
