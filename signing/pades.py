"""PAdES signatures: the issuer's certification (DocMDP P=2) and later approval signatures.

Every signature is an incremental update: the original bytes (and so their PDF/A-3b
character) are kept as they are, and each signer appends one revision.

The signature time is taken from ``now`` (a clock passed in) and written to the signature
dictionary's ``/M``; PAdES forbids the CMS signing-time attribute. It is the signer's claim,
not a trusted time: pass a ``timestamper`` (RFC 3161) for that (PAdES B-T), then
:func:`signing.ltv.secure` for B-LT and B-LTA. A TSA that does not answer raises
:class:`signing.errors.TimestampUnavailable` (503): never a signature without the timestamp
asked for.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from io import BytesIO

from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.sign import fields
from pyhanko.sign.general import SigningError as PyhankoSigningError
from pyhanko.sign.signers import PdfSignatureMetadata, PdfSigner, Signer
from pyhanko.sign.signers.pdf_cms import PdfCMSSignedAttributes
from pyhanko.sign.timestamps import TimeStamper
from pyhanko_certvalidator import ValidationContext

from signing.errors import SigningError, TimestampUnavailable
from signing.gost import pdf as gost_pdf
from signing.gost.cms import GostSigner
from signing.keys import IssuerKey
from signing.lean import lean_certify, reserve
from signing.lean_approval import lean_approve
from signing.loop import run_sync

__all__ = [
    "EmptyField",
    "certify",
    "certify_async",
    "sign_field",
    "sign_field_async",
]

_DIGEST = "sha256"


@dataclass(frozen=True)
class EmptyField:
    """A signature field created at certification, for a countersigner to sign later."""

    name: str
    """Field name (``/T``), e.g. ``"Chair"``; unique in the document."""
    page: int = -1
    """Page index (0-based; negative counts from the end, -1 is the last page)."""
    box: tuple[int, int, int, int] | None = None
    """Widget rectangle (x1, y1, x2, y2) in points; ``None`` for an invisible field."""


def certify(
    pdf: bytes,
    issuer: IssuerKey,
    *,
    reason: str | None = None,
    location: str | None = None,
    field_name: str = "Issuer",
    empty_fields: Sequence[EmptyField] = (),
    timestamper: TimeStamper | None = None,
    now: datetime | None = None,
) -> bytes:
    """Certify ``pdf`` for the issuer: PAdES, DocMDP P=2 (form filling and signing allowed).

    The ``empty_fields`` are created in the same revision, so countersigners can sign them
    later without breaking the certification. The signature has no visible appearance: the
    document prints its own QR code and signature lines. Not for use inside a running event
    loop; use :func:`certify_async` there.
    """
    return run_sync(
        certify_async(
            pdf,
            issuer,
            reason=reason,
            location=location,
            field_name=field_name,
            empty_fields=empty_fields,
            timestamper=timestamper,
            now=now,
        )
    )


async def certify_async(
    pdf: bytes,
    issuer: IssuerKey,
    *,
    reason: str | None = None,
    location: str | None = None,
    field_name: str = "Issuer",
    empty_fields: Sequence[EmptyField] = (),
    timestamper: TimeStamper | None = None,
    now: datetime | None = None,
) -> bytes:
    """:func:`certify` for callers already inside an event loop."""
    names = [field_name, *(f.name for f in empty_fields)]
    if len(set(names)) != len(names):
        raise SigningError(f"Signature field names must be unique: {names}")
    if all(f.box is None and f.page == -1 for f in empty_fields):
        # the hot path: a fresh Typst file, written by our own incremental update
        lean = await lean_certify(
            pdf, issuer.signer, field_name=field_name, empty_fields=[f.name for f in empty_fields],
            reason=reason, location=location, timestamper=timestamper,
            now=now or datetime.now(UTC),
        )  # fmt: skip
        if lean is not None:
            return lean
    if isinstance(issuer.signer, GostSigner):
        specs = [fields.SigFieldSpec(f.name, on_page=f.page, box=f.box) for f in empty_fields]
        return await _gost(
            pdf, issuer.signer, field_name, now, certify=True, reason=reason, empty_fields=specs,
            timestamper=timestamper,
        )  # fmt: skip
    meta = PdfSignatureMetadata(
        field_name=field_name,
        md_algorithm=_DIGEST,
        subfilter=fields.SigSeedSubFilter.PADES,
        certify=True,
        docmdp_permissions=fields.MDPPerm.FILL_FORMS,
        reason=reason,
        location=location,
    )
    try:
        writer = _open(pdf)
        for spec in empty_fields:
            fields.append_signature_field(
                writer, fields.SigFieldSpec(spec.name, on_page=spec.page, box=spec.box)
            )
        pdf_signer = PdfSigner(
            meta,
            issuer.signer,
            timestamper=timestamper,
            new_field_spec=fields.SigFieldSpec(field_name, on_page=-1),
        )
        return await _sign(pdf_signer, writer, now, existing_fields_only=False)
    except (PdfError, PyhankoSigningError, ValueError, KeyError, TypeError) as exc:
        raise SigningError(f"Certification failed: {exc}") from exc


def sign_field(
    pdf: bytes,
    signer: Signer,
    field_name: str,
    *,
    reason: str | None = None,
    timestamper: TimeStamper | None = None,
    now: datetime | None = None,
    validation_context: ValidationContext | None = None,
) -> bytes:
    """Sign the existing empty field ``field_name`` (an approval signature, PAdES).

    With a ``validation_context`` (trust roots, fetching allowed) the signer's and the
    timestamp authority's revocation information is added in a DSS revision: with a
    ``timestamper`` that makes the signature PAdES B-LT.
    """

    async def run() -> bytes:
        try:
            return await sign_field_async(
                pdf, signer, field_name, reason=reason, timestamper=timestamper, now=now,
                validation_context=validation_context,
            )  # fmt: skip
        finally:  # the fetchers' HTTP sessions belong to this event loop
            if validation_context is not None:
                await validation_context.aclose()  # type: ignore[no-untyped-call]

    return run_sync(run())


async def sign_field_async(
    pdf: bytes,
    signer: Signer,
    field_name: str,
    *,
    reason: str | None = None,
    timestamper: TimeStamper | None = None,
    now: datetime | None = None,
    validation_context: ValidationContext | None = None,
) -> bytes:
    """:func:`sign_field` for callers already inside an event loop.

    A GOST key signs through :mod:`signing.gost.pdf` (Streebog), timestamped alike; its
    DSS comes from :mod:`signing.ltv` as for every key."""
    if validation_context is None:  # the hot path: our own incremental update
        lean = await lean_approve(
            pdf, signer, field_name, reason=reason, timestamper=timestamper,
            now=now or datetime.now(UTC),
        )  # fmt: skip
        if lean is not None:
            return lean
    if isinstance(signer, GostSigner):
        if not _has_empty_field(_open(pdf), field_name):
            raise SigningError(f"The document has no empty signature field {field_name!r}")
        return await _gost(
            pdf, signer, field_name, now, certify=False, reason=reason, timestamper=timestamper
        )
    meta = PdfSignatureMetadata(
        field_name=field_name,
        md_algorithm=_DIGEST,
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=reason,
        embed_validation_info=validation_context is not None,
        validation_context=validation_context,
    )
    try:
        writer = _open(pdf)
        if not _has_empty_field(writer, field_name):
            raise SigningError(f"The document has no empty signature field {field_name!r}")
        pdf_signer = PdfSigner(meta, signer, timestamper=timestamper)
        return await _sign(pdf_signer, writer, now, existing_fields_only=True)
    except (PdfError, PyhankoSigningError, ValueError, KeyError, TypeError) as exc:
        raise SigningError(f"Signing field {field_name!r} failed: {exc}") from exc


async def _gost(
    pdf: bytes,
    signer: GostSigner,
    field_name: str,
    now: datetime | None,
    *,
    certify: bool,
    reason: str | None,
    empty_fields: Sequence[fields.SigFieldSpec] = (),
    timestamper: TimeStamper | None = None,
) -> bytes:
    """PyHanko's PdfSigner hashes only with pyca/cryptography (no Streebog): GOST keys go
    through the low-level embedder of :mod:`signing.gost.pdf`."""
    try:
        return await gost_pdf.async_sign_pdf(
            pdf, signer, field_name=field_name, signing_time=now or datetime.now(UTC),
            certify=certify, docmdp=fields.MDPPerm.FILL_FORMS, reason=reason,
            empty_fields=empty_fields, timestamper=timestamper,
        )  # fmt: skip
    except OSError as exc:  # pyHanko's TimestampRequestError is an IOError
        raise TimestampUnavailable(f"The time-stamping authority did not answer: {exc}") from exc
    except (PdfError, PyhankoSigningError, ValueError, KeyError, TypeError) as exc:
        raise SigningError(f"GOST signature of field {field_name!r} failed: {exc}") from exc


def _open(pdf: bytes) -> IncrementalPdfFileWriter:
    try:
        return IncrementalPdfFileWriter(BytesIO(pdf), strict=True)
    except (PdfError, ValueError, KeyError, TypeError, IndexError) as exc:
        raise SigningError(f"The PDF to sign cannot be read: {exc}") from exc


def _has_empty_field(writer: IncrementalPdfFileWriter, field_name: str) -> bool:
    for name, value, _ref in fields.enumerate_sig_fields(writer.prev, filled_status=False):
        if name == field_name and value is None:
            return True
    return False


async def _sign(
    pdf_signer: PdfSigner,
    writer: IncrementalPdfFileWriter,
    now: datetime | None,
    *,
    existing_fields_only: bool,
) -> bytes:
    """pyHanko's ``async_sign_pdf``, step by step, to set the clock and size /Contents once.

    Without ``bytes_reserved`` pyHanko makes a whole dry-run signature to measure the CMS
    container; we bound its size from the certificates instead.
    """
    session = pdf_signer.init_signing_session(writer, existing_fields_only=existing_fields_only)
    session.system_time = now or datetime.now(UTC)
    try:
        validation_info = await session.perform_presign_validation(writer)
        reserved = reserve(pdf_signer.signer, session.timestamper)
        if reserved is None:
            reserved = await session.estimate_signature_container_size(validation_info, tight=False)
        tbs = session.prepare_tbs_document(validation_info=validation_info, bytes_reserved=reserved)
        prepared, output = tbs.digest_tbs_document()
        post = await tbs.perform_signature(
            document_digest=prepared.document_digest,
            pdf_cms_signed_attrs=PdfCMSSignedAttributes(signing_time=session.system_time),
        )
        await post.post_signature_processing(output)
    except OSError as exc:
        # pyHanko's TimestampRequestError is an IOError; a timestamp was asked for, so no
        # signature without one
        raise TimestampUnavailable(f"The time-stamping authority did not answer: {exc}") from exc
    output.seek(0)
    return bytes(output.read())
