"""Signature and document timestamps (RFC 3161) from a test TSA under the development CA."""

from __future__ import annotations

from io import BytesIO

from asn1crypto import x509 as asn1_x509
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign.signers import PdfTimeStamper
from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper

from signing import IssuerKey, certify
from verify import validate_pdf


def test_certify_with_signature_timestamp(
    pdfa: bytes,
    issuer: IssuerKey,
    tsa: DummyTimeStamper,
    roots: tuple[asn1_x509.Certificate, ...],
) -> None:
    report = validate_pdf(certify(pdfa, issuer, timestamper=tsa), roots)
    assert report.ok


def test_document_timestamp_after_certification(
    certified: bytes, tsa: DummyTimeStamper, roots: tuple[asn1_x509.Certificate, ...]
) -> None:
    writer = IncrementalPdfFileWriter(BytesIO(certified))
    out = PdfTimeStamper(tsa).timestamp_pdf(writer, "sha256")
    report = validate_pdf(out.getvalue(), roots)
    assert [s.timestamp for s in report.signatures] == [False, True]
    assert report.signatures[1].signer_name == "Qujat test TSA"
    assert report.ok and not report.modified_after_signing
