"""HTTP throughput on loopback: issuance with 1 and 2 server workers, verification lookups.

Starts the real server (``qujat serve [--workers N]``) on a fresh data directory, loads it
from client processes on the same machine (stdlib ``http.client``, keep-alive: the cheapest
client Python has, since on 2 cores the load generator competes with the server), and reads
each worker's resident memory afterwards. Prints figures; asserts nothing.
"""

from __future__ import annotations

import http.client
import json
import multiprocessing
import os
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Load", "Server", "load", "rss_mb", "shared_mb", "start_server"]


@dataclass(frozen=True)
class Load:
    """What a load run measured."""

    requests: int
    per_second: float
    p50_ms: float
    p99_ms: float
    errors: int
    client_cpu_seconds: float
    """CPU time the load generator's processes spent on the run (every thread)."""


@dataclass
class Server:
    proc: subprocess.Popen[bytes]
    port: int
    key: str
    workers: int

    def worker_rss_mb(self) -> list[float]:
        """Resident memory of each process serving (the workers, or the single server)."""
        return rss_mb(self.proc.pid, self.workers > 1)

    def worker_shared_mb(self) -> list[float]:
        """Of that, the file pages shared with other processes (:func:`shared_mb`)."""
        return shared_mb(self.proc.pid, self.workers > 1)

    def cpu_seconds(self) -> float:
        """CPU time (user + system) the server's processes have used so far: the server and
        its live children (the workers, the resource tracker)."""
        return sum(_cpu_seconds(p) for p in [self.proc.pid, *_children(self.proc.pid)])

    def stop(self) -> None:
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(timeout=30)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(stat.parent.name))
        except (OSError, ValueError, IndexError):
            continue
    return found


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def _serving(pid: int, children: bool) -> list[int]:
    """``pid``, or its worker children (resource trackers left out)."""
    if not children:
        return [pid]
    return [p for p in _children(pid) if "resource_tracker" not in _cmdline(p)]


def rss_mb(pid: int, children: bool) -> list[float]:
    """VmRSS (MB) of ``pid``, or of its worker children (resource trackers left out)."""
    return [_rss_mb(p) for p in _serving(pid, children)]


def shared_mb(pid: int, children: bool) -> list[float]:
    """The share of each one's RSS (MB) that is file pages other processes map too (the
    libraries' code: Typst's alone is ≈ 24 MB once it has compiled), read from
    ``smaps_rollup``: counted in every worker's RSS, held in memory once."""
    return [_rollup_kb(p, "Shared_Clean") / 1024 for p in _serving(pid, children)]


def _rollup_kb(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    return 0


def _cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:  # gone since it was listed
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def start_server(data_dir: Path, workers: int, env_extra: dict[str, str] | None = None) -> Server:
    """``qujat serve`` with ``workers`` processes; returns once it answers."""
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("QUJAT_")}
    env.update(QUJAT_RATE_LIMIT_ENABLED="false", **(env_extra or {}))
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    log = data_dir.parent / f"server-{port}.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "api.cli", "serve", "--port", str(port),
             "--workers", str(workers), "--data-dir", str(data_dir)],
            stdout=out, stderr=subprocess.STDOUT, env=env, start_new_session=True,
        )  # fmt: skip
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                break
        except OSError:
            time.sleep(0.1)
    else:
        raise RuntimeError(f"server did not start: {log.read_text()[-2000:]}")
    key = (data_dir / "dev-api-key").read_text().strip()
    return Server(proc, port, key, workers)


def _client(
    port: int, method: str, paths: list[str], body: bytes | None, key: str, n: int, threads: int
) -> tuple[list[float], int, float, float, float]:
    times: list[float] = []
    errors = 0
    lock = threading.Lock()
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}

    def run(count: int, offset: int) -> None:
        nonlocal errors
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        mine, bad = [], 0
        for i in range(count):
            started = time.perf_counter()
            conn.request(method, paths[(offset + i) % len(paths)], body=body, headers=headers)
            response = conn.getresponse()
            response.read()
            mine.append((time.perf_counter() - started) * 1000)
            bad += response.status >= 300
        with lock:
            times.extend(mine)
            errors += bad

    per = [n // threads + (i < n % threads) for i in range(threads)]
    pool = [threading.Thread(target=run, args=(c, i * 7919)) for i, c in enumerate(per)]
    started, cpu = time.time(), time.process_time()
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    return times, errors, started, time.time(), time.process_time() - cpu


def load(
    server: Server,
    method: str,
    paths: list[str],
    body: bytes | None,
    total: int,
    processes: int = 2,
    threads: int = 8,
) -> Load:
    """``total`` requests from ``processes`` × ``threads`` keep-alive clients."""
    ctx = multiprocessing.get_context("spawn")
    per = [total // processes + (i < total % processes) for i in range(processes)]
    with ctx.Pool(processes) as pool:
        runs = pool.starmap(
            _client, [(server.port, method, paths, body, server.key, n, threads) for n in per]
        )
    times = sorted(t for run in runs for t in run[0])
    wall = max(r[3] for r in runs) - min(r[2] for r in runs)
    p99 = times[min(len(times) - 1, round(0.99 * len(times)) - 1)]
    return Load(
        requests=len(times),
        per_second=len(times) / wall,
        p50_ms=statistics.median(times),
        p99_ms=p99,
        errors=sum(r[1] for r in runs),
        client_cpu_seconds=sum(r[4] for r in runs),
    )


def issue_body(form: str = "qualification-certificate") -> bytes:
    from forms import get_form

    return json.dumps({"form": form, "lang": "kk", "data": dict(get_form(form).example)}).encode()
