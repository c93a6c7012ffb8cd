"""The NCA certificate profile: identifiers, holder type, role, key usage."""

from __future__ import annotations

import pytest
from asn1crypto import x509

from signing.errors import NcaProfileError
from signing.gost.pkcs12 import GostKeyStore
from signing.nca_profile import (
    PRODUCTION,
    NcaPkiProfile,
    certificate_facts,
    id_checksum_ok,
    require_organisation_signer,
    require_signing_key,
)
from signing.pki_profiles import NCA_TEST_FAKE_IDS, load_profile
from tests.signing.gost.conftest import pack_cert


def _with_check_digit(first11: str) -> str:
    for d in "0123456789":
        if id_checksum_ok(first11 + d):
            return first11 + d
    raise AssertionError("no check digit")


def test_iin_checksum() -> None:
    valid = _with_check_digit("90010130012")
    assert id_checksum_ok(valid)
    assert not id_checksum_ok(valid[:-1] + str((int(valid[-1]) + 1) % 10))
    for fake in NCA_TEST_FAKE_IDS:
        assert not id_checksum_ok(fake)  # why the test profile needs its list
    assert not id_checksum_ok("12345") and not id_checksum_ok("12345678901a")


def test_first_head_facts_under_the_test_profile(ceo: GostKeyStore) -> None:
    facts = certificate_facts(ceo.certificate, load_profile("nca-test").rules)
    assert facts.iin == "123456789011" and facts.bin == "123456789021"
    assert facts.holder == "legal_entity" and facts.roles == ("first_head",)
    assert facts.organisation == 'АО "ТЕСТ"' and facts.person == "ТЕСТОВ ТЕСТ"
    assert facts.issuer == "ҰЛТТЫҚ КУӘЛАНДЫРУШЫ ОРТАЛЫҚ (GOST) TEST 2022"
    assert facts.valid_from.year == 2022 and facts.valid_to.year == 2023
    assert facts.can_sign_for_organisation and facts.iin_masked == "1234****11"
    require_organisation_signer(facts, "123456789021")
    with pytest.raises(NcaProfileError):
        require_organisation_signer(facts, "999999999999")


def test_individual_facts(individual: GostKeyStore) -> None:
    facts = certificate_facts(individual.certificate, load_profile("nca-test").rules)
    assert facts.holder == "individual" and facts.roles == () and facts.bin is None
    assert facts.organisation is None and not facts.can_sign_for_organisation
    with pytest.raises(NcaProfileError):
        require_organisation_signer(facts, "123456789021")


def test_production_refuses_the_fake_iin(individual: GostKeyStore) -> None:
    with pytest.raises(NcaProfileError) as info:
        certificate_facts(individual.certificate, PRODUCTION)
    assert info.value.details[0].rule == "nca_iin_invalid"


def test_fake_ids_only_in_certificates_of_the_test_cas(gost_ca: x509.Certificate) -> None:
    # the RSA certificate carries the same fake IIN but another issuer
    rsa = pack_cert("certs/individual_valid_sign_2004_rsa.cer")
    only_gost = NcaPkiProfile("nca-test", NCA_TEST_FAKE_IDS, (gost_ca.subject,))
    with pytest.raises(NcaProfileError):
        certificate_facts(rsa, only_gost)
    assert certificate_facts(rsa, load_profile("nca-test").rules).iin == "123456789011"


def test_signing_key_yes_authentication_key_no(individual: GostKeyStore) -> None:
    require_signing_key(individual.certificate)
    require_signing_key(pack_cert("certs/individual_valid_sign_2004_rsa.cer"))
    with pytest.raises(NcaProfileError) as info:
        require_signing_key(pack_cert("certs/individual_valid_sign_2004_rsa_auth.cer"))
    assert info.value.details[0].rule == "nca_not_signing_key"


def test_the_profile_package_data() -> None:
    profile = load_profile("nca-test")
    assert not profile.for_production
    names = {c.subject.native["common_name"] for c in profile.trust_roots}
    assert "ҰЛТТЫҚ КУӘЛАНДЫРУШЫ ОРТАЛЫҚ (GOST) TEST 2022" in names
    assert len(profile.crls) == 3 and len(profile.ocsps) == 4
    with pytest.raises(ValueError):
        load_profile("production-by-mistake")
