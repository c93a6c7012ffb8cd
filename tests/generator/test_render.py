"""The generator alone: deterministic PDF/A output, data only as data, a decodable QR."""

from __future__ import annotations

import io
import re
import struct
import subprocess
import zlib
from datetime import date

import pytest
import zxingcpp
from pypdf import PdfReader

from forms import FormSpec, all_forms, get_form
from generator import DocumentMeta, Renderer, qr_png
from generator.render import page_count
from tests.pdftools import qr_payloads, squeeze, text_of

META = DocumentMeta(
    id="abcdefghijklmnopqrstuvwxyz234567",
    verify_url="https://qujat.example.kz/v/abcdefghijklmnopqrstuvwxyz234567",
    issuer="Test issuer",
    issued_on=date(2025, 6, 27),
)


@pytest.fixture(scope="module")
def renderer() -> Renderer:
    return Renderer()


@pytest.mark.parametrize("spec", all_forms(), ids=lambda s: s.id)
def test_same_input_and_id_give_the_same_bytes(renderer: Renderer, spec: FormSpec) -> None:
    case = spec.validate(spec.example)
    for lang in spec.languages:
        assert renderer.render(spec, lang, case, META) == renderer.render(spec, lang, case, META)


def test_another_id_gives_another_document(renderer: Renderer) -> None:
    spec = get_form("course-certificate")
    case = spec.validate(spec.example)
    other = DocumentMeta(
        **{**META.__dict__, "id": "b" * 32, "verify_url": "https://x/v/" + "b" * 32}
    )
    assert renderer.render(spec, "kk", case, META) != renderer.render(spec, "kk", case, other)


def test_long_and_odd_values_wrap_and_stay_whole(renderer: Renderer) -> None:
    spec = get_form("qualification-certificate")
    data = dict(spec.example)
    data["organisation"] = {
        "name": "Қарағанды облысы білім басқармасының " * 12 + "«Ұзақ атау» КММ",
    }
    data["holder"] = {"full_name": "Абдірахмановалжұмабайқызынұрсұлтанбекова-Әлімжанова " * 3}
    case = spec.validate(data)
    text = text_of(renderer.render(spec, "kk", case, META))
    assert squeeze(data["organisation"]["name"]) in text
    assert squeeze(data["holder"]["full_name"].strip()) in text


def test_qr_decodes_to_its_payload(renderer: Renderer) -> None:
    spec = get_form("qualification-certificate")
    pdf = renderer.render(spec, "ru", spec.validate(spec.example), META)
    assert qr_payloads(pdf) == [META.verify_url]


def _grid(png: bytes) -> list[bytes]:
    """The rows of pixels of one of our PNGs (8-bit grey, no filter)."""
    width, height, depth, colour = struct.unpack(">IIBB", png[16:26])
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and (width, depth, colour) == (height, 8, 0)
    rows = zlib.decompress(png[png.index(b"IDAT") + 4 : png.index(b"IEND") - 8])
    assert all(rows[y * (width + 1)] == 0 for y in range(height))  # filter "none"
    return [rows[y * (width + 1) + 1 : (y + 1) * (width + 1)] for y in range(height)]


PAYLOADS = [
    "https://qujat.kz/v/x",
    "https://qujat.kz/v/sytwdfstewlhomuu32uzirpnjkkbjmsj#QJ1:" + "2KCE3IQBEYCEQAUPNLOOLDQC" * 15,
    "https://qujat.kz/v/абв?q=Ұлттық",  # not ASCII: still the same text back
]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_qr_png_decodes_to_its_payload_module_by_module(payload: str) -> None:
    grid = _grid(qr_png(payload, border=2, scale=1))
    modules = len(grid) - 4
    assert all(set(row) <= {0, 255} for row in grid)
    assert set(grid[0] + grid[1] + grid[-1] + grid[-2]) == {255}  # the margin is light
    assert all(row[:2] == row[-2:] == b"\xff\xff" for row in grid)
    assert grid[2][2:9] == grid[8][2:9] == b"\x00" * 7  # the finder pattern's edges, dark
    assert grid[2][-9:-2] == b"\x00" * 7 and grid[-3][2:9] == b"\x00" * 7
    # an independent reader (zxing-cpp's) reads the pixels back as the payload
    pixels = b"".join(grid)
    found = zxingcpp.read_barcodes(memoryview(pixels).cast("B", (len(grid), len(grid))))
    assert [b.text for b in found] == [payload]
    doubled = _grid(qr_png(payload, border=2))  # the default: 2 pixels per module
    assert len(doubled) == 2 * (modules + 4)
    assert doubled[::2] == doubled[1::2]  # each row twice…
    assert [row[::2] for row in doubled[::2]] == grid == [row[1::2] for row in doubled[::2]]


def _pdfinfo_pages(pdf: bytes) -> int:
    done = subprocess.run(["pdfinfo", "-"], input=pdf, capture_output=True, check=True)
    return int(re.search(rb"^Pages:\s+(\d+)", done.stdout, re.M).group(1))  # type: ignore[union-attr]


@pytest.mark.parametrize("spec", all_forms(), ids=lambda s: s.id)
def test_the_one_page_guess_changes_the_time_never_the_bytes(spec: FormSpec) -> None:
    # one renderer guesses one page (prints "1 / 1" as text), the other lays the counter out
    guess_one, counted = Renderer(), Renderer(guess_pages=False)
    case = spec.validate(spec.example)
    for lang in spec.languages:
        pdf = guess_one.render(spec, lang, case, META)
        assert counted.render(spec, lang, case, META) == pdf
        assert page_count(pdf) == _pdfinfo_pages(pdf)


def test_a_longer_document_than_guessed_numbers_its_pages() -> None:
    spec = get_form("protocol-teachers")
    renderer = Renderer()  # a fresh one guesses one page
    pdf = renderer.render(spec, "kk", spec.validate(spec.example), META)
    pages = _pdfinfo_pages(pdf)
    assert pages > 1
    # each page's footer ends with its number and the count
    assert _footers(pdf) == [f"{n}/{pages}" for n in range(1, pages + 1)]
    one = get_form("qualification-certificate")
    assert _footers(renderer.render(one, "kk", one.validate(one.example), META)) == ["1/1"]


def _footers(pdf: bytes) -> list[str]:
    pages = PdfReader(io.BytesIO(pdf)).pages
    return [re.sub(r"\s+", "", p.extract_text()).rsplit(META.verify_url, 1)[1] for p in pages]


def test_page_count_reads_the_page_tree_or_says_it_cannot() -> None:
    spec = get_form("portfolio-evaluation-teacher")
    pdf = Renderer().render(spec, "kk", spec.validate(spec.example), META)
    assert page_count(pdf) == _pdfinfo_pages(pdf) > 1
    # a page tree written inside a stream (as a name could be) is not the document's: the
    # objects are read where the cross-reference table puts them
    fake = b"\n1 0 obj\n<</Type/Catalog/Pages 2 0 R>>\nendobj\n2 0 obj\n<</Type/Pages/Count 1/>>\n"
    start = pdf.index(b"stream\n") + 7
    assert page_count(pdf[:start] + fake + pdf[start + len(fake) :]) == _pdfinfo_pages(pdf)
    # not a Typst file as written: an update appended, cut short, another xref
    assert (
        page_count(pdf + b"\nxref\n0 1\n0000000000 65535 f\r\ntrailer\n<<>>\nstartxref\n9\n%%EOF")
        is None
    )
    assert page_count(pdf[:-20]) is None
    assert page_count(b"") is None
