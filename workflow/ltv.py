"""Long-term validation in the flows: the timestamp and the B-LTA upgrade of every file Qujat
signs, the background upgrader, archive renewal, and what the public is told of a level.

Two modes (``Policy.ltv_mode``), with a timestamper configured:

* ``inline``: each signed file (issuance, countersignature) is brought to B-LTA
  (:func:`signing.ltv.secure`) before it is stored; a TSA or validation data that is not to
  be had fails the request (503), nothing is stored.
* ``background`` (the default): the signature timestamp (B-T) is made inline — a few ms with
  the development TSA — and the file stored at B-T; the DSS and the document timestamp
  (~100 ms of pyHanko's pure-Python parsing) are added right after by the :class:`Upgrader`
  (a thread of the API process, or ``qujat worker``), each result recorded as a new
  revision. A TSA that does not answer leaves the file at B-B (signature) or its level (the
  upgrade), retried; the level shown is always the recorded file's.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from io import BytesIO

from asn1crypto import cms
from prometheus_client import Counter
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.timestamps import TimeStamper
from pyhanko.sign.validation import EmbeddedPdfSignature

from forms.errors import QujatError
from registry import DocumentRecord
from registry.renewal import RenewalCounts, advance_pdf, record_pdf, renew_registry
from registry.revisions import (
    DocumentRevisionRow,
    RevisionRecord,
    find_revision,
    record_revision,
    revisions,
)
from registry.upgrades import pending_upgrades
from signing.errors import TimestampUnavailable
from signing.loop import run_sync
from signing.ltv import FileLevel, RenewalPolicy, secure_with_level
from workflow.background import Periodic, lower_thread_priority
from workflow.context import Context

__all__ = [
    "LTV_RENEWALS",
    "LTV_UPGRADES",
    "LevelFacts",
    "SignatureProof",
    "UpgradeCounts",
    "Upgrader",
    "issued_level",
    "level_of",
    "proofs_of",
    "record_signed",
    "renew_documents",
    "revision_of",
    "secure_inline",
    "sign_timestamped",
    "signature_proofs",
    "upgrade_pending",
]

log = logging.getLogger("qujat.ltv")

LTV_UPGRADES = Counter(
    "qujat_ltv_upgrades",
    "Background upgrades of signed files to B-LTA, by outcome (upgraded, failed, stale)",
    ["outcome"],
)
LTV_RENEWALS = Counter(
    "qujat_ltv_renewals",
    "Archive renewals, by outcome (renewed, lapsed, failed)",
    ["outcome"],
)
LTV_UNTIMESTAMPED = Counter(
    "qujat_ltv_untimestamped_signatures",
    "Signatures stored without a timestamp because the TSA did not answer (background mode)",
)


def _wanted(ctx: Context) -> bool:
    return ctx.timestamper is not None and ctx.ltv_context is not None


def sign_timestamped(
    ctx: Context, sign: Callable[[TimeStamper | None], bytes]
) -> tuple[bytes, str]:
    """Call ``sign(timestamper)`` with the context's timestamper; returns the signed file
    and its level (``B-T``, or ``B-B`` without a timestamp). In background mode a TSA that
    does not answer means once more without (the upgrader's document timestamp then proves
    the time); inline mode lets :class:`TimestampUnavailable` through (503)."""
    if ctx.timestamper is None:
        return sign(None), "B-B"
    try:
        return sign(ctx.timestamper), "B-T"
    except TimestampUnavailable:
        if ctx.policy.ltv_mode == "inline":
            raise
        LTV_UNTIMESTAMPED.inc()
        log.warning("TSA did not answer; signed without a timestamp, upgrade pending")
        return sign(None), "B-B"


def secure_inline(ctx: Context, pdf: bytes, level: str) -> tuple[bytes, str]:
    """In inline mode, ``pdf`` brought to B-LTA; otherwise unchanged (the upgrader's)."""
    if not (_wanted(ctx) and ctx.policy.ltv_mode == "inline"):
        return pdf, level
    return run_sync(_secure(ctx, pdf)), "B-LTA"


async def _secure(ctx: Context, pdf: bytes) -> bytes:
    return (await _secure_with_level(ctx, pdf))[0]


async def _secure_with_level(ctx: Context, pdf: bytes) -> tuple[bytes, FileLevel]:
    assert ctx.timestamper is not None and ctx.ltv_context is not None
    context = ctx.ltv_context()
    try:
        return await secure_with_level(pdf, ctx.timestamper, context, fetch=ctx.revocation_fetch)
    finally:
        await context.aclose()  # type: ignore[no-untyped-call]


def level_in_transaction(level: str) -> str | None:
    """The level a countersignature's revision row is written with in the signature's own
    transaction (``record_signature(revision_level=...)``); ``None`` for a B-LTA file,
    whose timestamps are read from it by :func:`record_signed` afterwards (inline mode)."""
    return None if level == "B-LTA" else level


def record_signed(ctx: Context, doc_id: str, pdf: bytes, reason: str, level: str) -> RevisionRecord:
    """Record ``pdf``, the document's file just stored, as a revision (``issued``,
    ``countersigned``). Below B-LTA the level is the one just made, with no file parsed (the
    hot path); a B-LTA file's timestamps are read from it (inline mode, where that cost is
    paid anyway)."""
    if level == "B-LTA":
        return record_pdf(ctx.registry, doc_id, pdf, reason, ctx.clock())
    return record_revision(ctx.registry, doc_id, pdf, level=level, reason=reason, now=ctx.clock())


# --- the background upgrader ---------------------------------------------------------------


@dataclass
class UpgradeCounts:
    """What one :func:`upgrade_pending` pass did."""

    upgraded: int = 0
    failed: int = 0
    stale: int = 0
    """The file moved (a countersignature) while it was upgraded: redone next pass."""
    failed_ids: list[str] = field(default_factory=list)


def upgrade_pending(
    ctx: Context,
    *,
    limit: int = 50,
    skip: Callable[[str], bool] | None = None,
    before_each: Callable[[], None] | None = None,
) -> UpgradeCounts:
    """Bring every document whose current file is below B-LTA to B-LTA, each as a new
    revision (``upgraded``). ``skip(doc_id)`` leaves a document for later (a backoff);
    ``before_each()`` runs before each upgrade (the upgrader's wait for a quiet moment)."""
    counts = UpgradeCounts()
    if not _wanted(ctx):
        return counts
    for record in pending_upgrades(ctx.registry, now=ctx.clock(), limit=limit):
        if skip is not None and skip(record.id):
            continue
        if before_each is not None:
            before_each()
        try:
            pdf, level = run_sync(_secure_with_level(ctx, ctx.registry.pdf(record)))
        except (QujatError, OSError, ValueError) as exc:
            counts.failed += 1
            counts.failed_ids.append(record.id)
            LTV_UPGRADES.labels("failed").inc()
            log.warning("upgrade of %s to B-LTA failed: %s", record.id, type(exc).__name__)
            continue
        if advance_pdf(ctx.registry, record, pdf, "upgraded", ctx.clock(), level) is None:
            counts.stale += 1
            LTV_UPGRADES.labels("stale").inc()
            continue
        counts.upgraded += 1
        LTV_UPGRADES.labels("upgraded").inc()
    return counts


class Upgrader(Periodic):
    """A thread that upgrades new files to B-LTA as they come, and renews the archive
    timestamps once every ``renew_every`` (``None``: never; ``qujat worker`` does).

    It gives way to the hot path: before each file it waits until no issuance or
    countersignature of this process has run for ``quiet_seconds`` (at most
    ``longest_wait_seconds``), and its thread has a low kernel priority (nice 10) so the
    other workers' requests go first too.
    """

    name = "qujat-ltv"

    def __init__(
        self,
        ctx: Context,
        *,
        poll_seconds: float = 1.0,
        renew_every: timedelta | None = None,
        margin: timedelta = timedelta(days=180),
        quiet_seconds: float = 0.2,
        longest_wait_seconds: float = 5.0,
    ) -> None:
        self.ctx = ctx
        self.quiet_seconds = quiet_seconds
        self.longest_wait_seconds = longest_wait_seconds
        self.renew_every = renew_every
        self.margin = margin
        self._retry_at: dict[str, datetime] = {}
        self._failures: dict[str, int] = {}
        self._next_renewal: datetime | None = None
        super().__init__(poll_seconds)

    def tick(self) -> UpgradeCounts:
        """One pass: pending upgrades (failed ones after a growing wait), then a renewal
        run if one is due."""
        now = self.ctx.clock()
        counts = upgrade_pending(
            self.ctx,
            skip=lambda doc_id: self._retry_at.get(doc_id, now) > now,
            before_each=self._give_way,
        )
        for doc_id in counts.failed_ids:  # the TSA or a responder is down: wait, doubling
            tries = self._failures.get(doc_id, 0) + 1
            self._failures[doc_id] = tries
            self._retry_at[doc_id] = now + timedelta(seconds=min(600, 2**tries))
        if self.renew_every is not None and (
            self._next_renewal is None or now >= self._next_renewal
        ):
            self._next_renewal = now + self.renew_every
            renew_documents(self.ctx, margin=self.margin)
        return counts

    def _give_way(self) -> None:
        self.ctx.activity.wait_quiet(self.quiet_seconds, self.longest_wait_seconds, self._stop)

    def run(self) -> None:
        lower_thread_priority()
        super().run()


# --- renewal ------------------------------------------------------------------------------


def renew_documents(
    ctx: Context,
    *,
    margin: timedelta = timedelta(days=180),
    limit: int | None = None,
    after: str | None = None,
    recheck: bool = False,
    progress: Callable[[RenewalCounts], None] | None = None,
) -> RenewalCounts:
    """Renew every stored document whose last timestamp's TSA certificate expires within
    ``margin`` (or whose algorithms weakened, or which has no archive timestamp yet): fresh
    validation data and a new document timestamp, recorded as a revision. Resumable
    (``after`` = the last id a run finished), idempotent; counted in ``/metrics``."""
    if ctx.timestamper is None or ctx.ltv_context is None:
        raise TimestampUnavailable("No time-stamping authority is configured: nothing renews")
    counts = renew_registry(
        ctx.registry, ctx.timestamper, ctx.ltv_context, now=ctx.clock,
        policy=RenewalPolicy(margin=margin), after=after, limit=limit, progress=progress,
        recheck=recheck, fetch=ctx.revocation_fetch,
    )  # fmt: skip
    for outcome in ("renewed", "lapsed", "failed"):
        LTV_RENEWALS.labels(outcome).inc(getattr(counts, outcome))
    return counts


# --- what people are told -------------------------------------------------------------------


def revision_of(ctx: Context, sha256: str) -> RevisionRecord | None:
    """The revision of a document Qujat produced whose file has this hash (any revision is
    the genuine document: an employer may hold an older copy); ``None`` if none."""
    return find_revision(ctx.registry, sha256)


@dataclass(frozen=True)
class LevelFacts:
    """A document's PAdES level as its current file has it."""

    level: str | None
    """``B-B``, ``B-T``, ``B-LT``, ``B-LTA``; ``None`` if no revision was recorded."""
    revision: int | None
    revisions: int
    archive_timestamp_at: datetime | None
    """When its archive timestamp was last added (issuance or renewal)."""
    renewed_at: datetime | None
    """When it was last renewed (``None``: never yet)."""
    upgrade_pending: bool
    """Below B-LTA with a timestamper configured: the upgrader has still to run."""
    signatures: tuple[SignatureProof, ...] = ()
    """Each signature's claimed and proven time and level (:func:`signature_proofs`)."""


def _upgrade_pending(ctx: Context, level: str | None) -> bool:
    """Below B-LTA with a timestamper configured: the upgrader has still to run."""
    return _wanted(ctx) and level is not None and level != "B-LTA"


def issued_level(ctx: Context, first: DocumentRevisionRow) -> LevelFacts:
    """The level facts of a document whose only revision is ``first``, the revision 1
    its registration commits: what :func:`level_of` reads back once it is committed."""
    return LevelFacts(
        level=first.level,
        revision=first.revision,
        revisions=1,
        archive_timestamp_at=(
            first.archive_timestamp_at.astimezone(UTC) if first.archive_timestamp_at else None
        ),  # as the database gives it back
        renewed_at=None,
        upgrade_pending=_upgrade_pending(ctx, first.level),
    )


def level_of(ctx: Context, record: DocumentRecord, *, proofs: bool = False) -> LevelFacts:
    """The level facts of a document's current file, from the registry; with ``proofs``
    each signature's proven time too (the file read once, then cached)."""
    found = revisions(ctx.registry, record.id)
    current = next((r for r in found if r.sha256 == record.sha256), None)
    renewed = [r.created_at for r in found if r.reason == "renewed"]
    level = current.level if current is not None else None
    return LevelFacts(
        level=level,
        revision=current.revision if current is not None else None,
        revisions=len(found),
        archive_timestamp_at=current.archive_timestamp_at if current is not None else None,
        renewed_at=max(renewed) if renewed else None,
        upgrade_pending=_upgrade_pending(ctx, level),
        signatures=signature_proofs(ctx, record) if proofs else (),
    )


@dataclass(frozen=True)
class SignatureProof:
    """One signature of a file, as the file states it (no trust decision: verification
    judges that): when the signer says it signed, what timestamp proves it, its level."""

    field: str
    signed_at: datetime | None
    """The signer's claim (``/M``)."""
    proven_at: datetime | None
    """The time of its earliest covering timestamp: its signature timestamp, else the first
    document timestamp after it."""
    level: str


_PROOFS: OrderedDict[str, tuple[SignatureProof, ...]] = OrderedDict()
_PROOFS_LOCK = threading.Lock()
_PROOFS_KEPT = 512


def signature_proofs(ctx: Context, record: DocumentRecord) -> tuple[SignatureProof, ...]:
    """The signatures of the document's current file with their proven times and levels;
    read once per file (files are content-addressed, so a cached answer never goes stale)."""
    with _PROOFS_LOCK:
        if record.sha256 in _PROOFS:
            _PROOFS.move_to_end(record.sha256)
            return _PROOFS[record.sha256]
    try:
        found = proofs_of(ctx.registry.pdf(record))
    except (QujatError, OSError, ValueError, KeyError, TypeError, PdfError):
        return ()
    with _PROOFS_LOCK:
        _PROOFS[record.sha256] = found
        while len(_PROOFS) > _PROOFS_KEPT:
            _PROOFS.popitem(last=False)
    return found


def proofs_of(pdf: bytes) -> tuple[SignatureProof, ...]:
    """:class:`SignatureProof` of every signature in ``pdf``."""
    reader = PdfFileReader(BytesIO(pdf), strict=False)
    stamps = reader.embedded_timestamp_signatures
    archives = [(d.signed_revision, _token_time(d.signed_data)) for d in stamps]
    has_dss_after = _dss_revisions(reader)
    out = []
    for sig in reader.embedded_regular_signatures:
        own = [_token_time(t) for t in _signature_tokens(sig)]
        later = [at for rev, at in archives if rev > sig.signed_revision]
        proven = min(own) if own else (min(later) if later else None)
        if later:
            level = "B-LTA"
        elif any(rev > sig.signed_revision for rev in has_dss_after):
            level = "B-LT" if own else "B-B"
        else:
            level = "B-T" if own else "B-B"
        out.append(SignatureProof(str(sig.field_name), sig.self_reported_timestamp, proven, level))
    return tuple(out)


def _token_time(token: cms.SignedData) -> datetime:
    at: datetime = token["encap_content_info"]["content"].parsed["gen_time"].native
    return at


def _signature_tokens(sig: EmbeddedPdfSignature) -> list[cms.SignedData]:
    unsigned = sig.signer_info["unsigned_attrs"]
    if not unsigned:
        return []
    return [
        value["content"]
        for attr in unsigned
        if attr["type"].native == "signature_time_stamp_token"
        for value in attr["values"]
    ]


def _dss_revisions(reader: PdfFileReader) -> list[int]:
    """The revisions whose catalogue has a DSS (each B-LT step writes one)."""
    return [
        rev for rev in range(reader.total_revisions) if "/DSS" in reader.get_historical_root(rev)
    ]
