"""Validation of the signatures in a PDF with pyHanko, against configured trust roots.

A signature whose bytes are untouched still reports ``intact`` after someone appends an
unauthorised revision; only pyHanko's ``bottom_line`` (and our ``modified_after_signing``)
tell. Nothing here trusts ``intact`` alone.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path

from asn1crypto import pem, x509
from pyhanko.pdf_utils.generic import DictionaryObject, IndirectObject
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.pdf_utils.rw_common import PdfHandler
from pyhanko.sign.fields import enumerate_sig_fields

from forms.errors import VerificationError
from signing.loop import run_sync
from signing.settle import settled
from verify._history_cache import install as _install_history_cache
from verify.ltv import (
    Level,
    LtvStatus,
    read_evidence,
)
from verify.revisions import ChainDiffPolicy
from verify.signatures import SignatureReport, _Judge
from verify.structure import check_structure

_install_history_cache()

__all__ = ["PdfReport", "SignatureReport", "load_trust_roots", "validate_pdf"]

MAX_BYTES = 20 * 1024 * 1024
MAX_OBJECTS = 200_000
"""Largest cross-reference ``/Size`` accepted: Qujat documents have a few hundred objects, and
a table of millions costs seconds and hundreds of MB to read before any signature is seen."""
# /Info entries every PDF writer updates on save, so a signer's own revision changes them too
_WRITER_INFO_KEYS = frozenset({"/ModDate", "/Producer"})


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
    ltv_status: str = "valid"
    """``valid``, ``invalid``, ``revoked`` (a signature was made after its certificate was
    revoked) or ``lapsed`` (the newest timestamp's TSA certificate expired: renewal came
    too late and nothing can be proven); see :class:`verify.ltv.LtvStatus`."""
    level: str | None = None
    """The lowest level of the document's signatures (timestamps aside)."""
    archive_timestamp_at: datetime | None = None
    """The time of the last document (archive) timestamp: when it was last renewed."""
    validated_at: datetime | None = None
    """The moment of validation (now, or the one asked for)."""


def validate_pdf(
    data: bytes,
    trust_roots: Sequence[x509.Certificate],
    *,
    max_bytes: int = MAX_BYTES,
    moment: datetime | None = None,
) -> PdfReport:
    """Validate every signature in ``data``; :class:`VerificationError` if it is not a PDF.

    Trust is only what ``trust_roots`` says, and nothing is fetched from the network: each
    signature is judged at the time its earliest trusted timestamp proves, with the
    certificates and CRL/OCSP answers in the file's DSS (see :mod:`verify.ltv`). Revocation
    data the file lacks is not required (a B-B or B-T signature still shows as trusted);
    revocation data it holds is obeyed. ``moment`` is "now" (tests travel in time with it).
    """
    return run_sync(validate_pdf_async(data, trust_roots, max_bytes=max_bytes, moment=moment))


async def validate_pdf_async(
    data: bytes,
    trust_roots: Sequence[x509.Certificate],
    *,
    max_bytes: int = MAX_BYTES,
    moment: datetime | None = None,
) -> PdfReport:
    """:func:`validate_pdf` for callers already inside an event loop."""
    reader = _read(data, max_bytes)
    now = moment or datetime.now(UTC)
    try:
        embedded = sorted(reader.embedded_signatures, key=lambda sig: sig.signed_revision)
        judge = _Judge(list(trust_roots), read_evidence(reader), now, ChainDiffPolicy(reader, data))
        reports = await judge.all(embedded)
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
    ok = bool(reports) and all(r.bottom_line for r in reports) and not modified
    people = [r for r in reports if not r.timestamp]
    archives = [r.proven_at for r in reports if r.timestamp and r.proven_at is not None]
    return PdfReport(
        sha256=hashlib.sha256(data).hexdigest(),
        signatures=tuple(reports),
        modified_after_signing=modified,
        ok=ok and not judge.lapsed,
        empty_fields=empty,
        ltv_status=str(_status(ok, judge.lapsed, reports)),
        level=min((r.level for r in people), key=_LEVELS.index) if people else None,
        archive_timestamp_at=archives[-1] if archives else None,
        validated_at=now,
    )


_LEVELS = [str(level) for level in Level]


def _status(ok: bool, lapsed: bool, reports: list[SignatureReport]) -> LtvStatus:
    if lapsed:
        return LtvStatus.LAPSED
    if any(r.revoked_at is not None for r in reports):
        return LtvStatus.REVOKED
    return LtvStatus.VALID if ok else LtvStatus.INVALID


def load_trust_roots(paths: Sequence[Path]) -> tuple[x509.Certificate, ...]:
    """Read trust root certificates from PEM (one or many per file) or DER files."""
    roots: list[x509.Certificate] = []
    for path in paths:
        try:
            data = path.read_bytes()
            if pem.detect(data):
                found = [x509.Certificate.load(der) for _t, _h, der in pem.unarmor(data, True)]
            else:
                found = [x509.Certificate.load(data)]
            # parsed whole now: a bad file fails here, and the roots are shared by threads
            roots.extend(settled(cert) for cert in found)
        except (OSError, ValueError, TypeError) as exc:
            raise VerificationError(f"Cannot read trust root {path}: {exc}") from exc
    return tuple(roots)


def _read(data: bytes, max_bytes: int) -> PdfFileReader:
    if len(data) > max_bytes:
        raise VerificationError(f"The file is larger than {max_bytes} bytes")
    if not data.lstrip()[:5] == b"%PDF-":
        raise VerificationError("The file is not a PDF")
    # the cross-reference sections themselves bound the object count (not a /Size that
    # may belong to an embedded file's parameters)
    check_structure(data, max_objects=MAX_OBJECTS)
    try:
        reader = PdfFileReader(BytesIO(data), strict=False)
        reader.root  # noqa: B018  (forces the catalog to be read)
    except (PdfError, ValueError, KeyError, TypeError, IndexError, AttributeError) as exc:
        raise VerificationError(f"The PDF cannot be read: {exc}") from exc
    if reader.encrypted:
        raise VerificationError("The PDF is encrypted; Qujat documents never are")
    return reader


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
