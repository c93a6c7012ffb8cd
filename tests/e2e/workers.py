"""Start and stop ``qujat worker`` processes for the tests (PostgreSQL deployments)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

from api.batches import runner_kind
from api.services import build_services
from api.settings import Settings
from tests.support.databases import SERVER_URL, fresh_database_url


def worker_env(settings: Settings, stalled_seconds: float = 30.0) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("QUJAT_")}
    env.update(
        QUJAT_DATA_DIR=str(settings.data_dir),
        QUJAT_DATABASE_URL=settings.db_url,
        QUJAT_PUBLIC_BASE_URL=settings.public_base_url,
        QUJAT_BATCH_STALLED_SECONDS=str(stalled_seconds),
    )
    return env


def start_workers(
    settings: Settings, count: int, stalled_seconds: float = 30.0, log_dir: Path | None = None
) -> list[subprocess.Popen[bytes]]:
    """``count`` separate ``qujat worker`` processes over the settings' database."""
    env = worker_env(settings, stalled_seconds)
    procs = []
    for i in range(count):
        log = log_dir / f"worker-{i}.log" if log_dir else Path(os.devnull)
        with log.open("wb") as out:
            procs.append(
                subprocess.Popen(
                    [sys.executable, "-m", "api.cli", "worker"], env=env, stdout=out, stderr=out
                )
            )
    return procs


def stop_workers(procs: list[subprocess.Popen[bytes]]) -> None:
    for proc in procs:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
    for proc in procs:
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def setup(tmp_path: Path, **extra: str) -> tuple[Settings, dict[str, str], str]:
    """Settings and environment of a fresh registry, and an API key with every scope."""
    data_dir = tmp_path / "data"
    kw: dict[str, Any] = {"data_dir": data_dir}
    env = {k: v for k, v in os.environ.items() if not k.startswith("QUJAT_")}
    env.update(QUJAT_RATE_LIMIT_ENABLED="false", **extra)
    if SERVER_URL:
        kw["database_url"] = env["QUJAT_DATABASE_URL"] = fresh_database_url(tmp_path)
    settings = Settings(**kw)
    services = build_services(settings)
    _, key = services.registry.create_api_key("Workers", {"issue", "admin"})
    services.registry.close()
    return settings, env, key


def serve(
    settings: Settings, env: dict[str, str], port: int, workers: int, log: Path
) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "api.cli", "serve", "--port", str(port),
             "--workers", str(workers), "--data-dir", str(settings.data_dir)],
            stdout=out, stderr=subprocess.STDOUT, env=env, start_new_session=True,
        )  # fmt: skip
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return proc
        except httpx.TransportError:
            time.sleep(0.1)
    os.killpg(proc.pid, signal.SIGKILL)
    raise AssertionError(f"server did not start: {log.read_text()[-2000:]}")


def kill_group(proc: subprocess.Popen[bytes], sig: int = signal.SIGTERM) -> None:
    try:
        os.killpg(proc.pid, sig)
    except ProcessLookupError:
        return
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


def children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


@contextmanager
def batch_workers(settings: Settings, count: int = 2) -> Iterator[None]:
    """``count`` ``qujat worker`` processes while inside, when batches go through
    procrastinate (PostgreSQL); nothing to start otherwise (the local pool runs them)."""
    if runner_kind(settings) != "procrastinate":
        yield
        return
    procs = start_workers(settings, count)
    try:
        yield
    finally:
        stop_workers(procs)
