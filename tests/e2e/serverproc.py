"""The real server for end-to-end tests: ``qujat serve`` in a subprocess, as the README
starts it, on a free port and a fresh data directory (and a fresh PostgreSQL database when
the suite runs on one)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from tests.support.databases import SERVER_URL, fresh_database_url


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


DATABASE_URLS: dict[Path, str] = {}
"""The database each running server's data directory uses, when not its SQLite file (the
operator's steps, such as provisioning a member's key, go to the same registry)."""


@contextmanager
def running_server(data_dir: Path, env: dict[str, str] | None = None) -> Iterator[tuple[str, str]]:
    """Start ``qujat serve`` over ``data_dir``; yield its base URL and the development API
    key it printed on first start; stop it afterwards."""
    port = free_port()
    environ = {k: v for k, v in os.environ.items() if not k.startswith("QUJAT_")}
    if SERVER_URL:  # the same server the rest of the suite runs on, a fresh database
        if data_dir not in DATABASE_URLS:  # a data directory started again keeps its registry
            DATABASE_URLS[data_dir] = fresh_database_url(data_dir)
        environ["QUJAT_DATABASE_URL"] = DATABASE_URLS[data_dir]
    environ.update(env or {})
    log = data_dir.parent / f"{data_dir.name}.log"
    with log.open("w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "api.cli", "serve", "--port", str(port),
             "--data-dir", str(data_dir)],
            stdout=out, stderr=subprocess.STDOUT, text=True, env=environ,
        )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while "serving on" not in log.read_text() and time.monotonic() < deadline:
            time.sleep(0.05)
        key = next(x.strip() for x in log.read_text().splitlines() if x.startswith("qj_"))
        for _ in range(100):
            try:
                if httpx.get(f"{base}/healthz").status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        yield base, key
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def start(data_dir: Path, port: int, env: dict[str, str]) -> subprocess.Popen[bytes]:
    # its output beside the data directory (pytest keeps the last runs' directories): a
    # failure after a kill and restart can then be read
    with (data_dir.parent / f"server-{port}.log").open("w") as logf:
        proc = subprocess.Popen(
            [sys.executable, "-m", "api.cli", "serve", "--port", str(port),
             "--data-dir", str(data_dir)],
            stdout=logf, stderr=subprocess.STDOUT, env=env,
        )  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return proc
        except httpx.TransportError:
            time.sleep(0.05)
    proc.kill()
    raise AssertionError("server did not start")
