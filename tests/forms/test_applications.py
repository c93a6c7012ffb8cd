"""Applications, notices, the App. 4 list, the attendance note and the council's conclusion:
every example validates and prints whole in both languages; bad data is refused by field
and rule."""

from __future__ import annotations

import copy
from datetime import date
from typing import Any

import pytest

from forms import FormDataInvalid, SigningMode, get_form
from forms.catalogue import applications
from forms.rules.applications import REFUSAL_GROUNDS, REQUIREMENTS
from generator import DocumentMeta, Renderer
from tests.formtext import expected_strings
from tests.pdftools import squeeze, text_of

META = DocumentMeta(
    id="abcdefghijklmnopqrstuvwxyz234567",
    verify_url="https://qujat.example.kz/v/abcdefghijklmnopqrstuvwxyz234567",
    issuer="Test issuer",
    issued_on=date(2025, 10, 20),
)
SPECS = applications.FORMS
IDS = [s.id for s in SPECS]


@pytest.fixture(scope="module")
def renderer() -> Renderer:
    return Renderer()


def render_text(renderer: Renderer, form: str, lang: str, data: Any) -> str:
    """The printed text; the zero-width breaks `wrap-long` puts into very long tokens removed."""
    spec = get_form(form)
    return text_of(renderer.render(spec, lang, spec.validate(data), META)).replace("\u200b", "")


def example(form: str) -> dict[str, Any]:
    return copy.deepcopy(dict(get_form(form).example))


def refusal(form: str, data: Any) -> list[tuple[str, str, str | None]]:
    with pytest.raises(FormDataInvalid) as info:
        get_form(form).validate(data)
    return [(d.field, d.rule, d.paragraph) for d in info.value.details]


def test_the_module_declares_the_seven_forms() -> None:
    assert set(IDS) == {
        "service-requirements",
        "application-teacher",
        "application-accepted-notice",
        "application-rejected-notice",
        "application-head",
        "course-attendance-note",
        "experience-dissemination-conclusion",
    }
    for spec in SPECS:
        assert get_form(spec.id) is spec
        assert spec.signing == SigningMode.ISSUER


@pytest.mark.parametrize("lang", ["kk", "ru"])
@pytest.mark.parametrize("spec", SPECS, ids=IDS)
def test_example_prints_title_and_every_value(renderer: Renderer, spec: Any, lang: str) -> None:
    case = spec.validate(spec.example)
    text = text_of(renderer.render(spec, lang, case, META))
    title = spec.title_kk if lang == "kk" else spec.title_ru
    assert squeeze(title) in text
    for value in expected_strings(spec, lang, case):
        assert squeeze(value) in text, f"{value!r} missing from {spec.id}.{lang}"


def _leaf_paths(value: Any, path: str = "") -> set[str]:
    if isinstance(value, dict):
        return set().union(
            *(_leaf_paths(v, f"{path}.{k}" if path else k) for k, v in value.items())
        )
    if isinstance(value, list):
        return set().union(set(), *(_leaf_paths(v, path) for v in value))
    return {path}


@pytest.mark.parametrize("spec", SPECS, ids=IDS)
def test_not_printed_names_real_fields_and_summary_hides_the_iin(spec: Any) -> None:
    case = spec.validate(spec.example)
    paths = _leaf_paths(case.model_dump(mode="json"))
    assert set(spec.not_printed) <= paths
    summary = spec.summary(case)
    iins = {v for p, v in _flat(case.model_dump(mode="json")) if p.endswith("iin") and v}
    for key, value in summary.items():
        if key != "iin":
            assert not any(i in str(value) for i in iins), key
    if iins:
        assert summary["iin"] in iins


def _flat(value: Any, path: str = "") -> list[tuple[str, Any]]:
    if isinstance(value, dict):
        return [x for k, v in value.items() for x in _flat(v, f"{path}.{k}")]
    return [(path, value)]


def test_applications_are_signed_by_the_applicant() -> None:
    for form in ("application-teacher", "application-head"):
        roles = get_form(form).signature_roles
        assert [r.role for r in roles] == ["applicant"]


def test_holder_is_the_person_concerned() -> None:
    assert get_form("application-teacher").holder_name(
        get_form("application-teacher").validate(example("application-teacher"))
    ) == ("Ахметова Динара Қайратқызы")
    spec = get_form("service-requirements")
    assert spec.holder_name(spec.validate(spec.example)) is None


# --- applications ---------------------------------------------------------------------------


def test_application_without_a_category_says_so(renderer: Renderer) -> None:
    data = example("application-teacher")
    data.update(current=None, requested_category="teacher")
    assert "біліктіліксанатымжоқ" in render_text(renderer, "application-teacher", "kk", data)
    assert "категориинеимею" in render_text(renderer, "application-teacher", "ru", data)


def test_confirmation_prints_confirmation(renderer: Renderer) -> None:
    """The seed's alternatives stay whole; the one that does not apply is struck through."""
    data = example("application-head")
    data.update(decision="confirmation", requested_category="head-second")
    assert "санатынберу(растау)процесіне" in render_text(renderer, "application-head", "kk", data)
    spec = get_form("application-head")
    html_kk = renderer.html(spec, "kk", spec.validate(data), META)
    assert "<s>беру</s> (растау)" in html_kk
    html_ru = renderer.html(spec, "ru", spec.validate(data), META)
    assert "<s>присвоение</s> (подтверждение)" in html_ru
    data.update(decision="award", requested_category="head-first")
    assert "беру <s>(растау)</s>" in renderer.html(spec, "kk", spec.validate(data), META)


@pytest.mark.parametrize(
    ("form", "change", "field", "rule"),
    [
        (
            "application-teacher",
            {"requested_category": "teacher-researcher"},
            "data.requested_category",
            "category_sequence",
        ),
        (
            "application-teacher",
            {"requested_category": "head-first"},
            "data.requested_category",
            "category_kind_mismatch",
        ),
        (
            "application-head",
            {"requested_category": "teacher-expert"},
            "data.requested_category",
            "category_kind_mismatch",
        ),
        (
            "application-teacher",
            {"requested_category": "legacy-higher"},
            "data.requested_category",
            "category_kind_mismatch",
        ),
        (
            "application-teacher",
            {"decision": "confirmation"},
            "data.requested_category",
            "confirmation_of_category_not_held",
        ),
        (
            "application-teacher",
            {"requested_category": "teacher-moderator"},
            "data.requested_category",
            "award_of_category_held",
        ),
        (
            "application-teacher",
            {"personal_data_consent": False},
            "data.personal_data_consent",
            "personal_data_consent_missing",
        ),
        ("application-teacher", {"year": 2030}, "data", "attestation_year_mismatch"),
        ("application-head", {"decision": "renewal"}, "data.decision", "literal_error"),
    ],
)
def test_application_refusals_name_field_and_rule(
    form: str, change: dict[str, Any], field: str, rule: str
) -> None:
    data = example(form)
    data.update(change)
    found = refusal(form, data)
    assert (field, rule) in [(f, r) for f, r, _ in found], found
    if rule not in ("literal_error",):
        assert all(p for f, r, p in found if r == rule)


def test_application_refuses_a_bad_iin_and_contacts() -> None:
    data = example("application-teacher")
    data["applicant"] |= {"iin": "880315463058", "email": "not-an-address", "phone": "12"}
    rules = {(f, r) for f, r, _ in refusal("application-teacher", data)}
    assert ("data.applicant.iin", "iin_checksum") in rules
    assert ("data.applicant.email", "string_pattern_mismatch") in rules
    assert ("data.applicant.phone", "string_pattern_mismatch") in rules


def test_a_former_category_leads_to_an_award_of_its_equivalent() -> None:
    data = example("application-teacher")
    data["current"] = {"category": "legacy-first", "valid_until": "2025-05-31"}
    data["requested_category"] = "teacher-expert"
    get_form("application-teacher").validate(data)
    data["decision"] = "confirmation"
    assert refusal("application-teacher", data)[0][1] == "confirmation_of_category_not_held"


def test_markup_in_data_prints_literally(renderer: Renderer) -> None:
    data = example("application-teacher")
    data["workplace"] = r'#set page(width: 1pt) *x* $y$ <z> ") #panic("boom'
    assert squeeze(data["workplace"]) in render_text(renderer, "application-teacher", "kk", data)


def test_long_values_wrap_and_stay_whole(renderer: Renderer) -> None:
    data = example("application-head")
    data["organisation"] = "Қарағанды облысы білім басқармасының " * 10 + "«Ұзақ атау» КММ"
    data["workplace"] = "Теміртаубілімберуұйымыныңтолықатауыбосорынсыз" * 4
    data["applicant"]["full_name"] = "Абдірахманова-Әлімжанова Нұрсұлтанбекқызы " * 3
    for lang in ("kk", "ru"):
        text = render_text(renderer, "application-head", lang, data)
        for value in (data["organisation"], data["workplace"], data["applicant"]["full_name"]):
            assert squeeze(value) in text


# --- notices --------------------------------------------------------------------------------


def test_rejection_lists_documents_and_grounds_in_order(renderer: Renderer) -> None:
    data = example("application-rejected-notice")
    data["reasons"] = [
        {"ground": "document-missing", "document": "education-document"},
        {"ground": "no-personal-data-consent"},
        {"ground": "non-compliant-materials", "detail": "сұралған санат реттілікті бұзады"},
    ]
    text = render_text(renderer, "application-rejected-notice", "kk", data)
    doc = squeeze(next(r.kk for r in REQUIREMENTS if r.id == "education-document"))
    consent = squeeze(REFUSAL_GROUNDS["no-personal-data-consent"].kk)
    assert text.index("1)" + doc) < text.index("2)" + consent) < text.index("3)")
    assert squeeze("сұралған санат реттілікті бұзады) байланысты қабылданбады.") in text
    ru = render_text(renderer, "application-rejected-notice", "ru", data)
    assert squeeze(REFUSAL_GROUNDS["no-personal-data-consent"].ru) in ru


def test_many_reasons_run_over_pages(renderer: Renderer) -> None:
    data = example("application-rejected-notice")
    data["reasons"] = [
        {"ground": "non-compliant-materials", "detail": f"құжат № {i}: " + "сәйкессіздік " * 12}
        for i in range(30)
    ]
    text = render_text(renderer, "application-rejected-notice", "ru", data)
    assert squeeze(data["reasons"][-1]["detail"]) in text
    assert squeeze("Омарова Айгүл Серікқызы") in text


@pytest.mark.parametrize(
    ("reason", "rule"),
    [
        ({"ground": "document-missing"}, "reason_document_required"),
        ({"ground": "unreliable-documents"}, "reason_document_required"),
        (
            {"ground": "no-personal-data-consent", "document": "essay"},
            "reason_document_not_applicable",
        ),
        ({"ground": "non-compliant-materials"}, "reason_unspecified"),
    ],
)
def test_rejection_reason_refusals(reason: dict[str, Any], rule: str) -> None:
    data = example("application-rejected-notice")
    data["reasons"] = [reason]
    assert refusal("application-rejected-notice", data)[0][:2] == ("data.reasons.0", rule)


def test_rejection_refuses_unknown_documents_repeats_and_no_reason() -> None:
    data = example("application-rejected-notice")
    data["reasons"] = [{"ground": "document-missing", "document": "passport-copy"}]
    assert refusal("application-rejected-notice", data)[0][:2] == (
        "data.reasons.0.document",
        "literal_error",
    )
    data["reasons"] = [{"ground": "document-missing", "document": "essay"}] * 2
    assert refusal("application-rejected-notice", data)[0][:2] == (
        "data.reasons",
        "reason_duplicate",
    )
    data["reasons"] = []
    assert refusal("application-rejected-notice", data)[0][:2] == ("data.reasons", "too_short")


# --- App. 4 ---------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_requirements_print_the_rules_lists(renderer: Renderer, lang: str) -> None:
    text = render_text(renderer, "service-requirements", lang, example("service-requirements"))
    for r in REQUIREMENTS:
        if r.number is not None:
            assert f"{r.number})" + squeeze(r.kk if lang == "kk" else r.ru) in text
    for n, key in enumerate(("unreliable-documents", "non-compliant-materials"), start=1):
        g = REFUSAL_GROUNDS[key]
        assert f"{n})" + squeeze(g.kk if lang == "kk" else g.ru) in text
    assert "1414,88000807777" in text


# --- course-attendance note -----------------------------------------------------------------


def test_attendance_note_is_for_those_who_did_not_pass() -> None:
    data = example("course-attendance-note")
    data["result"] = {"score": 25, "max_score": 50}
    assert refusal("course-attendance-note", data)[0][:2] == ("data", "course_passed")
    data["result"] = {"score": 60, "max_score": 50}
    assert refusal("course-attendance-note", data)[0][1] == "course_score_out_of_range"
    data["result"] = None
    get_form("course-attendance-note").validate(data)
    data["end_date"] = "2025-10-01"
    assert refusal("course-attendance-note", data)[0][1] == "course_dates_reversed"


# --- council's conclusion -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "rule", "paragraph"),
    [
        ({"council": "roak"}, "dissemination_level_mismatch", "seed 003 §1.1"),
        ({"category": "teacher-master"}, "dissemination_level_mismatch", "seed 003 §2.1"),
        ({"category": "teacher-moderator"}, "dissemination_not_required", "seed 003 introduction"),
        ({"level": None}, "dissemination_level_missing", "seed 003 §1.1, §2.1, §3.1"),
        ({"decision": "not-recommended"}, "dissemination_level_without_decision", None),
        ({"issue_date": "2025-11-19"}, "conclusion_before_protocol", None),
    ],
)
def test_conclusion_refusals(change: dict[str, Any], rule: str, paragraph: str | None) -> None:
    data = example("experience-dissemination-conclusion")
    data.update(change)
    field, found, para = refusal("experience-dissemination-conclusion", data)[0]
    assert (field, found) == ("data", rule)
    if paragraph:
        assert para == paragraph


@pytest.mark.parametrize(
    ("council", "level", "category"),
    [
        ("oab", "republic", "head-third"),
        ("roak", "republic", "deputy-first"),
        ("oab", "district", "teacher-expert"),
    ],
)
def test_conclusion_levels_of_each_section(
    renderer: Renderer, council: str, level: str, category: str
) -> None:
    data = example("experience-dissemination-conclusion")
    data.update(council=council, level=level, category=category)
    text = render_text(renderer, "experience-dissemination-conclusion", "ru", data)
    assert squeeze(applications.LEVEL_NAMES[level][1]) in text


def test_conclusion_not_recommended(renderer: Renderer) -> None:
    data = example("experience-dissemination-conclusion")
    data.update(decision="not-recommended", level=None)
    text = render_text(renderer, "experience-dissemination-conclusion", "kk", data)
    assert "трансляциялауға(таратуға)ұсынылмайды" in text
