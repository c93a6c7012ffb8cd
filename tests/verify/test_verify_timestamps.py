"""Signature and document timestamps (RFC 3161) from a test TSA under the development CA."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from io import BytesIO

import pytest
from asn1crypto import keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign.signers import PdfTimeStamper
from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper

from signing import DevPki, IssuerKey, certify
from verify import validate_pdf


@pytest.fixture(scope="module")
def tsa(pki: DevPki) -> DummyTimeStamper:
    ca_cert = x509.load_pem_x509_certificate(pki.ca_cert_path.read_bytes())
    ca_key = serialization.load_pem_private_key(pki.ca_key_path.read_bytes(), password=None)
    assert isinstance(ca_key, ec.EllipticCurvePrivateKey)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)  # dummy TSA: RSA only
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Qujat test TSA")]))
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(hours=1))
        .not_valid_after(now + timedelta(days=30))
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    key_der = key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return DummyTimeStamper(
        tsa_cert=asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER)),
        tsa_key=keys.PrivateKeyInfo.load(key_der),
    )


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
