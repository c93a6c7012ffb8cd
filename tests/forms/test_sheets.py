"""The evaluation sheets: examples validate and render, the arithmetic is printed, and the
scoring rules' refusals reach the caller on the item they concern."""

from __future__ import annotations

import copy
from datetime import date
from typing import Any

import pytest

from forms import FormDataInvalid, FormSpec, SigningMode, get_form
from forms.catalogue import sheets
from forms.catalogue.sheets_heads import HeadPortfolioEvaluation
from forms.catalogue.sheets_observation_texts import CRITERIA
from forms.catalogue.sheets_portfolio import MethodistPortfolioEvaluation
from forms.catalogue.sheets_texts import CRITERIA_RU, SECTIONS, VARIANT_LABELS_RU
from forms.rules.identity import iin_is_valid
from forms.rules.scoring_data import OBSERVATION_SHEETS, PORTFOLIO_SHEETS
from generator import DocumentMeta, Renderer
from tests.formtext import expected_strings
from tests.pdftools import squeeze, text_of

META = DocumentMeta(
    id="abcdefghijklmnopqrstuvwxyz234567",
    verify_url="https://qujat.example.kz/v/abcdefghijklmnopqrstuvwxyz234567",
    issuer="Test issuer",
    issued_on=date(2025, 12, 5),
)

SHEET_IDS = [s.id for s in sheets.FORMS]


@pytest.fixture(scope="module")
def renderer() -> Renderer:
    return Renderer()


def _refusal(spec: FormSpec, data: dict[str, Any]) -> list[tuple[str, str, str]]:
    with pytest.raises(FormDataInvalid) as info:
        spec.validate(data)
    return [(d.field, d.rule, d.message) for d in info.value.details]


def test_the_catalogue_has_the_ten_sheets() -> None:
    assert SHEET_IDS == [
        "portfolio-evaluation-teacher",
        "portfolio-evaluation-methodist",
        "lesson-observation-school",
        "lesson-observation-preschool",
        "lesson-observation-special",
        "portfolio-evaluation-head",
        "portfolio-evaluation-cabinet-head",
        "portfolio-evaluation-deputy",
        "portfolio-evaluation-cabinet-deputy",
        "course-final-project-evaluation",
    ]
    for form_id in SHEET_IDS:
        assert get_form(form_id).signing is SigningMode.EVALUATOR


@pytest.mark.parametrize("lang", ["kk", "ru"])
@pytest.mark.parametrize("form_id", SHEET_IDS)
def test_example_renders_with_its_arithmetic(renderer: Renderer, form_id: str, lang: str) -> None:
    spec = get_form(form_id)
    case = spec.validate(spec.example)
    text = text_of(renderer.render(spec, lang, case, META))
    title = spec.title_kk if lang == "kk" else spec.title_ru
    assert squeeze(title) in text
    for value in expected_strings(spec, lang, case):
        assert squeeze(value) in text, f"{value!r} missing from {form_id}.{lang}"
    view = spec.view(case, lang)
    assert squeeze(view["total"]) in text
    for row in view.get("threshold_rows", []):
        assert squeeze("".join(row["cells"])) in text
    summary = spec.summary(case)
    assert str(summary["total"]).replace(".", ",") == view["total"]
    assert spec.holder_name(case)


@pytest.mark.parametrize("form_id", SHEET_IDS)
def test_example_iins_are_valid(form_id: str) -> None:
    example = get_form(form_id).example
    person = example.get("holder") or example.get("teacher") or example.get("listener") or {}
    assert iin_is_valid(person["iin"])


def test_teacher_sheet_totals_the_mean_of_the_observation_sheets() -> None:
    spec = get_form("portfolio-evaluation-teacher")
    case = spec.validate(spec.example)
    summary = spec.summary(case)
    # 3 + 4 + 3 + 3 + 2 + 2 + 1 = 18, plus the mean of 78, 84, 81, 80, 83 = 81.2
    assert summary["total"] == 99.2
    assert summary["max_total"] == 148
    assert summary["recommended_category"] == "teacher-expert"
    assert summary["matches_declared"] is True
    row = spec.view(case, "kk")["sections"][0]["rows"][1]
    assert row["score"] == "81,2" and row["points"][-1] == "91 (102)"


@pytest.mark.parametrize(
    ("form_id", "item", "value"),
    [
        ("portfolio-evaluation-teacher", "2.1", 6),
        ("portfolio-evaluation-methodist", "1.1", 10),
        ("portfolio-evaluation-head", "1.3", 5),
        ("portfolio-evaluation-cabinet-deputy", "2.3", -1),
        ("lesson-observation-school", "3.1", 19),
        ("lesson-observation-special", "4.2", 4),
        ("course-final-project-evaluation", "creativity", 11),
    ],
)
def test_a_score_above_the_item_maximum_is_refused(form_id: str, item: str, value: int) -> None:
    spec = get_form(form_id)
    data = copy.deepcopy(dict(spec.example))
    data["items"][item] = value
    details = _refusal(spec, data)
    assert len(details) == 1
    field, rule, message = details[0]
    assert (field, rule) == (f"data.items.{item}", "score_out_of_range")
    assert item in message


def test_the_paragraph_of_a_refusal_is_kept() -> None:
    spec = get_form("portfolio-evaluation-teacher")
    data = copy.deepcopy(dict(spec.example))
    data["items"]["3.3"] = 7
    with pytest.raises(FormDataInvalid) as info:
        spec.validate(data)
    assert info.value.details[0].paragraph == "seed 002 App. 8 sheet 1"


def test_four_observation_sheets_are_too_few_for_item_1_2() -> None:
    spec = get_form("portfolio-evaluation-teacher")
    data = copy.deepcopy(dict(spec.example))
    data["observation_totals"] = [78, 84, 81, 80]
    assert [(f, r) for f, r, _ in _refusal(spec, data)] == [
        ("data.observation_totals", "observation_sheets_too_few")
    ]


def test_an_observation_total_above_102_is_refused_on_its_index() -> None:
    spec = get_form("portfolio-evaluation-teacher")
    data = copy.deepcopy(dict(spec.example))
    data["observation_totals"] = [78, 84, 81, 80, 103]
    assert [(f, r) for f, r, _ in _refusal(spec, data)] == [
        ("data.observation_totals.4", "score_out_of_range")
    ]


def test_item_1_2_is_derived_not_given() -> None:
    spec = get_form("portfolio-evaluation-teacher")
    data = copy.deepcopy(dict(spec.example))
    data["items"]["1.2"] = 90
    assert [(f, r) for f, r, _ in _refusal(spec, data)] == [
        ("data.items.1.2", "score_derived_item")
    ]


def test_an_item_the_variant_excludes_is_refused() -> None:
    spec = get_form("portfolio-evaluation-methodist")
    data = {**copy.deepcopy(dict(spec.example)), "organisation_type": "methodical-cabinet"}
    assert [(f, r) for f, r, _ in _refusal(spec, data)] == [
        ("data.items.2.2", "score_item_not_applicable")
    ]


@pytest.mark.parametrize(
    ("form", "person", "row"),
    [
        ("portfolio-evaluation-teacher", {}, "default"),
        (
            "portfolio-evaluation-teacher",
            {"role": "psychologist", "items": {"2.1": 4}},
            "roles-4.2",
        ),
        ("portfolio-evaluation-head", {"organisation_type": "tvet"}, "tvet-head"),
        ("portfolio-evaluation-head", {"organisation_type": "school"}, "default"),
        ("portfolio-evaluation-deputy", {"organisation_type": "preschool"}, "preschool-deputy"),
        ("portfolio-evaluation-deputy", {"organisation_type": "school"}, "default"),
    ],
)
def test_the_threshold_row_follows_from_the_person(
    form: str, person: dict[str, Any], row: str
) -> None:
    spec = get_form(form)
    data = {**copy.deepcopy(dict(spec.example)), **person}
    data["items"] = {k: v for k, v in data["items"].items() if k not in ("2.2", "2.3")}
    case = spec.validate(data)
    assert case.threshold_row() == row and spec.summary(case)["variant"] == row


def test_a_variant_that_is_not_the_persons_is_refused() -> None:
    spec = get_form("portfolio-evaluation-head")
    data = {**copy.deepcopy(dict(spec.example)), "organisation_type": "school"}
    data["variant"] = "tvet-head"  # a school head claiming the TVET row
    assert [(f, r) for f, r, _ in _refusal(spec, data)] == [
        ("data.variant", "variant_not_the_persons")
    ]
    data["organisation_type"] = "tvet"
    data["items"] = {k: v for k, v in data["items"].items() if k != "2.2"}
    assert spec.validate(data).threshold_row() == "tvet-head"


def test_unknown_items_and_foreign_categories_are_refused() -> None:
    spec = get_form("portfolio-evaluation-head")
    data = copy.deepcopy(dict(spec.example))
    data["items"]["9.9"] = 1
    assert [(f, r) for f, r, _ in _refusal(spec, data)] == [
        ("data.items.9.9", "score_unknown_item")
    ]
    data = {**copy.deepcopy(dict(spec.example)), "declared_category": "teacher-master"}
    assert [(f, r) for f, r, _ in _refusal(spec, data)] == [
        ("data.declared_category", "category_not_on_sheet")
    ]


def test_final_project_needs_every_criterion() -> None:
    spec = get_form("course-final-project-evaluation")
    data = copy.deepcopy(dict(spec.example))
    del data["items"]["structure"]
    assert [(f, r) for f, r, _ in _refusal(spec, data)] == [
        ("data.items.structure", "score_missing_item")
    ]


def test_a_lower_total_recommends_a_lower_category(renderer: Renderer) -> None:
    spec = get_form("portfolio-evaluation-cabinet-head")
    case = spec.validate(spec.example)
    assert spec.summary(case)["recommended_category"] == "head-second"
    text = text_of(renderer.render(spec, "kk", case, META))
    assert (
        squeeze("мәлімделген біліктілік санатынан төмен біліктілік санатына сәйкес келеді") in text
    )


def test_a_total_below_every_threshold_sends_to_re_attestation(renderer: Renderer) -> None:
    spec = get_form("portfolio-evaluation-head")
    data = {**copy.deepcopy(dict(spec.example)), "items": {"1.1": 2, "1.3": 4}}
    case = spec.validate(data)
    summary = spec.summary(case)
    assert (summary["total"], summary["recommended_category"]) == (6, None)
    text = text_of(renderer.render(spec, "ru", case, META))
    assert squeeze("направляется на повторную аттестацию") in text


def test_the_wording_covers_every_criterion_of_the_rules() -> None:
    for sheet in PORTFOLIO_SHEETS.values():
        assert {c.id.split(".")[0] for c in sheet.criteria} == set(SECTIONS[sheet.id])
        for crit in sheet.criteria:
            assert crit.kk in CRITERIA_RU, crit.kk
        for variant in sheet.variants.values():
            assert variant.kk is None or variant.kk in VARIANT_LABELS_RU
    for sheet_id, observation in OBSERVATION_SHEETS.items():
        assert set(CRITERIA[sheet_id]) == set(observation.indicators)


@pytest.mark.parametrize(
    ("model", "sheet_id"),
    [
        (MethodistPortfolioEvaluation, "portfolio-evaluation-methodist"),
        (HeadPortfolioEvaluation, "portfolio-evaluation-head"),
    ],
)
def test_the_variants_a_case_may_choose_are_the_sheets_labelled_rows(
    model: type[Any], sheet_id: str
) -> None:
    allowed = set(model.model_json_schema()["properties"]["variant"]["enum"])
    labelled = {k for k, v in PORTFOLIO_SHEETS[sheet_id].variants.items() if v.kk is not None}
    assert allowed == labelled
