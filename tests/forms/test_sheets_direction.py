"""App. 11: the deputy's direction decides which items apply, the alternatives of the head's
2.3 (TVET) and the deputy's 2.1 (preschool) are scored and named (seed 002 App. 11)."""

from __future__ import annotations

import copy
from datetime import date
from typing import Any

import pytest

from forms import FormDataInvalid, get_form
from forms.rules.scoring_data import PORTFOLIO_SHEETS
from generator import DocumentMeta, Renderer
from tests.pdftools import squeeze, text_of

META = DocumentMeta(
    id="abcdefghijklmnopqrstuvwxyz234567",
    verify_url="https://qujat.example.kz/v/abcdefghijklmnopqrstuvwxyz234567",
    issuer="Test issuer",
    issued_on=date(2024, 11, 29),
)
DEPUTY = "portfolio-evaluation-deputy"


def _school_deputy(direction: str | None, **items: int) -> dict[str, Any]:
    data = copy.deepcopy(dict(get_form(DEPUTY).example))
    data["organisation_type"] = "school"
    data["position"] = "Директордың оқу ісі жөніндегі орынбасары"
    data["direction"] = direction
    data["items"] = {**data["items"], **items}
    return data


def _rules(data: dict[str, Any]) -> list[tuple[str, str]]:
    with pytest.raises(FormDataInvalid) as info:
        get_form(DEPUTY).validate(data)
    return [(d.field, d.rule) for d in info.value.details]


def test_item_2_2_is_the_profile_deputys() -> None:
    assert _rules(_school_deputy("academic", **{"2.2": 3})) == [
        ("data.items.2.2", "item_not_for_direction")
    ]
    case = get_form(DEPUTY).validate(_school_deputy("profile", **{"2.2": 3}))
    assert case.result().total > 0


def test_without_a_direction_the_sheet_is_scored_as_printed() -> None:
    get_form(DEPUTY).validate(_school_deputy(None, **{"2.2": 3}))


def test_the_first_category_stays_reachable_for_every_direction() -> None:
    sheet = PORTFOLIO_SHEETS[DEPUTY]
    first = sheet.variants["default"].thresholds[-1]
    for direction in ("academic", "methodical", "digital", "upbringing", "other", "profile"):
        data = _school_deputy(direction)
        case0 = get_form(DEPUTY).model.model_validate(data)
        skip = case0.not_applicable()
        data["items"] = {c.id: c.cap for c in sheet.criteria if c.id not in skip}
        data["declared_category"] = "deputy-first"
        case = get_form(DEPUTY).validate(data)
        assert case.result().total >= first, direction


def test_the_preschool_alternative_of_2_1_is_the_preschool_deputys() -> None:
    data = _school_deputy("academic")
    data["indicator_2_1"] = "preschool"
    assert _rules(data) == [("data.indicator_2_1", "alternative_not_for_organisation")]
    spec = get_form(DEPUTY)
    printed = squeeze(text_of(Renderer().render(spec, "kk", spec.validate(spec.example), META)))
    assert squeeze("Бағаланды: МДТО ҰОБ мазмұнын игеру динамикасы") in printed


def test_an_inapplicable_item_prints_a_dash() -> None:
    spec = get_form(DEPUTY)
    case = spec.validate(_school_deputy("digital"))
    rows = {r["id"]: r for s in spec.view(case, "kk")["sections"] for r in s["rows"]}
    assert rows["2.2"]["score"] == "—"
    assert rows["3.2"]["score"] != "—"


@pytest.mark.parametrize(
    ("organisation_type", "words"),
    [("tvet", "жұмысқа орналастырылған түлектер үлесі"), ("school", "бюджеттік негізде")],
)
def test_the_heads_2_3_names_its_alternative(organisation_type: str, words: str) -> None:
    spec = get_form("portfolio-evaluation-head")
    data = copy.deepcopy(dict(spec.example))
    data["organisation_type"] = organisation_type
    if organisation_type == "tvet":
        data["items"].pop("2.2")
    case = spec.validate(data)
    rows = {r["id"]: r for s in spec.view(case, "kk")["sections"] for r in s["rows"]}
    assert words in rows["2.3"]["note"]
