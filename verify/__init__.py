"""Verification: what a PDF's signatures say, judged against configured trust roots."""

from verify.pdf import (
    PdfReport,
    SignatureReport,
    load_trust_roots,
    validate_pdf,
    validate_pdf_async,
)

__all__ = [
    "PdfReport",
    "SignatureReport",
    "load_trust_roots",
    "validate_pdf",
    "validate_pdf_async",
]
