"""The archive renewal run over a registry: every stored document whose last timestamp
nears its TSA certificate's expiry (or whose algorithms weakened) gets fresh validation
data and a new document timestamp, recorded as a new revision.

Resumable: documents are visited in id order and the run reports the last id it finished
(``RenewalCounts.last_id``); pass it back as ``after`` to continue. Idempotent: a renewed
document is ``current`` and skipped, so running twice renews nothing twice. Wired later to
``qujat ltv renew`` and a periodic job of ``qujat worker``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

from pyhanko.pdf_utils.misc import PdfError
from pyhanko.sign.timestamps import TimeStamper
from pyhanko_certvalidator import ValidationContext
from sqlalchemy import select

from forms.errors import QujatError
from registry.models import DocumentRow
from registry.records import DocumentRecord
from registry.revisions import (
    DocumentRevisionRow,
    RevisionRecord,
    first_revision_row,
    latest_revision,
    record_revision,
)
from registry.store import Registry, _to_record, transaction
from registry.upgrades import advance
from signing.ltv import FileLevel, RenewalPolicy, file_level, renew
from signing.pki_fetch import FetchPolicy

__all__ = ["RenewalCounts", "advance_pdf", "issued_revision_row", "record_pdf", "renew_registry"]

_PAGE = 200


@dataclass
class RenewalCounts:
    """What a renewal run did so far (handed to the progress callback after each document)."""

    seen: int = 0
    renewed: int = 0
    current: int = 0
    lapsed: int = 0
    """Documents whose last timestamp expired before anyone renewed it: the proof chain is
    broken, renewal cannot repair it (alert on this)."""
    skipped: int = 0
    """Revoked or unsigned documents: nothing to keep provable."""
    failed: int = 0
    """TSA or revocation data unavailable, or an unreadable file: retried by the next run."""
    last_id: str | None = None


def renew_registry(
    registry: Registry,
    timestamper: TimeStamper,
    context: Callable[[], ValidationContext],
    *,
    now: Callable[[], datetime] | None = None,
    policy: RenewalPolicy | None = None,
    after: str | None = None,
    limit: int | None = None,
    progress: Callable[[RenewalCounts], None] | None = None,
    recheck: bool = False,
    fetch: FetchPolicy | None = None,
) -> RenewalCounts:
    """Renew every document of ``registry`` that needs it (see module doc).

    ``context()`` makes the validation context for one renewal (trust roots, revocation
    required, fetching allowed or the revocation data in hand, ``moment`` = now); it is
    called per renewed document so its moment is current. ``limit`` caps the documents
    visited in this run. A revision whose recorded TSA expiry lies beyond the margin is
    ``current`` without reading its file; ``recheck`` reads every file (after an algorithm
    policy change). ``fetch``: the allow-list GOST signers' revocation data is fetched
    under (:func:`signing.ltv.add_validation_data`). Not for use inside a running event
    loop.
    """
    clock = now or (lambda: datetime.now(UTC))
    counts = RenewalCounts(last_id=after)

    async def run() -> None:
        for record in _documents(registry, after, limit):
            await _one(
                registry, record, timestamper, context, clock(), policy, recheck, counts, fetch
            )
            counts.seen += 1
            counts.last_id = record.id
            if progress is not None:
                progress(counts)

    asyncio.run(run())
    return counts


async def _one(
    registry: Registry,
    record: DocumentRecord,
    timestamper: TimeStamper,
    context: Callable[[], ValidationContext],
    moment: datetime,
    policy: RenewalPolicy | None,
    recheck: bool,
    counts: RenewalCounts,
    fetch: FetchPolicy | None = None,
) -> None:
    if record.status == "revoked":
        counts.skipped += 1
        return
    latest = latest_revision(registry, record.id)
    margin = (policy or RenewalPolicy()).margin
    if (
        not recheck
        and latest is not None
        and latest.tsa_expires_at is not None
        and moment < latest.tsa_expires_at - margin
    ):
        counts.current += 1  # known from the registry: the file need not be read
        return
    try:
        pdf = registry.pdf(record)  # the current file (what every revision advances)
        if latest is None:  # issued before revisions were kept
            record_pdf(registry, record.id, pdf, "issued", moment)
        ctx = context()
        try:
            result = await renew(pdf, timestamper, ctx, now=moment, policy=policy, fetch=fetch)
        finally:
            await ctx.aclose()  # type: ignore[no-untyped-call]
    except (QujatError, PdfError, ValueError, KeyError, TypeError, OSError):
        counts.failed += 1
        return
    if result.renewed:
        # the renewed file becomes the current one unless a countersignature moved it
        # meanwhile (then the next run renews the new file)
        if advance_pdf(registry, record, result.pdf, "renewed", moment) is None:
            counts.failed += 1
            return
        counts.renewed += 1
    elif result.decision.reason == "lapsed":
        counts.lapsed += 1
    elif result.decision.reason == "unsigned":
        counts.skipped += 1
    else:
        counts.current += 1


def record_pdf(
    registry: Registry, doc_id: str, pdf: bytes, reason: str, now: datetime
) -> RevisionRecord:
    """Record ``pdf`` as the document's next revision (``issued``, ``countersigned``,
    ``renewed``), with its level and timestamps read from the file."""
    f = file_level(pdf)
    return record_revision(
        registry, doc_id, pdf, level=f.level, reason=reason,
        archive_timestamp_at=f.archive_timestamp_at, tsa_expires_at=f.tsa_expires_at, now=now,
    )  # fmt: skip


def issued_revision_row(
    doc_id: str, pdf: bytes, now: datetime, level: str | None = None
) -> DocumentRevisionRow:
    """Revision 1 of a document being registered, for the registration's transaction.
    ``level`` is the one just made (nothing parsed: the hot path); without it, or at B-LTA,
    the level and timestamps are read from the file as :func:`record_pdf` does."""
    if level is not None and level != "B-LTA":
        return first_revision_row(doc_id, pdf, level=level, reason="issued", now=now)
    f = file_level(pdf)
    return first_revision_row(
        doc_id, pdf, level=f.level, reason="issued", now=now,
        archive_timestamp_at=f.archive_timestamp_at, tsa_expires_at=f.tsa_expires_at,
    )  # fmt: skip


def advance_pdf(
    registry: Registry,
    record: DocumentRecord,
    pdf: bytes,
    reason: str,
    now: datetime,
    level: FileLevel | None = None,
) -> RevisionRecord | None:
    """:func:`registry.upgrades.advance` with the level and timestamps read from ``pdf``
    (``level``: what :func:`signing.ltv.secure_with_level` read of it as it made it)."""
    f = level or file_level(pdf)
    return advance(
        registry, record, pdf, level=f.level, reason=reason,
        archive_timestamp_at=f.archive_timestamp_at, tsa_expires_at=f.tsa_expires_at, now=now,
    )  # fmt: skip


def _documents(
    registry: Registry, after: str | None, limit: int | None
) -> Iterator[DocumentRecord]:
    """The registry's documents in id order after ``after``, a page at a time."""
    sessions = registry.sessions
    cursor, left = after, limit
    while left is None or left > 0:
        size = _PAGE if left is None else min(_PAGE, left)
        with transaction(sessions) as s:
            query = select(DocumentRow).order_by(DocumentRow.id).limit(size)
            if cursor is not None:
                query = query.where(DocumentRow.id > cursor)
            page = [_to_record(row) for row in s.scalars(query)]
        if not page:
            return
        yield from page
        cursor = page[-1].id
        if left is not None:
            left -= len(page)
