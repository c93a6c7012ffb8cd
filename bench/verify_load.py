"""Public lookups under load and the server workers' resident memory, each beside its aim.

Starts the real server (``qujat serve --workers 2``, rate limits lifted) on a fresh data
directory, reads each worker's RSS idle, issues ``--issue`` certificates (1,000) and reads it
again, then loads ``GET /v1/verify/{id}`` and the page ``GET /v/{id}`` over ``--ids``
documents with ``wrk`` (C, keep-alive; installed from Debian if missing and allowed), or
without it with the stdlib keep-alive client of :mod:`bench.throughput`. The load generator
runs on the same 2 cores as the server: ``wrk`` costs a few microseconds per request, the
Python client tens, which the figures then include. Prints figures and the load average;
asserts nothing. Run with ``python -m bench.verify_load [--issue 1000] [--seconds 10]``.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import shutil
import sqlite3
import statistics
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from bench.throughput import Server, issue_body, load, start_server

__all__ = ["LookupLoad", "lookup_rows", "main", "wrk_load"]

JSON_AIM: tuple[float, float | None] = (3000.0, 20.0)
"""``GET /v1/verify/{id}``: requests/s, p99 ms."""
PAGE_AIM: tuple[float, float | None] = (2000.0, None)
RSS_AIM_MB = 150.0
Row = tuple[str, str, str, str]


@dataclass(frozen=True)
class LookupLoad:
    """One load run: requests/s, latency percentiles, failures, the generator used."""

    per_second: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: int
    generator: str


def _wrk() -> str | None:
    found = shutil.which("wrk")
    if found is None and os.geteuid() == 0 and shutil.which("apt-get"):
        subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], capture_output=True, check=False)
        found = shutil.which("wrk")
    return found


_SCRIPT = """
paths = {%s}
n = 0
request = function()
  n = n + 1
  return wrk.format("GET", paths[(n %% #paths) + 1])
end
"""


def _ms(value: str, unit: str) -> float:
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def wrk_load(
    wrk: str, port: int, paths: list[str], seconds: int, connections: int, tmp: Path
) -> LookupLoad:
    """``wrk`` over ``paths`` in turn for ``seconds`` with ``connections`` keep-alive."""
    script = tmp / "paths.lua"
    script.write_text(_SCRIPT % ",".join(f'"{p}"' for p in paths))
    out = subprocess.run(
        [wrk, "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", str(script),
         f"http://127.0.0.1:{port}"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    found = re.findall(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
    latency = {q: _ms(v, u) for q, v, u in found}
    if len(latency) != 2:
        raise RuntimeError(f"unexpected wrk output:\n{out}")
    total = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = int(bad.group(1)) if bad else 0
    return LookupLoad(rate, latency["50"], latency["99"], total, errors, "wrk")


def _rss(server: Server) -> str:
    return " / ".join(f"{m:.0f}" for m in server.worker_rss_mb()) + " MB"


def _shared(server: Server) -> str:
    """The part of each worker's RSS other processes hold too (the libraries' code)."""
    shared = " / ".join(f"{m:.0f}" for m in server.worker_shared_mb())
    return f"of which shared file pages {shared} MB"


def _load_avg() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def _ids(data_dir: Path, n: int) -> list[str]:
    with sqlite3.connect(data_dir / "qujat.db") as db:
        return [row[0] for row in db.execute("SELECT id FROM documents LIMIT ?", (n,))]


_PENDING = (
    "SELECT count(*) FROM documents d JOIN document_revisions r"
    " ON r.document_id = d.id AND r.sha256 = d.sha256"
    " WHERE r.level != 'B-LTA' AND d.status != 'revoked'"
)


def _drain_upgrades(data_dir: Path, timeout: float = 600) -> float:
    """Wait until the workers' upgrader threads have brought every file to B-LTA (≈ 0.1 s
    of CPU each, in the same processes): lookups are measured on a quiet server. Seconds."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        with sqlite3.connect(data_dir / "qujat.db") as db:
            if db.execute(_PENDING).fetchone()[0] == 0:
                break
        time.sleep(1)
    return time.monotonic() - started


def _run(server: Server, paths: list[str], seconds: int, connections: int, tmp: Path) -> LookupLoad:
    load(server, "GET", paths, None, len(paths) * 4)  # every id built once in each worker
    wrk = _wrk()
    if wrk is not None:
        wrk_load(wrk, server.port, paths, 2, connections, tmp)  # warm caches and connections
        return wrk_load(wrk, server.port, paths, seconds, connections, tmp)
    run = load(server, "GET", paths, None, 3000 * seconds, threads=connections // 2)
    return LookupLoad(run.per_second, run.p50_ms, run.p99_ms, run.requests, run.errors,
                      "python http.client")  # fmt: skip


def _row(label: str, run: LookupLoad, aim: tuple[float, float | None]) -> Row:
    rate, p99 = aim
    want = f"aim ≥ {rate:.0f} req/s" + (f", p99 ≤ {p99:.0f} ms" if p99 else "")
    return (label, f"{run.per_second:.0f} req/s", f"p50 {run.p50_ms:.1f} / p99 {run.p99_ms:.1f} ms",
            f"{want}; {run.requests} requests, {run.errors} errors, {run.generator}")  # fmt: skip


def lookup_rows(
    issue: int = 1000, ids: int = 200, seconds: int = 10, connections: int = 16
) -> list[Row]:
    """The lookups and memory section of ``make bench``: rows of (figure, value, detail,
    aim and notes)."""
    rows: list[Row] = [("load average at start", _load_avg(), "", "1, 5, 15 min; 2 cores")]
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp) / "data"
        server = start_server(data_dir, 2)
        try:
            time.sleep(1)
            rows.append(("RSS per server worker, idle", _rss(server), "",
                         f"aim ≤ {RSS_AIM_MB:.0f} MB; {_shared(server)}"))  # fmt: skip
            issued = load(server, "POST", ["/v1/documents"], issue_body(), issue)
            rows.append((f"RSS per server worker, after {issued.requests} issuances",
                         _rss(server), f"{issued.per_second:.0f} cert/s",
                         f"aim ≤ {RSS_AIM_MB:.0f} MB; {issued.errors} errors; "
                         + _shared(server)))  # fmt: skip
            waited = _drain_upgrades(data_dir)
            rows.append(("B-T → B-LTA upgrades of those, in the workers", f"{waited:.0f} s", "",
                         "waited for before the lookups"))  # fmt: skip
            rows.append(("RSS per server worker, after the upgrades", _rss(server), "",
                         f"aim ≤ {RSS_AIM_MB:.0f} MB; {_shared(server)}"))  # fmt: skip
            some = _ids(data_dir, ids)
            json_run = _run(server, [f"/v1/verify/{i}" for i in some], seconds, connections,
                            Path(tmp))  # fmt: skip
            rows.append(_row(f"GET /v1/verify/{{id}}, 2 workers, {len(some)} ids", json_run,
                             JSON_AIM))  # fmt: skip
            page_run = _run(server, [f"/v/{i}" for i in some], seconds, connections, Path(tmp))
            rows.append(_row("GET /v/{id} (page, kk), 2 workers", page_run, PAGE_AIM))
            rows.append(("RSS per server worker, after the lookups", _rss(server), "",
                         f"aim ≤ {RSS_AIM_MB:.0f} MB; {_shared(server)}"))  # fmt: skip
            rows.append(_upload(server))
        finally:
            server.stop()
    rows.append(("load average at end", _load_avg(), "", "1, 5, 15 min"))
    return rows


def _upload(server: Server) -> Row:
    """``POST /v1/verify`` of an issued certificate, one client, after a warm-up."""
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
    conn.request("POST", "/v1/documents", body=issue_body(),
                 headers={"Authorization": f"Bearer {server.key}",
                          "Content-Type": "application/json"})  # fmt: skip
    import json

    doc = json.loads(conn.getresponse().read())
    conn.request("GET", doc["links"]["pdf"], headers={"Authorization": f"Bearer {server.key}"})
    pdf = conn.getresponse().read()
    times = []
    for i in range(21):
        started = time.perf_counter()
        conn.request("POST", "/v1/verify", body=pdf, headers={"Content-Type": "application/pdf"})
        verdict = json.loads(conn.getresponse().read())["verdict"]
        if i:  # the first starts a validation worker
            times.append((time.perf_counter() - started) * 1000)
    return ("POST /v1/verify (certificate upload)", f"p50 {statistics.median(times):.1f} ms",
            f"{len(pdf)} bytes", f"verdict {verdict}, isolated worker")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--issue", type=int, default=1000, help="certificates issued first")
    parser.add_argument("--ids", type=int, default=200, help="documents looked up in turn")
    parser.add_argument("--seconds", type=int, default=10, help="seconds per load run")
    parser.add_argument("-c", type=int, default=16, help="keep-alive connections")
    args = parser.parse_args()
    rows = lookup_rows(max(20, args.issue), max(1, args.ids), max(1, args.seconds), args.c)
    width = max(len(r[0]) for r in rows)
    for label, value, detail, note in rows:
        print(f"{label:<{width}}  {value:>16}  {detail:<24}  {note}")


if __name__ == "__main__":
    main()
