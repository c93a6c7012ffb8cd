"""NCA PKCS#12 files as the NCA hands them out: GOST read at the ASN.1 level, RSA by
`cryptography`."""

from __future__ import annotations

from pathlib import Path

import pytest
from cryptography.hazmat.primitives.serialization import pkcs12

from signing.errors import KeyStoreError
from signing.gost.pkcs12 import load_gost_pkcs12
from signing.keys import load_pkcs12
from tests.signing.gost.conftest import GOST_PASSWORD, PACK, RSA_PASSWORD, flip, pack_bytes


def test_gost_p12_yields_key_and_certificate() -> None:
    store = load_gost_pkcs12(pack_bytes("keys/individual_gost2015.p12"), GOST_PASSWORD)
    assert store.certificate.subject.native["serial_number"] == "IIN123456789012"
    assert store.private_key.public_key.curve.size == 64
    assert "ТЕСТТОВ" in repr(store) and str(store.private_key.d) not in repr(store.private_key)


def test_cryptography_refuses_the_gost_p12_so_we_need_our_reader() -> None:
    with pytest.raises(ValueError):
        pkcs12.load_key_and_certificates(pack_bytes("keys/individual_gost2015.p12"), GOST_PASSWORD)


def test_wrong_passphrase_and_damaged_file_are_refused() -> None:
    data = pack_bytes("keys/ceo_gost2015_revoked.p12")
    with pytest.raises(KeyStoreError, match="wrong passphrase"):
        load_gost_pkcs12(data, b"Aa1234567")
    with pytest.raises(KeyStoreError):
        load_gost_pkcs12(flip(data, 300), GOST_PASSWORD)
    with pytest.raises(KeyStoreError):
        load_gost_pkcs12(b"not a p12", GOST_PASSWORD)


def test_a_gost_2004_p12_is_refused_naming_the_algorithm() -> None:
    with pytest.raises(KeyStoreError, match=r"The key is GOST 34\.310-2004"):
        load_gost_pkcs12(pack_bytes("keys/ceo_gost2004_sign_revoked.p12"), b"Qwerty12")


@pytest.mark.parametrize("name", ["individual_rsa_sign.p12", "individual_rsa_sign_revoked.p12"])
def test_rsa_nca_p12_loads_with_the_existing_loader(name: str) -> None:
    key = load_pkcs12(Path(PACK / "keys" / name), RSA_PASSWORD)
    assert key.certificate.subject.native["serial_number"].startswith("IIN")
    assert key.certificate.public_key.algorithm == "rsa"


def test_one_loader_for_every_nca_p12() -> None:
    from signing.gost.cms import GostSigner
    from signing.nca_keys import is_gost, load_nca_pkcs12

    gost = load_nca_pkcs12(PACK / "keys" / "ceo_gost2015_revoked.p12", GOST_PASSWORD)
    assert is_gost(gost) and isinstance(gost.signer, GostSigner)
    assert gost.subject_name == "ТЕСТОВ ТЕСТ"
    rsa = load_nca_pkcs12(PACK / "keys" / "individual_rsa_sign.p12", RSA_PASSWORD)
    assert not is_gost(rsa)
    with pytest.raises(KeyStoreError):
        load_nca_pkcs12(PACK / "keys" / "individual_gost2015.p12", b"wrong")
