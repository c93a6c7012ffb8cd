"""Long-term validation (PAdES B-LT and B-LTA, ETSI EN 319 142-1): validation data in a DSS,
document timestamps over the whole file, and their renewal.

Every step is an incremental update the issuer's certification (DocMDP P=2) allows: pyHanko
classes DSS revisions and document timestamps as ``lta_updates``.

One rule keeps the DSS small and makes renewal possible after certificates expired: what a
document timestamp covers is archived already (its validation data went in before that
timestamp), so :func:`add_validation_data` gathers data only for the signatures after the
last document timestamp, and for that timestamp itself. A signature whose certificate has
expired by now is never re-validated at now.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from io import BytesIO

from asn1crypto import cms, x509
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.general import SigningError as PyhankoSigningError
from pyhanko.sign.general import extract_certificate_info
from pyhanko.sign.signers import PdfTimeStamper
from pyhanko.sign.timestamps import TimeStamper
from pyhanko.sign.validation import EmbeddedPdfSignature
from pyhanko.sign.validation.dss import DocumentSecurityStore, collect_validation_info
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.errors import PathError, ValidationError

from signing.errors import SigningError, TimestampUnavailable, ValidationDataUnavailable
from signing.ltv_gost import (
    GostEvidence,
    GostEvidenceUnavailable,
    gost_evidence,
    is_gost_signed,
    timestamp_paths,
    without_gost_answers,
)
from signing.pki_fetch import FetchPolicy

__all__ = [
    "FileLevel",
    "RenewalDecision",
    "RenewalPolicy",
    "RenewalResult",
    "add_document_timestamp",
    "add_validation_data",
    "file_level",
    "last_timestamp",
    "renew",
    "renewal_decision",
    "secure",
    "secure_with_level",
    "structural_level",
]

_DIGEST = "sha256"
ARCHIVE_FIELD_PREFIX = "ArchiveTimestamp"


class _AppendingWriter(IncrementalPdfFileWriter):
    """An incremental writer that leaves the document's metadata as issuance wrote it.

    pyHanko's writer stamps every update's moment and its own name into the Info dictionary
    and the XMP packet, parsing and rewriting the packet each time: a third of the cost of
    a DSS revision, and three copies of the packet per upgrade to B-LTA. Our own
    certification (:mod:`signing.lean`) leaves the metadata alone, and so do these updates:
    the Info dictionary and the XMP packet stay identical, which PDF/A asks of them, and the
    revision history says when each update came (its timestamp), not the metadata.
    """

    def _update_meta(self) -> None:  # pyHanko's hook, called as the update is written
        return


async def add_validation_data(
    pdf: bytes, context: ValidationContext, *, fetch: FetchPolicy | None = None
) -> bytes:
    """Append a DSS revision with the certificates and CRL/OCSP answers that validate, at
    ``context.moment``, every signature and signature timestamp after the last document
    timestamp, and that timestamp itself.

    ``context`` holds the trust roots and either fetching allowed (production: the AIA and
    CRL distribution points of the certificates) or the revocation data in hand (the
    development CA's CRL); revocation should be required (``hard-fail``). Unchanged bytes
    if everything is in the DSS already. :class:`ValidationDataUnavailable` if some
    certificate cannot be validated now (revoked, expired, responder down).

    ``fetch``: the allow-list a GOST signer's CRLs/OCSP answers are fetched under when the
    answers in hand do not show it unrevoked (pyHanko's fetchers cannot judge the NCA's
    answers, so :mod:`signing.ltv_gost` asks itself); used only if ``context`` allows
    fetching (production), never for an offline context.
    """
    return (await _add_validation_data(pdf, context, fetch))[0]


async def _add_validation_data(
    pdf: bytes, context: ValidationContext, fetch: FetchPolicy | None
) -> tuple[bytes, PdfFileReader]:
    """:func:`add_validation_data`, and the reader of the file as it was before the DSS
    revision: its signatures are the result's (a DSS adds none), parsed already."""
    gost_fetch = fetch if context.fetching_allowed else None
    try:
        out = BytesIO(pdf)
        writer = _AppendingWriter(out, strict=False)  # its reader reads the signatures
        paths, gost = [], GostEvidence()
        for sig in _not_yet_archived(writer.prev):
            if is_gost_signed(sig.signed_data):  # certvalidator cannot gather the NCA's
                found = gost_evidence(sig.signed_data, context, gost_fetch)
                gost.certs += found.certs
                gost.crls += found.crls
                gost.ocsps += found.ocsps
                paths.extend(await timestamp_paths(sig, context))
            else:
                paths.extend(await collect_validation_info(sig, context))
        crls, ocsps = without_gost_answers(context, gost)
        dss = DocumentSecurityStore.supply_dss_in_writer(
            writer, None, paths=paths, certs=gost.certs, crls=crls, ocsps=ocsps
        )
        if dss.modified:  # as DocumentSecurityStore.add_dss, over the file parsed once
            writer.write_in_place()  # type: ignore[no-untyped-call]
    except GostEvidenceUnavailable as exc:
        raise ValidationDataUnavailable(f"Validation data cannot be gathered: {exc}") from exc
    except (PathError, ValidationError) as exc:
        raise ValidationDataUnavailable(f"Validation data cannot be gathered: {exc}") from exc
    except (PdfError, PyhankoSigningError, ValueError, KeyError, TypeError) as exc:
        raise SigningError(f"Adding validation data failed: {exc}") from exc
    return out.getvalue(), writer.prev


async def add_document_timestamp(pdf: bytes, timestamper: TimeStamper) -> bytes:
    """Append a document timestamp (``/DocTimeStamp``, RFC 3161) over the whole file, in a
    new invisible field ``ArchiveTimestampN``. :class:`TimestampUnavailable` if the TSA
    does not answer with a token."""
    try:
        writer = _AppendingWriter(BytesIO(pdf), strict=False)
        name = f"{ARCHIVE_FIELD_PREFIX}{len(writer.prev.embedded_timestamp_signatures) + 1}"
        out = await PdfTimeStamper(timestamper, field_name=name).async_timestamp_pdf(
            writer, _DIGEST, output=BytesIO()
        )
    except OSError as exc:  # pyHanko's TimestampRequestError is an IOError
        raise TimestampUnavailable(f"The time-stamping authority did not answer: {exc}") from exc
    except (PdfError, PyhankoSigningError, ValueError, KeyError, TypeError) as exc:
        raise SigningError(f"Adding a document timestamp failed: {exc}") from exc
    return bytes(out.getvalue())


async def secure(
    pdf: bytes,
    timestamper: TimeStamper,
    context: ValidationContext,
    *,
    fetch: FetchPolicy | None = None,
) -> bytes:
    """Bring a freshly signed (or renewed) document to B-LTA: validation data for what is
    not archived yet, a document timestamp over it all, then the validation data of that
    timestamp (so it too validates offline). Call after :func:`signing.certify` and after
    every countersignature. ``fetch``: as for :func:`add_validation_data`."""
    return (await secure_with_level(pdf, timestamper, context, fetch=fetch))[0]


async def secure_with_level(
    pdf: bytes,
    timestamper: TimeStamper,
    context: ValidationContext,
    *,
    fetch: FetchPolicy | None = None,
) -> tuple[bytes, FileLevel]:
    """:func:`secure`, and what :func:`file_level` says of the result, read from the reader
    that gathered the last validation data (its signatures and timestamps are the
    result's), so a revision row is written without parsing the file once more."""
    pdf = await add_validation_data(pdf, context, fetch=fetch)
    pdf = await add_document_timestamp(pdf, timestamper)
    pdf, reader = await _add_validation_data(pdf, context, fetch)
    try:
        return pdf, file_level(reader)
    except (PdfError, ValueError, KeyError, TypeError) as exc:
        raise SigningError(f"The secured file cannot be read back: {exc}") from exc


# --- renewal -----------------------------------------------------------------------------


@dataclass(frozen=True)
class RenewalPolicy:
    """When a document's archive timestamp must be renewed."""

    margin: timedelta = timedelta(days=180)
    """Renew once the last timestamp's TSA certificate expires within this margin."""
    weak_digests: frozenset[str] = frozenset({"md5", "sha1", "sha224"})
    """Message imprint or token digests considered too weak to keep the proof."""
    min_rsa_bits: int = 2048
    """A TSA RSA key shorter than this no longer proves anything."""


@dataclass(frozen=True)
class RenewalDecision:
    """Whether a document needs a new archive timestamp, and why."""

    needed: bool
    reason: str
    """``current``, ``no_archive_timestamp``, ``tsa_certificate_expiring``,
    ``weak_algorithm``, ``lapsed`` (too late: the last TSA certificate expired, the proof
    chain is broken, renewal cannot repair it) or ``unsigned``."""
    last_timestamp_at: datetime | None = None
    tsa_expires_at: datetime | None = None


@dataclass(frozen=True)
class RenewalResult:
    """The outcome of :func:`renew`."""

    pdf: bytes
    """The renewed document, or the input unchanged."""
    renewed: bool
    decision: RenewalDecision


@dataclass(frozen=True)
class TimestampInfo:
    """The latest timestamp of a document, as :func:`last_timestamp` finds it."""

    at: datetime
    tsa_cert: x509.Certificate
    digest: str
    """The message imprint's digest algorithm."""
    signature_digest: str
    archive: bool
    """A document timestamp (rather than a signature timestamp)."""


def last_timestamp(pdf: bytes | PdfFileReader) -> TimestampInfo | None:
    """The document's latest timestamp: its last document timestamp, else the latest
    signature timestamp; ``None`` without any. ``pdf`` may be a reader already open on it."""
    reader = _reader(pdf)
    docs = reader.embedded_timestamp_signatures
    if docs:
        return _token_info(docs[-1].signed_data, archive=True)
    found = [
        _token_info(token, archive=False)
        for sig in reader.embedded_regular_signatures
        for token in _signature_timestamps(sig)
    ]
    return max(found, key=lambda t: t.at) if found else None


@dataclass(frozen=True)
class FileLevel:
    """What a revision row records of its file: :func:`structural_level` and its last
    timestamp's facts, read by :func:`file_level` in one parse."""

    level: str
    archive_timestamp_at: datetime | None
    """The time of its last document timestamp, if it has one."""
    tsa_expires_at: datetime | None
    """When the certificate of the TSA of its last timestamp expires."""


def file_level(pdf: bytes | PdfFileReader) -> FileLevel:
    """The level and the last timestamp of ``pdf`` (or of a reader open on it), from one
    reader."""
    reader = _reader(pdf)
    info = last_timestamp(reader)
    return FileLevel(
        level=structural_level(reader),
        archive_timestamp_at=info.at if info is not None and info.archive else None,
        tsa_expires_at=(
            info.tsa_cert["tbs_certificate"]["validity"]["not_after"].native if info else None
        ),
    )


def _reader(pdf: bytes | PdfFileReader) -> PdfFileReader:
    return pdf if isinstance(pdf, PdfFileReader) else PdfFileReader(BytesIO(pdf), strict=False)


def renewal_decision(
    pdf: bytes, *, now: datetime, policy: RenewalPolicy | None = None
) -> RenewalDecision:
    """Decide whether ``pdf`` needs fresh validation data and a new document timestamp."""
    policy = policy or RenewalPolicy()
    reader = PdfFileReader(BytesIO(pdf), strict=False)
    if not reader.embedded_signatures:
        return RenewalDecision(False, "unsigned")
    info = last_timestamp(reader)
    if info is None:
        return RenewalDecision(True, "no_archive_timestamp")
    expires = info.tsa_cert["tbs_certificate"]["validity"]["not_after"].native
    if now >= expires:
        return RenewalDecision(False, "lapsed", info.at, expires)
    if not info.archive:
        return RenewalDecision(True, "no_archive_timestamp", info.at, expires)
    if _weak(info, policy):
        return RenewalDecision(True, "weak_algorithm", info.at, expires)
    if expires - now <= policy.margin:
        return RenewalDecision(True, "tsa_certificate_expiring", info.at, expires)
    return RenewalDecision(False, "current", info.at, expires)


async def renew(
    pdf: bytes,
    timestamper: TimeStamper,
    context: ValidationContext,
    *,
    now: datetime | None = None,
    policy: RenewalPolicy | None = None,
    fetch: FetchPolicy | None = None,
) -> RenewalResult:
    """Renew ``pdf`` if :func:`renewal_decision` says so (fresh validation data for the last
    timestamp, a new document timestamp, its validation data); otherwise return it as it
    is. Idempotent: a renewed document is ``current`` until the new TSA certificate itself
    nears its expiry. ``context.moment`` should be ``now``; ``fetch``: as for
    :func:`add_validation_data`."""
    decision = renewal_decision(pdf, now=now or datetime.now(UTC), policy=policy)
    if not decision.needed:
        return RenewalResult(pdf, False, decision)
    return RenewalResult(await secure(pdf, timestamper, context, fetch=fetch), True, decision)


# --- internals ---------------------------------------------------------------------------


def _not_yet_archived(reader: PdfFileReader) -> list[EmbeddedPdfSignature]:
    """The signatures no document timestamp covers, and the last document timestamp."""
    docs = reader.embedded_timestamp_signatures
    if not docs:
        return list(reader.embedded_signatures)
    last = docs[-1]
    return [last] + [
        s for s in reader.embedded_regular_signatures if s.signed_revision > last.signed_revision
    ]


def _signature_timestamps(sig: EmbeddedPdfSignature) -> list[cms.SignedData]:
    unsigned = sig.signer_info["unsigned_attrs"]
    if not unsigned:
        return []
    tokens: list[cms.SignedData] = []
    for attr in unsigned:
        if attr["type"].native == "signature_time_stamp_token":
            tokens.extend(value["content"] for value in attr["values"])
    return tokens


def _token_info(token: cms.SignedData, *, archive: bool) -> TimestampInfo:
    tst = token["encap_content_info"]["content"].parsed
    signer = token["signer_infos"][0]
    cert = extract_certificate_info(token).signer_cert
    return TimestampInfo(
        at=tst["gen_time"].native,
        tsa_cert=cert,
        digest=tst["message_imprint"]["hash_algorithm"]["algorithm"].native,
        signature_digest=signer["digest_algorithm"]["algorithm"].native,
        archive=archive,
    )


def _weak(info: TimestampInfo, policy: RenewalPolicy) -> bool:
    if info.digest in policy.weak_digests or info.signature_digest in policy.weak_digests:
        return True
    key = info.tsa_cert.public_key
    return bool(key.algorithm == "rsa" and key.bit_size < policy.min_rsa_bits)


def structural_level(pdf: bytes | PdfFileReader) -> str:
    """The PAdES level the file's structure claims for its last signature (no trust
    decision: :func:`verify.validate_pdf` judges that): ``B-B``, ``B-T``, ``B-LT`` (a DSS
    after it) or ``B-LTA`` (a document timestamp after it). ``pdf`` may be an open reader."""
    reader = _reader(pdf)
    regular = reader.embedded_regular_signatures
    if not regular:
        return "B-B"
    last = regular[-1]
    if any(d.signed_revision > last.signed_revision for d in reader.embedded_timestamp_signatures):
        return "B-LTA"
    if "/DSS" in reader.root:
        return "B-LT" if _signature_timestamps(last) else "B-B"
    return "B-T" if _signature_timestamps(last) else "B-B"
