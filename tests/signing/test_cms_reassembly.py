"""A member's CMS is re-assembled by the server: what the client put beside its signature (a
twin of the registered certificate, a bogus signature timestamp) never reaches the PDF."""

from __future__ import annotations

import asyncio
from io import BytesIO
from typing import Any

import pytest
from asn1crypto import cms, core, x509
from cryptography import x509 as cx509
from cryptography.hazmat.primitives import hashes, serialization
from pyhanko.pdf_utils.reader import PdfFileReader

from signing import DevPki, EmptyField, IssuerKey, certify, issue_certificate, load_pem
from signing.external import complete, prepare
from verify import load_trust_roots, validate_pdf

CHAIR = "Құсайынова Бақыт Ержанқызы"
MEMBER = "Әбдіғалиев Нұрлан Төлеуұлы"


@pytest.fixture(scope="module")
def member(pki: DevPki) -> IssuerKey:
    cert, key = issue_certificate(
        pki.ca_cert_path, pki.ca_key_path, common_name=MEMBER, iin="790922325714"
    )
    return load_pem(cert, key)


@pytest.fixture(scope="module")
def twin(pki: DevPki, member: IssuerKey) -> x509.Certificate:
    """The member's certificate re-issued by the same CA with the same serial number, but
    naming the chair: a validator matching issuer and serial may pick either."""
    ca_key: Any = serialization.load_pem_private_key(pki.ca_key_path.read_bytes(), None)
    original = cx509.load_der_x509_certificate(member.certificate.dump())
    chair_iin = cx509.NameAttribute(cx509.NameOID.SERIAL_NUMBER, "IIN870101300013")
    subject = cx509.Name([cx509.NameAttribute(cx509.NameOID.COMMON_NAME, CHAIR), chair_iin])
    forged = (
        cx509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(original.issuer)
        .public_key(original.public_key())
        .serial_number(original.serial_number)
        .not_valid_before(original.not_valid_before_utc)
        .not_valid_after(original.not_valid_after_utc)
        .sign(ca_key, hashes.SHA256())
    )
    return x509.Certificate.load(forged.public_bytes(serialization.Encoding.DER))


def _client_cms(member: IssuerKey, digest: bytes) -> cms.ContentInfo:
    """What the member's own device returns: a detached CMS over the document digest."""
    content: cms.ContentInfo = asyncio.run(
        member.signer.async_sign(digest, "sha256", use_pades=True)
    )
    return content


def _embedded(pdf: bytes) -> cms.SignedData:
    sig = PdfFileReader(BytesIO(pdf)).embedded_signatures[-1]
    signed: cms.SignedData = cms.ContentInfo.load(sig.pkcs7_content)["content"]
    return signed


def _protocol(pdfa: bytes, issuer: IssuerKey) -> bytes:
    return certify(pdfa, issuer, empty_fields=[EmptyField("Member01")])


def test_a_twin_certificate_placed_first_never_reaches_the_pdf(
    pdfa: bytes, issuer: IssuerKey, member: IssuerKey, twin: x509.Certificate, pki: DevPki
) -> None:
    prepared = prepare(_protocol(pdfa, issuer), "Member01", member.certificate)
    content = _client_cms(member, prepared.document_digest)
    signed = content["content"]
    signed["certificates"] = cms.CertificateSet(
        [cms.CertificateChoices(name="certificate", value=twin),
         *signed["certificates"]]
    )  # fmt: skip
    assert signed["certificates"][0].chosen.subject.native["common_name"] == CHAIR
    done = complete(prepared, member.certificate, cms_der=content.dump())
    embedded = [c.chosen.dump() for c in _embedded(done.pdf)["certificates"]]
    assert twin.dump() not in embedded
    assert embedded == [member.certificate.dump()]
    report = validate_pdf(done.pdf, load_trust_roots([pki.ca_cert_path]))
    assert report.ok and report.signatures[-1].signer_name == MEMBER


def test_client_chain_certificates_are_replaced_by_the_registered_chain(
    pdfa: bytes, issuer: IssuerKey, member: IssuerKey, pki: DevPki
) -> None:
    ca = load_trust_roots([pki.ca_cert_path])[0]
    prepared = prepare(_protocol(pdfa, issuer), "Member01", member.certificate, [ca])
    content = _client_cms(member, prepared.document_digest)
    stranger = load_pem(*issue_certificate(pki.ca_cert_path, pki.ca_key_path, common_name="X"))
    content["content"]["certificates"] = cms.CertificateSet(
        [cms.CertificateChoices(name="certificate", value=stranger.certificate)]
    )
    done = complete(prepared, member.certificate, [ca], cms_der=content.dump())
    embedded = {c.chosen.dump() for c in _embedded(done.pdf)["certificates"]}  # a DER SET OF
    assert embedded == {member.certificate.dump(), ca.dump()}


def _with_unsigned(content: cms.ContentInfo, attribute: cms.CMSAttribute) -> bytes:
    info = content["content"]["signer_infos"][0]
    info["unsigned_attrs"] = cms.CMSAttributes([attribute])
    return bytes(content.dump(force=True))


def test_a_bogus_signature_timestamp_attribute_is_dropped(
    pdfa: bytes, issuer: IssuerKey, member: IssuerKey, pki: DevPki
) -> None:
    prepared = prepare(_protocol(pdfa, issuer), "Member01", member.certificate)
    content = _client_cms(member, prepared.document_digest)
    # a "token" that is the member's own CMS again: well-formed, timestamps nothing
    bogus = cms.CMSAttribute({"type": "signature_time_stamp_token",
                              "values": [cms.ContentInfo.load(content.dump())]})  # fmt: skip
    done = complete(prepared, member.certificate, cms_der=_with_unsigned(content, bogus))
    info = _embedded(done.pdf)["signer_infos"][0]
    assert not info["unsigned_attrs"].native
    report = validate_pdf(done.pdf, load_trust_roots([pki.ca_cert_path]))
    assert report.ok and all(s.bottom_line for s in report.signatures)


def test_any_other_unsigned_attribute_is_dropped(
    pdfa: bytes, issuer: IssuerKey, member: IssuerKey
) -> None:
    prepared = prepare(_protocol(pdfa, issuer), "Member01", member.certificate)
    content = _client_cms(member, prepared.document_digest)
    odd = cms.CMSAttribute({"type": "1.2.3.4.5", "values": [core.UTF8String("Жалған")]})
    done = complete(prepared, member.certificate, cms_der=_with_unsigned(content, odd))
    assert not _embedded(done.pdf)["signer_infos"][0]["unsigned_attrs"].native
