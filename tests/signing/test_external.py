"""The external signing flow and timestamps, against a test PKI that runs a real RFC 3161
time-stamping authority and OCSP responder (Certomancer's Animator on 127.0.0.1)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from io import BytesIO
from typing import Any

import pytest
from asn1crypto import cms, ocsp, x509
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.signers.pdf_cms import SimpleSigner
from pyhanko.sign.timestamps import HTTPTimeStamper
from pyhanko.sign.validation import async_validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from signing import DevPki, EmptyField, IssuerKey, certify, sign_field
from signing.errors import SignatureRefused
from signing.external import complete, prepare
from tests.support.testpki import animated_pki
from verify import load_trust_roots, validate_pdf


@pytest.fixture(scope="module")
def test_pki(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """Keys, certificates, and the Animator serving TSA and OCSP on a loopback port."""
    leaves = {"member": "common-name: Әбдіғалиев Нұрлан, serial-number: IIN790922325714",
              "intruder": "common-name: Intruder"}  # fmt: skip
    with animated_pki(tmp_path_factory.mktemp("certomancer"), "qujat-test", leaves) as pki:
        labels = ["root", "tsa", "ocsp", *leaves]
        yield {
            "arch": pki.arch,
            "certs": {label: pki.cert(label) for label in labels},
            "keys": {label: pki.asn1_key(label) for label in labels},
            "tsa_url": pki.tsa_url,
        }


def _signer(test_pki: dict[str, Any], label: str) -> SimpleSigner:
    cert: x509.Certificate = test_pki["certs"][label]
    return SimpleSigner(cert, test_pki["keys"][label],
                        cert_registry=None)  # type: ignore[arg-type]  # fmt: skip


def _signed_for_members(pdfa: bytes, issuer: IssuerKey) -> bytes:
    return certify(pdfa, issuer, empty_fields=[EmptyField("Member01"), EmptyField("Member02")])


def _validate(pdf: bytes, roots: list[x509.Certificate]) -> list[Any]:
    reader = PdfFileReader(BytesIO(pdf))
    out = []
    for sig in reader.embedded_regular_signatures:
        vc = ValidationContext(trust_roots=roots, allow_fetching=False)
        out.append(asyncio.run(async_validate_pdf_signature(sig, signer_validation_context=vc,
                                                            ts_validation_context=vc)))  # fmt: skip
    return out


def test_external_signature_timestamped_by_a_real_tsa(
    pdfa: bytes, issuer: IssuerKey, pki: DevPki, test_pki: dict[str, Any]
) -> None:
    member = test_pki["certs"]["member"]
    tsa = HTTPTimeStamper(test_pki["tsa_url"])
    pdf = _signed_for_members(pdfa, issuer)
    prepared = prepare(pdf, "Member01", member, timestamped=True)
    content = asyncio.run(
        _signer(test_pki, "member").async_sign(prepared.document_digest, "sha256", use_pades=True)
    )
    done = complete(prepared, member, cms_der=content.dump(), timestamper=tsa)
    all_roots = [*load_trust_roots([pki.ca_cert_path]), test_pki["certs"]["root"]]
    report = validate_pdf(done.pdf, all_roots)
    assert report.ok and [s.bottom_line for s in report.signatures] == [True, True]
    status = _validate(done.pdf, all_roots)[-1]
    assert status.bottom_line and status.timestamp_validity is not None
    assert status.timestamp_validity.valid and status.timestamp_validity.trusted
    info = cms.ContentInfo.load(bytes(PdfFileReader(BytesIO(done.pdf)).embedded_signatures[-1]
                                      .sig_object["/Contents"]))  # fmt: skip
    unsigned = info["content"]["signer_infos"][0]["unsigned_attrs"]
    assert [a["type"].native for a in unsigned] == ["signature_time_stamp_token"]


def test_server_held_signature_with_revocation_info_is_b_lt(
    pdfa: bytes, issuer: IssuerKey, test_pki: dict[str, Any]
) -> None:
    tsa = HTTPTimeStamper(test_pki["tsa_url"])
    root = test_pki["certs"]["root"]
    vc = ValidationContext(trust_roots=[root], allow_fetching=True)
    pdf = sign_field(
        _signed_for_members(pdfa, issuer), _signer(test_pki, "member"), "Member01",
        timestamper=tsa, validation_context=vc,
    )  # fmt: skip
    reader = PdfFileReader(BytesIO(pdf))
    dss = reader.root["/DSS"]
    assert len(dss["/OCSPs"]) >= 1  # the OCSP responder answered over HTTP; kept in the PDF
    # validate offline, with only what the PDF carries: revocation is a hard requirement
    ocsps = [ocsp.OCSPResponse.load(o.get_object().data) for o in dss["/OCSPs"]]
    offline = ValidationContext(trust_roots=[root], allow_fetching=False,
                                ocsps=ocsps, revocation_mode="hard-fail")  # fmt: skip
    sig = reader.embedded_regular_signatures[-1]
    status = asyncio.run(async_validate_pdf_signature(sig, signer_validation_context=offline,
                                                      ts_validation_context=offline))  # fmt: skip
    assert status.bottom_line, status.pretty_print_details()  # type: ignore[no-untyped-call]


def test_signature_from_another_key_and_over_stale_data_are_refused(
    pdfa: bytes, issuer: IssuerKey, test_pki: dict[str, Any]
) -> None:
    member = test_pki["certs"]["member"]
    pdf = _signed_for_members(pdfa, issuer)
    prepared = prepare(pdf, "Member01", member)
    foreign = asyncio.run(
        _signer(test_pki, "intruder").async_sign(prepared.document_digest, "sha256", use_pades=True)
    )
    with pytest.raises(SignatureRefused) as refused:
        complete(prepared, member, cms_der=foreign.dump())
    assert refused.value.details[0].rule == "signer_certificate_mismatch"
    other = prepare(pdf, "Member02", member)  # another revision: another digest
    stale = asyncio.run(
        _signer(test_pki, "member").async_sign(other.document_digest, "sha256", use_pades=True)
    )
    with pytest.raises(SignatureRefused) as refused:
        complete(prepared, member, cms_der=stale.dump())
    assert refused.value.details[0].rule == "message_digest_mismatch"
    with pytest.raises(SignatureRefused):
        complete(prepared, member, cms_der=b"\x30\x03garbage")
