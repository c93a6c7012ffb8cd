"""Checking an uploaded PDF: its signatures and whose they are (read by the caller's
isolated worker pool), what the registry issued, and the one verdict (:func:`judge`)."""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass

from forms.errors import QujatError
from registry import DocumentRecord, NotFound, Registry
from registry.countersign import SigningRegistry
from registry.revisions import RevisionRecord, find_revision
from verify import PdfReport
from verify.isolation import Examination
from verify.verdicts import Decision, RegistryFacts, Verdict, judge
from workflow.context import Context
from workflow.public import PublicView, view_of

__all__ = [
    "UploadCheck",
    "check_upload",
    "embedded_ids",
    "issued_revision",
    "matched_record",
    "registry_facts",
    "required_certificates",
]

log = logging.getLogger("qujat.verify")

# the id Qujat writes into a document's keywords; only used to tell "these bytes were
# changed" (modified) from "never seen" (unknown): a forged id changes neither into genuine
_EMBEDDED_ID = re.compile(rb"qujat:([a-z2-7]{8,32})")


@dataclass(frozen=True)
class UploadCheck:
    """What the upload check found."""

    report: PdfReport
    """Every signature's state, and whether anything was appended after them."""
    byte_identical_to_issued: bool
    """A revision the registry issued has exactly these bytes."""
    document: PublicView | None
    """That document's public view, if any."""
    decision: Decision
    """The verdict and why (:mod:`verify.verdicts`)."""

    @property
    def verdict(self) -> Verdict:
        """The one word a person is told."""
        return self.decision.verdict


def required_certificates(signing: SigningRegistry, doc_id: str) -> dict[str, set[str]]:
    """Each signature field the document waits for → SHA-256 of the certificate
    registered for its signer (a document without countersignatures needs none)."""
    required: dict[str, set[str]] = {}
    for field in signing.required_signers(doc_id):
        try:
            signer = signing.signer(field.signer_id)
        except NotFound:
            required[field.field_name] = set()  # nobody can sign it genuinely
            continue
        required[field.field_name] = {signer.certificate_sha256.lower()}
    return required


def matched_record(registry: Registry, sha256: str) -> DocumentRecord | None:
    """The document one of whose issued revisions has exactly this hash."""
    revision = find_revision(registry, sha256)
    if revision is not None:
        return registry.find(revision.document_id)
    return registry.by_sha256(sha256)


def embedded_ids(data: bytes) -> list[str]:
    """The document ids the file claims (Qujat writes ``qujat:<id>`` into its keywords)."""
    return sorted({m.group(1).decode() for m in _EMBEDDED_ID.finditer(data)})[:8]


def registry_facts(registry: Registry, record: DocumentRecord | None, data: bytes) -> RegistryFacts:
    """What the registry says about ``data`` (``record``: the document it matched)."""
    if record is not None:
        return RegistryFacts(
            matched=True,
            status=record.status,
            valid_until=record.valid_until,
            revoked_at=record.revoked_at,
            revocation_reason=record.revocation_reason,
        )
    known = any(registry.find(doc_id) is not None for doc_id in embedded_ids(data))
    return RegistryFacts(matched=False, known_document=known)


def check_upload(ctx: Context, examine: Callable[[bytes], Examination], data: bytes) -> UploadCheck:
    """Examine ``data`` with ``examine`` (bounded in time and memory, one client's share:
    a hostile file gets ``unreadable_pdf`` or ``pdf_too_complex``), match it against every
    revision the registry issued, and judge it."""
    started = time.perf_counter()
    try:
        exam = examine(data)
    except QujatError as exc:
        log.info("upload rejected code=%s bytes=%d ms=%.1f", exc.code, len(data), _ms(started))
        raise
    record = matched_record(ctx.registry, exam.report.sha256)
    required = required_certificates(ctx.signing, record.id) if record is not None else None
    decision = judge(
        exam.report,
        exam.inspection,
        registry=registry_facts(ctx.registry, record, data),
        required=required,
        today=ctx.clock().date(),
    )
    view = view_of(ctx, record) if record else None
    check = UploadCheck(exam.report, record is not None, view, decision)
    # ids, statuses and timings only: never a signer's name or IIN
    log.info(
        "upload id=%s status=%s verdict=%s ms=%.1f",
        record.id if record else "-",
        view.status if view else "unknown",
        check.verdict,
        _ms(started),
    )
    return check


def _ms(started: float) -> float:
    return (time.perf_counter() - started) * 1000


def issued_revision(
    ctx: Context, doc_id: str, sha256: str
) -> RevisionRecord | DocumentRecord | None:
    """The revision of document ``doc_id`` whose file has exactly this hash (the document
    itself when the file predates the revision records); ``None`` if Qujat issued no such
    file of that document. Tells only what the caller proves it holds (the hash)."""
    digest = sha256.lower()
    revision = find_revision(ctx.registry, digest)
    if revision is not None:
        return revision if revision.document_id == doc_id else None
    record = ctx.registry.by_sha256(digest)
    return record if record is not None and record.id == doc_id else None
