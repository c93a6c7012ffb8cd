"""The lean certification writer (signing/lean.py): every form's certified file is judged
valid by pyHanko (through our verifier) and by poppler's pdfsig, keeps Typst's bytes as
they were, takes countersignatures, and fails when a byte changes; other shapes go through
pyHanko's writer."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

import pytest

from api.services import Services
from forms import all_forms, get_form
from generator import DocumentMeta
from registry import new_id
from signing import EmptyField, certify, ensure_dev_pki, issue_certificate, load_pem, sign_field
from signing.errors import SigningError
from signing.lean import lean_certify
from tests.pdftools import pdfsig, qpdf_check
from verify import load_trust_roots, validate_pdf

NOW = datetime.now(UTC).replace(microsecond=0)
FORMS = [s.id for s in all_forms() if s.example is not None]


def _render(services: Services, form: str, lang: str, doc_id: str | None = None) -> bytes:
    spec = get_form(form)
    case = spec.validate(dict(spec.example or {}))
    doc_id = doc_id or new_id()
    meta = DocumentMeta(doc_id, f"https://qujat.kz/v/{doc_id}", "Test", NOW.date())
    return services.renderer.render(spec, lang, case, meta)


def _lean(signed: bytes, original: bytes) -> bool:
    """Written by the lean path: Typst's bytes untouched, no pyHanko metadata rewrite."""
    return signed.startswith(original) and b"pyHanko" not in signed[len(original) :]


@pytest.mark.parametrize("lang", ["kk", "ru"])
@pytest.mark.parametrize("form", FORMS)
def test_every_form_certified_by_the_lean_writer_is_valid_for_pyhanko_and_pdfsig(
    services: Services, nss_db: str, form: str, lang: str
) -> None:
    spec = get_form(form)
    pdf = _render(services, form, lang)
    fields = [EmptyField("Chair"), EmptyField("Member01")] if lang == "ru" else []
    timestamper = services.timestamper if lang == "kk" else None
    signed = certify(
        pdf, services.issuer, reason=spec.title_kk, empty_fields=fields,
        timestamper=timestamper, now=NOW,
    )  # fmt: skip
    assert _lean(signed, pdf)
    report = validate_pdf(signed, services.trust_roots)
    assert report.ok and not report.modified_after_signing, report
    [sig] = report.signatures
    assert sig.certification and sig.intact and sig.valid and sig.trusted
    assert report.empty_fields == tuple(f.name for f in fields)
    if timestamper is not None:
        assert sig.level == "B-T" and sig.proven_at is not None
    out = pdfsig(signed, nss_db)
    assert "Signature is Valid." in out and "Certificate is Trusted." in out, out
    assert "Total document signed" in out, out
    assert qpdf_check(signed).returncode == 0


def test_countersignatures_after_the_lean_certification_keep_it_valid(
    services: Services, nss_db: str
) -> None:
    pdf = _render(services, "protocol-teachers", "kk")
    base = certify(pdf, services.issuer, empty_fields=[EmptyField("Chair"), EmptyField("Sec")])
    assert _lean(base, pdf)
    member = load_pem(*_member_pem(services))
    once = sign_field(base, member.signer, "Chair", now=NOW, timestamper=services.timestamper)
    twice = sign_field(once, member.signer, "Sec", now=NOW)
    assert _lean(once, base) and _lean(twice, once)  # the approvals written lean too
    with pytest.raises(SigningError):  # a signed field is not signed again
        sign_field(twice, member.signer, "Chair", now=NOW)
    at = twice.index(b"/M(D:", len(once)) + 7  # the second approval's signing time
    tampered = twice[:at] + bytes([twice[at] ^ 1]) + twice[at + 1 :]
    assert not validate_pdf(tampered, services.trust_roots).ok
    report = validate_pdf(twice, services.trust_roots)
    assert report.ok and [s.field_name for s in report.signatures] == ["Issuer", "Chair", "Sec"]
    assert all(s.bottom_line for s in report.signatures)
    assert pdfsig(twice, nss_db).count("Signature is Valid.") == 3
    assert report.signatures[1].level == "B-T"


def _member_pem(services: Services) -> tuple[bytes, bytes]:
    pki = ensure_dev_pki(services.settings.keys_dir)
    return issue_certificate(pki.ca_cert_path, pki.ca_key_path, common_name="Member")


def test_a_changed_byte_anywhere_breaks_the_lean_signature(services: Services) -> None:
    pdf = _render(services, "qualification-certificate", "kk")
    signed = certify(pdf, services.issuer, now=NOW)
    assert validate_pdf(signed, services.trust_roots).ok
    catalog = signed.index(b"/Perms", len(pdf))  # in the update itself
    flags = signed.index(b"/SigFlags 3", len(pdf)) + 10
    for at in (1000, len(pdf) - 10, catalog + 3, flags):
        tampered = signed[:at] + bytes([signed[at] ^ 1]) + signed[at + 1 :]
        assert not validate_pdf(tampered, services.trust_roots).ok, at


def test_the_same_input_and_id_give_the_same_bytes_but_the_signature(services: Services) -> None:
    doc_id = new_id()
    one, two = (_render(services, "qualification-certificate", "kk", doc_id) for _ in range(2))
    assert one == two
    a, b = (certify(one, services.issuer, now=NOW) for _ in range(2))
    start = a.index(b"/Contents<", len(one)) + len(b"/Contents<")
    assert a[:start] == b[:start]
    end_a, end_b = a.index(b">", start), b.index(b">", start)
    assert a[end_a:] == b[end_b:]


def test_other_shapes_go_through_pyhankos_writer(services: Services) -> None:
    pdf = _render(services, "qualification-certificate", "kk")
    visible = certify(
        pdf, services.issuer, empty_fields=[EmptyField("Chair", box=(60, 60, 260, 110))]
    )
    assert not _lean(visible, pdf) and validate_pdf(visible, services.trust_roots).ok
    lean = certify(pdf, services.issuer)
    again = lean_certify(  # a signed file (a /Prev, an /AcroForm): not of Typst's shape
        lean, services.issuer.signer, field_name="Second", empty_fields=[], reason=None,
        location=None, timestamper=None, now=NOW,
    )  # fmt: skip
    assert asyncio.run(again) is None


def test_a_gost_certification_by_the_lean_writer_verifies(services: Services) -> None:
    from signing.nca_keys import load_nca_pkcs12
    from tests.signing.gost.conftest import GOST_PASSWORD, INSIDE, PACK, pack_cert

    gost = load_nca_pkcs12(PACK / "keys/individual_gost2015.p12", GOST_PASSWORD)
    pdf = _render(services, "protocol-teachers", "kk")
    signed = certify(pdf, gost, empty_fields=[EmptyField("Chair")], now=INSIDE)
    assert _lean(signed, pdf)
    roots = [pack_cert("ca/nca_gost2022_test.cer")]
    report = validate_pdf(signed, roots, moment=INSIDE)
    assert report.ok and report.empty_fields == ("Chair",)
    assert report.signatures[0].certification and report.signatures[0].bottom_line
    at = signed.index(b"/Perms", len(pdf)) + 2
    tampered = signed[:at] + bytes([signed[at] ^ 1]) + signed[at + 1 :]
    assert not validate_pdf(tampered, roots, moment=INSIDE).ok
    countersigned = sign_field(signed, gost.signer, "Chair", now=INSIDE)
    assert validate_pdf(countersigned, roots, moment=INSIDE).ok


def test_a_gost_certification_with_a_tsa_carries_its_timestamp(
    services: Services, tmp_path: Path
) -> None:
    """The lean GOST writer adds the signature timestamp pyHanko's GOST path adds (B-T)."""
    from signing.devtsa import DevTimeStamper, ensure_dev_tsa
    from signing.nca_keys import load_nca_pkcs12
    from tests.signing.gost.conftest import GOST_PASSWORD, INSIDE, PACK, pack_cert

    pki = ensure_dev_pki(tmp_path / "keys")
    tsa = DevTimeStamper.load(pki, ensure_dev_tsa(pki, now=INSIDE), clock=lambda: INSIDE)
    gost = load_nca_pkcs12(PACK / "keys/individual_gost2015.p12", GOST_PASSWORD)
    pdf = _render(services, "protocol-teachers", "kk")
    signed = certify(pdf, gost, empty_fields=[EmptyField("Chair")], now=INSIDE, timestamper=tsa)
    assert _lean(signed, pdf)
    roots = [pack_cert("ca/nca_gost2022_test.cer"), *load_trust_roots([pki.ca_cert_path])]
    (sig,) = validate_pdf(signed, roots, moment=INSIDE).signatures
    assert sig.bottom_line and sig.level == "B-T" and sig.proven_at is not None
    countersigned = sign_field(signed, gost.signer, "Chair", now=INSIDE, timestamper=tsa)
    assert [s.level for s in validate_pdf(countersigned, roots, moment=INSIDE).signatures] == [
        "B-T",
        "B-T",
    ]
