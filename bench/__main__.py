"""Benchmarks that print figures (not timed tests). Run with ``make bench``.

Pinned to one core. Each stage of the hot path is timed separately over N documents,
then the whole issuance (validate → render → sign → store) through the service layer and
through HTTP (in-process ASGI client), so the figures add up and show where time goes.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from api import Settings
from api.issuing import IssueRequest, issue_document
from api.services import build_services
from forms import get_form
from generator import DocumentMeta
from registry import new_id
from signing import certify
from verify import validate_pdf

FORM = "qualification-certificate"


def measure(label: str, n: int, fn: Callable[[int], object]) -> tuple[str, float, float]:
    fn(-1)  # warm
    times = []
    for i in range(n):
        t = time.perf_counter()
        fn(i)
        times.append((time.perf_counter() - t) * 1000)
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * len(times)) - 1)]
    return label, statistics.median(times), p95


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-n", type=int, default=300, help="documents per measurement")
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})

    with tempfile.TemporaryDirectory() as tmp:
        services = build_services(Settings(data_dir=Path(tmp), public_base_url="https://qujat.kz"))
        key, _ = services.registry.create_api_key("Bench", {"issue"})
        spec = get_form(FORM)
        example = dict(spec.example)
        case = spec.validate(example)
        metas = [
            DocumentMeta(new_id(), f"https://qujat.kz/v/{i}", "Bench", case.issue_date)
            for i in range(args.n + 1)
        ]
        pdf = services.renderer.render(spec, "kk", case, metas[0])
        signed = certify(pdf, services.issuer)

        rows = [
            measure("validate (pydantic + rules)", args.n, lambda i: spec.validate(example)),
            measure("render (Typst, QR)", args.n,
                    lambda i: services.renderer.render(spec, "kk", case, metas[i])),
            measure("sign (PAdES certification)", args.n,
                    lambda i: certify(pdf, services.issuer)),
            measure("issue end-to-end (service)", args.n,
                    lambda i: issue_document(services, key, IssueRequest(FORM, "kk", example))),
            measure("validate signed PDF (pyHanko)", max(50, args.n // 4),
                    lambda i: validate_pdf(signed, services.trust_roots)),
        ]  # fmt: skip

        from fastapi.testclient import TestClient

        from api import create_app

        _, secret = services.registry.create_api_key("Bench HTTP", {"issue"})
        client = TestClient(create_app(services=services))
        body = {"form": FORM, "lang": "kk", "data": example}
        headers = {"Authorization": f"Bearer {secret}"}
        rows.append(
            measure("issue end-to-end (HTTP, in-process)", args.n,
                    lambda i: client.post("/v1/documents", json=body, headers=headers))
        )  # fmt: skip
        some_id = client.post("/v1/documents", json=body, headers=headers).json()["id"]
        rows.append(
            measure("verify lookup GET /v1/verify/{id}", args.n,
                    lambda i: client.get(f"/v1/verify/{some_id}"))
        )  # fmt: skip

    print(f"\nQujat benchmarks — {args.n} documents each, one core, {FORM}\n")
    print(f"{'stage':40} {'median ms':>10} {'p95 ms':>10}")
    print("-" * 62)
    for label, median, p95 in rows:
        print(f"{label:40} {median:10.2f} {p95:10.2f}")
    print(f"\nPDF size: unsigned {len(pdf)} B, signed {len(signed)} B")


if __name__ == "__main__":
    main()
