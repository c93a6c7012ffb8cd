"""Kill the server (SIGKILL) in the middle of issuing, again and again; nothing is lost.

After every kill the registry is checked: no row without its file, every stored PDF
served for a row is a valid signed document. Orphan files (written, never committed) are
allowed but never served, and the sweep removes them.
"""

from __future__ import annotations

import os
import random
import signal
import threading
import time
from pathlib import Path

import httpx

from api.services import build_services
from api.settings import Settings
from forms import get_form
from registry import Registry
from registry.consistency import check, sweep
from tests.e2e.serverproc import free_port, start
from tests.support.databases import SERVER_URL, fresh_database_url
from verify import validate_pdf

KILLS = 6


def hammer(base: str, key: str, stop: threading.Event, created: list[str]) -> None:
    body = {"form": "course-certificate", "lang": "kk",
            "data": get_form("course-certificate").example}  # fmt: skip
    with httpx.Client(timeout=5) as client:
        while not stop.is_set():
            try:
                r = client.post(f"{base}/v1/documents", json=body,
                                headers={"Authorization": f"Bearer {key}"})  # fmt: skip
                if r.status_code == 201:
                    created.append(r.json()["id"])
            except httpx.TransportError:
                time.sleep(0.01)


def test_sigkill_during_issuance_loses_nothing(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    env = {k: v for k, v in os.environ.items() if not k.startswith("QUJAT_")}
    settings_kw: dict[str, object] = {"data_dir": data_dir}
    if SERVER_URL:
        env["QUJAT_DATABASE_URL"] = str(fresh_database_url(tmp_path))
        settings_kw["database_url"] = env["QUJAT_DATABASE_URL"]
    services = build_services(Settings(**settings_kw))  # type: ignore[arg-type]
    _, key = services.registry.create_api_key("Crash test", {"issue"})
    roots = services.trust_roots
    services.registry.close()

    rng = random.Random(20261122)
    created: list[str] = []
    for _ in range(KILLS):
        port = free_port()
        proc = start(data_dir, port, env)
        stop = threading.Event()
        workers = [
            threading.Thread(target=hammer, args=(f"http://127.0.0.1:{port}", key, stop, created))
            for _ in range(3)
        ]
        for w in workers:
            w.start()
        time.sleep(rng.uniform(0.3, 1.2))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        stop.set()
        for w in workers:
            w.join()

    registry = Registry.open(
        str(settings_kw.get("database_url") or f"sqlite:///{data_dir / 'qujat.db'}"),
        data_dir / "files",
    )
    try:
        report = check(registry)
        print(
            f"{KILLS} kills, {len(created)} acknowledged, {report.documents} rows, "
            f"{len(report.unreferenced_files)} orphan files, {len(report.temporary_files)} tmp"
        )
        assert report.ok, report.rows_without_file
        assert report.documents >= len(created) > 0
        for doc_id in created:
            record = registry.get(doc_id)
            assert validate_pdf(registry.pdf(record), roots).ok
        after = sweep(registry, older_than_seconds=0)
        assert after.ok and not after.unreferenced_files and not after.temporary_files
        assert after.documents == report.documents
    finally:
        registry.close()
