"""The external signing flow and timestamps, against a test PKI that runs a real RFC 3161
time-stamping authority and OCSP responder (Certomancer's Animator on 127.0.0.1)."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from io import BytesIO
from typing import Any

import pytest
from asn1crypto import cms, ocsp, x509
from certomancer.integrations.animator import Animator, AnimatorArchStore
from certomancer.registry import ArchLabel, CertLabel, CertomancerConfig, KeyLabel
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.signers.pdf_cms import SimpleSigner
from pyhanko.sign.timestamps import HTTPTimeStamper
from pyhanko.sign.validation import async_validate_pdf_signature
from pyhanko_certvalidator import ValidationContext
from werkzeug.serving import make_server

from signing import DevPki, EmptyField, IssuerKey, certify, sign_field
from signing.errors import SignatureRefused
from signing.external import complete, prepare
from verify import load_trust_roots, validate_pdf

ARCH = ArchLabel("qujat-test")
KEYS = {"root": "ec", "member": "ec", "intruder": "ec", "tsa": "rsa", "ocsp": "ec"}


_CONFIG = """
external-url-prefix: "{prefix}"
keysets:
  k:
    keys: {{root: {{path: root.key.pem}}, member: {{path: member.key.pem}},
            intruder: {{path: intruder.key.pem}}, tsa: {{path: tsa.key.pem}},
            ocsp: {{path: ocsp.key.pem}}}}
pki-architectures:
  qujat-test:
    keyset: k
    entity-defaults: {{country-name: KZ, organization-name: Qujat test PKI}}
    entities:
      root: {{common-name: Test NCA}}
      member: {{common-name: Әбдіғалиев Нұрлан, serial-number: IIN790922325714}}
      intruder: {{common-name: Intruder}}
      tsa: {{common-name: Test TSA}}
      ocsp: {{common-name: Test OCSP}}
    certs:
      root:
        subject: root
        issuer: root
        validity: &valid {{valid-from: "2020-01-01T00:00:00+0000",
                          valid-to: "2040-01-01T00:00:00+0000"}}
        extensions:
          - {{id: basic_constraints, critical: true, value: {{ca: true}}}}
          - id: key_usage
            critical: true
            smart-value: {{schema: key-usage,
                          params: [digital_signature, key_cert_sign, crl_sign]}}
      member:
        issuer: root
        validity: *valid
        extensions: &leaf
          - id: key_usage
            critical: true
            smart-value: {{schema: key-usage, params: [digital_signature, non_repudiation]}}
          - id: authority_information_access
            smart-value: {{schema: aia-urls, params: {{ocsp-responder-names: [root]}}}}
      intruder: {{issuer: root, validity: *valid, extensions: *leaf}}
      tsa:
        issuer: root
        validity: *valid
        extensions:
          - {{id: extended_key_usage, critical: true, value: [time_stamping]}}
          - id: authority_information_access
            smart-value: {{schema: aia-urls, params: {{ocsp-responder-names: [root]}}}}
      ocsp:
        issuer: root
        validity: *valid
        extensions:
          - {{id: extended_key_usage, critical: true, value: [ocsp_signing]}}
          - {{id: ocsp_no_check}}
    services:
      ocsp:
        root: {{for-issuer: root, responder-cert: ocsp, signing-key: ocsp}}
      time-stamping:
        tsa: {{signing-key: tsa, signing-cert: tsa}}
"""


@pytest.fixture(scope="module")
def test_pki(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """Keys, certificates, and the Animator serving TSA and OCSP on a loopback port."""
    folder = tmp_path_factory.mktemp("certomancer")
    keys: dict[str, Any] = {}
    for label, kind in KEYS.items():
        key: Any = (
            ec.generate_private_key(ec.SECP256R1()) if kind == "ec"
            else rsa.generate_private_key(public_exponent=65537, key_size=2048)
        )  # fmt: skip
        keys[label] = key
        (folder / f"{label}.key.pem").write_bytes(
            key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                              serialization.NoEncryption())
        )  # fmt: skip
    server = make_server("127.0.0.1", 0, lambda e, s: app(e, s), threaded=True)
    prefix = f"http://127.0.0.1:{server.server_port}"
    (folder / "certomancer.yml").write_text(_CONFIG.format(prefix=prefix))
    config = CertomancerConfig.from_file(str(folder / "certomancer.yml"))
    arch = config.get_pki_arch(ARCH)
    app = Animator(AnimatorArchStore({ARCH: arch}), with_web_ui=False)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    certs = {label: arch.get_cert(CertLabel(label)) for label in KEYS}
    try:
        yield {
            "arch": arch,
            "certs": certs,
            "keys": {label: arch.key_set.get_private_key(KeyLabel(label)) for label in KEYS},
            "tsa_url": f"{prefix}/{ARCH}/tsa/tsa",
        }
    finally:
        server.shutdown()
        thread.join(5)


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
