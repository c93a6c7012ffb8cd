"""verify.revisions: the once-per-file difference analysis gives pyHanko's own answer for
every signature of real many-revision files, and leaves to pyHanko's full review whatever
it cannot vouch for (an object reused where a rewrite would change signed content, a change
to the page content, a dangling reference filled later)."""

from __future__ import annotations

import subprocess
import sys
from io import BytesIO

import pytest
from asn1crypto import x509 as asn1_x509
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import DEFAULT_DIFF_POLICY, DiffResult
from pyhanko.sign.signers import PdfTimeStamper
from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper
from pyhanko.sign.validation.dss import DocumentSecurityStore

from signing import DevPki, EmptyField, IssuerKey, certify, issue_certificate, load_pem, sign_field
from signing._hexstrings import read_hex_string
from verify import validate_pdf
from verify.revisions import ChainDiffPolicy

FIELDS = ["Member1", "Member2", "Member3"]


def _countersigned(pdf: bytes, pki: DevPki, tsa: DummyTimeStamper | None = None) -> bytes:
    for i, field in enumerate(FIELDS):
        member = load_pem(
            *issue_certificate(pki.ca_cert_path, pki.ca_key_path, common_name=f"M{i}")
        )
        pdf = sign_field(pdf, member.signer, field)
        if tsa is not None:  # as the upgrader does: validation data, then a document timestamp
            out = BytesIO(pdf)
            DocumentSecurityStore.add_dss(out, None, certs=[tsa.tsa_cert], strict=False)
            writer = IncrementalPdfFileWriter(BytesIO(out.getvalue()))
            pdf = PdfTimeStamper(tsa).timestamp_pdf(writer, "sha256").getvalue()
    return pdf


@pytest.fixture(scope="module")
def protocol(pdfa: bytes, issuer: IssuerKey, pki: DevPki, tsa: DummyTimeStamper) -> bytes:
    """Certified with three empty fields, each countersigned, then a DSS and a document
    timestamp after each: eleven revisions, seven signatures."""
    certified = certify(pdfa, issuer, empty_fields=[EmptyField(f) for f in FIELDS])
    return _countersigned(certified, pki, tsa)


def _both(pdf: bytes) -> list[tuple[str, DiffResult | None, object]]:
    """Per signature: the once-per-file answer (``None``: not vouched for) and pyHanko's."""
    reader = PdfFileReader(BytesIO(pdf), strict=False)
    policy = ChainDiffPolicy(reader, pdf)
    fresh = PdfFileReader(BytesIO(pdf), strict=False)
    out: list[tuple[str, DiffResult | None, object]] = []
    for sig, other in zip(reader.embedded_signatures, fresh.embedded_signatures, strict=True):
        fast = policy._review(sig.signed_revision, certifying=sig.docmdp_level is not None)
        full = DEFAULT_DIFF_POLICY.review_file(
            fresh, other.signed_revision, field_mdp_spec=other.fieldmdp, doc_mdp=other.docmdp_level
        )
        out.append((str(sig.field_name), fast, full))
    return out


def test_agrees_with_pyhanko_on_every_signature_of_a_b_lta_protocol(protocol: bytes) -> None:
    results = _both(protocol)
    assert len(results) == 1 + 2 * len(FIELDS)
    for name, fast, full in results:
        assert fast is not None, name  # every revision recognised
        assert isinstance(full, DiffResult), (name, full)
        assert (fast.modification_level, fast.changed_form_fields) == (
            full.modification_level, full.changed_form_fields,
        ), name  # fmt: skip


def test_agrees_without_timestamps(certified_three: bytes, pki: DevPki) -> None:
    for name, fast, full in _both(_countersigned(certified_three, pki)):
        assert fast is not None and isinstance(full, DiffResult), name
        assert fast.modification_level == full.modification_level, name


@pytest.fixture(scope="module")
def certified_three(pdfa: bytes, issuer: IssuerKey) -> bytes:
    return certify(pdfa, issuer, empty_fields=[EmptyField(f) for f in FIELDS])


def test_validates_the_protocol(protocol: bytes, roots: tuple[asn1_x509.Certificate, ...]) -> None:
    report = validate_pdf(protocol, roots)
    assert report.ok and not report.modified_after_signing
    assert [s.modification_level for s in report.signatures][-2:] == ["lta_updates", "none"]


def _append(pdf: bytes, change: object) -> bytes:
    writer = IncrementalPdfFileWriter(BytesIO(pdf))
    change(writer)  # type: ignore[operator]
    out = BytesIO()
    writer.write(out)  # type: ignore[no-untyped-call]
    return out.getvalue()


def test_page_content_rewritten_is_left_to_pyhanko_and_fails(
    protocol: bytes, roots: tuple[asn1_x509.Certificate, ...]
) -> None:
    def rewrite(writer: IncrementalPdfFileWriter) -> None:
        page = writer.root["/Pages"]["/Kids"][0]
        stream = generic.StreamObject(stream_data=b"BT /F1 40 Tf 100 400 Td (FORGED) Tj ET")
        page["/Contents"] = writer.add_object(stream)
        writer.update_container(page)

    tampered = _append(protocol, rewrite)
    reader = PdfFileReader(BytesIO(tampered), strict=False)
    policy = ChainDiffPolicy(reader, tampered)
    assert policy._step(reader.xrefs.total_revisions - 1) is None
    report = validate_pdf(tampered, roots)
    assert not report.ok and report.modified_after_signing


def test_info_dictionary_reused_elsewhere_is_not_vouched_for(
    pdfa: bytes, issuer: IssuerKey, pki: DevPki, roots: tuple[asn1_x509.Certificate, ...]
) -> None:
    """/Info may change freely after signing, so an /Info object that a page also uses (here
    as its /Resources) makes a later rewrite of it a rewrite of signed content."""

    def alias(writer: IncrementalPdfFileWriter) -> None:
        info_ref = writer.trailer.raw_get("/Info")
        page = writer.root["/Pages"]["/Kids"][0]
        page["/QujatAlias"] = info_ref
        writer.update_container(page)

    prepared = _append(pdfa, alias)
    signed = certify(prepared, issuer, empty_fields=[EmptyField("Member1")])

    def retitle(writer: IncrementalPdfFileWriter) -> None:
        info = writer.trailer["/Info"]
        info["/Title"] = generic.TextStringObject("Forged")
        writer.update_container(info)

    tampered = _append(signed, retitle)
    reader = PdfFileReader(BytesIO(tampered), strict=False)
    policy = ChainDiffPolicy(reader, tampered)
    assert policy._step(reader.xrefs.total_revisions - 1) is None
    report = validate_pdf(tampered, roots)
    full = DEFAULT_DIFF_POLICY.review_file(
        PdfFileReader(BytesIO(tampered), strict=False), 1, doc_mdp=None
    )
    assert report.signatures[0].docmdp_ok == (
        isinstance(full, DiffResult) and full.modification_level.value <= 2
    )


def test_fast_hex_reader_matches_pyhankos() -> None:
    from pyhanko.pdf_utils.misc import PdfStreamError

    from signing._hexstrings import _ORIGINAL

    for raw in (b"<48656c6c6f>", b"<4 8 6\n5 6c>", b"<486>", b"<>", b"<00ff>rest",
                b"<48 % a comment, pyHanko's path\n65>"):  # fmt: skip
        ours, theirs = BytesIO(raw), BytesIO(raw)
        assert read_hex_string(ours) == _ORIGINAL(theirs)
        assert ours.tell() == theirs.tell()
    for bad in (b"<48zz>", b"<4865"):
        with pytest.raises(PdfStreamError):
            _ORIGINAL(BytesIO(bad))
        with pytest.raises(PdfStreamError):
            read_hex_string(BytesIO(bad))


def test_importing_signing_puts_the_fast_hex_reader_in_pyhankos_parser() -> None:
    """Each process that signs or upgrades a file reads hex strings in one slice, whether
    or not it imports the verifier: checked in a fresh interpreter that imports only
    :mod:`signing`."""
    assert generic.read_hex_string_from_stream is read_hex_string
    probe = (
        "import sys, signing; from pyhanko.pdf_utils import generic; "
        "print(generic.read_hex_string_from_stream.__module__, 'verify' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["signing._hexstrings", "False"]


def test_remembered_historical_reads_match_fresh_parses(protocol: bytes) -> None:
    """Every object of every revision, read through the reader that remembers its parses
    (twice: the second answer is the remembered one), is what pyHanko's own reader parses
    at that position on a fresh reader."""
    from verify._history_cache import _ORIGINAL

    def same(a: generic.PdfObject, b: generic.PdfObject) -> bool:
        # equal values (a dictionary's key order aside: writing a stream moves its /Length)
        if isinstance(a, generic.StreamObject) and isinstance(b, generic.StreamObject):
            return a == b and a.encoded_data == b.encoded_data
        return type(a) is type(b) and a == b

    remembering, fresh = PdfFileReader(BytesIO(protocol)), PdfFileReader(BytesIO(protocol))
    checked = 0
    for revision in range(remembering.xrefs.total_revisions):
        for ref in remembering.xrefs.explicit_refs_in_revision(revision):
            for later in range(revision, remembering.xrefs.total_revisions):
                marker = remembering.xrefs.get_historical_ref(ref, later)
                if marker is None:
                    continue
                first = remembering._read_object(ref, marker)
                again = remembering._read_object(ref, marker)
                assert again is first
                expected = _ORIGINAL(fresh, ref, marker)
                assert same(first, expected), (ref, later)
                checked += 1
    assert checked > 100
    assert remembering.__dict__["_qujat_parsed"]
    assert "_qujat_parsed" not in fresh.__dict__
