"""Several processes on one registry: ``qujat serve --workers 2``, ``qujat worker`` × 2.

Idempotency keys and batch progress live in the database, so they hold whichever process
answers; a batch whose worker is killed (SIGKILL) mid-way is finished by the others, or by
the restarted server on the embedded default, with exactly one document per item.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import create_engine, func, select
from sqlalchemy.pool import NullPool

from api.settings import Settings
from forms import get_form
from registry.models import DocumentRow
from tests.e2e.serverproc import free_port
from tests.e2e.workers import children, kill_group, serve, setup, start_workers, stop_workers
from tests.support.databases import SERVER_URL
from workflow import item_key

FORM = "course-certificate"


def documents_under(settings: Settings, keys: list[str]) -> list[str]:
    engine = create_engine(settings.db_url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            ids = conn.scalars(select(DocumentRow.id).where(DocumentRow.idempotency_key.in_(keys)))
            return list(ids)
    finally:
        engine.dispose()


def count_documents(settings: Settings) -> int:
    engine = create_engine(settings.db_url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            return int(conn.scalar(select(func.count()).select_from(DocumentRow)) or 0)
    finally:
        engine.dispose()


def wait_batch(base: str, headers: dict[str, str], batch_id: str, timeout: float) -> Any:
    deadline = time.monotonic() + timeout
    body: Any = None
    while time.monotonic() < deadline:
        body = httpx.get(f"{base}/v1/batches/{batch_id}?limit=0", headers=headers).json()
        if body["status"] == "done":
            return body
        time.sleep(0.25)
    raise AssertionError(f"batch not done: {body}")


def test_two_server_workers_share_idempotency_metrics_and_batches(tmp_path: Path) -> None:
    settings, env, key = setup(tmp_path)
    port = free_port()
    proc = serve(settings, env, port, 2, tmp_path / "serve.log")
    workers: list[subprocess.Popen[bytes]] = []
    base, headers = f"http://127.0.0.1:{port}", {"Authorization": f"Bearer {key}"}
    try:
        assert len(children(proc.pid)) >= 2  # uvicorn's worker processes
        body = {"form": FORM, "lang": "kk", "data": get_form(FORM).example}
        answers: list[httpx.Response] = []

        def post() -> None:
            with httpx.Client(timeout=60) as client:  # a connection each: both workers answer
                answers.append(
                    client.post(
                        f"{base}/v1/documents",
                        json=body,
                        headers={**headers, "Idempotency-Key": "same-case-across-workers"},
                    )
                )

        threads = [threading.Thread(target=post) for _ in range(12)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert sorted({r.status_code for r in answers}) in ([200, 201], [201])
        assert sum(r.status_code == 201 for r in answers) == 1
        assert len({r.json()["id"] for r in answers}) == 1
        assert count_documents(settings) == 1

        metrics = httpx.get(f"{base}/metrics").text
        assert f'qujat_documents_issued_total{{form="{FORM}"}} 1.0' in metrics

        if SERVER_URL:
            workers = start_workers(settings, 2, log_dir=tmp_path)
        items = [body] * 30
        r = httpx.post(f"{base}/v1/batches", json={"items": items}, headers=headers, timeout=60)
        assert r.status_code == 202, r.text
        done = wait_batch(base, headers, r.json()["id"], 180)
        assert (done["issued"], done["failed"]) == (30, 0)
        assert count_documents(settings) == 31
    finally:
        stop_workers(workers)
        kill_group(proc)


def test_a_batch_survives_a_killed_worker(tmp_path: Path) -> None:
    """SIGKILL in the middle of a batch: the rest is done once, nothing is done twice."""
    settings, env, key = setup(tmp_path, QUJAT_BATCH_CHUNK_SIZE="10")
    total = 150
    port = free_port()
    base, headers = f"http://127.0.0.1:{port}", {"Authorization": f"Bearer {key}"}
    body = {"form": FORM, "lang": "kk", "data": get_form(FORM).example}
    proc = serve(settings, env, port, 1, tmp_path / "serve-1.log")
    workers: list[subprocess.Popen[bytes]] = []
    try:
        if SERVER_URL:
            workers = start_workers(settings, 2, stalled_seconds=2, log_dir=tmp_path)
        r = httpx.post(f"{base}/v1/batches", json={"items": [body] * total}, headers=headers)
        assert r.status_code == 202, r.text
        batch_id = r.json()["id"]
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            progress = httpx.get(f"{base}/v1/batches/{batch_id}?limit=0", headers=headers).json()
            if progress["issued"] >= 20:
                break
            time.sleep(0.05)
        assert 0 < progress["issued"] < total, progress
        if SERVER_URL:  # kill one worker mid-chunk; the other requeues its job
            workers[0].send_signal(signal.SIGKILL)
            workers[0].wait()
        else:  # kill the server and its pool; the restarted server resumes the batch
            kill_group(proc, signal.SIGKILL)
            proc = serve(settings, env, port, 1, tmp_path / "serve-2.log")
        done = wait_batch(base, headers, batch_id, 240)
        assert (done["issued"], done["failed"], done["pending"]) == (total, 0, 0)
        items = httpx.get(f"{base}/v1/batches/{batch_id}", headers=headers).json()["items"]
        doc_ids = [i["document_id"] for i in items]
        assert len(set(doc_ids)) == total
        stored = documents_under(settings, [item_key(batch_id, i) for i in range(total)])
        assert sorted(stored) == sorted(doc_ids)
        assert count_documents(settings) == total
    finally:
        stop_workers(workers)
        kill_group(proc)


def test_qujat_batch_issues_a_jsonl_file_with_progress(tmp_path: Path) -> None:
    settings, env, key = setup(tmp_path)
    example = get_form(FORM).example
    lines = [{"form": FORM, "lang": "kk", "data": example}] * 4 + [{"form": FORM, "data": {}}]
    cases = tmp_path / "cases.jsonl"
    cases.write_text("\n".join(json.dumps(c, ensure_ascii=False) for c in lines) + "\n")
    workers = start_workers(settings, 2, log_dir=tmp_path) if SERVER_URL else []
    try:
        done = subprocess.run(
            [sys.executable, "-m", "api.cli", "batch", str(cases), "--api-key", key,
             "--data-dir", str(settings.data_dir), "-o", str(tmp_path / "out.jsonl")],
            env=env, capture_output=True, text=True, timeout=300,
        )  # fmt: skip
    finally:
        stop_workers(workers)
    assert done.returncode == 1, done.stderr  # one case failed
    assert "4 issued, 1 failed" in done.stdout
    assert "[##############################] 5/5" in done.stderr
    results = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text().splitlines()]
    assert [r["status"] for r in results] == ["issued"] * 4 + ["failed"]
    assert results[4]["error"]["code"] == "validation_failed"
    assert count_documents(settings) == 4
