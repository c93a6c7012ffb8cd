"""Errors of :mod:`verify` (under :class:`forms.errors.QujatError`)::

VerificationError        422 unreadable_pdf
├── PdfTooComplex        422 pdf_too_complex     (time or memory bound hit)
├── VerifierBusy         503 verification_busy   (every validation worker is busy)
└── TokenInvalid         422 token_invalid       (an offline QR token or status list)
"""

from __future__ import annotations

from forms.errors import VerificationError

__all__ = ["PdfTooComplex", "TokenInvalid", "VerificationError", "VerifierBusy"]


class PdfTooComplex(VerificationError):
    """Validating the PDF took longer or needed more memory than allowed."""

    http_status = 422
    code = "pdf_too_complex"


class VerifierBusy(VerificationError):
    """No validation worker became free in time; try again shortly."""

    http_status = 503
    code = "verification_busy"


class TokenInvalid(VerificationError):
    """An offline token (or a status list) cannot be read or is not what it claims."""

    http_status = 422
    code = "token_invalid"
