"""GOST at 256 and 512 bits end to end with a CA of our own: CMS, PDF, path validation; and a
PDF whose GOST signer chains to no configured anchor."""

from __future__ import annotations

import pytest
from asn1crypto import x509

from signing.gost import oids
from signing.gost.cms import GostSigner, verify_cms
from signing.gost.gost3410 import GostPrivateKey
from signing.gost.pdf import sign_pdf, validate_pdf
from signing.gost.validator import gost_validation_context
from tests.signing.gost.conftest import INSIDE
from tests.signing.gost.minica import issue
from tests.support.pdfa import compile_pdfa


@pytest.mark.parametrize(
    "params", [oids.PARAMS_GOST2015_256_A, oids.PARAMS_GOST2015_512_A], ids=["256", "512"]
)
def test_own_ca_round_trip(params: str) -> None:
    ca_key, key = GostPrivateKey.generate(params), GostPrivateKey.generate(params)
    not_before = INSIDE.replace(month=1)
    ca = issue(
        {"common_name": "Test GOST CA"}, ca_key, ca_key, None, not_before=not_before, ca=True
    )
    cert = issue(
        {"common_name": "Member", "serial_number": "IIN900101300123"},
        key,
        ca_key,
        ca.subject,
        not_before=not_before,
        serial=7,
    )
    signer = GostSigner(key, cert, [ca])
    assert signer.digest_algorithm == (
        "streebog256" if key.public_key.curve.size == 32 else "streebog512"
    )
    ci = signer.sign_detached(b"doc", signing_time=INSIDE)
    assert ci["content"]["signer_infos"][0]["signature_algorithm"]["algorithm"].dotted == (
        key.public_key.signature_oid
    )
    assert verify_cms(ci.dump(), content=b"doc").ok
    pdf = sign_pdf(compile_pdfa(), signer, field_name="S", signing_time=INSIDE, certify=True)
    [ok] = validate_pdf(pdf, gost_validation_context([ca], moment=INSIDE))
    assert ok.intact and ok.valid and ok.trusted


def test_a_gost_pdf_chaining_to_no_configured_anchor(gost_ca: x509.Certificate) -> None:
    params = oids.PARAMS_GOST2015_512_A
    ca_key, key = GostPrivateKey.generate(params), GostPrivateKey.generate(params)
    not_before = INSIDE.replace(month=1)
    # a CA that copies the NCA test CA's name but not its key
    rogue = issue(gost_ca.subject.native, ca_key, ca_key, None, not_before=not_before, ca=True)
    cert = issue(
        {"common_name": "Impostor"}, key, ca_key, rogue.subject, not_before=not_before, serial=9
    )
    pdf = sign_pdf(
        compile_pdfa(), GostSigner(key, cert, [rogue]), field_name="S", signing_time=INSIDE
    )
    [verdict] = validate_pdf(pdf, gost_validation_context([gost_ca], moment=INSIDE))
    assert verdict.intact and verdict.valid  # the signature itself is sound...
    assert not verdict.trusted  # ...but nobody we trust vouches for it
    assert verdict.status is not None and not verdict.status.bottom_line
