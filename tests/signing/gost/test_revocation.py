"""Revocation from the NCA's GOST-signed CRL and OCSP answers, offline."""

from __future__ import annotations

from datetime import UTC, datetime

from asn1crypto import x509

from signing.gost.pkcs12 import GostKeyStore
from signing.revocation import check_crl, check_ocsp, check_revocation
from tests.signing.gost.conftest import INSIDE, flip, pack_bytes, pack_cert

#: the OCSP answers were produced on 2022-09-02 around 17:00 UTC
OCSP_MOMENT = datetime(2022, 9, 2, 17, 30, tzinfo=UTC)
REVOKED_AT = datetime(2022, 7, 27, 10, 25, 30, tzinfo=UTC)


def test_crl_good_and_revoked(
    individual: GostKeyStore, ceo: GostKeyStore, gost_ca: x509.Certificate, gost_crl: bytes
) -> None:
    assert check_crl(individual.certificate, gost_ca, gost_crl, moment=INSIDE).good
    revoked = check_crl(ceo.certificate, gost_ca, gost_crl, moment=INSIDE)
    assert revoked.status == "revoked" and revoked.revoked_at == REVOKED_AT
    assert revoked.reason == "certificate_hold"
    assert not revoked.revoked_before(datetime(2022, 7, 27, 10, 0, tzinfo=UTC))


def test_a_changed_crl_counts_for_nothing(
    ceo: GostKeyStore, gost_ca: x509.Certificate, gost_crl: bytes
) -> None:
    # a byte of the revoked list changed: the CA's signature no longer holds
    status = check_crl(ceo.certificate, gost_ca, flip(gost_crl, len(gost_crl) - 200), moment=INSIDE)
    assert status.status == "unknown"


def test_a_stale_or_foreign_crl_is_unknown(
    individual: GostKeyStore, gost_ca: x509.Certificate, gost_crl: bytes
) -> None:
    after_next_update = datetime(2023, 2, 1, tzinfo=UTC)
    assert (
        check_crl(individual.certificate, gost_ca, gost_crl, moment=after_next_update).status
        == "unknown"
    )
    rsa_crl = pack_bytes("crl/nca_rsa_test.crl")
    assert check_crl(individual.certificate, gost_ca, rsa_crl, moment=INSIDE).status == "unknown"


def test_ocsp_revoked_with_its_date(ceo: GostKeyStore, gost_ca: x509.Certificate) -> None:
    answer = pack_bytes("ocsp/ocsp_response_ceo_2015_revoked.bin")
    status = check_ocsp(ceo.certificate, gost_ca, answer, moment=OCSP_MOMENT)
    assert status.status == "revoked" and status.revoked_at == REVOKED_AT


def test_ocsp_tampered_wrong_cert_and_not_issued(
    individual: GostKeyStore, ceo: GostKeyStore, gost_ca: x509.Certificate
) -> None:
    answer = pack_bytes("ocsp/ocsp_response_ceo_2015_revoked.bin")
    assert (
        check_ocsp(ceo.certificate, gost_ca, flip(answer, 60), moment=OCSP_MOMENT).status
        == "unknown"
    )
    # an answer about another certificate says nothing about this one
    assert (
        check_ocsp(individual.certificate, gost_ca, answer, moment=OCSP_MOMENT).status == "unknown"
    )
    # the test responder answers the individual's key with RFC 6960's "never issued"
    # (revoked, certificateHold, 1970-01-01): that is not "good"
    mine = pack_bytes("ocsp/ocsp_response_individual_2015.bin")
    status = check_ocsp(individual.certificate, gost_ca, mine, moment=OCSP_MOMENT)
    assert status.status == "unknown" and "does not know" in status.detail


def test_combined_revoked_wins(
    ceo: GostKeyStore, gost_ca: x509.Certificate, gost_crl: bytes
) -> None:
    status = check_revocation(
        ceo.certificate,
        gost_ca,
        moment=INSIDE,
        crls=[gost_crl],
        ocsps=[pack_bytes("ocsp/ocsp_response_individual_2015.bin")],
    )
    assert status.status == "revoked" and status.source == "crl"
    none = check_revocation(ceo.certificate, gost_ca, moment=INSIDE)
    assert none.status == "unknown"


def test_rsa_crl_still_works() -> None:
    cert = pack_cert("certs/individual_valid_sign_2004_rsa.cer")
    ca = pack_cert("ca/nca_rsa_test.crt")
    status = check_crl(
        cert, ca, pack_bytes("crl/nca_rsa_test.crl"), moment=datetime(2022, 6, 1, tzinfo=UTC)
    )
    assert status.status in ("good", "revoked") and status.detail
