"""Validation of the signatures in a PDF with pyHanko, against configured trust roots.

A signature whose bytes are untouched still reports ``intact`` after someone appends an
unauthorised revision; only pyHanko's ``bottom_line`` (and our ``modified_after_signing``)
tell. Nothing here trusts ``intact`` alone.
"""

from __future__ import annotations

import asyncio
import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from io import BytesIO
from pathlib import Path

from asn1crypto import pem, x509
from pyhanko.pdf_utils.generic import DictionaryObject, IndirectObject
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.pdf_utils.rw_common import PdfHandler
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.fields import enumerate_sig_fields
from pyhanko.sign.validation import (
    EmbeddedPdfSignature,
    SignatureCoverageLevel,
    async_validate_pdf_signature,
    async_validate_pdf_timestamp,
)
from pyhanko.sign.validation.errors import SignatureValidationError
from pyhanko.sign.validation.status import ModificationInfo, PdfSignatureStatus
from pyhanko_certvalidator import ValidationContext

from forms.errors import VerificationError
from verify.errors import PdfTooComplex

__all__ = ["PdfReport", "SignatureReport", "load_trust_roots", "validate_pdf"]

MAX_BYTES = 20 * 1024 * 1024
MAX_OBJECTS = 200_000
"""Largest cross-reference ``/Size`` accepted: Qujat documents have a few hundred objects, and
a table of millions costs seconds and hundreds of MB to read before any signature is seen."""
_SIZE_ENTRY = re.compile(rb"/Size\s+(\d{1,12})")
# /Info entries every PDF writer updates on save, so a signer's own revision changes them too
_WRITER_INFO_KEYS = frozenset({"/ModDate", "/Producer"})


@dataclass(frozen=True)
class SignatureReport:
    """What one signature (or document timestamp) in the PDF says, and whether it holds."""

    field_name: str
    """The signature field's name, e.g. ``"Issuer"``."""
    signer_name: str | None
    """The signer certificate's subject common name (CN)."""
    signer_organisation: str | None
    """The signer certificate's subject organisation (O), if any."""
    signer_serial: str | None
    """The subject serialNumber, e.g. ``"IIN871008401427"`` on Kazakh NCA certificates."""
    signed_at: datetime | None
    """The time the signer claims (signing-time attribute or ``/M``); not a trusted time."""
    certification: bool
    """Whether this is the document's certification (DocMDP) signature."""
    intact: bool
    """The signed bytes hash to the value the signature covers. Never enough on its own."""
    valid: bool
    """The signature is cryptographically valid for the signer's key."""
    trusted: bool
    """The signer's certificate chains to one of the configured trust roots."""
    coverage: str
    """``entire_file``, ``entire_revision``, ``contiguous_block_from_start`` or ``unclear``."""
    modification_level: str
    """What changed after this signature: ``none``, ``lta_updates``, ``form_filling``,
    ``annotations``, ``other`` (or ``unknown``)."""
    docmdp_ok: bool
    """The changes after this signature are allowed by the document's modification policy."""
    bottom_line: bool
    """pyHanko's overall judgment: intact, valid, trusted, and the later changes allowed."""
    timestamp: bool = False
    """Whether this is a document timestamp (RFC 3161) rather than a person's signature."""


@dataclass(frozen=True)
class PdfReport:
    """The verdict on a whole PDF."""

    sha256: str
    """SHA-256 of the file as received, in hex."""
    signatures: tuple[SignatureReport, ...]
    """Every filled signature field, in the order of the file's revisions."""
    modified_after_signing: bool
    """Something other than signatures, validation data or timestamps was added after the
    last signature, or a change broke a DocMDP or field lock rule."""
    ok: bool
    """At least one signature, every bottom line holds, and nothing modified after signing."""
    empty_fields: tuple[str, ...] = ()
    """Signature fields still waiting for a signer."""


def validate_pdf(
    data: bytes,
    trust_roots: Sequence[x509.Certificate],
    *,
    max_bytes: int = MAX_BYTES,
) -> PdfReport:
    """Validate every signature in ``data``; :class:`VerificationError` if it is not a PDF.

    Trust is only what ``trust_roots`` says: nothing is fetched from the network, and
    revocation is not checked yet (no OCSP/CRL; a revoked signer still shows as trusted).
    """
    return asyncio.run(validate_pdf_async(data, trust_roots, max_bytes=max_bytes))


async def validate_pdf_async(
    data: bytes,
    trust_roots: Sequence[x509.Certificate],
    *,
    max_bytes: int = MAX_BYTES,
) -> PdfReport:
    """:func:`validate_pdf` for callers already inside an event loop."""
    reader = _read(data, max_bytes)
    context = ValidationContext(
        trust_roots=list(trust_roots), allow_fetching=False, revocation_mode="soft-fail"
    )
    try:
        embedded = sorted(reader.embedded_signatures, key=lambda sig: sig.signed_revision)
        reports = [await _validate_one(sig, context) for sig in embedded]
        empty = tuple(
            name for name, _value, _ref in enumerate_sig_fields(reader, filled_status=False)
        )
        modified = any(not r.docmdp_ok for r in reports) or bool(
            reports
            and (
                reports[-1].modification_level not in ("none", "lta_updates")
                or _info_changed_since(reader, embedded[-1].signed_revision)
            )
        )
    except (PdfError, ValueError, KeyError, TypeError, IndexError) as exc:
        raise VerificationError(f"The PDF's signatures cannot be read: {exc}") from exc
    return PdfReport(
        sha256=hashlib.sha256(data).hexdigest(),
        signatures=tuple(reports),
        modified_after_signing=modified,
        ok=bool(reports) and all(r.bottom_line for r in reports) and not modified,
        empty_fields=empty,
    )


def load_trust_roots(paths: Sequence[Path]) -> tuple[x509.Certificate, ...]:
    """Read trust root certificates from PEM (one or many per file) or DER files."""
    roots: list[x509.Certificate] = []
    for path in paths:
        try:
            data = path.read_bytes()
            if pem.detect(data):
                roots.extend(x509.Certificate.load(der) for _t, _h, der in pem.unarmor(data, True))
            else:
                cert = x509.Certificate.load(data)
                cert.native  # noqa: B018  (parse now, so a bad file fails here, not later)
                roots.append(cert)
        except (OSError, ValueError, TypeError) as exc:
            raise VerificationError(f"Cannot read trust root {path}: {exc}") from exc
    return tuple(roots)


def _read(data: bytes, max_bytes: int) -> PdfFileReader:
    if len(data) > max_bytes:
        raise VerificationError(f"The file is larger than {max_bytes} bytes")
    if not data.lstrip()[:5] == b"%PDF-":
        raise VerificationError("The file is not a PDF")
    declared = max((int(m.group(1)) for m in _SIZE_ENTRY.finditer(data)), default=0)
    if declared > MAX_OBJECTS:
        raise PdfTooComplex(f"The PDF declares {declared} objects (at most {MAX_OBJECTS})")
    try:
        reader = PdfFileReader(BytesIO(data), strict=False)
        reader.root  # noqa: B018  (forces the catalog to be read)
    except (PdfError, ValueError, KeyError, TypeError, IndexError, AttributeError) as exc:
        raise VerificationError(f"The PDF cannot be read: {exc}") from exc
    if reader.encrypted:
        raise VerificationError("The PDF is encrypted; Qujat documents never are")
    return reader


async def _validate_one(sig: EmbeddedPdfSignature, context: ValidationContext) -> SignatureReport:
    is_timestamp = sig.sig_object_type == "/DocTimeStamp"
    try:
        if is_timestamp:
            status: ModificationInfo = await async_validate_pdf_timestamp(
                sig, validation_context=context
            )
        else:
            status = await async_validate_pdf_signature(sig, signer_validation_context=context)
    except (SignatureValidationError, PdfError, ValueError, KeyError, TypeError) as exc:
        return _broken(sig, is_timestamp, exc)
    subject = _subject(sig)
    level = status.modification_level
    return SignatureReport(
        field_name=str(sig.field_name),
        signer_name=subject.get("common_name"),
        signer_organisation=subject.get("organization_name"),
        signer_serial=subject.get("serial_number"),
        signed_at=getattr(status, "signer_reported_dt", None) or getattr(status, "timestamp", None),
        certification=not is_timestamp and _is_certification(sig),
        intact=bool(getattr(status, "intact", False)),
        valid=bool(getattr(status, "valid", False)),
        trusted=bool(getattr(status, "trusted", False)),
        coverage=_enum_name(status.coverage, "unclear"),
        modification_level=_enum_name(level, "unknown"),
        docmdp_ok=_docmdp_ok(status),
        bottom_line=_bottom_line(status),
        timestamp=is_timestamp,
    )


def _bottom_line(status: ModificationInfo) -> bool:
    if isinstance(status, PdfSignatureStatus):
        return bool(status.bottom_line)
    # a document timestamp: pyHanko gives no bottom line, so apply the same rule
    return bool(
        getattr(status, "intact", False)
        and getattr(status, "valid", False)
        and getattr(status, "trusted", False)
        and _docmdp_ok(status)
    )


def _docmdp_ok(status: ModificationInfo) -> bool:
    if status.docmdp_ok is not None:
        return bool(status.docmdp_ok)
    # undetermined (pyHanko leaves it so for a timestamp over the whole file): fine only if
    # nothing but validation data came after
    return status.modification_level in (ModificationLevel.NONE, ModificationLevel.LTA_UPDATES)


def _broken(sig: EmbeddedPdfSignature, is_timestamp: bool, exc: Exception) -> SignatureReport:
    """A signature pyHanko could not even evaluate: report it, and as failed."""
    try:
        subject = _subject(sig)
    except (ValueError, KeyError, TypeError, SignatureValidationError):
        subject = {}
    return SignatureReport(
        field_name=str(sig.field_name),
        signer_name=subject.get("common_name"),
        signer_organisation=subject.get("organization_name"),
        signer_serial=subject.get("serial_number"),
        signed_at=None,
        certification=False,
        intact=False,
        valid=False,
        trusted=False,
        coverage="unclear",
        modification_level="unknown",
        docmdp_ok=False,
        bottom_line=False,
        timestamp=is_timestamp,
    )


def _info_changed_since(reader: PdfFileReader, revision: int) -> bool:
    """Whether the document information (title, author, ...) differs from ``revision``'s.

    pyHanko's difference analysis allows any /Info change (every writer touches /ModDate), so
    a new title after the last signature would pass it; we only allow what writers touch.
    """
    if revision >= reader.xrefs.total_revisions - 1:
        return False
    historical = reader.get_historical_resolver(revision)
    return _info_entries(historical) != _info_entries(reader)


def _info_entries(handler: PdfHandler) -> dict[str, str]:
    ref = handler.trailer_view.raw_get("/Info") if "/Info" in handler.trailer_view else None
    info = handler.get_object(ref.reference) if isinstance(ref, IndirectObject) else ref
    if not isinstance(info, DictionaryObject):
        return {}
    return {str(k): str(v) for k, v in info.items() if k not in _WRITER_INFO_KEYS}


def _subject(sig: EmbeddedPdfSignature) -> dict[str, str]:
    native = sig.signer_cert.subject.native
    return {k: str(v) for k, v in native.items() if isinstance(v, str)}


def _is_certification(sig: EmbeddedPdfSignature) -> bool:
    """A certification signature carries a DocMDP transform in its /Reference."""
    try:
        refs = sig.sig_object.get("/Reference", [])
        return any(ref.get_object().get("/TransformMethod") == "/DocMDP" for ref in refs)
    except (PdfError, ValueError, KeyError, TypeError, AttributeError):
        return False


def _enum_name(value: SignatureCoverageLevel | ModificationLevel | None, default: str) -> str:
    return value.name.lower() if value is not None else default
