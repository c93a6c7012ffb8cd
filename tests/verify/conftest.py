"""Fixtures for verification tests: a PDF/A-3b from Typst, a dev PKI, signed documents.

(They mirror tests/signing/conftest.py: conftest fixtures do not cross sibling folders.)
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
import typst
from asn1crypto import x509

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
def roots(pki: DevPki) -> tuple[x509.Certificate, ...]:
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
