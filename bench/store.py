"""Where the registry write of one issuance goes: each part timed on its own, one core.

The parts, in the order :func:`workflow.documents.issue_document` runs them: the
Idempotency-Key replay lookup, the status index pick, the offline token, the lookup
columns, the file write (temporary name, fsync, rename), then the one transaction — the
document row, revision 1 and the webhook outbox row, the audit append (the chain's head
updated), the commit — and the whole :meth:`registry.Registry.register` call. Last, the
same registrations grouped (:meth:`registry.Registry.register_many`, what a batch chunk
does), per document. Prints figures; asserts nothing.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from sqlalchemy.orm import Session

from api.services import Services
from forms import get_form
from generator import DocumentMeta
from registry import NewDocument, new_id
from registry.audit import AuditEntry, append
from registry.group_commit import document_row
from registry.inserts import insert_rows
from registry.renewal import issued_revision_row
from signing import certify
from signing.tokens import TokenClaims, issue_token
from workflow import Actor, IssueRequest
from workflow.lookup import lookup_columns

__all__ = ["store_stages"]

FORM = "qualification-certificate"
Row = tuple[str, str, str, str]


def _times(n: int, fn: Callable[[int], object]) -> list[float]:
    fn(-1)
    out = []
    for i in range(n):
        t = time.perf_counter()
        fn(i)
        out.append((time.perf_counter() - t) * 1000)
    return out


def _row(label: str, times: list[float], note: str = "") -> Row:
    times = sorted(times)
    p95 = times[min(len(times) - 1, round(0.95 * len(times)) - 1)]
    return label, f"{statistics.median(times):.2f} ms", f"{p95:.2f} ms", note


def store_stages(services: Services, n: int) -> list[Row]:
    """The registry write's parts, median and p95 (ms) over ``n`` documents each."""
    ctx, registry = services.context, services.registry
    key, _ = registry.create_api_key("Bench store", {"issue"})
    actor = Actor.of(key)
    spec = get_form(FORM)
    case = spec.validate(dict(spec.example))
    summary = spec.summary(case)
    pdf = services.renderer.render(spec, "kk", case, _meta(services, case))
    signed = certify(pdf, services.issuer)

    columns: dict[str, Any] = lookup_columns(ctx, summary)
    picked: set[int] = set()

    def fresh_index() -> int:
        # documents made ahead of their registration: a pick is free in the registry, not
        # yet among the other picks (issuance itself retries a taken index)
        while (index := registry.pick_status_index()) in picked:
            pass
        picked.add(index)
        return index

    def new_doc(i: int) -> tuple[NewDocument, bytes]:
        # each document its own bytes (the file store keeps one file per content)
        body = signed + f"\n%{new_id()}\n".encode()
        doc = NewDocument(
            id=new_id(), form=FORM, lang="kk", status="issued",
            case_data=case.model_dump(mode="json"), summary=summary, signatures=[],
            holder_name=spec.holder_name(case), valid_until=spec.valid_until(case),
            organisation=actor.organisation, api_key_id=actor.key_id, protocol_id=None,
            idempotency_key=None, request_sha256=None,
            status_index=fresh_index(), **columns,
        )  # fmt: skip
        return doc, body

    claims = TokenClaims(
        doc_id=new_id(), form=FORM, holder_name="A", category=None, valid_until=None,
        issued_on=case.issue_date, status_index=4242,
    )  # fmt: skip
    request = IssueRequest(FORM, "kk", dict(spec.example), idempotency_key="bench-none")
    rows = [
        _row("  replay lookup (Idempotency-Key)",
             _times(n, lambda i: registry.by_idempotency_key(actor.organisation, "x"))),
        _row("  status index pick (random, unique)",
             _times(n, lambda i: registry.pick_status_index())),
        _row("  offline token (COSE)", _times(n, lambda i: issue_token(claims, ctx.token_key))),
        _row("  lookup columns (HMAC of the IIN)",
             _times(n, lambda i: lookup_columns(ctx, summary))),
        _row("  request fingerprint", _times(n, lambda i: request.fingerprint())),
        _row("  file write + fsync + rename",
             _times(n, lambda i: registry.files.put(signed + f"\n%{new_id()}\n".encode()))),
    ]  # fmt: skip
    rows += _transaction_parts(services, n, new_doc)
    docs = [new_doc(i) for i in range(n + 1)]
    whole = _times(n, lambda i: registry.register(*_with_rows(services, *docs[i])))
    rows.append(_row("  register(): file + one transaction, whole", whole))
    group = 25
    grouped = [new_doc(i) for i in range(n + group)]
    per_doc: list[float] = []
    for start in range(0, n, group):
        part = [_with_rows(services, *d) for d in grouped[start : start + group]]
        t = time.perf_counter()
        registry.register_many(part)
        per_doc.append((time.perf_counter() - t) * 1000 / len(part))
    rows.append(_row(f"  register_many(): {group} per transaction, per document", per_doc,
                     "a batch chunk's group commit"))  # fmt: skip
    rows.append(_concurrent(services, [new_doc(i) for i in range(4 * n)]))
    return rows


def _concurrent(services: Services, docs: list[tuple[NewDocument, bytes]]) -> Row:
    """16 threads registering at once (an HTTP worker's thread pool): wall time per
    document, and how many documents a transaction carried (group commit)."""
    from concurrent.futures import ThreadPoolExecutor

    registry = services.registry
    before = registry._group.transactions
    started = time.perf_counter()
    with ThreadPoolExecutor(16) as pool:
        list(pool.map(lambda d: registry.register(*_with_rows(services, *d)), docs))
    wall = (time.perf_counter() - started) * 1000 / len(docs)
    per = len(docs) / max(1, registry._group.transactions - before)
    note = f"{per:.1f} documents per transaction"
    return "  register(), 16 threads at once, per document", f"{wall:.2f} ms", "", note


def _meta(services: Services, case: Any) -> DocumentMeta:
    return DocumentMeta(new_id(), "https://qujat.kz/v/x", "Bench", case.issue_date)


def _with_rows(
    services: Services, doc: NewDocument, pdf: bytes
) -> tuple[NewDocument, bytes, list[object]]:
    from workflow.events import issued_event

    now = services.clock()
    also = [issued_revision_row(doc.id, pdf, now, "B-T"), issued_event(services.context, doc)]
    return doc, pdf, also


def _transaction_parts(
    services: Services, n: int, new_doc: Callable[[int], tuple[NewDocument, bytes]]
) -> list[Row]:
    """The one transaction of ``register``, opened by hand so each part is timed apart
    (its rows written as the group commit writes them: Core inserts, no unit of work)."""
    registry = services.registry
    parts: dict[str, list[float]] = {"row": [], "also": [], "audit": [], "commit": []}
    for i in range(-1, n):
        doc, pdf = new_doc(i)
        doc = replace(doc)
        digest = registry.files.put(pdf)
        _doc, _pdf, also = _with_rows(services, doc, pdf)
        now = services.clock()
        with Session(registry.engine) as s:
            t0 = time.perf_counter()
            insert_rows(s, [document_row(doc, digest, now)])
            t1 = time.perf_counter()
            insert_rows(s, also)
            t2 = time.perf_counter()
            append(s, AuditEntry("document.issued", doc.id, "bench", doc.organisation, {}), now)
            s.flush()
            t3 = time.perf_counter()
            s.commit()
            t4 = time.perf_counter()
        if i >= 0:
            for name, a, b in (("row", t0, t1), ("also", t1, t2), ("audit", t2, t3),
                               ("commit", t3, t4)):  # fmt: skip
                parts[name].append((b - a) * 1000)
    return [
        _row("  document row (insert, status index unique)", parts["row"]),
        _row("  revision 1 + webhook outbox rows", parts["also"]),
        _row("  audit append (head update + chained entry)", parts["audit"]),
        _row("  commit (WAL, synchronous=NORMAL on SQLite)", parts["commit"]),
    ]
