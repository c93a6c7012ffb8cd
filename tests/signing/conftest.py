"""Fixtures for signing tests: a real PDF/A-3b from Typst and a development PKI on disk."""

from __future__ import annotations

import pytest

from signing import (
    DevPki,
    EmptyField,
    IssuerKey,
    certify,
    ensure_dev_pki,
    load_pkcs12,
    read_passphrase,
)
from tests.support.pdfa import compile_pdfa

ORG = "Қазақстан Республикасы Оқу-ағарту министрлігі Білім беру сапасын бағалау орталығы"


@pytest.fixture(scope="session")
def pdfa() -> bytes:
    return compile_pdfa()


@pytest.fixture(scope="session")
def pki(tmp_path_factory: pytest.TempPathFactory) -> DevPki:
    return ensure_dev_pki(tmp_path_factory.mktemp("signing") / "keys", ORG)


@pytest.fixture(scope="session")
def issuer(pki: DevPki) -> IssuerKey:
    return load_pkcs12(pki.issuer_p12_path, read_passphrase(file=pki.issuer_passphrase_path))


@pytest.fixture(scope="session")
def certified(pdfa: bytes, issuer: IssuerKey) -> bytes:
    return certify(
        pdfa,
        issuer,
        reason="Issued",
        empty_fields=[EmptyField("Chair", box=(60, 60, 260, 110)), EmptyField("Secretary")],
    )
