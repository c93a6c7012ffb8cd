"""Documents judged at the time their timestamps prove, on a fixed calendar (Certomancer
PKI with short-lived certificates, CRLs and timestamps made at any moment)."""

from __future__ import annotations

import asyncio
import re
import shutil
import subprocess
import sys
from datetime import datetime, timedelta
from io import BytesIO
from pathlib import Path

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation.dss import DocumentSecurityStore

from signing import certify
from signing.errors import ValidationDataUnavailable
from signing.ltv import RenewalPolicy, add_document_timestamp, renew, renewal_decision, secure
from tests.signing.timepki import TimePki, at, time_pki
from verify import validate_pdf
from verify.errors import VerificationError

T0 = at("2026-03-01")  # the old key is valid
T_RENEW = at("2026-11-15")  # TSA 1 expires on 2027-01-01: inside the 180-day margin
YEARS_LATER = at("2029-06-01")  # the old key expired 2026-07-01 and was revoked 2026-05-01


@pytest.fixture(scope="module")
def cal(tmp_path_factory: pytest.TempPathFactory) -> TimePki:
    return time_pki(tmp_path_factory.mktemp("timepki"))


def issue(cal: TimePki, pdf: bytes, key: str, moment: datetime, tsa: str = "tsa1") -> bytes:
    """Certify at ``moment`` and secure to B-LTA, as the issuer's server then would."""
    ts = cal.timestamper(tsa, moment)
    signed = certify(pdf, cal.issuer(key), timestamper=ts, now=moment)
    return asyncio.run(secure(signed, ts, cal.context(moment)))


@pytest.fixture(scope="module")
def lta(cal: TimePki, pdfa: bytes) -> bytes:
    return issue(cal, pdfa, "old", T0)


@pytest.fixture(scope="module")
def renewed(cal: TimePki, lta: bytes) -> bytes:
    result = asyncio.run(
        renew(lta, cal.timestamper("tsa2", T_RENEW), cal.context(T_RENEW), now=T_RENEW)
    )
    assert result.renewed and result.decision.reason == "tsa_certificate_expiring"
    return result.pdf


def test_fresh_document_is_b_lta_judged_at_its_timestamp(cal: TimePki, lta: bytes) -> None:
    report = validate_pdf(lta, [cal.root], moment=at("2026-03-02"))
    assert report.ok and report.ltv_status == "valid" and report.level == "B-LTA"
    issuer = report.signatures[0]
    assert issuer.level == "B-LTA" and issuer.proven_at == T0 and issuer.certification
    assert report.archive_timestamp_at == T0
    assert [s.field_name for s in report.signatures] == ["Issuer", "ArchiveTimestamp1"]


def test_unrenewed_document_lapses_when_its_tsa_certificate_expires(
    cal: TimePki, lta: bytes
) -> None:
    report = validate_pdf(lta, [cal.root], moment=YEARS_LATER)
    assert report.ltv_status == "lapsed" and not report.ok


def test_renewed_document_verifies_years_after_the_issuer_certificate_expired(
    cal: TimePki, renewed: bytes
) -> None:
    report = validate_pdf(renewed, [cal.root], moment=YEARS_LATER)
    assert report.ok and report.ltv_status == "valid", report
    issuer = report.signatures[0]
    assert issuer.proven_at == T0 and issuer.level == "B-LTA" and issuer.revoked_at is None
    assert report.archive_timestamp_at == T_RENEW
    assert [s.field_name for s in report.signatures][-2:] == [
        "ArchiveTimestamp1", "ArchiveTimestamp2"
    ]  # fmt: skip


def test_renewal_after_the_old_key_was_superseded_keeps_earlier_documents_valid(
    cal: TimePki, renewed: bytes
) -> None:
    # the renewal's CRL (2026-11-15) lists the old key as revoked since 2026-05-01
    crls = DocumentSecurityStore.read_dss(PdfFileReader(BytesIO(renewed))).crls
    assert len(crls) >= 2
    serial = cal.issuer("old").certificate.serial_number
    revoked = [
        entry["user_certificate"].native
        for c in (cal.crl(T_RENEW),)
        for entry in c["tbs_cert_list"]["revoked_certificates"]
    ]
    assert serial in revoked
    assert validate_pdf(renewed, [cal.root], moment=at("2027-02-01")).ok


def test_renewal_is_idempotent(cal: TimePki, renewed: bytes) -> None:
    decision = renewal_decision(renewed, now=T_RENEW)
    assert not decision.needed and decision.reason == "current"
    again = asyncio.run(
        renew(renewed, cal.timestamper("tsa2", T_RENEW), cal.context(T_RENEW), now=T_RENEW)
    )
    assert not again.renewed and again.pdf == renewed


def test_renewal_decision_follows_margin_and_algorithm_policy(lta: bytes) -> None:
    assert renewal_decision(lta, now=at("2026-06-01")).reason == "current"
    wide = RenewalPolicy(margin=timedelta(days=250))
    assert renewal_decision(lta, now=at("2026-06-01"), policy=wide).reason == (
        "tsa_certificate_expiring"
    )
    weak = RenewalPolicy(weak_digests=frozenset({"sha256"}))
    assert renewal_decision(lta, now=at("2026-06-01"), policy=weak).reason == "weak_algorithm"
    late = renewal_decision(lta, now=at("2027-01-02"))
    assert late.reason == "lapsed" and not late.needed


def test_signature_made_after_revocation_fails_with_the_revocation_date(
    cal: TimePki, pdfa: bytes
) -> None:
    moment = at("2026-06-01")  # the old key is within validity but revoked since 05-01
    ts = cal.timestamper("tsa1", moment)
    signed = certify(pdfa, cal.issuer("old"), timestamper=ts, now=moment)
    with pytest.raises(ValidationDataUnavailable):  # the issuer's server refuses B-LT
        asyncio.run(secure(signed, ts, cal.context(moment)))
    # a file carrying the CRL anyway (as another tool would add it) is judged by it
    out = BytesIO(signed)
    DocumentSecurityStore.add_dss(out, None, crls=[cal.crl(moment)], force_write=True)
    report = validate_pdf(out.getvalue(), [cal.root], moment=at("2026-06-02"))
    issuer = report.signatures[0]
    assert not report.ok and report.ltv_status == "revoked"
    assert issuer.revoked_at == at("2026-05-01") and issuer.proven_at == moment


def test_new_key_documents_verify_alongside_old_ones(cal: TimePki, pdfa: bytes) -> None:
    doc = issue(cal, pdfa, "new", at("2026-06-01"))
    report = validate_pdf(doc, [cal.root], moment=at("2026-06-02"))
    assert report.ok and report.signatures[0].signer_name == "Issuer new key"


def test_untrusted_timestamp_proves_nothing(cal: TimePki, pdfa: bytes, tmp_path: Path) -> None:
    # a signature timestamp from a TSA outside the trust roots claims the old key's time
    other = time_pki(tmp_path)
    forged_ts = other.timestamper("tsa1", T0)
    signed = certify(pdfa, cal.issuer("old"), timestamper=forged_ts, now=T0)
    report = validate_pdf(signed, [cal.root], moment=YEARS_LATER)
    issuer = report.signatures[0]
    assert issuer.proven_at is None and issuer.level == "B-B" and not report.ok


def test_tampering_after_renewal_is_detected(cal: TimePki, renewed: bytes) -> None:
    i = renewed.index(b"Jol") if b"Jol" in renewed else len(renewed) // 3
    # never inside a signature's /Contents: its zero padding is covered by no byte range
    for m in re.finditer(rb"/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)", renewed):
        gap_start, gap_end = int(m[1]) + int(m[2]), int(m[3])
        if gap_start <= i < gap_end:
            i = gap_end + 1
    tampered = renewed[:i] + bytes([renewed[i] ^ 1]) + renewed[i + 1 :]
    try:
        report = validate_pdf(tampered, [cal.root], moment=YEARS_LATER)
    except VerificationError:
        return  # the change broke the file's structure: refused as unreadable
    assert not report.ok


_CHECK = """
import sys
from asn1crypto import x509
from verify import validate_pdf
root = x509.Certificate.load(open(sys.argv[2], "rb").read())
report = validate_pdf(open(sys.argv[1], "rb").read(), [root])  # the process's own clock
print(report.ltv_status, report.validated_at.year)
"""


@pytest.mark.skipif(shutil.which("faketime") is None, reason="Debian's faketime")
def test_a_whole_process_years_later_with_faketime(
    cal: TimePki, lta: bytes, renewed: bytes, tmp_path: Path
) -> None:
    (tmp_path / "root.der").write_bytes(cal.root.dump())
    results = []
    for name, data in [("renewed.pdf", renewed), ("lta.pdf", lta)]:
        (tmp_path / name).write_bytes(data)
        out = subprocess.run(
            ["faketime", "2029-06-01 00:00:00", sys.executable, "-c", _CHECK,
             str(tmp_path / name), str(tmp_path / "root.der")],
            capture_output=True, text=True, check=True, cwd=Path(__file__).resolve().parents[2],
        )  # fmt: skip
        results.append(out.stdout.split())
    assert results == [["valid", "2029"], ["lapsed", "2029"]]


def test_renewal_by_an_untrusted_tsa_proves_nothing(
    cal: TimePki, lta: bytes, tmp_path: Path
) -> None:
    other = time_pki(tmp_path)  # a TSA certificate outside the trust roots, valid to 2030
    forged = asyncio.run(add_document_timestamp(lta, other.timestamper("tsa2", T_RENEW)))
    report = validate_pdf(forged, [cal.root], moment=YEARS_LATER)
    assert not report.ok and report.ltv_status == "invalid"
    assert report.signatures[0].proven_at is None and report.archive_timestamp_at is None
