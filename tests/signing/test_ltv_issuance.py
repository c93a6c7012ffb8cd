"""B-T, B-LT and B-LTA at issuance and countersigning: the development TSA made on first
start, a Certomancer TSA and OCSP responder on loopback, and a TSA that does not answer.
pyHanko's AdES LTA validation and poppler's pdfsig check the results independently."""

from __future__ import annotations

import asyncio
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from io import BytesIO
from pathlib import Path

import pytest
from asn1crypto import x509
from cryptography import x509 as cx509
from cryptography.x509.oid import ExtendedKeyUsageOID
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.ades.report import AdESPassed
from pyhanko.sign.timestamps import HTTPTimeStamper
from pyhanko.sign.validation.ades import ades_lta_validation
from pyhanko.sign.validation.policy_decl import (
    PdfSignatureValidationSpec,
    RevinfoOnlineFetchingRule,
    RevocationInfoGatheringSpec,
    SignatureValidationSpec,
)
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.context import CertValidationPolicySpec
from pyhanko_certvalidator.ltv.types import ValidationTimingInfo
from pyhanko_certvalidator.policy_decl import (
    CertRevTrustPolicy,
    RevocationCheckingPolicy,
    RevocationCheckingRule,
)
from pyhanko_certvalidator.registry import SimpleTrustManager

from signing import DevPki, EmptyField, IssuerKey, certify, issue_certificate, load_pem, sign_field
from signing.devtsa import DevTimeStamper, dev_validation_context, ensure_dev_tsa
from signing.errors import TimestampUnavailable
from signing.ltv import add_document_timestamp, file_level, secure, secure_with_level
from tests.support.testpki import AnimatedPki, animated_pki
from verify import validate_pdf
from verify.pdf import load_trust_roots


@pytest.fixture(scope="module")
def dev_tsa(pki: DevPki) -> DevTimeStamper:
    return DevTimeStamper.load(pki, ensure_dev_tsa(pki))


def dev_lta(pdf: bytes, pki: DevPki, key: IssuerKey, ts: DevTimeStamper, **kw: object) -> bytes:
    signed = certify(pdf, key, timestamper=ts, **kw)  # type: ignore[arg-type]
    return asyncio.run(secure(signed, ts, dev_validation_context(pki, ensure_dev_tsa(pki))))


def pdfsig(path: Path, data: bytes) -> str:
    path.write_bytes(data)
    return subprocess.run(["pdfsig", "-nocert", str(path)], capture_output=True, text=True,
                          check=True).stdout  # fmt: skip


def ades_ok(data: bytes, root: x509.Certificate, moment: datetime) -> bool:
    """pyHanko's own ETSI EN 319 102-1 LTA validation, offline, of the first signature."""
    rule = RevocationCheckingRule.CHECK_IF_DECLARED
    policy = CertValidationPolicySpec(
        trust_manager=SimpleTrustManager.build(trust_roots=[root]),
        revinfo_policy=CertRevTrustPolicy(RevocationCheckingPolicy(rule, rule)),
    )
    spec = PdfSignatureValidationSpec(SignatureValidationSpec(
        policy, RevocationInfoGatheringSpec(RevinfoOnlineFetchingRule.LOCAL_ONLY)))  # fmt: skip
    sig = PdfFileReader(BytesIO(data)).embedded_regular_signatures[0]
    timing = ValidationTimingInfo(moment, moment, True)
    result = asyncio.run(ades_lta_validation(sig, spec, timing_info=timing))
    return result.ades_subindic == AdESPassed.OK


def test_dev_tsa_certificate_is_for_time_stamping_only(pki: DevPki) -> None:
    tsa = ensure_dev_tsa(pki)
    cert = cx509.load_pem_x509_certificate(tsa.cert_path.read_bytes())
    eku = cert.extensions.get_extension_for_class(cx509.ExtendedKeyUsage)
    assert eku.critical and list(eku.value) == [ExtendedKeyUsageOID.TIME_STAMPING]
    assert oct(tsa.key_path.stat().st_mode & 0o777) == "0o600"
    assert ensure_dev_tsa(pki) == tsa  # made once
    assert tsa.cert_path.read_bytes() == ensure_dev_tsa(pki).cert_path.read_bytes()


def test_dev_tsa_is_replaced_when_near_its_expiry(tmp_path: Path) -> None:
    from signing import ensure_dev_pki

    pki = ensure_dev_pki(tmp_path / "keys")
    first = ensure_dev_tsa(pki).cert_path.read_bytes()
    later = datetime.now(UTC) + timedelta(days=365 * 2 + 30)
    assert ensure_dev_tsa(pki, now=later).cert_path.read_bytes() != first


def test_embedded_default_is_b_lta(
    pdfa: bytes, pki: DevPki, issuer: IssuerKey, dev_tsa: DevTimeStamper, tmp_path: Path
) -> None:
    doc = dev_lta(pdfa, pki, issuer, dev_tsa)
    roots = load_trust_roots([pki.ca_cert_path])
    report = validate_pdf(doc, roots)
    assert report.ok and report.level == "B-LTA" and report.ltv_status == "valid"
    assert report.signatures[0].proven_at is not None
    out = pdfsig(tmp_path / "dev.pdf", doc)
    assert out.count("Signature #") == 2 and "Signature is Valid." in out
    assert "Signature Field Name: ArchiveTimestamp1" in out and "Total document signed" in out
    assert ades_ok(doc, roots[0], datetime.now(UTC))


def _metadata(pdf: bytes) -> tuple[object, bytes]:
    """The file's current Info dictionary and XMP packet, as its latest revision has them."""
    reader = PdfFileReader(BytesIO(pdf), strict=False)
    info = dict(reader.trailer["/Info"])
    return info, reader.root["/Metadata"].data


def test_secure_reports_the_level_its_file_has_and_leaves_the_metadata(
    pdfa: bytes, pki: DevPki, issuer: IssuerKey, dev_tsa: DevTimeStamper
) -> None:
    signed = certify(pdfa, issuer, timestamper=dev_tsa, empty_fields=[EmptyField("Chair")])
    context = dev_validation_context(pki, ensure_dev_tsa(pki))
    doc, level = asyncio.run(secure_with_level(signed, dev_tsa, context))
    assert level == file_level(doc)  # what it says is what a fresh parse of the file says
    assert level.level == "B-LTA" and level.archive_timestamp_at is not None
    tsa_cert = cx509.load_pem_x509_certificate(ensure_dev_tsa(pki).cert_path.read_bytes())
    assert level.tsa_expires_at == tsa_cert.not_valid_after_utc
    # three revisions later, the Info dictionary and the XMP packet are issuance's own
    # (PDF/A asks that they agree; nothing rewrote either)
    assert _metadata(doc) == _metadata(signed)
    assert doc.count(b"<x:xmpmeta") == signed.count(b"<x:xmpmeta")
    cert, key = issue_certificate(pki.ca_cert_path, pki.ca_key_path, common_name="Chair Person")
    again, later = asyncio.run(
        secure_with_level(sign_field(doc, load_pem(cert, key).signer, "Chair"), dev_tsa, context)
    )
    assert later == file_level(again) and later.level == "B-LTA"
    assert later.archive_timestamp_at is not None and level.archive_timestamp_at is not None
    assert later.archive_timestamp_at >= level.archive_timestamp_at


def test_countersignatures_after_b_lta_stay_within_the_certification(
    pdfa: bytes, pki: DevPki, issuer: IssuerKey, dev_tsa: DevTimeStamper, tmp_path: Path
) -> None:
    doc = dev_lta(pdfa, pki, issuer, dev_tsa, empty_fields=[EmptyField("Chair")])
    cert, key = issue_certificate(pki.ca_cert_path, pki.ca_key_path, common_name="Chair Person")
    chair = load_pem(cert, key)
    signed = sign_field(doc, chair.signer, "Chair", timestamper=dev_tsa)
    context = dev_validation_context(pki, ensure_dev_tsa(pki))
    final = asyncio.run(secure(signed, dev_tsa, context))
    report = validate_pdf(final, load_trust_roots([pki.ca_cert_path]))
    assert report.ok and not report.modified_after_signing, report
    people = [s for s in report.signatures if not s.timestamp]
    assert [(s.field_name, s.level) for s in people] == [("Issuer", "B-LTA"), ("Chair", "B-LTA")]
    assert [s.field_name for s in report.signatures if s.timestamp] == [
        "ArchiveTimestamp1", "ArchiveTimestamp2"
    ]  # fmt: skip
    assert report.archive_timestamp_at == report.signatures[-1].proven_at
    assert pdfsig(tmp_path / "c.pdf", final).count("Signature is Valid.") == 2


def test_document_changed_after_the_archive_timestamp_is_refused(
    pdfa: bytes, pki: DevPki, issuer: IssuerKey, dev_tsa: DevTimeStamper
) -> None:
    doc = dev_lta(pdfa, pki, issuer, dev_tsa)
    from pyhanko.pdf_utils.generic import NameObject, TextStringObject
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    writer = IncrementalPdfFileWriter(BytesIO(doc))
    writer.root[NameObject("/Lang")] = TextStringObject("ru")
    writer.update_root()  # type: ignore[no-untyped-call]
    out = BytesIO()
    writer.write(out)  # type: ignore[no-untyped-call]
    report = validate_pdf(out.getvalue(), load_trust_roots([pki.ca_cert_path]))
    assert not report.ok and report.modified_after_signing


# --- a TSA and OCSP responder on loopback ------------------------------------------------


@pytest.fixture(scope="module")
def nca(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AnimatedPki]:
    leaves = {"issuer": 'common-name: "Loopback issuer", organization-name: "Qujat"'}
    with animated_pki(tmp_path_factory.mktemp("ltv-nca"), "qujat-ltv", leaves) as pki:
        yield pki


def nca_issuer(nca: AnimatedPki) -> IssuerKey:
    from cryptography.hazmat.primitives import serialization

    pem_cert = cx509.load_der_x509_certificate(nca.cert("issuer").dump()).public_bytes(
        serialization.Encoding.PEM
    )
    pem_key = nca.keys["issuer"].private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )  # fmt: skip
    return load_pem(pem_cert, pem_key, chain=[nca.cert("root")])


def test_b_lta_with_a_remote_tsa_and_ocsp(pdfa: bytes, nca: AnimatedPki, tmp_path: Path) -> None:
    ts = HTTPTimeStamper(nca.tsa_url)
    signed = certify(pdfa, nca_issuer(nca), timestamper=ts)
    context = ValidationContext(
        trust_roots=[nca.cert("root")], allow_fetching=True, revocation_mode="hard-fail"
    )
    doc = asyncio.run(_secure_and_close(signed, ts, context))
    report = validate_pdf(doc, [nca.cert("root")])
    assert report.ok and report.level == "B-LTA", report
    assert ades_ok(doc, nca.cert("root"), datetime.now(UTC))
    out = pdfsig(tmp_path / "nca.pdf", doc)
    assert "Signature is Valid." in out and "ArchiveTimestamp1" in out


async def _secure_and_close(pdf: bytes, ts: HTTPTimeStamper, context: ValidationContext) -> bytes:
    try:
        return await secure(pdf, ts, context)
    finally:
        await context.aclose()  # type: ignore[no-untyped-call]


def test_tsa_that_does_not_answer_fails_the_issuance(pdfa: bytes, issuer: IssuerKey) -> None:
    dead = HTTPTimeStamper("http://127.0.0.1:9/tsa", timeout=2)
    with pytest.raises(TimestampUnavailable) as caught:
        certify(pdfa, issuer, timestamper=dead)
    assert caught.value.http_status == 503 and caught.value.code == "timestamp_unavailable"
    with pytest.raises(TimestampUnavailable):
        asyncio.run(add_document_timestamp(certify(pdfa, issuer), dead))
