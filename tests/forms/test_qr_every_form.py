"""Every form carries exactly one QR code, and it decodes from the printed page (150 dpi) to
its full payload: the verification URL with the offline token."""

from __future__ import annotations

from datetime import date

import pytest

from forms import FormSpec, all_forms
from generator import DocumentMeta, Renderer
from tests.pdftools import qr_payloads

DOC_ID = "qrqrqrqrqrqrqrqrqrqrqrqrqrqrqrqr"
URL = f"https://qujat.example.kz/v/{DOC_ID}"
# The size a real payload has: the URL and an offline token in the fragment (~240 bytes).
PAYLOAD = URL + "#QJ1:" + "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567" * 12


@pytest.fixture(scope="module")
def renderer() -> Renderer:
    return Renderer()


@pytest.mark.parametrize("spec", all_forms(), ids=lambda s: s.id)
def test_qr_decodes_at_print_resolution(renderer: Renderer, spec: FormSpec) -> None:
    meta = DocumentMeta(DOC_ID, URL, "Test issuer", date(2025, 6, 27), qr_payload=PAYLOAD)
    pdf = renderer.render(spec, "kk", spec.validate(spec.example), meta)
    assert qr_payloads(pdf, dpi=150, page=None) == [PAYLOAD]
