"""Fixtures for verification tests: a PDF/A-3b from Typst, a dev PKI, signed documents.

(They mirror tests/signing/conftest.py: conftest fixtures do not cross sibling folders.)
"""

from __future__ import annotations

import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import typst
from asn1crypto import keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper

from signing import (
    DevPki,
    EmptyField,
    IssuerKey,
    certify,
    ensure_dev_pki,
    load_pkcs12,
    read_passphrase,
)
from verify import load_trust_roots

FONTS = Path(__file__).resolve().parents[2] / "generator" / "fonts"
SOURCE = """
#set page(paper: "a4")
#set text(font: "Liberation Serif", lang: "kk")
= Біліктілік санатын беру (растау) туралы куәлік
Осы куәлік Әбілқайыров Нұрсұлтан Ғалымұлына берілді: педагог-шебер біліктілік санаты.
#for i in range(25) [ Жол #i: Қазақстан Республикасы Оқу-ағарту министрлігі. \\ ]
"""


@pytest.fixture(scope="session")
def pdfa() -> bytes:
    fonts = [str(FONTS)]
    # the stub's Input type variable cannot be solved here
    compiler = typst.Compiler(SOURCE.encode(), font_paths=fonts, ignore_system_fonts=True)  # type: ignore[misc]
    pdf = compiler.compile(pdf_standards="a-3b", timestamp=1700000000)
    assert isinstance(pdf, bytes)
    return pdf


@pytest.fixture(scope="session")
def pki(tmp_path_factory: pytest.TempPathFactory) -> DevPki:
    return ensure_dev_pki(tmp_path_factory.mktemp("verify") / "keys", "Ұлттық біліктілік орталығы")


@pytest.fixture(scope="session")
def issuer(pki: DevPki) -> IssuerKey:
    return load_pkcs12(pki.issuer_p12_path, read_passphrase(file=pki.issuer_passphrase_path))


@pytest.fixture(scope="session")
def roots(pki: DevPki) -> tuple[asn1_x509.Certificate, ...]:
    return load_trust_roots([pki.ca_cert_path])


@pytest.fixture(scope="session")
def certified(pdfa: bytes, issuer: IssuerKey) -> bytes:
    return certify(
        pdfa,
        issuer,
        reason="Issued",
        empty_fields=[EmptyField("Chair", box=(60, 60, 260, 110)), EmptyField("Secretary")],
    )


@pytest.fixture(scope="session")
def nssdb(tmp_path_factory: pytest.TempPathFactory, pki: DevPki) -> str:
    """An NSS database trusting the development CA, for ``pdfsig -nssdir``.

    poppler 22.12 checks signer certificates for S/MIME use, so the CA needs the S/MIME
    trust flag (``C,C,``); ``C,,`` (SSL only) leaves pdfsig saying "issuer isn't Trusted".
    """
    folder = tmp_path_factory.mktemp("nss")
    db = f"sql:{folder}"
    subprocess.run(["certutil", "-N", "--empty-password", "-d", db], check=True)
    subprocess.run(
        ["certutil", "-A", "-d", db, "-n", "qujat-ca", "-t", "C,C,", "-i", str(pki.ca_cert_path)],
        check=True,
    )
    return db


@pytest.fixture(scope="session")
def tsa(pki: DevPki) -> DummyTimeStamper:
    """A timestamp authority under the dev CA (pyHanko's dummy client: RSA only)."""
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
