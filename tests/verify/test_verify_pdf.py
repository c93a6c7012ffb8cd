# mypy: disable-error-code="no-untyped-call"
"""validate_pdf: each happy path paired with its tamper test, checked again by poppler's pdfsig."""

from __future__ import annotations

import subprocess
from io import BytesIO
from pathlib import Path

import pytest
from asn1crypto import x509
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from forms.errors import VerificationError
from signing import (
    DevPki,
    IssuerKey,
    certify,
    ensure_dev_pki,
    issue_certificate,
    load_pem,
    load_pkcs12,
    read_passphrase,
    sign_field,
)
from verify import load_trust_roots, validate_pdf

VALID = "Signature Validation: Signature is Valid."
TRUSTED = "Certificate Validation: Certificate is Trusted."


def _update(pdf: bytes, change: object) -> bytes:
    writer = IncrementalPdfFileWriter(BytesIO(pdf))
    assert callable(change)
    change(writer)
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def _add_content(writer: IncrementalPdfFileWriter) -> None:
    stream = writer.add_object(generic.StreamObject(stream_data=b"q 0 0 1 rg 10 10 90 40 re f Q"))
    writer.add_stream_to_page(0, stream)


def _add_annotation(writer: IncrementalPdfFileWriter) -> None:
    page_ref, _ = writer.find_page_for_modification(0)
    annot = generic.DictionaryObject(
        {
            generic.pdf_name("/Type"): generic.pdf_name("/Annot"),
            generic.pdf_name("/Subtype"): generic.pdf_name("/Square"),
            generic.pdf_name("/Rect"): generic.ArrayObject(
                [generic.NumberObject(v) for v in (10, 10, 90, 40)]
            ),
            generic.pdf_name("/F"): generic.NumberObject(4),
        }
    )
    writer.register_annotation(page_ref, writer.add_object(annot))


def _change_title(writer: IncrementalPdfFileWriter) -> None:
    info = writer.trailer["/Info"]
    info["/Title"] = generic.pdf_string("Жалған куәлік")
    writer.update_container(info)


# --- the happy path -----------------------------------------------------------------------


def test_certified_document_is_ok(certified: bytes, roots: tuple[x509.Certificate, ...]) -> None:

    report = validate_pdf(certified, roots)
    assert report.ok and not report.modified_after_signing
    (sig,) = report.signatures
    assert sig.field_name == "Issuer"
    assert sig.signer_name == sig.signer_organisation == "Ұлттық біліктілік орталығы"
    assert sig.signer_serial is None
    assert sig.certification and sig.intact and sig.valid and sig.trusted and sig.docmdp_ok
    assert sig.bottom_line and not sig.timestamp
    assert (sig.coverage, sig.modification_level) == ("entire_file", "none")
    assert sig.signed_at is not None
    assert report.empty_fields == ("Chair", "Secretary")
    assert len(report.sha256) == 64


def test_pyhanko_agrees(certified: bytes, roots: tuple[x509.Certificate, ...]) -> None:
    (sig,) = PdfFileReader(BytesIO(certified)).embedded_signatures
    status = validate_pdf_signature(sig, ValidationContext(trust_roots=list(roots)))
    assert status.bottom_line


def test_pdfsig_says_valid_and_trusted(certified: bytes, nssdb: str, tmp_path: Path) -> None:
    out = pdfsig(certified, tmp_path)
    assert VALID in out and "Total document signed" in out
    assert TRUSTED in pdfsig(certified, tmp_path, "-nssdir", nssdb)


def test_qpdf_check_passes(certified: bytes, tmp_path: Path) -> None:
    path = tmp_path / "signed.pdf"
    path.write_bytes(certified)
    run = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "No syntax or stream encoding errors" in run.stdout


def test_rsa_issuer_validates(pdfa: bytes, tmp_path: Path) -> None:

    pki = ensure_dev_pki(tmp_path / "rsa", key_type="rsa")
    signed = certify(pdfa, issuer_from(pki))
    assert validate_pdf(signed, load_trust_roots([pki.ca_cert_path])).ok
    assert VALID in pdfsig(signed, tmp_path)


# --- tampering ----------------------------------------------------------------------------


def test_flipped_byte_in_signed_range(
    certified: bytes, roots: tuple[x509.Certificate, ...], tmp_path: Path
) -> None:
    position = certified.index(b"stream\n") + 40  # inside the first compressed stream
    tampered = bytearray(certified)
    tampered[position] ^= 0x01
    report = validate_pdf(bytes(tampered), roots)
    assert not report.ok
    assert not report.signatures[0].intact and not report.signatures[0].bottom_line
    assert VALID not in pdfsig(bytes(tampered), tmp_path)


@pytest.mark.parametrize("change", [_add_content, _add_annotation, _change_title])
def test_update_after_signing_is_caught(
    certified: bytes, roots: tuple[x509.Certificate, ...], change: object
) -> None:

    report = validate_pdf(_update(certified, change), roots)
    assert report.modified_after_signing and not report.ok
    # the signed bytes are untouched, so `intact` alone would say all is well
    assert report.signatures[0].intact


def test_untrusted_signer(pdfa: bytes, roots: tuple[x509.Certificate, ...], tmp_path: Path) -> None:

    stranger = issuer_from(ensure_dev_pki(tmp_path / "other-ca", "Бөтен ұйым"))
    report = validate_pdf(certify(pdfa, stranger), roots)
    assert not report.ok
    (sig,) = report.signatures
    assert sig.intact and sig.valid and not sig.trusted and not sig.bottom_line


def test_no_trust_roots_means_not_ok(certified: bytes) -> None:

    assert not validate_pdf(certified, []).ok


@pytest.mark.parametrize(
    "data",
    [b"", b"garbage", b"%PDF-1.7\n%%EOF", b"\x00" * 1000, b"%PDF-1.7\n" + b"\xff" * 200],
)
def test_unreadable_files(data: bytes, roots: tuple[x509.Certificate, ...]) -> None:

    with pytest.raises(VerificationError):
        validate_pdf(data, roots)


def test_truncated_file(certified: bytes, roots: tuple[x509.Certificate, ...]) -> None:

    cut = certified[: len(certified) // 2]
    try:
        report = validate_pdf(cut, roots)
    except VerificationError:
        return
    assert not report.ok


def test_too_large(certified: bytes, roots: tuple[x509.Certificate, ...]) -> None:

    with pytest.raises(VerificationError):
        validate_pdf(certified, roots, max_bytes=len(certified) - 1)


def test_encrypted_pdf(pdfa: bytes, roots: tuple[x509.Certificate, ...], tmp_path: Path) -> None:

    plain, locked = tmp_path / "plain.pdf", tmp_path / "locked.pdf"
    plain.write_bytes(pdfa)
    subprocess.run(
        ["qpdf", "--encrypt", "u", "o", "256", "--", str(plain), str(locked)], check=True
    )
    with pytest.raises(VerificationError):
        validate_pdf(locked.read_bytes(), roots)


def test_unsigned_pdf_is_not_ok(pdfa: bytes, roots: tuple[x509.Certificate, ...]) -> None:

    report = validate_pdf(pdfa, roots)
    assert report.signatures == () and not report.ok


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(position=st.integers(min_value=0), value=st.integers(min_value=0, max_value=255))
def test_any_corruption_gives_a_report_or_our_error(
    certified: bytes, roots: tuple[x509.Certificate, ...], position: int, value: int
) -> None:

    data = bytearray(certified)
    index = position % len(data)
    if data[index] == value:
        return
    data[index] = value
    try:
        report = validate_pdf(bytes(data), roots)
    except VerificationError:
        return
    # a changed byte outside /Contents must not leave an ok document
    contents_gap = _contents_gap(certified)
    if not contents_gap[0] <= index < contents_gap[1]:
        assert not report.ok


# --- countersignatures --------------------------------------------------------------------


def test_countersignatures_into_empty_fields(
    certified: bytes, pki: DevPki, roots: tuple[x509.Certificate, ...], tmp_path: Path
) -> None:

    chair = _member(pki, "Сәрсенбаева Гүлнар Маратқызы", "871008401427")
    secretary = _member(pki, "Омаров Ержан", "900101300123", key_type="rsa")
    pdf = sign_field(certified, chair.signer, "Chair", reason="Келісемін")
    pdf = sign_field(pdf, secretary.signer, "Secretary")
    report = validate_pdf(pdf, roots)
    assert report.ok and not report.modified_after_signing and report.empty_fields == ()
    assert [s.field_name for s in report.signatures] == ["Issuer", "Chair", "Secretary"]
    assert all(s.bottom_line for s in report.signatures)
    issuer_sig, chair_sig, _ = report.signatures
    assert issuer_sig.certification and issuer_sig.modification_level == "form_filling"
    assert not chair_sig.certification and chair_sig.signer_serial == "IIN871008401427"
    out = pdfsig(pdf, tmp_path)
    assert out.count(VALID) == 3
    assert pdfsig(pdf, tmp_path, "-nssdir", _nss(pki, tmp_path)).count(TRUSTED) == 3

    tampered = _update(pdf, _add_annotation)
    assert not validate_pdf(tampered, roots).ok


# --- trust roots --------------------------------------------------------------------------


def test_load_trust_roots_pem_and_der(pki: DevPki, tmp_path: Path) -> None:

    (pem_root,) = load_trust_roots([pki.ca_cert_path])
    der = tmp_path / "ca.der"
    der.write_bytes(pem_root.dump())
    assert [c.dump() for c in load_trust_roots([der])] == [pem_root.dump()]
    bad = tmp_path / "bad.pem"
    bad.write_bytes(b"not a certificate")
    with pytest.raises(VerificationError):
        load_trust_roots([bad])
    with pytest.raises(VerificationError):
        load_trust_roots([tmp_path / "missing.pem"])


# --- helpers ------------------------------------------------------------------------------


def _member(pki: DevPki, name: str, iin: str, key_type: str = "ec") -> IssuerKey:
    cert, key = issue_certificate(
        pki.ca_cert_path,
        pki.ca_key_path,
        common_name=name,
        iin=iin,
        key_type=key_type,  # type: ignore[arg-type]
    )
    return load_pem(cert, key)


def _nss(pki: DevPki, tmp_path: Path) -> str:
    db = f"sql:{tmp_path / 'nss'}"
    (tmp_path / "nss").mkdir()
    subprocess.run(["certutil", "-N", "--empty-password", "-d", db], check=True)
    subprocess.run(
        ["certutil", "-A", "-d", db, "-n", "qujat-ca", "-t", "C,C,", "-i", str(pki.ca_cert_path)],
        check=True,
    )
    return db


def _contents_gap(pdf: bytes) -> tuple[int, int]:
    (sig,) = PdfFileReader(BytesIO(pdf)).embedded_signatures
    start, length, end, _ = (int(x) for x in sig.sig_object["/ByteRange"])
    return start + length, end


def issuer_from(pki: DevPki) -> IssuerKey:
    return load_pkcs12(pki.issuer_p12_path, read_passphrase(file=pki.issuer_passphrase_path))


def pdfsig(pdf: bytes, tmp_path: Path, *args: str) -> str:
    """poppler's independent signature checker; its whole output."""
    path = tmp_path / "checked.pdf"
    path.write_bytes(pdf)
    run = subprocess.run(["pdfsig", *args, str(path)], capture_output=True, text=True, check=False)
    return run.stdout + run.stderr


def test_public_names() -> None:
    import verify

    assert sorted(verify.__all__) == [
        "Decision",
        "Examination",
        "IsolationLimits",
        "PdfReport",
        "RegistryFacts",
        "SignatureReport",
        "ValidatorPool",
        "Verdict",
        "examine_bounded",
        "judge",
        "load_trust_roots",
        "validate_pdf",
        "validate_pdf_async",
    ]
