"""Rulebooks: every form belongs to one, validation judges the case's decisive date against
its period, and a second rulebook is added beside the first without changing it."""

from __future__ import annotations

import dataclasses
import shutil
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from forms import FormDataInvalid, all_forms, get_form, templates_dir
from forms.catalogue import EDITIONS, FORMS, Editions
from forms.rulebooks import (
    PILOT_2024,
    Rulebook,
    UnknownRulebook,
    all_rulebooks,
    get_rulebook,
)
from generator import DocumentMeta, Renderer
from tests.pdftools import text_of

META = DocumentMeta(
    id="rulebookidrulebookidrulebookid22",
    verify_url="https://qujat.example.kz/v/rulebookidrulebookidrulebookid22",
    issuer="Rulebook test",
    issued_on=date(2024, 11, 29),
)


def certificate(decided: str, order: str, issued: str) -> dict[str, Any]:
    data = dict(get_form("qualification-certificate").example)
    data["commission_decision_date"] = decided
    data["order"] = {**data["order"], "date": order}
    data["issue_date"] = issued
    return data


def rules(exc: pytest.ExceptionInfo[FormDataInvalid]) -> dict[str, str]:
    return {d.rule: d.field for d in exc.value.details}


def test_pilot_period_is_the_orders() -> None:
    assert PILOT_2024.valid_from == date(2024, 6, 20)
    assert PILOT_2024.valid_until == date(2024, 12, 31)
    assert "153" in PILOT_2024.legal_source and "354/НҚ" in PILOT_2024.legal_source


def test_registry_lists_each_rulebook_once_and_every_forms() -> None:
    ids = [r.id for r in all_rulebooks()]
    assert len(ids) == len(set(ids))
    assert {s.rulebook.id for s in all_forms()} <= set(ids)
    assert get_rulebook(PILOT_2024.id) is PILOT_2024
    with pytest.raises(UnknownRulebook):
        get_rulebook("no-such-rulebook")
    assert PILOT_2024.public()["valid_until"] == "2024-12-31"


JUDGED_THROUGH_THE_APPLICATION = {"application-accepted-notice", "application-rejected-notice"}


@pytest.mark.parametrize("spec", all_forms(), ids=lambda s: s.id)
def test_every_example_lies_inside_its_rulebook(spec: Any) -> None:
    result = spec.check(spec.example)
    assert result.rulebook is spec.rulebook
    assert result.issued_outside_period is False
    if spec.id in JUDGED_THROUGH_THE_APPLICATION:
        assert not spec.decisive and result.decisive_date is None
        return
    assert spec.decisive and result.decisive_date is not None, f"{spec.id}: no decisive date"
    assert spec.rulebook.covers(result.decisive_date)
    assert result.record() == {
        "rulebook": spec.rulebook.id,
        "decisive_date": result.decisive_date.isoformat(),
        "issued_outside_period": False,
    }


def test_period_bounds_are_inclusive() -> None:
    spec = get_form("qualification-certificate")
    assert spec.check(certificate("2024-06-20", "2024-06-21", "2024-06-21")).rulebook is PILOT_2024
    assert not spec.check(
        certificate("2024-12-31", "2025-01-03", "2025-01-06")
    ).issued_outside_period


@pytest.mark.parametrize("decided", ["2024-06-19", "2025-01-01", "2026-03-02"])
def test_case_outside_the_period_is_refused_naming_it(decided: str) -> None:
    spec = get_form("qualification-certificate")
    with pytest.raises(FormDataInvalid) as exc:
        spec.validate(certificate(decided, "2026-03-03", "2026-03-04"))
    assert rules(exc) == {"outside_rulebook_period": "data.commission_decision_date"}
    message = exc.value.details[0].message
    assert "2024-06-20" in message and "2024-12-31" in message and PILOT_2024.id in message


def test_policy_issue_lets_it_through_and_records_it() -> None:
    spec = get_form("qualification-certificate")
    result = spec.check(
        certificate("2025-02-03", "2025-02-05", "2025-02-06"), outside_period="issue"
    )
    assert result.issued_outside_period is True
    assert result.record()["issued_outside_period"] is True
    assert result.record()["rulebook"] == PILOT_2024.id


def test_policy_issue_does_not_excuse_other_errors() -> None:
    spec = get_form("qualification-certificate")
    with pytest.raises(FormDataInvalid) as exc:
        spec.check(certificate("2025-02-03", "2025-02-01", "2025-02-06"), outside_period="issue")
    assert "order_before_decision" in rules(exc)


def test_unknown_policy_is_refused() -> None:
    spec = get_form("qualification-certificate")
    with pytest.raises(FormDataInvalid) as exc:
        spec.check(spec.example, outside_period="sometimes")  # type: ignore[arg-type]
    assert rules(exc) == {"unknown_policy": "outside_period"}


def test_nested_decisive_date_names_its_field() -> None:
    spec = get_form("protocol-extract-teachers")
    data = {**spec.example, "protocol": {**spec.example["protocol"], "date": "2025-03-03"}}
    with pytest.raises(FormDataInvalid) as exc:
        spec.validate(data)
    assert rules(exc) == {"outside_rulebook_period": "data.protocol.date"}


# --- a second rulebook beside the first ------------------------------------------------------

FAKE = Rulebook(
    id="fake-permanent-rules",
    title_kk="Жалған тұрақты қағидалар",
    title_ru="Фиктивные постоянные правила",
    legal_source="a test's invention",
    valid_from=date(2025, 1, 1),
    valid_until=None,
)

FAKE_TEMPLATE = """#import "../lib.typ": *
#show: form-page.with(title: "Біліктілік санаты туралы куәлік (жаңа)", lang: "kk")
#form-title[Жаңа қағидалар бойынша КУӘЛІК]
#case.holder.full_name
"""


@pytest.fixture
def two_rulebooks(tmp_path: Path) -> tuple[Editions, Renderer, Any]:
    root = tmp_path / "templates"
    shutil.copytree(templates_dir(), root)
    (root / FAKE.id).mkdir()
    (root / FAKE.id / "qualification-certificate.kk.typ").write_text(FAKE_TEMPLATE, "utf-8")
    fake = dataclasses.replace(
        FORMS["qualification-certificate"], rulebook=FAKE, template_dir=FAKE.id, languages=("kk",)
    )
    return Editions([*FORMS.values(), fake]), Renderer(templates=root), fake


def test_second_rulebook_takes_the_cases_of_its_period(
    two_rulebooks: tuple[Editions, Renderer, Any],
) -> None:
    editions, renderer, fake = two_rulebooks
    pilot = FORMS["qualification-certificate"]
    spec, result = editions.check(
        "qualification-certificate", certificate("2025-02-03", "2025-02-05", "2025-02-06")
    )
    assert spec is fake and result.rulebook is FAKE and not result.issued_outside_period
    spec, result = editions.check("qualification-certificate", pilot.example)
    assert spec is pilot and result.rulebook is PILOT_2024
    assert {r.id for r in editions.rulebooks()} >= {PILOT_2024.id, FAKE.id}
    assert editions.spec("qualification-certificate", PILOT_2024.id) is pilot
    with pytest.raises(UnknownRulebook):
        editions.spec("qualification-certificate", "no-such-rulebook")
    fake_pdf = renderer.render(fake, "kk", result.case, META)
    assert "Жаңақағидаларбойынша" in text_of(fake_pdf)  # text_of squeezes spaces


def test_first_rulebook_renders_the_same_after_a_second_is_added(
    two_rulebooks: tuple[Editions, Renderer, Any],
) -> None:
    _, renderer, _ = two_rulebooks
    pilot = FORMS["qualification-certificate"]
    case = pilot.validate(pilot.example)
    assert text_of(renderer.render(pilot, "kk", case, META)) == text_of(
        Renderer().render(pilot, "kk", case, META)
    )


def test_a_date_no_edition_covers_is_refused_or_issued_by_policy() -> None:
    early = certificate("2024-06-19", "2024-06-21", "2024-06-21")
    with pytest.raises(FormDataInvalid) as exc:
        EDITIONS.check("qualification-certificate", early)
    assert rules(exc) == {"outside_rulebook_period": "data.commission_decision_date"}
    spec, result = EDITIONS.check("qualification-certificate", early, outside_period="issue")
    assert spec.rulebook is PILOT_2024 and result.issued_outside_period


def test_bad_data_is_refused_with_its_own_error_not_the_period() -> None:
    data = certificate("2025-02-03", "2025-02-01", "2025-02-06")
    with pytest.raises(FormDataInvalid) as exc:
        EDITIONS.check("qualification-certificate", data)
    assert "order_before_decision" in rules(exc)
