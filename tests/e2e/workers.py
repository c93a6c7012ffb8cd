"""Start and stop ``qujat worker`` processes for the tests (PostgreSQL deployments)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from api.settings import Settings


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
