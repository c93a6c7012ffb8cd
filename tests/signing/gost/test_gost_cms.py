"""CMS SignedData with GOST keys: made by our pyHanko signer, verified as NCALayer's would be."""

from __future__ import annotations

import pytest
from asn1crypto import cms

from signing.gost import oids
from signing.gost.cms import (
    GostSigner,
    assemble_external_cms,
    content_digest,
    signed_attributes_for_external,
    verify_cms,
)
from signing.gost.gost3410 import GostKeyError
from signing.gost.pkcs12 import GostKeyStore
from tests.signing.gost.conftest import INSIDE, flip, pack_bytes


def test_detached_cms_carries_the_ncas_oids(individual: GostKeyStore) -> None:
    signer = GostSigner(individual.private_key, individual.certificate)
    ci = signer.sign_detached(b"protocol", signing_time=INSIDE)
    si = ci["content"]["signer_infos"][0]
    assert si["digest_algorithm"]["algorithm"].dotted == oids.DIGEST_STREEBOG512
    assert si["signature_algorithm"]["algorithm"].dotted == oids.SIG_GOST2015_512
    attrs = {a["type"].native for a in si["signed_attrs"]}
    assert {"message_digest", "signing_time", "signing_certificate_v2", "content_type"} <= attrs
    verdict = verify_cms(ci.dump(), content=b"protocol")
    assert verdict.ok and verdict.signing_time == INSIDE
    assert "34.10-2015" in verdict.algorithm


def test_detached_cms_tampering_is_caught(individual: GostKeyStore) -> None:
    der = (
        GostSigner(individual.private_key, individual.certificate)
        .sign_detached(b"protocol", signing_time=INSIDE)
        .dump()
    )
    assert not verify_cms(der, content=b"protocoL").intact
    sig_at = der.rfind(
        bytes(cms.ContentInfo.load(der)["content"]["signer_infos"][0]["signature"].native[:8])
    )
    bad = verify_cms(flip(der, sig_at + 5), content=b"protocol")
    assert bad.intact and not bad.valid and not bad.ok


def test_digested_mode_and_the_external_flow(ceo: GostKeyStore) -> None:
    digest = content_digest(b"the pdf byte range")
    attrs = signed_attributes_for_external(ceo.certificate, digest, INSIDE)
    raw = ceo.private_key.sign(attrs)  # what NCALayer / a token returns
    ci = assemble_external_cms(ceo.certificate, attrs, raw)
    assert verify_cms(ci.dump(), digest=digest).ok
    assert verify_cms(ci.dump(), content=b"the pdf byte range").ok
    with pytest.raises(GostKeyError):
        assemble_external_cms(ceo.certificate, attrs, flip(raw, 0))
    with pytest.raises(GostKeyError):
        assemble_external_cms(ceo.certificate, flip(attrs, len(attrs) - 3), raw)


def test_a_signer_refuses_someone_elses_certificate(
    individual: GostKeyStore, ceo: GostKeyStore
) -> None:
    with pytest.raises(GostKeyError):
        GostSigner(individual.private_key, ceo.certificate)


def test_gost_2004_cms_gets_a_verdict_naming_the_algorithm() -> None:
    # the NCA test TSA's token: a SignedData signed with GOST 34.310-2004
    verdict = verify_cms(pack_bytes("tsp/tsp_token.bin"))
    assert not verdict.ok and not verdict.valid
    assert verdict.problem is not None and "34.310-2004" in verdict.problem


def test_garbage_is_a_verdict_not_a_crash() -> None:
    verdict = verify_cms(b"\x30\x03\x02\x01\x00", content=b"x")
    assert not verdict.ok and verdict.problem


def test_signing_certificate_v2_must_name_the_signer(
    individual: GostKeyStore, ceo: GostKeyStore
) -> None:
    digest = content_digest(b"doc")
    # attributes prepared for the first head's certificate, signed with the individual's key
    attrs = signed_attributes_for_external(ceo.certificate, digest, INSIDE)
    raw = individual.private_key.sign(attrs)
    ci = assemble_external_cms(individual.certificate, attrs, raw)
    verdict = verify_cms(ci.dump(), digest=digest)
    assert verdict.intact and verdict.valid and not verdict.ok
    assert verdict.problem is not None and "signingCertificateV2" in verdict.problem
