"""App. 9: every indicator printed with its level cell, and scored one by one when the case
gives levels (seed 002 App. 9: 34 / 34 / 36 indicators, each «деңгейі» 0–3)."""

from __future__ import annotations

import copy
from datetime import date
from typing import Any

import pytest

from forms import FormDataInvalid, get_form
from forms.catalogue.sheets_observation_indicators import INDICATORS
from forms.catalogue.sheets_observation_texts import CRITERIA
from forms.rules.scoring import observation_criteria
from forms.rules.scoring_data import OBSERVATION_SHEETS
from generator import DocumentMeta, Renderer
from tests.pdftools import squeeze, text_of

SHEETS = sorted(OBSERVATION_SHEETS)


def _refusal(form_id: str, data: dict[str, Any]) -> list[tuple[str, str]]:
    with pytest.raises(FormDataInvalid) as info:
        get_form(form_id).validate(data)
    return [(d.field, d.rule) for d in info.value.details]


@pytest.mark.parametrize("sheet", SHEETS)
def test_the_indicators_are_the_rules_counts(sheet: str) -> None:
    counts = OBSERVATION_SHEETS[sheet].indicators
    assert set(CRITERIA[sheet]) == set(counts)
    for item, count in counts.items():
        listed = len(INDICATORS[sheet].get(item, ()))
        # 4.1 and 4.2 are their own single indicator
        assert listed == (0 if count == 1 else count), (sheet, item)
        for kk, ru in INDICATORS[sheet].get(item, ()):
            assert kk.strip() and ru.strip()


def test_the_seed_counts_34_34_36_indicators() -> None:
    totals = {s: sum(OBSERVATION_SHEETS[s].indicators.values()) for s in SHEETS}
    assert totals == {
        "lesson-observation-preschool": 34,
        "lesson-observation-school": 34,
        "lesson-observation-special": 36,
    }


def test_levels_score_their_criterion() -> None:
    merged = observation_criteria("lesson-observation-school", {"2.1": 4}, {"1.1": [3, 2]})
    assert merged == {"2.1": 4, "1.1": 5}


def test_levels_and_points_must_agree() -> None:
    data = copy.deepcopy(dict(get_form("lesson-observation-school").example))
    data["levels"]["1.1"] = [3, 2]  # sums to 5; items say 6
    assert _refusal("lesson-observation-school", data) == [
        ("data.levels.1.1", "score_levels_disagree")
    ]


def test_levels_alone_score_the_sheet() -> None:
    spec = get_form("lesson-observation-preschool")
    data = copy.deepcopy(dict(spec.example))
    data["items"] = {}
    data["levels"] = {i: [3] * n for i, n in OBSERVATION_SHEETS[spec.id].indicators.items()}
    case = spec.validate(data)
    assert case.result().total == 102


@pytest.mark.parametrize(
    ("levels", "expected"),
    [
        ({"1.1": [3, 3, 3]}, ("data.levels.1.1", "score_indicator_count")),
        ({"1.2": [3, 4, 0, 0]}, ("data.levels.1.2.2", "score_out_of_range")),
        ({"1.2": [3, -1, 0, 0]}, ("data.levels.1.2.2", "score_out_of_range")),
        ({"5.1": [1]}, ("data.levels.5.1", "score_unknown_item")),
    ],
)
def test_wrong_levels_are_refused(levels: dict[str, list[int]], expected: tuple[str, str]) -> None:
    data = copy.deepcopy(dict(get_form("lesson-observation-special").example))
    data["levels"] = levels
    assert _refusal("lesson-observation-special", data) == [expected]


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_every_indicator_is_printed(lang: str) -> None:
    spec = get_form("lesson-observation-special")
    meta = DocumentMeta(
        id="abcdefghijklmnopqrstuvwxyz234567",
        verify_url="https://qujat.example.kz/v/abcdefghijklmnopqrstuvwxyz234567",
        issuer="Test issuer",
        issued_on=date(2024, 11, 29),
    )
    pdf = Renderer().render(spec, lang, spec.validate(spec.example), meta)
    printed = squeeze(text_of(pdf))
    pick = 0 if lang == "kk" else 1
    for item, indicators in INDICATORS[spec.id].items():
        for text in indicators:
            assert squeeze(text[pick]) in printed, (item, text[pick])
