"""The generator alone: deterministic PDF/A output, data only as data, a decodable QR."""

from __future__ import annotations

import struct
import zlib
from datetime import date

import pytest
import zxingcpp

from forms import FormSpec, all_forms, get_form
from generator import DocumentMeta, Renderer, qr_png
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


def test_qr_png_is_one_pixel_per_module_with_a_light_margin() -> None:
    png = qr_png("https://qujat.kz/v/x", border=2, scale=1)
    image = zxingcpp.create_barcode(
        "https://qujat.kz/v/x", zxingcpp.BarcodeFormat.QRCode, ec_level="M"
    ).to_image(scale=1, add_quiet_zones=False)
    modules = image.shape[1]
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    width, height, depth, colour = struct.unpack(">IIBB", png[16:26])
    assert (width, height, depth, colour) == (modules + 4, modules + 4, 8, 0)
    rows = zlib.decompress(png[png.index(b"IDAT") + 4 : png.index(b"IEND") - 8])
    stride = width + 1
    grid = [rows[y * stride + 1 : (y + 1) * stride] for y in range(height)]
    assert all(set(row) <= {0, 255} for row in grid)
    assert set(grid[0] + grid[1] + grid[-1] + grid[-2]) == {255}  # the margin is light
    assert all(row[:2] == row[-2:] == b"\xff\xff" for row in grid)
    assert grid[2][2:9] == b"\x00" * 7  # the finder pattern's top edge, dark
    symbol = bytes(memoryview(image))  # type: ignore[arg-type]
    assert [row[2:-2] for row in grid[2:-2]] == [
        symbol[y * modules : (y + 1) * modules] for y in range(modules)
    ]
    doubled = qr_png("https://qujat.kz/v/x", border=2)  # the default: 2 pixels per module
    assert struct.unpack(">II", doubled[16:24]) == (2 * (modules + 4), 2 * (modules + 4))
