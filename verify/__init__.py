"""Verification: what a PDF's signatures say, judged against configured trust roots, and
the one verdict on a file (:mod:`verify.verdicts`)."""

from verify.isolation import Examination, IsolationLimits, ValidatorPool, examine_bounded
from verify.pdf import (
    PdfReport,
    SignatureReport,
    load_trust_roots,
    validate_pdf,
    validate_pdf_async,
)
from verify.verdicts import Decision, RegistryFacts, Verdict, judge

__all__ = [
    "Decision",
    "Examination",
    "IsolationLimits",
    "PdfReport",
    "RegistryFacts",
    "SignatureReport",
    "ValidatorPool",
    "Verdict",
    "examine_bounded",
    "judge",
    "load_trust_roots",
    "validate_pdf",
    "validate_pdf_async",
]
