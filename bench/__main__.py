"""Benchmarks that print figures (not timed tests). Run with ``make bench`` (``python -m bench``).

Everything is measured in one run, so the ratios hold on a noisy machine:

1. one core (pinned): each stage of the hot path, the registry write, the HTTP layer of an
   issuance (bench/http_layer.py), then validate → render → sign → store per form through the
   service layer, a protocol's nine countersignatures (bench/countersign.py), median and p95;
2. HTTP on loopback: issuance with 1 and 2 server workers (certificates/s, and the CPU each
   issuance cost the server's processes and the load generator), then
   bench/verify_load.py: ``GET /v1/verify/{id}`` and the page ``/v/{id}`` with 2 workers
   (requests/s, p99), an upload check, RSS per worker idle and after load;
3. a batch of ``--batch-size`` certificates (local pool, or procrastinate with
   ``--database-url``), wall time;
4. the same certificate through LibreOffice (DOCX → soffice) and WeasyPrint (HTML), each
   signed the same way, one core, and the ratios.

``--profile`` prints where the time of one issuance goes (cProfile, cumulative).
``--only`` picks sections: ``stages,forms,countersign,validate,http,batch,alternatives``.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import platform
import pstats
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from api import Settings
from api.services import Services, build_services
from bench.throughput import Load
from forms import all_forms, get_form
from generator import DocumentMeta
from registry import new_id
from signing import certify
from verify import validate_pdf
from workflow import Actor, IssueRequest, issue_document

FORM = "qualification-certificate"
SECTIONS = ("stages", "forms", "countersign", "validate", "http", "batch", "alternatives")

Row = tuple[str, str, str, str]


def measure(n: int, fn: Callable[[int], object]) -> tuple[float, float]:
    """Median and p95 (ms) of ``n`` calls after one warm-up."""
    fn(-1)
    times = []
    for i in range(n):
        t = time.perf_counter()
        fn(i)
        times.append((time.perf_counter() - t) * 1000)
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, round(0.95 * len(times)) - 1)]


def ms(label: str, figures: tuple[float, float], note: str = "") -> Row:
    return label, f"{figures[0]:.2f} ms", f"{figures[1]:.2f} ms", note


def cpu_reference() -> float:
    """Milliseconds for a fixed piece of pure-Python work (best of 5): the same on every run
    of one machine, so it says how fast this machine was while the figures were taken, and
    lets a reader compare runs made on different ones."""

    def work() -> float:
        start, total = time.perf_counter(), 0
        for i in range(1_000_000):
            total += i ^ (i >> 3)
        return (time.perf_counter() - start) * 1000

    return min(work() for _ in range(5))


def _pin(one_core: bool) -> None:
    if not hasattr(os, "sched_setaffinity"):
        return
    cores = set(range(os.cpu_count() or 1))
    os.sched_setaffinity(0, {min(cores)} if one_core else cores)


def _services(tmp: str) -> Services:
    # protocols are measured as the issuer certifies them (render, certify with their empty
    # signature fields, store); the members' countersignatures are bench/countersign.py's
    settings = Settings(
        data_dir=Path(tmp), public_base_url="https://qujat.kz", protocol_signers="optional"
    )
    return build_services(settings)


def stages(services: Services, n: int) -> list[Row]:
    """The hot path stage by stage (bench/stages.py), ECDSA then GOST 2015, and the rest."""
    from bench.stages import gost_services, hot_path, parts, upgrades

    spec = get_form(FORM)
    example = dict(spec.example)
    case = spec.validate(example)
    meta = DocumentMeta(new_id(), "https://qujat.kz/v/x", "Bench", case.issue_date)
    signed = certify(services.renderer.render(spec, "kk", case, meta), services.issuer)
    rows = hot_path(services, n, "ECDSA P-256", 7.0)
    rows += parts(services, n)
    rows += upgrades(services, max(20, n // 4))
    with tempfile.TemporaryDirectory() as tmp:
        gost = gost_services(Path(tmp))
        try:
            rows += hot_path(gost, max(20, n // 2), "GOST 2015 (NCA test key)", 10.0)
        finally:
            gost.registry.close()
    roots = services.trust_roots
    rows.append(ms("validate signed PDF (pyHanko)",
                   measure(max(20, n // 4), lambda i: validate_pdf(signed, roots))))  # fmt: skip
    from fastapi.testclient import TestClient

    from api import create_app

    _, secret = services.registry.create_api_key("Bench HTTP", {"issue"})
    client = TestClient(create_app(services=services))
    body = {"form": FORM, "lang": "kk", "data": example}
    headers = {"Authorization": f"Bearer {secret}"}
    rows.append(ms("issue end-to-end (HTTP, in-process)", measure(
        n, lambda i: client.post("/v1/documents", json=body, headers=headers))))  # fmt: skip
    some_id = client.post("/v1/documents", json=body, headers=headers).json()["id"]
    rows.append(ms("GET /v1/verify/{id} (in-process)",
                   measure(n, lambda i: client.get(f"/v1/verify/{some_id}"))))  # fmt: skip
    return rows


def per_form(services: Services, n: int) -> list[Row]:
    """validate → render → sign → store, each form with its example case (kk)."""
    key, _ = services.registry.create_api_key("Bench forms", {"issue"})
    ctx, actor = services.context, Actor.of(key)
    rows = []
    for spec in all_forms():
        if spec.example is None or spec.id.startswith("application"):
            continue
        example = dict(spec.example)
        try:
            issue_document(services.context, Actor.of(key), IssueRequest(spec.id, "kk", example))
        except Exception as exc:  # a form needing a protocol first: say so, go on
            rows.append((f"  {spec.id}", "-", "-", f"skipped: {type(exc).__name__}"))
            continue
        request = IssueRequest(spec.id, "kk", example)
        figures = measure(n, lambda i, r=request: issue_document(ctx, actor, r))  # type: ignore[misc]
        rows.append(ms(f"  {spec.id}", figures))
    return rows


def http(requests: int, seconds: int) -> list[Row]:
    """Issuance over HTTP with 1 and 2 workers, then bench/verify_load.py's lookups, page,
    upload and worker memory (``wrk`` as the load generator where it is installed)."""
    from bench.throughput import issue_body, load, start_server
    from bench.verify_load import lookup_rows

    rows: list[Row] = []
    body = issue_body(FORM)
    for workers in (1, 2):
        with tempfile.TemporaryDirectory() as tmp:
            server = start_server(Path(tmp) / "data", workers)
            try:
                load(server, "POST", ["/v1/documents"], body, 40)  # warm every worker
                cpu = server.cpu_seconds()
                issued = load(server, "POST", ["/v1/documents"], body, requests)
                cpu = server.cpu_seconds() - cpu
                aim = "aim ≥ 200 cert/s, p99 ≤ 60 ms; " if workers == 2 else ""
                rows.append((
                    f"POST /v1/documents, {workers} worker(s)",
                    f"{issued.per_second:.0f} cert/s",
                    f"p99 {issued.p99_ms:.0f} ms",
                    f"{aim}{issued.requests} requests, 16 clients, {issued.errors} errors",
                ))  # fmt: skip
                rows.append(_cpu_row(cpu, issued))
            finally:
                server.stop()
    return rows + lookup_rows(seconds=seconds)


def _cpu_row(server_seconds: float, run: Load) -> Row:
    """CPU per issuance of the server's processes (background threads included) and of the
    load generator, and the rate the machine's cores would allow at that cost."""
    server = server_seconds / run.requests * 1000
    client = run.client_cpu_seconds / run.requests * 1000
    ceiling = (os.cpu_count() or 1) * 1000 / (server + client)
    return (
        "  CPU per issuance: server / load generator",
        f"{server:.1f} / {client:.1f} ms",
        "",
        f"all cores busy at that cost: ≤ {ceiling:.0f} cert/s",
    )


def batch(size: int, workers: int, database_url: str | None) -> list[Row]:
    from bench.batch import run_batch

    run = run_batch(size, workers, database_url)
    return [
        (
            f"batch of {run.size} certificates ({run.engine}, {run.workers} processes)",
            f"{run.wall_seconds:.1f} s",
            f"{run.size / run.wall_seconds:.0f} cert/s",
            ("aim ≤ 50 s for 10,000; " if run.size == 10_000 else "")
            + f"{run.issued} issued, {run.failed} failed",
        ),
        (
            "RSS per batch worker",
            " / ".join(f"{m:.0f}" for m in run.worker_rss_mb) + " MB",
            "",
            "at the end",
        ),
    ]


def alternatives(services: Services, n_ours: int, n_others: int) -> list[Row]:
    from bench.alternatives import compare

    runs = compare(services.renderer, services.issuer, n_ours, n_others)
    ours = runs[0].median_ms
    aims = {1: 150, 2: 12}  # issue 17: LibreOffice, WeasyPrint
    return [
        (
            r.name,
            f"{r.median_ms:.1f} ms",
            f"{r.p95_ms:.1f} ms",
            ("1×" if i == 0 else f"{r.median_ms / ours:.0f}× slower (aim ≥ {aims.get(i, 0)}×)")
            + f", n={r.n} {r.note}",
        )
        for i, r in enumerate(runs)
    ]


def profile(services: Services, n: int) -> str:
    key, _ = services.registry.create_api_key("Bench profile", {"issue"})
    example = dict(get_form(FORM).example)
    issue_document(services.context, Actor.of(key), IssueRequest(FORM, "kk", example))
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(n):
        issue_document(services.context, Actor.of(key), IssueRequest(FORM, "kk", example))
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("cumulative").print_stats(30)
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-n", type=int, default=200, help="documents per one-core stage")
    parser.add_argument("--per-form", type=int, default=30, help="documents per form")
    parser.add_argument("--requests", type=int, default=1000, help="HTTP issuances per run")
    parser.add_argument("--lookup-seconds", type=int, default=10, help="seconds of each lookup run")
    parser.add_argument("--batch-size", type=int, default=10_000)
    parser.add_argument("--batch-workers", type=int, default=2)
    parser.add_argument("--database-url", help="PostgreSQL for the batch (procrastinate)")
    parser.add_argument("--alt-n", type=int, default=10, help="LibreOffice/WeasyPrint runs")
    parser.add_argument("--only", default=",".join(SECTIONS))
    parser.add_argument("--profile", action="store_true", help="cProfile of the hot path only")
    args = parser.parse_args()
    only = set(args.only.split(","))

    table: list[tuple[str, list[Row]]] = []
    speed_before = cpu_reference()
    with tempfile.TemporaryDirectory() as tmp:
        services = _services(tmp)
        _pin(one_core=True)
        if args.profile:
            print(profile(services, args.n))
            return
        if "stages" in only:
            table.append(("One core: stages of the hot path (certificate, kk)",
                          stages(services, args.n)))  # fmt: skip
            from bench.store import store_stages

            table.append(("One core: the registry write", store_stages(services, args.n)))
            from bench.http_layer import http_layer

            table.append(("One core: the HTTP layer of an issuance", http_layer(services, args.n)))
        if "forms" in only:
            table.append(("One core: validate → render → sign → store, per form (kk)",
                          per_form(services, args.per_form)))  # fmt: skip
        if "countersign" in only:
            from bench.countersign import countersign_rows

            table.append(("One core: countersignatures (bench/countersign.py)",
                          countersign_rows(rounds=8)))  # fmt: skip
        if "validate" in only:
            from bench.validate import table_rows

            table.append(("One core: validating a protocol with ten signatures",
                          table_rows(max(10, args.per_form))))  # fmt: skip
        if "alternatives" in only:
            table.append(("One core: the same certificate, other pipelines, signed alike",
                          alternatives(services, args.n, args.alt_n)))  # fmt: skip
        services.registry.close()
        _pin(one_core=False)
    if "http" in only:
        table.append(("HTTP on loopback (2 client processes × 8 threads, same machine)",
                      http(args.requests, args.lookup_seconds)))  # fmt: skip
    if "batch" in only:
        table.append(("Batch", batch(args.batch_size, args.batch_workers, args.database_url)))

    cpus = os.cpu_count()
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"\nQujat benchmarks — {platform.machine()}, {cpus} cores, Python "
          f"{platform.python_version()}, {platform.platform()}, load average {load}")  # fmt: skip
    print(f"CPU reference (1 M iterations of a Python loop, best of 5): {speed_before:.1f} ms "
          f"before the figures, {cpu_reference():.1f} ms after\n")  # fmt: skip
    for title, rows in table:
        print(f"## {title}")
        print(f"{'':58} {'median / rate':>16} {'p95 / p99':>14}  note")
        for label, a, b, note in rows:
            print(f"{label:58} {a:>16} {b:>14}  {note}")
        print()


if __name__ == "__main__":
    main()
