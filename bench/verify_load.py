"""Verification lookups under load, on loopback: requests/s, p50 and p99; and an upload check.

Starts the real server (``qujat serve``) on a free port with a fresh data directory, issues a
few documents, then fires a fixed number of ``GET /v1/verify/{id}`` from a thread pool (the
rate limit is lifted for the run). Prints figures; asserts nothing. Run with
``python -m bench.verify_load [-n 5000] [-c 16]``.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

from forms import get_form

FORM = "qualification-certificate"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _start(data_dir: Path, port: int) -> tuple[subprocess.Popen[str], str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("QUJAT_")}
    env.update(QUJAT_RATE_LIMIT_ENABLED="false")
    log = data_dir / "server.log"
    with log.open("w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "api.cli", "serve", "--port", str(port),
             "--data-dir", str(data_dir / "data")],
            stdout=out, stderr=subprocess.STDOUT, text=True, env=env,
        )  # fmt: skip
    deadline = time.monotonic() + 60
    while "serving on" not in log.read_text() and time.monotonic() < deadline:
        time.sleep(0.05)
    key = next(x.strip() for x in log.read_text().splitlines() if x.startswith("qj_"))
    base = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            if httpx.get(f"{base}/healthz").status_code == 200:
                break
        except httpx.TransportError:
            time.sleep(0.05)
    return proc, key


def _percentile(sorted_ms: list[float], q: float) -> float:
    return sorted_ms[min(len(sorted_ms) - 1, round(q * len(sorted_ms)) - 1)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-n", type=int, default=5000, help="lookups in total (bounded)")
    parser.add_argument("-c", type=int, default=16, help="concurrent clients")
    args = parser.parse_args()
    total = max(100, min(args.n, 100_000))
    with tempfile.TemporaryDirectory() as tmp:
        port = _free_port()
        proc, key = _start(Path(tmp), port)
        base = f"http://127.0.0.1:{port}"
        try:
            headers = {"Authorization": f"Bearer {key}"}
            body = {"form": FORM, "lang": "kk", "data": dict(get_form(FORM).example)}
            docs = [httpx.post(f"{base}/v1/documents", json=body, headers=headers, timeout=30)
                    .json() for _ in range(20)]  # fmt: skip
            ids = [d["id"] for d in docs]
            local = threading.local()

            def lookup(i: int) -> float:
                client = getattr(local, "client", None)
                if client is None:
                    client = local.client = httpx.Client(base_url=base, timeout=30)
                started = time.perf_counter()
                r = client.get(f"/v1/verify/{ids[i % len(ids)]}")
                assert r.status_code == 200
                return (time.perf_counter() - started) * 1000

            with ThreadPoolExecutor(args.c) as pool:
                list(pool.map(lookup, range(200)))  # warm connections and caches
                started = time.perf_counter()
                times = sorted(pool.map(lookup, range(total)))
                wall = time.perf_counter() - started
            print(f"GET /v1/verify/{{id}}: {total} requests, {args.c} clients, loopback, "
                  f"one uvicorn worker")  # fmt: skip
            print(f"  {total / wall:8.0f} requests/s")
            p50, p99 = statistics.median(times), _percentile(times, 0.99)
            print(f"  p50 {p50:6.1f} ms   p99 {p99:6.1f} ms   max {times[-1]:6.1f} ms")

            pdf = httpx.get(f"{base}{docs[0]['links']['pdf']}", headers=headers).content
            files = {"file": ("c.pdf", pdf, "application/pdf")}
            with httpx.Client(base_url=base, timeout=60) as client:
                client.post("/v1/verify", files=files)  # starts a validation worker
                upload_ms = []
                for _ in range(30):
                    started = time.perf_counter()
                    r = client.post("/v1/verify", files=files)
                    upload_ms.append((time.perf_counter() - started) * 1000)
                    assert r.json()["verdict"] == "genuine"
            upload_ms.sort()
            u50, u95 = statistics.median(upload_ms), _percentile(upload_ms, 0.95)
            print(f"POST /v1/verify (certificate, {len(pdf)} bytes, isolated worker): "
                  f"p50 {u50:.1f} ms, p95 {u95:.1f} ms")  # fmt: skip
        finally:
            proc.terminate()
            proc.wait(timeout=10)


if __name__ == "__main__":
    main()
