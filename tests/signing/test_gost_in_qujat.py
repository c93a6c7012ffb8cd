"""GOST and NCA RSA keys through Qujat's own signing (signing.certify / sign_field) and its
verifier (verify.pdf), not only the GOST core's."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from asn1crypto import core

from signing import EmptyField, certify, sign_field
from signing.errors import SigningError
from signing.gost import oids
from signing.keys import IssuerKey
from signing.nca_keys import is_gost, load_nca_pkcs12
from tests.signing.gost.conftest import AFTER, GOST_PASSWORD, INSIDE, PACK, RSA_PASSWORD, pack_cert
from tests.support.pdfa import compile_pdfa
from verify.pdf import validate_pdf

GOST_CA = "ca/nca_gost2022_test.cer"


@pytest.fixture(scope="module")
def individual() -> IssuerKey:
    return load_nca_pkcs12(PACK / "keys/individual_gost2015.p12", GOST_PASSWORD)


@pytest.fixture(scope="module")
def gost_pdf(individual: IssuerKey) -> bytes:
    base = certify(
        compile_pdfa(), individual, reason="Issued", now=INSIDE,
        empty_fields=[EmptyField("Chair"), EmptyField("Secretary")],
    )  # fmt: skip
    return sign_field(base, individual.signer, "Chair", now=INSIDE)


def test_a_gost_certification_and_countersignature_verify(gost_pdf: bytes) -> None:
    report = validate_pdf(gost_pdf, [pack_cert(GOST_CA)], moment=INSIDE)
    assert [s.field_name for s in report.signatures] == ["Issuer", "Chair"]
    assert report.signatures[0].certification and report.empty_fields == ("Secretary",)
    assert all(s.intact and s.valid and s.trusted and s.bottom_line for s in report.signatures)
    assert report.ok and not report.modified_after_signing


def test_expired_and_unanchored_gost_signatures_are_not_valid(gost_pdf: bytes) -> None:
    late = validate_pdf(gost_pdf, [pack_cert(GOST_CA)], moment=AFTER)
    assert not late.ok and not any(s.trusted for s in late.signatures)
    bare = validate_pdf(gost_pdf, [pack_cert("ca/nca_rsa_test.crt")], moment=INSIDE)
    assert not bare.ok
    assert all(s.intact and s.valid and not s.trusted for s in bare.signatures)


def test_a_changed_byte_breaks_the_gost_signature(gost_pdf: bytes) -> None:
    at = 1000  # in the original document: covered by every signature's byte range
    tampered = gost_pdf[:at] + bytes([gost_pdf[at] ^ 1]) + gost_pdf[at + 1 :]
    report = validate_pdf(tampered, [pack_cert(GOST_CA)], moment=INSIDE)
    assert not report.ok


def test_an_unsupported_gost_digest_gets_a_verdict_naming_it(gost_pdf: bytes) -> None:
    new = core.ObjectIdentifier(oids.DIGEST_STREEBOG512).dump().hex().upper().encode()
    old = core.ObjectIdentifier(oids.DIGEST_GOST34311_95).dump().hex().upper().encode()
    assert len(new) == len(old) and new in gost_pdf.upper()
    # every Streebog-512 digest OID in the CMS objects turned into GOST 34.311-95's
    patched = gost_pdf.replace(new, old).replace(new.lower(), old.lower())
    report = validate_pdf(patched, [pack_cert(GOST_CA)], moment=INSIDE)
    assert not report.ok
    assert any("GOST 34.311-95" in (s.problem or "") for s in report.signatures), report


def test_the_pack_rsa_key_signs_and_verifies() -> None:
    rsa = load_nca_pkcs12(PACK / "keys/individual_rsa_sign.p12", RSA_PASSWORD)
    assert not is_gost(rsa)
    when = datetime(2021, 6, 1, tzinfo=UTC)
    pdf = certify(compile_pdfa(), rsa, now=when)
    report = validate_pdf(pdf, [pack_cert("ca/nca_rsa_test.crt")], moment=when)
    assert report.ok and report.signatures[0].signer_serial == "IIN123456789011"


def test_a_gost_key_signs_only_an_existing_empty_field(individual: IssuerKey) -> None:
    base = certify(compile_pdfa(), individual, now=INSIDE)
    with pytest.raises(SigningError):
        sign_field(base, individual.signer, "Chair", now=INSIDE)


def test_a_signature_of_the_revoked_first_head_is_reported_revoked() -> None:
    from io import BytesIO

    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation.dss import DocumentSecurityStore

    ceo = load_nca_pkcs12(PACK / "keys/ceo_gost2015_revoked.p12", GOST_PASSWORD)
    # made outside Qujat (Qujat refuses the key), after the revocation of 2022-07-27
    pdf = certify(compile_pdfa(), ceo, now=INSIDE)
    anchors = [pack_cert(GOST_CA)]
    assert validate_pdf(pdf, anchors, moment=INSIDE).ok  # nothing in the file says revoked
    reader = PdfFileReader(BytesIO(pdf))
    contents = reader.embedded_signatures[0].pkcs7_content
    writer = IncrementalPdfFileWriter(BytesIO(pdf))
    crl = (PACK / "crl/nca_gost2022_test.crl").read_bytes()
    from asn1crypto import crl as asn1_crl

    DocumentSecurityStore.supply_dss_in_writer(
        writer, contents, crls=[asn1_crl.CertificateList.load(crl)]
    )
    out = BytesIO()
    writer.write(out)  # type: ignore[no-untyped-call]
    report = validate_pdf(out.getvalue(), anchors, moment=INSIDE)
    issuer = report.signatures[0]
    assert not report.ok and report.ltv_status == "revoked"
    assert issuer.revoked_at is not None and issuer.revoked_at.isoformat().startswith("2022-07-27")
    assert not issuer.bottom_line
