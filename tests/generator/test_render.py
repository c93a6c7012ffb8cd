"""The generator alone: deterministic PDF/A output, data only as data, a decodable QR."""

from __future__ import annotations

from datetime import date

import pytest

from forms import FormSpec, all_forms, get_form
from generator import DocumentMeta, Renderer, qr_svg
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


def test_qr_svg_decodes_to_its_payload(renderer: Renderer) -> None:
    spec = get_form("qualification-certificate")
    pdf = renderer.render(spec, "ru", spec.validate(spec.example), META)
    assert qr_payloads(pdf) == [META.verify_url]
    assert qr_svg("x").startswith(b"<svg")
