"""Long-term validation costs: B-T and B-LT at issuance against a loopback TSA, and the
archive renewal rate over a registry of stored documents.

``python -m bench.ltv [--rounds N] [--documents N | --full]``. In a temp dir: the
development CA, issuer key and TSA; the TSA answers over HTTP on 127.0.0.1 (a real RFC 3161
round trip through pyHanko's ``HTTPTimeStamper``), revocation data is the dev CA's CRL.

* issuance, per document (median, p95): certification alone (B-B); with a signature
  timestamp (B-T); plus a DSS revision (B-LT); plus a document timestamp and its DSS (B-LTA);
* renewal: ``registry.renewal.renew_registry`` over ``--documents`` stored documents
  (1,000; ``--full`` for 10,000) on SQLite, with a margin wide enough that every document
  needs renewal; then a second run, where every document is current (decided from the
  registry), and a third that reads and decides every file (``recheck``).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from asn1crypto import tsp
from pyhanko.sign.timestamps import HTTPTimeStamper

from registry import NewDocument, Registry, new_id
from registry.renewal import RenewalCounts, renew_registry
from signing import DevPki, certify, ensure_dev_pki, load_pkcs12, read_passphrase
from signing.devtsa import DevTimeStamper, dev_validation_context, ensure_dev_tsa
from signing.ltv import RenewalPolicy, add_document_timestamp, add_validation_data, secure

SOURCE = """
#set page(paper: "a4")
#set text(font: "Liberation Serif", lang: "kk")
= Біліктілік санатын беру (растау) туралы куәлік
#for i in range(25) [ Жол #i: Қазақстан Республикасы Оқу-ағарту министрлігі. \\\\ ]
"""


def serve_tsa(responder: DevTimeStamper) -> tuple[ThreadingHTTPServer, str]:
    """An RFC 3161 endpoint on 127.0.0.1 answering with ``responder``."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            answer = responder.request_tsa_response(tsp.TimeStampReq.load(body)).dump()
            self.send_response(200)
            self.send_header("Content-Type", "application/timestamp-reply")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_port}/tsa"


def _stats(name: str, samples: list[float]) -> None:
    ms = sorted(s * 1000 for s in samples)
    p95 = ms[min(len(ms) - 1, round(0.95 * (len(ms) - 1)))]
    print(f"  {name:<44} median {statistics.median(ms):7.1f} ms   p95 {p95:7.1f} ms")


def _time(rounds: int, fn: Callable[[], object]) -> list[float]:
    fn()  # warm-up
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return samples


def issuance(pki: DevPki, pdf: bytes, url: str, rounds: int) -> bytes:
    """Per-document cost of each level; returns one B-LTA document."""
    issuer = load_pkcs12(pki.issuer_p12_path, read_passphrase(file=pki.issuer_passphrase_path))
    tsa = ensure_dev_tsa(pki)
    remote = HTTPTimeStamper(url)

    def b_t() -> bytes:
        return certify(pdf, issuer, timestamper=remote)

    def b_lt() -> bytes:
        return asyncio.run(add_validation_data(b_t(), dev_validation_context(pki, tsa)))

    def b_lta() -> bytes:
        signed = b_t()

        async def run() -> bytes:
            context = dev_validation_context(pki, tsa)
            out = await add_validation_data(signed, context)
            out = await add_document_timestamp(out, remote)
            return await add_validation_data(out, context)

        return asyncio.run(run())

    local = DevTimeStamper.load(pki, tsa)
    print(f"Issuance, {len(pdf)} byte PDF/A, ECDSA P-256 issuer, in-process ECDSA P-256 TSA:")
    _stats("B-B  certification", _time(rounds, lambda: certify(pdf, issuer)))
    _stats("B-T  + signature timestamp (one token)", _time(rounds, lambda: certify(
        pdf, issuer, timestamper=local)))  # fmt: skip
    _stats("B-LTA secure() after B-T (the upgrader's)", _time(rounds, lambda: asyncio.run(
        secure(certify(pdf, issuer, timestamper=local), local, dev_validation_context(pki, tsa))
    )))  # fmt: skip
    print("Same, the TSA over loopback HTTP (HTTPTimeStamper):")
    base = _time(rounds, lambda: certify(pdf, issuer))
    _stats("B-B  certification", base)
    _stats("B-T  + signature timestamp", _time(rounds, b_t))
    _stats("B-LT + DSS (certificates, CRL)", _time(rounds, b_lt))
    _stats("B-LTA + document timestamp + its DSS", _time(rounds, b_lta))
    return b_lta()


def throughput(folder: Path, count: int) -> None:
    """Issuance through the flow (validate, render, sign, store) on the embedded default:
    B-B (no TSA), B-T stored + upgraded in the background, B-LTA inline."""
    from api import Settings
    from api.services import build_services
    from forms import get_form
    from workflow import Actor
    from workflow.documents import IssueRequest, issue_document
    from workflow.ltv import upgrade_pending

    form = "qualification-certificate"
    data = dict(get_form(form).example)
    print(f"Issuance throughput, {count} documents each, one thread, SQLite:")
    for label, overrides in (
        ("B-B  (no TSA)", {"dev_tsa": False}),
        ("B-T  (background mode, stored)", {"ltv_mode": "background"}),
        ("B-LTA (inline mode)", {"ltv_mode": "inline"}),
    ):
        where = folder / label.split()[0].lower().replace("-", "")
        settings = Settings(data_dir=where, ltv_upgrader="worker", **overrides)
        services = build_services(settings)
        ctx, actor = services.context, Actor("Bench", "bench")
        issue_document(ctx, actor, IssueRequest(form, "kk", data))  # warm-up
        start = time.perf_counter()
        for _ in range(count):
            issue_document(ctx, actor, IssueRequest(form, "kk", data))
        took = time.perf_counter() - start
        print(f"  {label:<36} {count / took:6.1f} documents/s ({took / count * 1000:.1f} ms each)")
        if overrides.get("ltv_mode") == "background":
            start = time.perf_counter()
            done = upgrade_pending(ctx, limit=count + 1).upgraded
            took = time.perf_counter() - start
            print(f"  {'  then the upgrader, B-T -> B-LTA':<36} {done / took:6.1f} documents/s")
        services.registry.close()


def renewal(pki: DevPki, folder: Path, lta: bytes, url: str, documents: int) -> None:
    registry = Registry.open(f"sqlite:///{folder / 'registry.db'}", folder / "files")
    tsa = ensure_dev_tsa(pki)
    try:
        for _ in range(documents):
            registry.register(
                NewDocument(
                    id=new_id(),
                    form="qualification-certificate",
                    lang="kk",
                    status="issued",
                    case_data={},
                    summary={},
                    signatures=[],
                    holder_name=None,
                    valid_until=None,
                    organisation="Bench",
                    api_key_id=None,
                ),
                lta,
            )
        policy = RenewalPolicy(margin=timedelta(days=365 * 5))  # every document is due

        def run(policy: RenewalPolicy | None, recheck: bool = False) -> tuple[RenewalCounts, float]:
            start = time.perf_counter()
            counts = renew_registry(
                registry, HTTPTimeStamper(url), lambda: dev_validation_context(pki, tsa),
                policy=policy, recheck=recheck,
            )  # fmt: skip
            return counts, time.perf_counter() - start

        print(f"Renewal over {documents} stored documents (SQLite, loopback TSA):")
        counts, took = run(policy)
        print(f"  renewed {counts.renewed}, failed {counts.failed}: {took:.1f} s, "
              f"{counts.renewed / took:.1f} documents/s")  # fmt: skip
        counts, took = run(None)
        print(f"  second run, all current ({counts.current}), from the registry: {took:.1f} s, "
              f"{counts.seen / took:.0f} documents/s")  # fmt: skip
        counts, took = run(None, recheck=True)
        print(f"  third run, every file read and decided ({counts.current}): {took:.1f} s, "
              f"{counts.seen / took:.0f} documents/s")  # fmt: skip
    finally:
        registry.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--documents", type=int, default=1000)
    parser.add_argument("--full", action="store_true", help="10,000 documents")
    args = parser.parse_args()
    import typst

    fonts = [str(Path(__file__).resolve().parents[1] / "generator" / "fonts")]
    compiler = typst.Compiler(SOURCE.encode(), font_paths=fonts, ignore_system_fonts=True)  # type: ignore[misc]
    pdf = compiler.compile(pdf_standards="a-3b")
    assert isinstance(pdf, bytes)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        pki = ensure_dev_pki(folder / "keys", "Bench issuer")
        server, url = serve_tsa(DevTimeStamper.load(pki, ensure_dev_tsa(pki)))
        try:
            throughput(folder, args.rounds * 3)
            lta = issuance(pki, pdf, url, args.rounds)
            renewal(pki, folder, lta, url, 10_000 if args.full else args.documents)
        finally:
            server.shutdown()


if __name__ == "__main__":
    main()
