"""Protocols, extracts, the order on categories and the attested list (seed 002 §12, §17–§20,
§46–§47; App. 2, 3, 12, 13): examples validate and render in both languages with every value,
long protocols repeat their table header on every page, and broken commissions are refused
naming the field and the rule."""

from __future__ import annotations

import copy
import io
import re
from copy import deepcopy
from datetime import date
from typing import Any, get_args

import pytest
from pypdf import PdfReader

from forms import FormDataInvalid, FormSpec, SigningMode, get_form
from forms.catalogue.categories import AWARDABLE, CATEGORIES
from forms.catalogue.protocols import FORMS, CategoryCode
from forms.rules.identity import check_digit, iin_is_valid
from generator import DocumentMeta, Renderer
from tests.formtext import expected_strings
from tests.pdftools import squeeze, text_of

META = DocumentMeta(
    id="protocolsprotocolsprotocolsproto",
    verify_url="https://qujat.example.kz/v/protocolsprotocolsprotocolsproto",
    issuer="Protocols test",
    issued_on=date(2025, 6, 27),
)
IDS = [s.id for s in FORMS]
LANGS = ("kk", "ru")

PRINTED_TITLE = {
    ("protocol-teachers", "kk"): "Комиссия отырысының хаттамасы",
    ("protocol-teachers", "ru"): "Протокол заседания Комиссии по присвоению (подтверждению)",
    ("protocol-heads", "kk"): "аттестаттау комиссиясы отырысының хаттамасы",
    ("protocol-heads", "ru"): "Протокол заседания аттестационной комиссии по присвоению",
    # App. 3 and App. 13 keep the protocol's number (and App. 13 its date) in the title line
    ("protocol-extract-teachers", "kk"): "Аттестаттау комиссиясы отырысының № 7 Хаттамасынан "
    "үзінді",
    ("protocol-extract-teachers", "ru"): "Выписка из протокола № 7 заседания аттестационной "
    "комиссии",
    ("protocol-extract-heads", "kk"): "№ 3 хаттамасынан үзінді",
    ("protocol-extract-heads", "ru"): "Выписка из протокола заседания аттестационной комиссии",
    ("category-order", "kk"): "БҰЙРЫҚ",
    ("category-order", "ru"): "ПРИКАЗ",
    ("attested-list", "kk"): "Аттестаттаудан өткен педагогтердің тізімі",
    ("attested-list", "ru"): "Список педагогов, прошедших аттестацию",
}


@pytest.fixture(scope="module")
def renderer() -> Renderer:
    return Renderer()


def make_iin(n: int) -> str:
    """A valid IIN for a woman born in the 1980s, distinct for each ``n``."""
    for serial in range(n * 10, n * 10 + 10):
        first11 = f"8{n % 10}{n % 12 + 1:02d}{n % 28 + 1:02d}4{serial % 10000:04d}"
        digit = check_digit(first11)
        if digit is not None:
            return first11 + str(digit)
    raise AssertionError("no IIN")  # pragma: no cover


def validated(spec: FormSpec, data: Any) -> Any:
    """The validated case, typed loosely: each test reads its own form's fields."""
    return spec.validate(data)


def refused(spec: FormSpec, data: dict[str, Any]) -> dict[str, tuple[str, str | None]]:
    """Rule id → (field, paragraph) of every detail the refusal carries."""
    with pytest.raises(FormDataInvalid) as exc:
        spec.validate(data)
    return {d.rule: (d.field, d.paragraph) for d in exc.value.details}


# --- the catalogue entries ---------------------------------------------------------------


def test_forms_are_in_the_catalogue_with_their_signing() -> None:
    assert IDS == [
        "protocol-teachers",
        "protocol-extract-teachers",
        "protocol-heads",
        "protocol-extract-heads",
        "category-order",
        "attested-list",
    ]
    for spec in FORMS:
        assert get_form(spec.id) is spec
    for form in ("protocol-teachers", "protocol-heads"):
        spec = get_form(form)
        assert spec.signing == SigningMode.COMMISSION
        assert [(r.role, r.many) for r in spec.signature_roles] == [
            ("chair", False),
            ("member", True),
            ("secretary", False),
        ]
    for form in ("protocol-extract-teachers", "protocol-extract-heads"):
        spec = get_form(form)
        assert spec.signing == SigningMode.SECRETARY
        assert [r.role for r in spec.signature_roles] == ["secretary"]
    for form in ("category-order", "attested-list"):
        assert get_form(form).signing == SigningMode.ISSUER


def test_category_codes_are_the_awardable_categories() -> None:
    codes = set(get_args(CategoryCode))  # nested Literals flatten
    assert codes == {c.value for c in AWARDABLE}
    assert codes <= set(CATEGORIES)


def _leaf_paths(value: Any, path: str = "") -> set[str]:
    if isinstance(value, dict):
        return {p for k, v in value.items() for p in _leaf_paths(v, f"{path}.{k}".lstrip("."))}
    if isinstance(value, list):
        return {p for v in value for p in _leaf_paths(v, path)} or {path}
    return {path}


@pytest.mark.parametrize("form", IDS)
def test_not_printed_names_real_fields(form: str) -> None:
    spec = get_form(form)
    leaves = _leaf_paths(spec.validate(spec.example).model_dump(mode="json"))
    assert set(spec.not_printed) <= leaves, set(spec.not_printed) - leaves


@pytest.mark.parametrize("form", IDS)
def test_example_iins_are_valid_and_summary_hides_them(form: str) -> None:
    spec = get_form(form)
    case = validated(spec, spec.example)
    iins = re.findall(r'"(\d{12})"', case.model_dump_json())
    assert all(iin_is_valid(i) for i in iins)
    summary = spec.summary(case)
    public = {k: v for k, v in summary.items() if k != "iin"}
    assert not re.search(r"\d{12}", repr(public)), "an IIN outside the masked 'iin' key"
    assert summary.get("protocol_number") or summary.get("order_number")
    if form.startswith("protocol-extract"):
        assert spec.holder_name(case) == case.person.full_name
        assert summary["iin"] == case.person.iin
    else:
        assert spec.holder_name(case) is None
        assert "iin" not in summary


def test_protocol_example_has_the_commission_the_seed_asks_for() -> None:
    spec = get_form("protocol-teachers")
    case = validated(spec, spec.example)
    c = case.commission
    assert len(c.members) >= 7 and len(c.members) % 2 == 1
    assert c.chair in c.members and c.secretary not in c.members
    outcomes = {d.outcome for d in case.decisions}
    assert outcomes == {
        "matches-declared",
        "does-not-match",
        "matches-current",
        "matches-lower-than-current",
    }
    heads = validated(get_form("protocol-heads"), get_form("protocol-heads").example)
    assert {d.outcome == "does-not-match" for d in heads.decisions} == {True, False}


# --- rendering ---------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("form", IDS)
def test_example_renders_with_title_and_every_value(
    renderer: Renderer, form: str, lang: str
) -> None:
    spec = get_form(form)
    case = spec.validate(spec.example)
    pdf = renderer.render(spec, lang, case, META)
    text = text_of(pdf)
    assert squeeze(PRINTED_TITLE[form, lang]) in text
    metadata = PdfReader(io.BytesIO(pdf)).metadata
    assert metadata is not None
    assert metadata.title == (spec.title_kk if lang == "kk" else spec.title_ru)
    missing = [v for v in expected_strings(spec, lang, case) if squeeze(v) not in text]
    assert not missing, f"{form}.{lang}: {missing}"


@pytest.mark.parametrize("lang", LANGS)
def test_protocol_signature_lines_for_those_present(renderer: Renderer, lang: str) -> None:
    spec = get_form("protocol-teachers")
    case = validated(spec, spec.example)
    pages = PdfReader(io.BytesIO(renderer.render(spec, lang, case, META))).pages
    text = squeeze("".join(p.extract_text() for p in pages))
    caption = "(қолы)" if lang == "kk" else "(подпись)"
    present = len(case.commission.members) - len(case.commission.absent)
    assert text.count(caption) == present + 1  # the chair, the members present, the secretary
    absent = squeeze(case.commission.absent[0])
    assert text.count(absent) == 1  # listed among the members, no signature line


@pytest.mark.parametrize("lang", LANGS)
def test_extract_that_does_not_match_says_so(renderer: Renderer, lang: str) -> None:
    spec = get_form("protocol-extract-teachers")
    data = deepcopy(dict(spec.example))
    data |= {"outcome": "does-not-match", "awarded_category": None}
    text = text_of(renderer.render(spec, lang, spec.validate(data), META))
    phrase = "сәйкес келмейді" if lang == "kk" else "(не соответствует) заявленной"
    assert squeeze(phrase) in text


def long_protocol(rows: int) -> dict[str, Any]:
    data = deepcopy(dict(get_form("protocol-teachers").example))
    data["decisions"] = [
        {
            "person": {"full_name": f"Қожахметова Айгерім Серікқызы {i:03d}", "iin": make_iin(i)},
            "position": "Химия және биология пәндерінің мұғалімі",
            "current_category": "teacher-moderator",
            "declared_category": "teacher-expert",
            "outcome": "matches-declared",
            "awarded_category": "teacher-expert",
        }
        for i in range(rows)
    ]
    return data


@pytest.mark.parametrize(("lang", "head"), [("kk", "Т.А.Ә. (бар болған"), ("ru", "Ф.И.О. (при")])
def test_400_rows_break_across_pages_with_the_header_repeated(
    renderer: Renderer, lang: str, head: str
) -> None:
    spec = get_form("protocol-teachers")
    case = validated(spec, long_protocol(400))
    pdf = renderer.render(spec, lang, case, META)
    pages = [squeeze(p.extract_text() or "") for p in PdfReader(io.BytesIO(pdf)).pages]
    assert len(pages) >= 5
    with_rows = [p for p in pages if "Қожахметова" in p]
    assert len(with_rows) >= 4
    assert all(squeeze(head) in p for p in with_rows), "a page of rows without the header"
    text = "".join(pages)
    assert all(squeeze(d.person.full_name) in text for d in case.decisions), "a row is lost"


def test_long_values_wrap_and_stay_whole(renderer: Renderer) -> None:
    spec = get_form("protocol-heads")
    data = deepcopy(dict(spec.example))
    long_name = "Абдірахманова-Сейітқазиева Гүлжаһан Нұрсұлтанбекқызы-Әлімжанова Бибі"
    long_position = "«Қарағанды облысы білім басқармасының Балқаш қаласы " * 3 + "КММ» директоры"
    token = "Абдірахмановалжұмабайқызынұрсұлтанбекова"
    data["decisions"][0]["person"]["full_name"] = long_name
    data["decisions"][0]["position"] = long_position
    data["decisions"][1]["position"] = token
    case = spec.validate(data)
    for lang in LANGS:
        text = text_of(renderer.render(spec, lang, case, META))
        assert squeeze(long_name) in text
        assert squeeze(long_position) in text
        assert token in text


# --- refusals ----------------------------------------------------------------------------


_m: list[str] = list(get_form("protocol-teachers").example["commission"]["members"])


def commission_case(**changes: Any) -> dict[str, Any]:
    data = deepcopy(dict(get_form("protocol-teachers").example))
    data["commission"] = {**data["commission"], **changes}
    return data


def test_secretary_among_members_is_refused() -> None:
    data = commission_case()
    members = data["commission"]["members"]
    data["commission"]["secretary"] = members[2]
    rules = refused(get_form("protocol-teachers"), data)
    assert rules["commission_secretary_is_member"] == ("data.commission.secretary", "seed 002 §17")


def test_chair_outside_the_commission_is_refused() -> None:
    spec = get_form("protocol-heads")
    data = {**spec.example, "commission": {**spec.example["commission"], "chair": "Басқа Адам"}}
    rules = refused(spec, data)
    assert rules["commission_chair_not_member"][0] == "data.commission.chair"


@pytest.mark.parametrize(
    ("changes", "rule", "field"),
    [
        ({"members": _m[:6]}, "commission_too_small", "data.commission.members"),
        ({"members": [*_m, "Жаңа Мүше Ұлы"]}, "commission_members_even", "data.commission.members"),
        ({"members": [*_m[:6], _m[1]]}, "commission_duplicate_member", "data.commission.members"),
        ({"absent": ["Бөтен Адам"]}, "commission_absent_not_member", "data.commission.absent"),
        ({"absent": _m[1:4]}, "commission_no_quorum", "data.commission.absent"),
    ],
)
def test_commission_rules_are_refused_at_their_field(
    changes: dict[str, Any], rule: str, field: str
) -> None:
    rules = refused(get_form("protocol-teachers"), commission_case(**changes))
    assert rule in rules, rules
    assert rules[rule][0] == field
    assert (rules[rule][1] or "").startswith("seed 002 §1")


def test_decision_rows_are_checked_by_the_commission_rules() -> None:
    spec = get_form("protocol-teachers")
    data = deepcopy(dict(spec.example))
    data["decisions"][0]["awarded_category"] = "teacher-master"
    data["decisions"][3].pop("reason")
    data["decisions"][4]["person"] = data["decisions"][5]["person"]
    rules = refused(spec, data)
    assert rules["decision_awarded_mismatch"][0] == "data.decisions.0.awarded_category"
    assert rules["decision_reason_required"][0] == "data.decisions.3.reason"
    assert rules["decision_duplicate_person"][0] == "data.decisions.5.person.iin"


def test_heads_protocol_takes_only_heads_categories_and_outcomes() -> None:
    spec = get_form("protocol-heads")
    data = deepcopy(dict(spec.example))
    data["decisions"][0]["declared_category"] = "teacher-expert"
    data["decisions"][1]["outcome"] = "matches-lower-than-current"
    rules = refused(spec, data)
    assert rules["literal_error"][0] in {
        "data.decisions.0.declared_category",
        "data.decisions.1.outcome",
    }


def test_extract_must_name_the_category_its_decision_gives() -> None:
    spec = get_form("protocol-extract-heads")
    data = {**spec.example, "awarded_category": "head-second"}
    rules = refused(spec, data)
    assert rules["decision_awarded_mismatch"][0] == "data.awarded_category"
    # App. 3 has no reason line: a «does not match» extract needs none.
    teachers = get_form("protocol-extract-teachers")
    teachers.validate({**teachers.example, "outcome": "does-not-match", "awarded_category": None})


def test_order_cannot_precede_its_protocol() -> None:
    spec = get_form("category-order")
    data = {**spec.example, "date": "2024-11-21"}
    assert "order_before_protocol" in refused(spec, data)


def test_attested_list_takes_no_iin() -> None:
    spec = get_form("attested-list")
    data = deepcopy(dict(spec.example))
    data["entries"][0]["iin"] = "871008401427"
    assert refused(spec, data)["extra_forbidden"][0] == "data.entries.0.iin"


def test_rows_are_bounded() -> None:
    spec = get_form("protocol-teachers")
    assert "too_long" in refused(spec, long_protocol(1001))


def test_heads_protocol_follows_the_sequence_of_para_44() -> None:
    spec = get_form("protocol-heads")
    first_time = spec.example["decisions"][1]
    assert "current_category" not in first_time  # §44: initial attestation, any category
    data = copy.deepcopy(dict(spec.example))
    data["decisions"][1]["current_category"] = "head-third"  # a later one: one rung at a time
    assert refused(spec, data)["category_sequence"] == (
        "data.decisions.1.declared_category",
        "seed 002 §31, §44",
    )
    data["decisions"][1]["declared_category"] = "head-second"
    data["decisions"][1]["awarded_category"] = "head-third"
    data["decisions"][1]["outcome"] = "matches-lower-than-declared"
    spec.validate(data)
