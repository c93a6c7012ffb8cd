"""GOST R 34.10-2015 and Streebog, checked against the standard's vector and the NCA's own
signatures (its CRL, its certificates, its OCSP responder's answers)."""

from __future__ import annotations

import pytest
from asn1crypto import crl, ocsp, x509

from signing.gost import oids, streebog
from signing.gost.curve import TC26_256_A, TC26_512_A, Curve
from signing.gost.gost3410 import GostPrivateKey, GostPublicKey
from signing.gost.pkcs12 import GostKeyStore
from tests.signing.gost.conftest import flip, pack_bytes

M1 = b"012345678901234567890123456789012345678901234567890123456789012"


def test_streebog_matches_the_standards_example() -> None:
    # GOST R 34.11-2012, example 1, as printed in the standard
    assert streebog.streebog512(M1).hex() == (
        "1b54d01a4af5b9d5cc3d86d68d285462b19abc2475222f35c085122be4ba1ffa"
        "00ad30f8767b3a82384c6574f024c311e2a481332b08ef7f41797891c1646f48"
    )
    assert streebog.streebog256(M1).hex() == (
        "9d151eefd8590b89daa6ba6cb74af9275dd051026bb149a452fd84e5e57b5500"
    )


@pytest.mark.parametrize("curve", [TC26_512_A, TC26_256_A], ids=lambda c: c.name)
def test_curve_parameters_are_consistent(curve: Curve) -> None:
    g = (curve.gx, curve.gy)
    assert curve.contains(g)
    assert curve.mul(g, curve.q) is None  # the base point has order q
    assert curve.base_mul(12345) == curve.mul(g, 12345)
    assert curve.mul_add(7, 11, curve.base_mul(3)) == curve.base_mul(7 + 33)


@pytest.mark.parametrize(
    "params", [oids.PARAMS_GOST2015_512_A, oids.PARAMS_GOST2015_256_A], ids=["512", "256"]
)
def test_sign_verify_round_trip(params: str) -> None:
    key = GostPrivateKey.generate(params)
    sig = key.sign(b"protocol 7")
    assert len(sig) == 2 * key.public_key.curve.size
    assert key.public_key.verify(sig, b"protocol 7")
    assert not key.public_key.verify(sig, b"protocol 8")
    assert not key.public_key.verify(flip(sig, 3), b"protocol 7")
    assert not GostPrivateKey.generate(params).public_key.verify(sig, b"protocol 7")
    # the SubjectPublicKeyInfo round-trips in the NCA's encoding
    assert GostPublicKey.from_spki(key.public_key.spki()) == key.public_key


def test_the_cas_signature_over_its_crl(gost_ca: x509.Certificate, gost_crl: bytes) -> None:
    lst = crl.CertificateList.load(gost_crl)
    assert lst["signature_algorithm"]["algorithm"].dotted == oids.SIG_GOST2015_512
    key = GostPublicKey.from_spki(gost_ca.public_key)
    tbs, sig = lst["tbs_cert_list"].dump(), lst["signature"].native
    assert key.verify(sig, tbs)
    assert not key.verify(sig, flip(tbs, 40))
    assert not key.verify(flip(sig, 0), tbs)
    assert not key.verify(flip(sig, 127), tbs)
    # a key used often gets its own precomputed table: same answers afterwards
    for _ in range(10):
        assert key.verify(sig, tbs)
    assert not key.verify(flip(sig, 1), tbs)
    assert not key.verify(sig, flip(tbs, 41))


@pytest.mark.parametrize("holder", ["individual", "ceo"])
def test_the_cas_signature_over_the_p12_certificates(
    holder: str, gost_ca: x509.Certificate, request: pytest.FixtureRequest
) -> None:
    store: GostKeyStore = request.getfixturevalue(holder)
    cert = store.certificate
    key = GostPublicKey.from_spki(gost_ca.public_key)
    tbs, sig = cert["tbs_certificate"].dump(), cert["signature_value"].native
    assert key.verify(sig, tbs)
    assert not key.verify(sig, flip(tbs, 200))
    assert not key.verify(flip(sig, 64), tbs)


@pytest.mark.parametrize(
    "name", ["ocsp_response_individual_2015.bin", "ocsp_response_ceo_2015_revoked.bin"]
)
def test_the_ocsp_responders_signatures(name: str, gost_ca: x509.Certificate) -> None:
    basic = ocsp.OCSPResponse.load(pack_bytes(f"ocsp/{name}"))["response_bytes"]["response"].parsed
    responder = basic["certs"][0]
    ca_key = GostPublicKey.from_spki(gost_ca.public_key)
    assert ca_key.verify(responder["signature_value"].native, responder["tbs_certificate"].dump())
    key = GostPublicKey.from_spki(responder.public_key)
    tbs, sig = basic["tbs_response_data"].dump(), basic["signature"].native
    assert key.verify(sig, tbs)
    assert not key.verify(sig, flip(tbs, len(tbs) // 2))
    assert not key.verify(flip(sig, 10), tbs)


def test_the_p12_private_keys_match_their_certificates(
    individual: GostKeyStore, ceo: GostKeyStore
) -> None:
    for store in (individual, ceo):
        assert GostPublicKey.from_spki(store.certificate.public_key) == store.private_key.public_key
        sig = store.private_key.sign(b"x")
        assert GostPublicKey.from_spki(store.certificate.public_key).verify(sig, b"x")
