"""A batch of N certificates, wall time: submitted, issued by worker processes, settled.

Embedded default: SQLite and the local pool (``--batch-workers`` processes). With
``--database-url postgresql+psycopg://…``: procrastinate and that many ``qujat worker``
processes. The clock runs from submission (N rows inserted, work queued, pool started)
to the last item settled.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from api.batches import build_runner, runner_kind
from api.services import build_services
from api.settings import Settings
from bench.throughput import rss_mb
from forms import get_form
from registry.batches import BatchItem, BatchStore

__all__ = ["BatchRun", "run_batch"]

FORM = "qualification-certificate"


@dataclass(frozen=True)
class BatchRun:
    size: int
    workers: int
    engine: str
    wall_seconds: float
    issued: int
    failed: int
    worker_rss_mb: list[float]


def _start_workers(settings: Settings, count: int, log_dir: Path) -> list[subprocess.Popen[bytes]]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("QUJAT_")}
    env.update(QUJAT_DATA_DIR=str(settings.data_dir), QUJAT_DATABASE_URL=settings.db_url)
    procs = []
    for i in range(count):
        with (log_dir / f"worker-{i}.log").open("wb") as out:
            procs.append(
                subprocess.Popen(
                    [sys.executable, "-m", "api.cli", "worker"], env=env, stdout=out, stderr=out
                )
            )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if all("ready" in (log_dir / f"worker-{i}.log").read_text() for i in range(count)):
            break
        time.sleep(0.2)
    return procs


def run_batch(size: int, workers: int = 2, database_url: str | None = None) -> BatchRun:
    """Issue ``size`` certificates as one batch; returns the wall time and what settled."""
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(
            data_dir=Path(tmp) / "data",
            database_url=database_url,
            public_base_url="https://qujat.kz",
            batch_workers=workers,
            batch_chunk_size=50,
        )
        services = build_services(settings)
        key, _ = services.registry.create_api_key("Bench batch", {"issue"})
        store = BatchStore(services.registry.engine)
        runner = build_runner(settings, store)
        procs: list[subprocess.Popen[bytes]] = []
        if runner_kind(settings) == "procrastinate":
            procs = _start_workers(settings, workers, Path(tmp))
        data = dict(get_form(FORM).example)
        items = [BatchItem(FORM, "kk", data) for _ in range(size)]
        try:
            started = time.perf_counter()
            batch = runner.submit(key.organisation, key.id, items)
            while batch.status != "done":
                time.sleep(0.2)
                batch = store.get(batch.id)
            wall = time.perf_counter() - started
            if procs:
                rss = [m for p in procs for m in rss_mb(p.pid, False)]
            else:
                rss = rss_mb(os.getpid(), True)
        finally:
            runner.close()
            for p in procs:
                p.terminate()
            for p in procs:
                p.wait(timeout=30)
            services.registry.close()
        engine = "procrastinate" if procs else "local pool"
        return BatchRun(size, workers, engine, wall, batch.issued, batch.failed, rss)
