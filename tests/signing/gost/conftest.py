"""The NCA RK test pack (tests/data/nca-test) as fixtures."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from asn1crypto import pem, x509

import signing.gost  # noqa: F401  (registers the GOST OIDs)
from signing.gost.pkcs12 import GostKeyStore, load_gost_pkcs12

PACK = Path(__file__).resolve().parents[2] / "data" / "nca-test"
GOST_PASSWORD = b"Aa123456"
RSA_PASSWORD = b"Qwerty12"
#: inside every GOST 2015 certificate's window and the CRL's (2022-07-27 .. 2023-01-23)
INSIDE = datetime(2022, 10, 1, 10, 0, tzinfo=UTC)
#: after the GOST 2015 certificates expired
AFTER = datetime(2023, 9, 1, tzinfo=UTC)


def pack_bytes(rel: str) -> bytes:
    """Bytes of a file of the test pack."""
    return (PACK / rel).read_bytes()


def pack_cert(rel: str) -> x509.Certificate:
    """A certificate of the test pack (DER or PEM)."""
    data = pack_bytes(rel)
    if pem.detect(data):
        data = pem.unarmor(data)[2]
    return x509.Certificate.load(data)


@pytest.fixture(scope="session")
def gost_ca() -> x509.Certificate:
    return pack_cert("ca/nca_gost2022_test.cer")


@pytest.fixture(scope="session")
def gost_crl() -> bytes:
    return pack_bytes("crl/nca_gost2022_test.crl")


@pytest.fixture(scope="session")
def individual() -> GostKeyStore:
    return load_gost_pkcs12(pack_bytes("keys/individual_gost2015.p12"), GOST_PASSWORD)


@pytest.fixture(scope="session")
def ceo() -> GostKeyStore:
    return load_gost_pkcs12(pack_bytes("keys/ceo_gost2015_revoked.p12"), GOST_PASSWORD)


def flip(data: bytes, index: int) -> bytes:
    """`data` with one byte changed."""
    b = bytearray(data)
    b[index] ^= 0x01
    return bytes(b)
