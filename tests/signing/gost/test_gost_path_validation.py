"""pyhanko-certvalidator with the GOST signature validator: path building to the pack's CA."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest
from asn1crypto import x509
from pyhanko_certvalidator import CertificateValidator
from pyhanko_certvalidator.errors import PathBuildingError, PathValidationError

from signing.gost.pkcs12 import GostKeyStore
from signing.gost.validator import gost_validation_context
from tests.signing.gost.conftest import AFTER, INSIDE, pack_cert


def _validate(cert: x509.Certificate, roots: list[x509.Certificate], moment: datetime) -> None:
    vc = gost_validation_context(roots, moment=moment)
    validator = CertificateValidator(cert, validation_context=vc)
    usage = {"digital_signature", "non_repudiation"}
    asyncio.run(validator.async_validate_usage(usage))  # type: ignore[no-untyped-call]


@pytest.mark.parametrize("holder", ["individual", "ceo"])
def test_gost_certificates_chain_to_the_pack_ca(
    holder: str, gost_ca: x509.Certificate, request: pytest.FixtureRequest
) -> None:
    store: GostKeyStore = request.getfixturevalue(holder)
    _validate(store.certificate, [gost_ca], INSIDE)


def test_expired_after_the_window(individual: GostKeyStore, gost_ca: x509.Certificate) -> None:
    with pytest.raises(PathValidationError, match="expired"):
        _validate(individual.certificate, [gost_ca], AFTER)


def test_no_configured_anchor_no_path(individual: GostKeyStore) -> None:
    with pytest.raises(PathBuildingError):
        _validate(individual.certificate, [pack_cert("ca/nca_rsa_test.crt")], INSIDE)


def test_a_tampered_certificate_fails(individual: GostKeyStore, gost_ca: x509.Certificate) -> None:
    der = bytearray(individual.certificate.dump())
    i = der.find("ТЕСТТОВ".encode())
    der[i + 1] ^= 0x01
    with pytest.raises(PathValidationError):
        _validate(x509.Certificate.load(bytes(der)), [gost_ca], INSIDE)


def test_gost_2004_names_the_algorithm() -> None:
    cert = pack_cert("certs/ceo_valid_sign_2004_gost.cer")
    with pytest.raises(PathValidationError, match=r"GOST 34\.310-2004"):
        _validate(cert, [pack_cert("ca/nca_gost2004_test.crt")], datetime(2022, 6, 1, tzinfo=UTC))


def test_rsa_still_goes_to_the_default_validator() -> None:
    cert = pack_cert("certs/individual_valid_sign_2004_rsa.cer")
    _validate(cert, [pack_cert("ca/nca_rsa_test.crt")], datetime(2022, 6, 1, tzinfo=UTC))
