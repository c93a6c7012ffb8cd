"""Where the time of one issuance goes, stage by stage, each figure beside its aim (issue 17).

Two views, both on one core:

* the hot path as the service runs it (``workflow.issue_document``), with each stage timed
  in place by wrapping the functions it calls: validate (``check_new``), render
  (``Renderer.render``), sign (certification with the inline B-T timestamp,
  ``sign_timestamped``), store (``Registry.register`` and the revision row,
  ``record_signed``, as a whole), and the rest (status index, token, webhook outbox);
* the parts of render and sign measured alone, render's on the metas real issuances built
  (the QR's payload with its offline token, the embedded rulebook): the QR drawing, Typst's
  compile, the signature's crypto (SHA-256 over the file and the raw signature), the PDF
  writer (the certification without a timestamp less its crypto) and the timestamp token.

Every figure is a median of wall time; the note gives the median CPU time of the process
too (``time.process_time``), which a loaded machine inflates less. The aims are the issue's
table (end to end) and its physical floors (Typst ≈ 3.3 ms, ECDSA ≈ 0.05 ms, SHA-256 over
60 KB ≈ 0.03 ms, a SQLite transaction well under 1 ms).
"""

from __future__ import annotations

import asyncio
import hashlib
import shutil
import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import workflow.documents as documents
from api import Settings
from api.services import Services, build_services
from forms import get_form
from generator import DocumentMeta, Renderer
from generator.qr import qr_png
from signing import certify
from signing.keystore import passphrase_path
from workflow import Actor, IssueRequest, issue_document
from workflow.ltv import upgrade_pending

__all__ = ["GOST_MOMENT", "gost_services", "hot_path", "parts", "upgrades"]

FORM = "qualification-certificate"
Row = tuple[str, str, str, str]

PACK = Path(__file__).resolve().parents[1] / "tests" / "data" / "nca-test"
GOST_MOMENT = datetime(2022, 10, 1, 10, 0, tzinfo=UTC)
"""Inside the NCA test pack's certificate windows (its keys expired in 2023)."""


@dataclass
class _Samples:
    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)

    def add(self, wall: float, cpu: float) -> None:
        self.wall.append(wall * 1000)
        self.cpu.append(cpu * 1000)

    def row(self, label: str, aim: str) -> Row:
        wall = sorted(self.wall)
        p95 = wall[min(len(wall) - 1, round(0.95 * len(wall)) - 1)]
        cpu = statistics.median(self.cpu)
        median = statistics.median(wall)
        return label, f"{median:.2f} ms", f"{p95:.2f} ms", f"{aim}; cpu {cpu:.2f} ms"


def _time(n: int, fn: Callable[[int], object]) -> _Samples:
    fn(-1)  # warm
    samples = _Samples()
    for i in range(n):
        wall, cpu = time.perf_counter(), time.process_time()
        fn(i)
        samples.add(time.perf_counter() - wall, time.process_time() - cpu)
    return samples


class _InPlace:
    """Times the functions the hot path calls, per call, while it runs."""

    def __init__(self) -> None:
        self.stages: dict[str, _Samples] = {}
        self._undo: list[Callable[[], None]] = []

    def wrap(self, owner: Any, name: str, stage: str) -> None:
        original = getattr(owner, name, None)
        if original is None:  # renamed elsewhere: that stage is then left in "the rest"
            return
        samples = self.stages.setdefault(stage, _Samples())

        def timed(*args: Any, **kwargs: Any) -> Any:
            wall, cpu = time.perf_counter(), time.process_time()
            try:
                return original(*args, **kwargs)
            finally:
                samples.add(time.perf_counter() - wall, time.process_time() - cpu)

        setattr(owner, name, timed)
        had_own = name in vars(owner)
        self._undo.append(
            (lambda: setattr(owner, name, original)) if had_own else (lambda: delattr(owner, name))
        )

    def undo(self) -> None:
        for step in reversed(self._undo):
            step()
        self._undo.clear()

    def reset(self) -> None:
        for samples in self.stages.values():
            samples.wall.clear()
            samples.cpu.clear()


@contextmanager
def _wrapped(services: Services) -> Iterator[_InPlace]:
    timer = _InPlace()
    timer.wrap(documents, "check_new", "validate")
    timer.wrap(services.renderer, "render", "render")
    timer.wrap(documents, "sign_timestamped", "sign")
    timer.wrap(services.registry, "register", "store")
    timer.wrap(documents, "record_signed", "store")
    try:
        yield timer
    finally:
        timer.undo()


def _per_issuance(samples: _Samples, calls: int) -> _Samples:
    """Sum the calls of one stage per issuance (store is two calls)."""
    per = max(1, len(samples.wall) // calls)
    out = _Samples()
    for i in range(0, per * calls, per):
        out.wall.append(sum(samples.wall[i : i + per]))
        out.cpu.append(sum(samples.cpu[i : i + per]))
    return out


def hot_path(services: Services, n: int, key_label: str, aim_ms: float) -> list[Row]:
    """validate → render → sign → store through the service, with its stages timed in place."""
    key, _ = services.registry.create_api_key(f"Bench {key_label}", {"issue"})
    ctx, actor = services.context, Actor.of(key)
    example = dict(get_form(FORM).example)
    with _wrapped(services) as timer:
        issue_document(ctx, actor, IssueRequest(FORM, "kk", example))  # warm
        timer.reset()
        total = _time(n, lambda i: issue_document(ctx, actor, IssueRequest(FORM, "kk", example)))
    total.wall, total.cpu = total.wall[:n], total.cpu[:n]
    stages = {name: _per_issuance(s, n) for name, s in timer.stages.items() if s.wall}
    rest = _Samples()
    for i in range(n):
        rest.wall.append(total.wall[i] - sum(s.wall[i] for s in stages.values()))
        rest.cpu.append(total.cpu[i] - sum(s.cpu[i] for s in stages.values()))
    floors = {
        "validate": "floor ≈ 0.1 ms",
        "render": "floor ≈ 3.3 ms (Typst)",
        "sign": "floor ≈ 0.1 ms + the TSA",
        "store": "floor < 1 ms (one SQLite transaction)",
    }
    rows = [stages[name].row(f"  {name}", floors[name]) for name in floors if name in stages]
    rows.append(rest.row("  the rest (status index, token, outbox…)", "—"))
    rows.append(total.row(f"total, {key_label} issuer key", f"aim ≤ {aim_ms:g} ms"))
    return rows


def parts(services: Services, n: int) -> list[Row]:
    """The parts of render and sign, each alone."""
    spec = get_form(FORM)
    renderer, issuer, tsa = services.renderer, services.issuer, services.timestamper
    case, metas = _issued_metas(services, n + 1)
    template = spec.template("kk")
    inputs = [renderer.inputs(spec, "kk", case, m) for m in metas]
    pdf = renderer.compile(template, inputs[0], case.issue_date)
    counted = Renderer(guess_pages=False)  # lays the page counter out: two passes
    assert counted.compile(template, inputs[0], case.issue_date) == pdf
    signer: Any = issuer.signer  # sign_raw: pyHanko's SimpleSigner API
    rows = [
        _time(n, lambda i: qr_png(metas[i].qr_payload or "")).row(
            "  render: QR (zint → PNG)", "≈ 1 ms"
        ),
        _time(n, lambda i: renderer.inputs(spec, "kk", case, metas[i])).row(
            "  render: inputs (QR + case JSON)", "—"
        ),
        _time(n, lambda i: renderer.compile(template, inputs[i], case.issue_date)).row(
            "  render: Typst compile (PDF/A-3b)", "floor ≈ 3.3 ms"
        ),
        _time(n, lambda i: counted.compile(template, inputs[i], case.issue_date)).row(
            "  render: the same with the page counter", "the one-page guess saves the gap"
        ),
        _time(n, lambda i: signer.sign_raw(hashlib.sha256(pdf).digest(), "sha256")).row(
            "  sign: crypto (SHA-256 of the file + signature)", "floor ≈ 0.08 ms"
        ),
        _time(n, lambda i: certify(pdf, issuer)).row(
            "  sign: certification, no timestamp (writer + CMS + crypto)", "—"
        ),
    ]
    if tsa is not None:
        imprint = hashlib.sha256(b"bench").digest()
        rows.append(
            _time(n, lambda i: asyncio.run(tsa.async_timestamp(imprint, "sha256"))).row(
                f"  sign: one timestamp token ({type(tsa).__name__})", "—"
            )
        )
        rows.append(
            _time(n, lambda i: certify(pdf, issuer, timestamper=tsa)).row(
                "  sign: certification with the B-T timestamp", "—"
            )
        )
    rows.append(("  PDF size unsigned / signed", f"{len(pdf)} B",
                 f"{len(certify(pdf, issuer, timestamper=tsa))} B", ""))  # fmt: skip
    return rows


def _issued_metas(services: Services, n: int) -> tuple[Any, list[DocumentMeta]]:
    """The case and the metas of ``n`` issuances, as the service hands them to the renderer:
    the QR's payload with its offline token and the embedded rulebook, so the parts below
    render what the hot path renders (a shorter stand-in payload drew a smaller QR)."""
    key, _ = services.registry.create_api_key("Bench parts", {"issue"})
    seen: list[tuple[Any, DocumentMeta]] = []
    original = services.renderer.render

    def render(spec: Any, lang: str, case: Any, meta: DocumentMeta) -> bytes:
        seen.append((case, meta))
        return original(spec, lang, case, meta)

    services.renderer.render = render  # type: ignore[method-assign]
    try:
        for _ in range(n):
            request = IssueRequest(FORM, "kk", dict(get_form(FORM).example))
            issue_document(services.context, Actor.of(key), request)
    finally:
        del services.renderer.render
    return seen[0][0], [meta for _, meta in seen]


def upgrades(services: Services, n: int) -> list[Row]:
    """The upgrader's step for ``n`` documents the hot path stored at B-T, one pass of
    ``upgrade_pending`` each: the DSS, the document timestamp, its DSS, the new revision.
    It runs after the issuance, off its path, but every document costs it once."""
    samples = _Samples()
    for _ in range(n):
        wall, cpu = time.perf_counter(), time.process_time()
        if upgrade_pending(services.context, limit=1).upgraded != 1:
            break  # none left at B-T
        samples.add(time.perf_counter() - wall, time.process_time() - cpu)
    if not samples.wall:
        return [("B-T → B-LTA upgrade, per document", "-", "-", "no document left to upgrade")]
    return [samples.row("B-T → B-LTA upgrade, per document (the upgrader's)", "off the hot path")]


def gost_services(tmp: Path) -> Services:
    """Services whose issuer key is the NCA test pack's GOST 2015 individual key, with the
    clock inside its certificate's window (the rulebook period lies after it: issue anyway)."""
    p12 = tmp / "individual_gost2015.p12"
    shutil.copy(PACK / "keys" / "individual_gost2015.p12", p12)
    passphrase_path(p12).write_bytes(b"Aa123456\n")
    settings = Settings(
        data_dir=tmp,
        public_base_url="https://qujat.kz",
        issuer_p12=p12,
        issuer_passphrase_file=passphrase_path(p12),
        pki_profile="nca-test",
        rulebook_outside_period="issue",
        protocol_signers="optional",
    )
    return build_services(settings, clock=lambda: GOST_MOMENT)
