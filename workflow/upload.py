"""Checking an uploaded PDF: its signatures (validated by the caller's isolated worker
pool), whether it is byte for byte what the registry issued, and the verdict."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from forms.errors import QujatError
from verify import PdfReport
from verify.verdict import Verdict, upload_verdict
from workflow.context import Context
from workflow.public import PublicView, view_of

__all__ = ["UploadCheck", "check_upload"]

log = logging.getLogger("qujat.verify")


@dataclass(frozen=True)
class UploadCheck:
    """What the upload check found."""

    report: PdfReport
    """Every signature's state, and whether anything was appended after them."""
    byte_identical_to_issued: bool
    """The registry holds a document with exactly these bytes."""
    document: PublicView | None
    """That document's public view, if any."""
    verdict: Verdict


def check_upload(ctx: Context, validate: Callable[[bytes], PdfReport], data: bytes) -> UploadCheck:
    """Validate ``data`` with ``validate`` (bounded in time and memory: a hostile file gets
    ``unreadable_pdf`` or ``pdf_too_complex``) and match it against the registry."""
    started = time.perf_counter()
    try:
        report = validate(data)
    except QujatError as exc:
        log.info("upload rejected code=%s bytes=%d ms=%.1f", exc.code, len(data), _ms(started))
        raise
    record = ctx.registry.by_sha256(report.sha256)
    identical = record is not None and record.sha256 == report.sha256
    view = view_of(ctx, record) if record else None
    check = UploadCheck(report, identical, view, upload_verdict(report.ok, identical))
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
