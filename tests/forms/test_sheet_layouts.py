"""The portfolio sheets' full wording (App. 8, App. 11) covers every criterion of the rules,
in both languages, and is printed."""

from __future__ import annotations

from datetime import date

import pytest

from forms import get_form
from forms.catalogue.sheets_layout import KR
from forms.catalogue.sheets_layouts import LAYOUTS
from forms.rules.scoring_data import PORTFOLIO_SHEETS
from generator import DocumentMeta, Renderer
from tests.pdftools import squeeze, text_of

META = DocumentMeta(
    id="abcdefghijklmnopqrstuvwxyz234567",
    verify_url="https://qujat.example.kz/v/abcdefghijklmnopqrstuvwxyz234567",
    issuer="Test issuer",
    issued_on=date(2024, 11, 29),
)


def _texts(sheet: str) -> list[KR]:
    layout = LAYOUTS[sheet]
    out: list[KR] = []
    for row in [*layout.rows.values(), *(r for _, r in layout.after_thresholds)]:
        out += [row.title, *row.notes, *([row.evidence] if row.evidence else [])]
        for line in row.lines:
            out += [line.label, *line.cells]
    return out + [t for _, t in layout.explanation] + list(layout.variant_labels.values())


@pytest.mark.parametrize("sheet", sorted(LAYOUTS))
def test_every_criterion_has_its_full_wording(sheet: str) -> None:
    criteria = {c.id for c in PORTFOLIO_SHEETS[sheet].criteria}
    assert set(LAYOUTS[sheet].rows) == criteria
    assert set(LAYOUTS[sheet].variant_labels) <= set(PORTFOLIO_SHEETS[sheet].variants)
    for kk, ru in _texts(sheet):
        assert bool(kk.strip()) == bool(ru.strip()), (kk, ru)


@pytest.mark.parametrize("lang", ["kk", "ru"])
@pytest.mark.parametrize("sheet", sorted(LAYOUTS))
def test_the_full_wording_is_printed(sheet: str, lang: str) -> None:
    spec = get_form(sheet)
    printed = squeeze(text_of(Renderer().render(spec, lang, spec.validate(spec.example), META)))
    pick = 0 if lang == "kk" else 1
    for text in _texts(sheet):
        assert squeeze(text[pick]) in printed, text[pick]
