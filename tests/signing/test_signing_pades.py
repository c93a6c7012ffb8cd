"""PAdES certification and approval signatures: structure of what is written."""

from __future__ import annotations

from datetime import UTC, datetime
from io import BytesIO

import pytest
from pyhanko.pdf_utils.generic import ArrayObject, DictionaryObject
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from signing import EmptyField, IssuerKey, certify, sign_field
from signing.errors import SigningError


def _reader(pdf: bytes) -> PdfFileReader:
    return PdfFileReader(BytesIO(pdf))


def test_certify_is_an_incremental_update(pdfa: bytes, certified: bytes) -> None:
    assert certified.startswith(pdfa)
    assert _reader(certified).xrefs.total_revisions == 2


def test_certification_signature_dictionary(certified: bytes) -> None:
    reader = _reader(certified)
    (sig,) = reader.embedded_signatures
    assert sig.field_name == "Issuer"
    assert sig.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"
    assert sig.sig_object["/Reason"] == "Issued"
    assert sig.md_algorithm == "sha256"
    assert reader.root["/Perms"]["/DocMDP"].get_object() is sig.sig_object
    assert sig.docmdp_level is not None and int(sig.docmdp_level.value) == 2


def test_certification_widget_is_invisible_and_printable(certified: bytes) -> None:
    (sig,) = _reader(certified).embedded_signatures
    widget = sig.sig_field
    assert [float(x) for x in widget["/Rect"]] == [0, 0, 0, 0]
    assert int(widget["/F"]) & 0b100  # print flag, required by PDF/A


def test_empty_fields_are_created_in_the_certified_revision(certified: bytes) -> None:
    reader = _reader(certified)
    fields = {f.get_object()["/T"]: f.get_object() for f in reader.root["/AcroForm"]["/Fields"]}
    assert set(fields) == {"Issuer", "Chair", "Secretary"}
    assert "/V" not in fields["Chair"] and "/V" not in fields["Secretary"]
    assert [float(x) for x in fields["Chair"]["/Rect"]] == [60, 60, 260, 110]
    # created in the signed revision: the certification covers them
    (sig,) = reader.embedded_signatures
    assert sig.signed_revision == reader.xrefs.total_revisions - 1


def test_pdfa_identification_is_kept(certified: bytes) -> None:
    metadata = _reader(certified).root["/Metadata"].get_object()
    xmp = metadata.data
    assert b"pdfaid" in xmp and b"3" in xmp
    assert isinstance(_reader(certified).root["/OutputIntents"], ArrayObject)


def test_signing_time_comes_from_the_clock(pdfa: bytes, issuer: IssuerKey) -> None:
    now = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)
    (sig,) = _reader(certify(pdfa, issuer, now=now)).embedded_signatures
    assert sig.self_reported_timestamp == now


def test_certified_pdf_validates_in_pyhanko(certified: bytes, issuer: IssuerKey) -> None:
    (sig,) = _reader(certified).embedded_signatures
    context = ValidationContext(trust_roots=list(issuer.chain), allow_fetching=False)
    status = validate_pdf_signature(sig, context)
    assert status.bottom_line and status.intact and status.valid and status.trusted


def test_sign_field(certified: bytes, issuer: IssuerKey) -> None:
    signed = sign_field(certified, issuer.signer, "Chair", reason="Approved")
    assert signed.startswith(certified)
    names = [s.field_name for s in _reader(signed).embedded_signatures]
    assert names == ["Issuer", "Chair"]


def test_sign_field_refuses_unknown_or_filled_fields(certified: bytes, issuer: IssuerKey) -> None:
    with pytest.raises(SigningError):
        sign_field(certified, issuer.signer, "Nobody")
    with pytest.raises(SigningError):
        sign_field(certified, issuer.signer, "Issuer")


def test_certify_refuses_garbage(issuer: IssuerKey) -> None:
    for junk in (b"", b"%PDF-1.7\n garbage", b"\x00" * 100):
        with pytest.raises(SigningError):
            certify(junk, issuer)


def test_certify_refuses_duplicate_field_names(pdfa: bytes, issuer: IssuerKey) -> None:
    with pytest.raises(SigningError):
        certify(pdfa, issuer, empty_fields=[EmptyField("Issuer")])
    with pytest.raises(SigningError):
        certify(pdfa, issuer, empty_fields=[EmptyField("A"), EmptyField("A")])


def test_certify_twice_is_refused(certified: bytes, issuer: IssuerKey) -> None:
    with pytest.raises(SigningError):
        certify(certified, issuer, field_name="Again")


def test_reason_and_location(pdfa: bytes, issuer: IssuerKey) -> None:
    pdf = certify(pdfa, issuer, reason="Берілді", location="Астана")
    (sig,) = _reader(pdf).embedded_signatures
    assert isinstance(sig.sig_object, DictionaryObject)
    assert sig.sig_object["/Location"] == "Астана"
    assert sig.sig_object["/Reason"] == "Берілді"
