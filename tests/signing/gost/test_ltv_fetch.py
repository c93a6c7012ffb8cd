"""A GOST signature reaches B-LT in production: with a fetching B-LT context that holds no
answer for the GOST chain, :func:`signing.ltv.add_validation_data` fetches the certificate's
own CRL through the allow-list (a loopback server stands for the CA's CRL service), puts it
in the DSS, and the file validates as B-LT. The certificate's OCSP URL lies outside the
allow-list and is never asked; a CRL service that is down is ``ValidationDataUnavailable``."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from asn1crypto import crl, ocsp, x509
from asn1crypto import pem as asn1_pem
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko_certvalidator import ValidationContext

from signing import ensure_dev_pki
from signing.devtsa import DevTimeStamper, dev_crl, ensure_dev_tsa
from signing.errors import ValidationDataUnavailable
from signing.gost import oids
from signing.gost.cms import GostSigner
from signing.gost.gost3410 import GostPrivateKey
from signing.gost.pdf import sign_pdf
from signing.gost.validator import GOST_ALGORITHM_POLICY, GOST_SIGNATURE_VALIDATOR
from signing.ltv import add_validation_data
from signing.pki_fetch import FetchPolicy, ocsp_request
from signing.revocation_fetching import AllowListFetcherBackend
from tests.signing.gost.minica import issue, issue_crl
from tests.support.loopback import Answer, LoopbackHTTP
from tests.support.pdfa import compile_pdfa
from verify.pdf import validate_pdf

NOW = datetime.now(UTC).replace(microsecond=0)


class _CrlService(LoopbackHTTP):
    """Answers ``/crl/ca.crl`` with a CRL (``body``) and ``/ocsp/`` with an OCSP response
    (``ocsp_body``), both set as the test goes; records every request."""

    def __init__(self, body: bytes) -> None:
        self.body = body
        self.ocsp_body = b""
        super().__init__(self._route)

    def _route(self, path: str) -> Answer | None:
        payload = {"/crl/ca.crl": self.body, "/ocsp/": self.ocsp_body}.get(path, b"")
        return (200, payload, {}, 0.0) if payload else None


class _Setup:
    def __init__(self, tmp: Path) -> None:
        params = oids.PARAMS_GOST2015_512_A
        self.ca_key, key = GostPrivateKey.generate(params), GostPrivateKey.generate(params)
        since = NOW - timedelta(days=2)
        self.ca = issue(
            {"common_name": "Fetch GOST CA"}, self.ca_key, self.ca_key, None,
            not_before=since, ca=True,
        )  # fmt: skip
        self.service = _CrlService(b"")
        self.crl = issue_crl(self.ca, self.ca_key, this_update=NOW - timedelta(hours=1))
        self.service.body = self.crl.dump()
        base = self.service.base
        self.extensions: list[dict[str, Any]] = [
                {"extn_id": "crl_distribution_points", "critical": False, "extn_value": [
                    {"distribution_point": {"full_name": [_uri(f"{base}/crl/ca.crl")]}}]},
                {"extn_id": "authority_information_access", "critical": False, "extn_value": [
                    {"access_method": "ocsp",
                     "access_location": _uri(f"{base}/ocsp/")}]},
        ]  # fmt: skip
        self.cert = issue(
            {"common_name": "Member"}, key, self.ca_key, self.ca.subject, not_before=since,
            serial=11, extensions=self.extensions,
        )  # fmt: skip
        # only the CRL service is allowed: the OCSP URL beside it must never be asked
        self.policy = FetchPolicy((f"{base}/crl/",), timeout=2.0)
        self.pki = ensure_dev_pki(tmp / "keys", now=NOW - timedelta(days=30))
        self.tsa = ensure_dev_tsa(self.pki, now=NOW - timedelta(days=1))
        self.timestamper = DevTimeStamper.load(self.pki, self.tsa, lambda: NOW)
        self.dev_ca = x509.Certificate.load(_der(self.pki.ca_cert_path.read_bytes()))
        self.pdf = sign_pdf(
            compile_pdfa(), GostSigner(key, self.cert, [self.ca]), field_name="S",
            signing_time=NOW, timestamper=self.timestamper,
        )  # fmt: skip

    def context(self, *, fetching: bool = True) -> ValidationContext:
        """Production-like: fetching through the allow-list, no GOST answer in hand (only the
        development TSA's CRL, as ``QUJAT_TSA_URL`` with the development CA has)."""
        tsa_cert = x509.Certificate.load(_der(self.tsa.cert_path.read_bytes()))
        return ValidationContext(
            trust_roots=[self.ca, self.dev_ca], other_certs=[tsa_cert],
            crls=[dev_crl(self.pki, now=NOW)], moment=NOW, allow_fetching=fetching,
            revocation_mode="hard-fail",
            fetcher_backend=AllowListFetcherBackend(self.policy),
            signature_validator=GOST_SIGNATURE_VALIDATOR,
            algorithm_usage_policy=GOST_ALGORITHM_POLICY,
        )  # fmt: skip


def _uri(url: str) -> x509.GeneralName:
    return x509.GeneralName(name="uniform_resource_identifier", value=url)


def _der(pem: bytes) -> bytes:
    return asn1_pem.unarmor(pem)[2] if asn1_pem.detect(pem) else pem


@pytest.fixture
def setup(tmp_path: Path) -> Iterator[_Setup]:
    s = _Setup(tmp_path)
    try:
        yield s
    finally:
        s.service.close()


async def _gather(s: _Setup, fetch: FetchPolicy | None, *, fetching: bool = True) -> bytes:
    context = s.context(fetching=fetching)
    try:
        return await add_validation_data(s.pdf, context, fetch=fetch)
    finally:
        await context.aclose()  # type: ignore[no-untyped-call]


def _dss_crls(pdf: bytes) -> list[crl.CertificateList]:
    reader = PdfFileReader(BytesIO(pdf), strict=False)
    dss = reader.root["/DSS"]
    return [crl.CertificateList.load(ref.get_object().data) for ref in dss.get("/CRLs", [])]


def test_the_fetched_crl_goes_into_the_dss_and_the_signature_is_b_lt(setup: _Setup) -> None:
    before = validate_pdf(setup.pdf, [setup.ca, setup.dev_ca], moment=NOW)
    (sig,) = before.signatures
    assert sig.level == "B-T"
    out = asyncio.run(_gather(setup, setup.policy))
    assert setup.service.hits == ["/crl/ca.crl"]  # the OCSP URL was never asked
    assert setup.crl.dump() in [c.dump() for c in _dss_crls(out)]
    report = validate_pdf(out, [setup.ca, setup.dev_ca], moment=NOW)
    (sig,) = report.signatures
    assert sig.level == "B-LT" and sig.bottom_line and sig.trusted, report
    assert sig.revoked_at is None


def test_without_a_policy_nothing_is_fetched(setup: _Setup) -> None:
    with pytest.raises(ValidationDataUnavailable):
        asyncio.run(_gather(setup, None))
    # an offline context (development, the nca-test profile) never fetches, policy or not
    with pytest.raises(ValidationDataUnavailable):
        asyncio.run(_gather(setup, setup.policy, fetching=False))
    assert setup.service.hits == []


def test_a_crl_service_that_is_down_is_validation_data_unavailable(setup: _Setup) -> None:
    setup.service.close()
    with pytest.raises(ValidationDataUnavailable, match=r"unreachable|did not answer"):
        asyncio.run(_gather(setup, setup.policy))


def test_a_crl_listing_the_certificate_is_no_evidence(setup: _Setup) -> None:
    revoked = issue_crl(setup.ca, setup.ca_key, this_update=NOW - timedelta(hours=1))
    tbs = revoked["tbs_cert_list"]
    tbs["revoked_certificates"] = [
        {
            "user_certificate": 11,
            "revocation_date": x509.Time({"utc_time": NOW - timedelta(hours=2)}),
        }
    ]
    revoked["signature"] = setup.ca_key.sign(tbs.dump(force=True))
    setup.service.body = revoked.dump(force=True)
    with pytest.raises(ValidationDataUnavailable, match="revoked"):
        asyncio.run(_gather(setup, setup.policy))
    assert setup.service.hits == ["/crl/ca.crl"]


def test_a_certificate_chaining_to_no_anchor_makes_no_request(setup: _Setup) -> None:
    # a CA copying the anchor's name but not its key: the member's URLs are not followed
    rogue_key = GostPrivateKey.generate(oids.PARAMS_GOST2015_512_A)
    setup.ca_key = rogue_key
    member_key = GostPrivateKey.generate(oids.PARAMS_GOST2015_512_A)
    forged = issue(
        {"common_name": "Impostor"}, member_key, rogue_key, setup.ca.subject,
        not_before=NOW - timedelta(days=1), serial=12,
        extensions=setup.extensions,
    )  # fmt: skip
    setup.pdf = sign_pdf(
        compile_pdfa(), GostSigner(member_key, forged, [setup.ca]), field_name="S",
        signing_time=NOW, timestamper=setup.timestamper,
    )  # fmt: skip
    with pytest.raises(ValidationDataUnavailable, match="does not verify"):
        asyncio.run(_gather(setup, setup.policy))
    assert setup.service.hits == []


def test_a_fetched_crl_with_a_changed_byte_is_no_evidence(setup: _Setup) -> None:
    forged = bytearray(setup.crl.dump())
    forged[-5] ^= 0x01  # inside the CA's signature
    setup.service.body = bytes(forged)
    with pytest.raises(ValidationDataUnavailable, match="unknown"):
        asyncio.run(_gather(setup, setup.policy))
    assert setup.service.hits == ["/crl/ca.crl"]


def _ocsp_good(s: _Setup) -> ocsp.OCSPResponse:
    """The CA's own GOST-signed answer: the member's certificate is good now."""
    req = ocsp.OCSPRequest.load(ocsp_request(s.cert, s.ca))
    cert_id = req["tbs_request"]["request_list"][0]["req_cert"]
    data = ocsp.ResponseData(
        {
            "responder_id": ocsp.ResponderId(name="by_name", value=s.ca.subject),
            "produced_at": NOW - timedelta(minutes=5),
            "responses": [
                {
                    "cert_id": cert_id,
                    "cert_status": ocsp.CertStatus(name="good", value=None),
                    "this_update": NOW - timedelta(minutes=5),
                    "next_update": NOW + timedelta(hours=1),
                }
            ],
        }
    )
    alg = {"algorithm": s.ca_key.public_key.signature_oid}
    basic = ocsp.BasicOCSPResponse(
        {"tbs_response_data": data, "signature_algorithm": alg,
         "signature": s.ca_key.sign(data.dump())}
    )  # fmt: skip
    return ocsp.OCSPResponse(
        {"response_status": "successful",
         "response_bytes": {"response_type": "basic_ocsp_response", "response": basic}}
    )  # fmt: skip


def test_a_fetched_ocsp_answer_goes_into_the_dss(setup: _Setup) -> None:
    setup.service.ocsp_body = _ocsp_good(setup).dump()
    # this time only the responder is allowed: the CRL URL is never asked
    setup.policy = FetchPolicy((f"{setup.service.base}/ocsp/",), timeout=2.0)
    out = asyncio.run(_gather(setup, setup.policy))
    assert setup.service.hits == ["/ocsp/"]
    reader = PdfFileReader(BytesIO(out), strict=False)
    dss_ocsps = [r.get_object().data for r in reader.root["/DSS"].get("/OCSPs", [])]
    assert setup.service.ocsp_body in dss_ocsps
    report = validate_pdf(out, [setup.ca, setup.dev_ca], moment=NOW)
    (sig,) = report.signatures
    assert sig.level == "B-LT" and sig.bottom_line and sig.trusted, report
