"""The fidelity check as a test: every form prints its seed's fixed phrases, except those a
declared deviation names; the pending lists of the sheets only shrink."""

from __future__ import annotations

import dataclasses
import io
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from forms import FormSpec, all_forms, get_form
from forms.catalogue.deviations import PENDING
from forms.fidelity import load_seeds, measure, normalise, seed_phrases
from forms.rulebooks import SeedLines
from generator import DocumentMeta, Renderer

SEEDS = load_seeds(Path(__file__).resolve().parents[1] / "data" / "seeds")
META = DocumentMeta(
    id="fidelitytestfidelitytestfidelity",
    verify_url="https://qujat.example.kz/v/fidelitytestfidelitytestfidelity",
    issuer="Fidelity test",
    issued_on=date(2024, 11, 29),
)
SHEETS = ("portfolio-evaluation-", "lesson-observation-")


@pytest.fixture(scope="module")
def renderer() -> Renderer:
    return Renderer()


def printed(renderer: Renderer, spec: FormSpec[Any]) -> str:
    lang = spec.seed_lines[0].lang if spec.seed_lines else "kk"
    pdf = renderer.render(spec, lang, spec.validate(spec.example), META)
    return "\n".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(pdf)).pages)


def test_the_seeds_are_in_the_repository() -> None:
    needed = {rng.seed for spec in all_forms() for rng in spec.seed_lines}
    assert needed <= set(SEEDS), f"seed texts missing from tests/data/seeds: {needed - set(SEEDS)}"


@pytest.mark.parametrize("spec", all_forms(), ids=lambda s: s.id)
def test_form_prints_every_seed_phrase_or_declares_it(renderer: Renderer, spec: Any) -> None:
    if not spec.seed_lines:
        assert any(d.kind == "no-seed-layout" for d in spec.deviations), (
            f"{spec.id}: no seed lines and no declared «no-seed-layout»"
        )
        return
    result = measure(spec, printed(renderer, spec), SEEDS)
    assert result.phrases >= 5, f"{spec.id}: suspiciously few phrases ({result.phrases})"
    assert not result.missing, (
        f"{spec.id}: seed phrases neither printed nor declared: {result.missing}"
    )
    if not spec.id.startswith(SHEETS):
        assert spec.id not in PENDING, f"{spec.id}: only the sheets may have pending wording"


def test_no_wording_is_pending() -> None:
    # every sheet is word-true: a phrase a sheet stops printing must be declared as a real
    # deviation (with its reason) in forms/catalogue/deviations.py, not parked as pending
    assert PENDING == {}, f"pending wording: {PENDING}"


@pytest.mark.parametrize(
    ("form", "phrase"),
    [
        ("portfolio-evaluation-teacher", "тұрақсыз динамика 3 жыл бойы"),
        ("portfolio-evaluation-methodist", "Бақылау парақтарының саны (жыл сайын)"),
        ("portfolio-evaluation-head", "108 және одан көп"),
        ("lesson-observation-special", "мұғалім уақтылы кері байланыс береді"),
    ],
)
def test_a_sheet_fails_when_a_phrase_is_dropped(renderer: Renderer, form: str, phrase: str) -> None:
    spec = get_form(form)
    text = printed(renderer, spec)
    assert not measure(spec, text, SEEDS).missing
    squeezed = normalise(text).replace(normalise(phrase), "")
    assert phrase in measure(spec, squeezed, SEEDS).missing


def test_check_can_fail_when_a_phrase_is_dropped(renderer: Renderer) -> None:
    spec = get_form("application-teacher")
    text = printed(renderer, spec)
    assert not measure(spec, text, SEEDS).missing
    dropped = text.replace("хабарлаймын", "хабардармын")
    assert measure(spec, dropped, SEEDS).missing, "changing a seed word must be caught"


def test_a_declared_deviation_covers_its_words_only(renderer: Renderer) -> None:
    spec = get_form("service-requirements")
    result = measure(spec, printed(renderer, spec), SEEDS)
    assert result.declared == ("1) Алгоритмге 9 қосымшаға сәйкес өтініш",)
    bare = dataclasses.replace(spec, deviations=())
    assert measure(bare, printed(renderer, spec), SEEDS).missing == result.declared


def test_phrases_are_cut_at_blanks_cells_and_markup() -> None:
    seeds = {
        "s.txt": '**Осы куәлік** _____ (Т.А.Ә.)\n<p>бір</p>\tекі үш\n20 ____ жылғы " __ " ___ x'
    }
    assert seed_phrases([SeedLines("s.txt", 1, 3)], seeds) == [
        "Осы куәлік",
        "(Т.А.Ә.)",
        "бір",
        "екі үш",
        "жылғы",
    ]
