"""The cross-reference pre-check: it reads the sections themselves, so an embedded file's
``/Size`` refuses nothing, and an xref stream's ``/Index`` cannot slip past it; and whatever a
truncated or garbled Qujat PDF trips on ends as our error, never a traceback."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator

import pytest
from asn1crypto import x509
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from forms.errors import VerificationError
from tests.verify import hostile
from verify.errors import PdfTooComplex
from verify.inspection import inspect_pdf
from verify.isolation import IsolationLimits, ValidatorPool
from verify.structure import MAX_OBJECTS, check_structure

FUZZ = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def test_an_xref_stream_index_of_fifty_million_is_refused_at_once() -> None:
    data = hostile.xref_stream_index(50_000_000)
    started = time.monotonic()
    with pytest.raises(PdfTooComplex, match="50000000"):
        check_structure(data)
    assert time.monotonic() - started < 0.5
    small = check_structure(hostile.xref_stream_index(3))  # the same file, honest
    assert small.sections[0].stream and small.size == 4


def test_a_huge_classic_table_is_refused_without_reading_its_rows() -> None:
    data = hostile.huge_xref(900_000)
    started = time.monotonic()
    with pytest.raises(PdfTooComplex, match="900000"):
        check_structure(data)
    assert time.monotonic() - started < 0.5


def test_a_size_inside_an_embedded_file_counts_for_nothing() -> None:
    """An attachment's ``/Params << /Size … >>`` is not a cross-reference size."""
    params = b"<< /Type /EmbeddedFile /Params << /Size %d >> /Length 2 >>\nstream\n{}\nendstream"
    data = hostile._pdf([b"<< /Type /Catalog /Pages 2 0 R >>",
                         b"<< /Type /Pages /Kids [] /Count 0 >>",
                         params % (MAX_OBJECTS * 5)])  # fmt: skip
    assert check_structure(data).size == 4


def test_a_prev_loop_ends() -> None:
    assert len(check_structure(hostile.prev_loop()).sections) == 1


def test_a_chain_of_many_revisions_is_bounded() -> None:
    data = hostile._pdf([b"<< /Type /Catalog /Pages 2 0 R >>",
                         b"<< /Type /Pages /Kids [] /Count 0 >>"])  # fmt: skip
    previous = data.index(b"xref\n")
    for _ in range(300):  # empty updates, each pointing at the one before
        offset = len(data)
        data += (
            b"xref\n0 1\n0000000000 65535 f \ntrailer\n<< /Size 3 /Root 1 0 R /Prev %d >>\n"
            % (previous)
            + b"startxref\n%d\n%%%%EOF\n" % offset
        )
        previous = offset
    with pytest.raises(PdfTooComplex, match="sections"):
        check_structure(data)


@pytest.mark.parametrize(
    "data",
    [b"", b"%PDF-1.7\n", b"%PDF-1.7\nstartxref\n999999\n%%EOF", b"not a pdf at all",
     b"%PDF-1.7\nxref\n0 x\ntrailer\n<<>>\nstartxref\n9\n%%EOF"],
)  # fmt: skip
def test_no_structure_is_unreadable(data: bytes) -> None:
    with pytest.raises(VerificationError):
        check_structure(data)


def test_a_qujat_document_has_its_sections_read(certified: bytes) -> None:
    structure = check_structure(certified)
    assert len(structure.sections) == 2 and structure.eof == len(certified)
    assert all(s.highest < 1000 for s in structure.sections)


# --- garbled and truncated Qujat PDFs -----------------------------------------------------


@FUZZ
@given(cut=st.integers(min_value=0), tail=st.binary(max_size=64))
def test_truncated_documents_give_our_error(certified: bytes, cut: int, tail: bytes) -> None:
    data = certified[: cut % len(certified)] + tail
    with contextlib.suppress(VerificationError):
        check_structure(data)
        inspect_pdf(data, ())


@FUZZ
@given(
    changes=st.lists(
        st.tuples(st.integers(min_value=0), st.binary(min_size=1, max_size=8)),
        min_size=1,
        max_size=6,
    )
)
def test_garbled_documents_give_our_error(
    certified: bytes, changes: list[tuple[int, bytes]]
) -> None:
    data = bytearray(certified)
    for position, junk in changes:
        at = position % len(data)
        data[at : at + len(junk)] = junk
    with contextlib.suppress(VerificationError):
        inspect_pdf(bytes(data), ())


@pytest.fixture(scope="module")
def pool(roots: tuple[x509.Certificate, ...]) -> Iterator[ValidatorPool]:
    p = ValidatorPool(roots, IsolationLimits(workers=1, timeout=10))
    yield p
    p.close()


@settings(max_examples=15, deadline=None)
@given(cut=st.integers(min_value=0), junk=st.binary(min_size=1, max_size=16))
def test_the_pool_answers_garbled_documents_with_a_report_or_our_error(
    pool: ValidatorPool, certified: bytes, cut: int, junk: bytes
) -> None:
    at = cut % len(certified)
    data = certified[:at] + junk + certified[at + len(junk) :]
    try:
        examination = pool.examine(data)
    except VerificationError:
        return
    assert examination.report.sha256 and examination.inspection.structure.sections
