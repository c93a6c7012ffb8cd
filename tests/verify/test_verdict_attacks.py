"""The attacks a hostile reviewer made on the verifier, each as a file the test builds itself,
each ending in a verdict other than ``genuine``; and the genuine file they started from."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from io import BytesIO

import pytest
from asn1crypto import x509
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation.dss import DocumentSecurityStore

from signing import DevPki, IssuerKey, certify, issue_certificate, load_pem, sign_field
from signing.pades import EmptyField
from tests.verify.largest import iin
from verify import validate_pdf
from verify.inspection import Inspection, certificate_sha256, inspect_pdf
from verify.verdicts import Decision, Facts, RegistryFacts, Verdict, decide, judge

TODAY = date(2026, 12, 1)
ISSUED = RegistryFacts(matched=True, status="issued")


def _person(pki: DevPki, name: str, n: int) -> IssuerKey:
    cert, key = issue_certificate(pki.ca_cert_path, pki.ca_key_path, common_name=name, iin=iin(n))
    return load_pem(cert, key)


@pytest.fixture(scope="module")
def chair(pki: DevPki) -> IssuerKey:
    return _person(pki, "Құсайынова Бақыт Ержанқызы", 1)


@pytest.fixture(scope="module")
def secretary(pki: DevPki) -> IssuerKey:
    return _person(pki, "Темірбаева Мадина Алмасқызы", 2)


@pytest.fixture(scope="module")
def signed(certified: bytes, chair: IssuerKey, secretary: IssuerKey) -> bytes:
    """The issuer's certified protocol, countersigned by its chair and its secretary."""
    return sign_field(sign_field(certified, chair.signer, "Chair"), secretary.signer, "Secretary")


def _update(pdf: bytes, change: Callable[[IncrementalPdfFileWriter], None]) -> bytes:
    writer = IncrementalPdfFileWriter(BytesIO(pdf))
    change(writer)
    out = BytesIO()
    writer.write(out)  # type: ignore[no-untyped-call]
    return out.getvalue()


class Judge:
    """The verdict on a file, as the upload check would reach it."""

    def __init__(
        self, roots: tuple[x509.Certificate, ...], issuer: IssuerKey, chair: IssuerKey,
        secretary: IssuerKey,
    ) -> None:  # fmt: skip
        self.roots = roots
        self.pinned = {certificate_sha256(issuer.certificate)}
        self.required = {
            "Chair": {certificate_sha256(chair.certificate)},
            "Secretary": {certificate_sha256(secretary.certificate)},
        }

    def inspect(self, pdf: bytes) -> Inspection:
        return inspect_pdf(pdf, self.pinned)

    def __call__(self, pdf: bytes, registry: RegistryFacts | None = ISSUED) -> Decision:
        return judge(
            validate_pdf(pdf, self.roots), self.inspect(pdf),
            registry=registry, required=self.required, today=TODAY,
        )  # fmt: skip


@pytest.fixture(scope="module")
def verdict(
    roots: tuple[x509.Certificate, ...], issuer: IssuerKey, chair: IssuerKey, secretary: IssuerKey
) -> Judge:
    return Judge(roots, issuer, chair, secretary)


# --- the genuine file ---------------------------------------------------------------------


def test_the_fully_signed_protocol_is_genuine(signed: bytes, verdict: Judge) -> None:
    facts = verdict.inspect(signed)
    assert facts.certified_by_issuer and not facts.appended and not facts.repeated_signers
    assert [f.name for f in facts.fields] == ["Issuer", "Chair", "Secretary"]
    assert verdict(signed).verdict is Verdict.GENUINE


def test_validation_data_after_the_last_signature_is_what_qujat_adds(
    signed: bytes, verdict: Judge, chair: IssuerKey
) -> None:
    """A B-LT countersignature is followed by a DSS revision: that is no appended content."""
    last = PdfFileReader(BytesIO(signed)).embedded_signatures[-1]

    def add_dss(writer: IncrementalPdfFileWriter) -> None:
        DocumentSecurityStore.supply_dss_in_writer(
            writer, last.pkcs7_content, certs=[chair.certificate]
        )

    with_dss = _update(signed, add_dss)
    facts = verdict.inspect(with_dss)
    assert facts.foreign_revisions == () and facts.trailing_bytes == 0
    assert verdict(with_dss).verdict is Verdict.GENUINE


# --- who certified it ---------------------------------------------------------------------


@pytest.mark.parametrize("name", ["Құсайынова Бақыт Ержанқызы", "Qujat development issuer"])
def test_certified_by_a_member_or_any_other_trusted_certificate(
    pdfa: bytes, pki: DevPki, verdict: Judge, name: str
) -> None:
    """The certificate chains to the trusted root, even names itself like the issuer."""
    impostor = _person(pki, name, 7)
    forged = certify(pdfa, impostor, empty_fields=[EmptyField("Chair"), EmptyField("Secretary")])
    report = validate_pdf(forged, verdict.roots)
    assert report.signatures[0].bottom_line  # pyHanko alone is satisfied
    assert not verdict.inspect(forged).certified_by_issuer
    for registry in (None, ISSUED):
        assert verdict(forged, registry).verdict is Verdict.NOT_ISSUED_BY_US


# --- the countersignatures ----------------------------------------------------------------


def test_a_protocol_whose_countersignature_fields_are_all_empty(
    certified: bytes, verdict: Judge
) -> None:
    assert verdict.inspect(certified).empty_fields == ("Chair", "Secretary")
    assert verdict(certified, None).verdict is Verdict.AWAITING_SIGNATURES  # offline
    # an earlier revision Qujat did issue, of a protocol completed since
    assert verdict(certified).verdict is Verdict.AWAITING_SIGNATURES


def test_one_member_signs_every_field(certified: bytes, chair: IssuerKey, verdict: Judge) -> None:
    pdf = sign_field(sign_field(certified, chair.signer, "Chair"), chair.signer, "Secretary")
    assert verdict.inspect(pdf).repeated_signers == (certificate_sha256(chair.certificate),)
    decision = verdict(pdf, None)  # offline: no registered signers, and still caught
    assert decision.verdict is Verdict.MODIFIED
    assert "one certificate signed several fields" in decision.reasons


def test_a_field_signed_by_someone_not_registered_for_it(
    certified: bytes, chair: IssuerKey, pki: DevPki, verdict: Judge
) -> None:
    stranger = _person(pki, "Темірбаева Мадина Алмасқызы", 9)  # the secretary's name, not her key
    pdf = sign_field(sign_field(certified, chair.signer, "Chair"), stranger.signer, "Secretary")
    decision = verdict(pdf, RegistryFacts(matched=False))
    assert decision.verdict is Verdict.MODIFIED and "Secretary" in decision.reasons[0]


# --- what comes after the last signature --------------------------------------------------


@pytest.mark.parametrize(
    "tail",
    [b"garbage", b"\n% comment\n", b"99 0 obj\n<< /Title (forged) >>\nendobj\n", b"\0" * 7 + b"x"],
)
def test_bytes_appended_after_the_last_signature(
    signed: bytes, verdict: Judge, tail: bytes
) -> None:
    pdf = signed + tail
    assert verdict.inspect(pdf).trailing_bytes > 0
    assert verdict(pdf, RegistryFacts(matched=False)).verdict is Verdict.MODIFIED


def test_bytes_hidden_before_a_second_startxref(signed: bytes, verdict: Judge) -> None:
    """A copy of the last ``startxref`` after appended bytes makes them look like the end."""
    tail = signed[signed.rindex(b"startxref") :]
    pdf = signed + b"99 0 obj\n<< /Title (forged) >>\nendobj\n" + tail
    assert verdict.inspect(pdf).trailing_bytes > 0
    assert verdict(pdf, RegistryFacts(matched=False)).verdict is Verdict.MODIFIED


def _add_unreferenced(writer: IncrementalPdfFileWriter) -> None:
    title = {generic.pdf_name("/Title"): generic.pdf_string("x")}
    writer.add_object(generic.DictionaryObject(title))  # type: ignore[no-untyped-call]


def _add_unreferenced_stream(writer: IncrementalPdfFileWriter) -> None:
    writer.add_object(generic.StreamObject(stream_data=b"BT /F1 24 Tf (forged) Tj ET"))


@pytest.mark.parametrize("change", [_add_unreferenced, _add_unreferenced_stream])
def test_objects_appended_in_a_revision(
    signed: bytes, verdict: Judge, change: Callable[[IncrementalPdfFileWriter], None]
) -> None:
    pdf = _update(signed, change)
    facts = verdict.inspect(pdf)
    assert facts.foreign_revisions and facts.trailing_bytes == 0
    assert verdict(pdf, RegistryFacts(matched=False)).verdict is Verdict.MODIFIED


FORGED_TITLE = (
    b"<rdf:Description xmlns:dc='http://purl.org/dc/elements/1.1/'>"
    b"<dc:title>Forged</dc:title></rdf:Description></rdf:RDF>"
)


def _replace_xmp(writer: IncrementalPdfFileWriter) -> None:
    forged = writer.root["/Metadata"].data.replace(b"</rdf:RDF>", FORGED_TITLE)
    kind = {
        generic.pdf_name("/Type"): generic.pdf_name("/Metadata"),
        generic.pdf_name("/Subtype"): generic.pdf_name("/XML"),
    }
    writer.root["/Metadata"] = writer.add_object(generic.StreamObject(kind, stream_data=forged))
    writer.update_root()  # type: ignore[no-untyped-call]


def _replace_title(writer: IncrementalPdfFileWriter) -> None:
    info = writer.trailer["/Info"]
    info["/Title"] = generic.pdf_string("Forged")
    writer.update_container(info)


@pytest.mark.parametrize("change", [_replace_xmp, _replace_title])
def test_metadata_replaced_after_signing(
    signed: bytes, verdict: Judge, change: Callable[[IncrementalPdfFileWriter], None]
) -> None:
    pdf = _update(signed, change)
    facts = verdict.inspect(pdf)
    assert facts.metadata_changed or facts.info_changed
    assert verdict(pdf, RegistryFacts(matched=False)).verdict is Verdict.MODIFIED


# --- the registry's word ------------------------------------------------------------------


def test_revoked_and_expired_documents_are_not_genuine(signed: bytes, verdict: Judge) -> None:
    revoked_at = datetime(2026, 11, 30, 9, 0)
    revoked = verdict(signed, RegistryFacts(True, "revoked", revoked_at=revoked_at,
                                            revocation_reason="issued in error"))  # fmt: skip
    assert revoked.verdict is Verdict.REVOKED
    assert (revoked.revoked_at, revoked.revocation_reason) == (revoked_at, "issued in error")
    expired = verdict(signed, RegistryFacts(True, "issued", valid_until=date(2026, 11, 30)))
    assert expired.verdict is Verdict.EXPIRED
    last_day = verdict(signed, RegistryFacts(True, "issued", valid_until=TODAY))
    assert last_day.verdict is Verdict.GENUINE


def test_no_registry_or_no_match_is_never_genuine(signed: bytes, verdict: Judge) -> None:
    assert verdict(signed, None).verdict is Verdict.UNKNOWN
    assert verdict(signed, RegistryFacts(matched=False)).verdict is Verdict.UNKNOWN
    known = RegistryFacts(matched=False, known_document=True)
    assert verdict(signed, known).verdict is Verdict.MODIFIED


def test_unreadable_and_every_verdict_named() -> None:
    assert decide(Facts(readable=False, today=TODAY)).verdict is Verdict.UNREADABLE
    assert {v.value for v in Verdict} == {
        "genuine", "revoked", "expired", "awaiting-signatures", "modified",
        "not-issued-by-us", "unknown", "unreadable",
    }  # fmt: skip
