"""PDFs certified and countersigned with the pack's GOST keys, validated by pyHanko."""

from __future__ import annotations

from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path

import pytest
from asn1crypto import x509
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import signers
from pyhanko.sign.ades.report import AdESIndeterminate
from pyhanko.sign.fields import MDPPerm
from pyhanko.sign.signers.cms_embedder import PdfCMSEmbedder, SigIOSetup, SigObjSetup
from pyhanko.sign.signers.pdf_byterange import SignatureObject

from signing.gost.cms import GostSigner
from signing.gost.pdf import sign_pdf, validate_pdf
from signing.gost.pkcs12 import GostKeyStore
from signing.gost.validator import gost_validation_context
from signing.keys import load_pkcs12
from signing.revocation import check_revocation
from tests.signing.gost.conftest import AFTER, INSIDE, PACK, RSA_PASSWORD, pack_bytes, pack_cert
from tests.support.pdfa import compile_pdfa


@pytest.fixture(scope="module")
def signed_pdf(ceo: GostKeyStore, individual: GostKeyStore) -> bytes:
    """Certified (DocMDP P=2) by the first head, then countersigned by the individual."""
    pdf = compile_pdfa()
    certified = sign_pdf(
        pdf,
        GostSigner(ceo.private_key, ceo.certificate),
        field_name="Issuer",
        signing_time=INSIDE,
        certify=True,
        docmdp=MDPPerm.FILL_FORMS,
    )
    return sign_pdf(
        certified,
        GostSigner(individual.private_key, individual.certificate),
        field_name="Member1",
        signing_time=INSIDE,
    )


def test_certified_and_countersigned_pdf_validates(
    signed_pdf: bytes, gost_ca: x509.Certificate
) -> None:
    verdicts = validate_pdf(signed_pdf, gost_validation_context([gost_ca], moment=INSIDE))
    assert [v.field_name for v in verdicts] == ["Issuer", "Member1"]
    for v in verdicts:
        assert v.intact and v.valid and v.trusted, v.problem
        assert v.status is not None and v.status.bottom_line
        assert v.status.md_algorithm == "streebog512"
    issuer = verdicts[0].status
    assert issuer is not None and issuer.docmdp_ok
    assert "GOST R 34.10-2015" in verdicts[1].algorithm


def test_after_the_window_the_signer_is_expired(
    signed_pdf: bytes, gost_ca: x509.Certificate
) -> None:
    verdicts = validate_pdf(signed_pdf, gost_validation_context([gost_ca], moment=AFTER))
    for v in verdicts:
        assert v.intact and v.valid and not v.trusted
        assert v.status is not None and not v.status.bottom_line
        # ETSI EN 319 102-1: the certificate is outside its validity, no proof of existence
        assert v.status.trust_problem_indic == AdESIndeterminate.OUT_OF_BOUNDS_NO_POE


def test_no_configured_anchor_is_untrusted(signed_pdf: bytes) -> None:
    context = gost_validation_context([pack_cert("ca/nca_rsa_test.crt")], moment=INSIDE)
    for v in validate_pdf(signed_pdf, context):
        assert not v.trusted
        assert v.status is not None and not v.status.bottom_line


def test_a_changed_byte_breaks_the_signature(signed_pdf: bytes, gost_ca: x509.Certificate) -> None:
    data = bytearray(signed_pdf)
    i = data.find(b"/Producer")
    data[i + 2] ^= 0x01  # a byte inside the first revision, covered by both signatures
    verdicts = validate_pdf(bytes(data), gost_validation_context([gost_ca], moment=INSIDE))
    assert verdicts and not any(v.intact for v in verdicts)


def test_the_revoked_first_heads_key_is_reported_revoked(
    ceo: GostKeyStore, gost_ca: x509.Certificate, gost_crl: bytes
) -> None:
    status = check_revocation(ceo.certificate, gost_ca, moment=INSIDE, crls=[gost_crl])
    assert status.status == "revoked"
    assert status.revoked_at == datetime(2022, 7, 27, 10, 25, 30, tzinfo=UTC)
    assert status.revoked_before(INSIDE)


def test_the_packs_rsa_key_signs_and_validates() -> None:
    key = load_pkcs12(Path(PACK / "keys" / "individual_rsa_sign.p12"), RSA_PASSWORD)
    out = signers.sign_pdf(
        IncrementalPdfFileWriter(BytesIO(compile_pdfa())),
        signers.PdfSignatureMetadata(field_name="Member1", md_algorithm="sha256"),
        signer=key.signer,
        timestamper=None,
    )
    moment = datetime(2021, 6, 1, tzinfo=UTC)
    context = gost_validation_context([pack_cert("ca/nca_rsa_test.crt")], moment=moment)
    [verdict] = validate_pdf(out.getvalue(), context)
    assert verdict.intact and verdict.valid and verdict.trusted


def test_a_gost_2004_signature_is_named_not_crashed() -> None:
    # the NCA TSA's GOST 34.310-2004 SignedData, embedded as a PDF signature
    writer = IncrementalPdfFileWriter(BytesIO(compile_pdfa()))
    coroutine = PdfCMSEmbedder().write_cms(field_name="Old", writer=writer)
    next(coroutine)
    coroutine.send(SigObjSetup(sig_placeholder=SignatureObject(bytes_reserved=8192)))
    _, output = coroutine.send(SigIOSetup(md_algorithm="sha256"))
    coroutine.send(pack_bytes("tsp/tsp_token.bin"))
    [verdict] = validate_pdf(output.getvalue(), gost_validation_context([], moment=INSIDE))
    assert not verdict.valid and not verdict.trusted
    assert verdict.problem is not None and "34.310-2004" in verdict.problem


def test_a_cms_without_its_signer_certificate_is_invalid_not_a_crash(
    individual: GostKeyStore, gost_ca: x509.Certificate
) -> None:
    ci = GostSigner(individual.private_key, individual.certificate).sign_detached(
        b"unrelated", signing_time=INSIDE
    )
    ci["content"]["certificates"] = []
    writer = IncrementalPdfFileWriter(BytesIO(compile_pdfa()))
    coroutine = PdfCMSEmbedder().write_cms(field_name="Bare", writer=writer)
    next(coroutine)
    coroutine.send(SigObjSetup(sig_placeholder=SignatureObject(bytes_reserved=8192)))
    _, output = coroutine.send(SigIOSetup(md_algorithm="sha256"))
    coroutine.send(ci.dump(force=True))
    [verdict] = validate_pdf(output.getvalue(), gost_validation_context([gost_ca], moment=INSIDE))
    assert not verdict.valid and not verdict.trusted
    assert verdict.problem is not None and verdict.problem.startswith("invalid signature")
