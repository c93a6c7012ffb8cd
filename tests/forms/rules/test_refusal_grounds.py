"""Which refusals are App. 7 grounds, and how the notice words them in Kazakh and Russian."""

from __future__ import annotations

from forms.rules.applications import (
    LATE_APPLICATION_RULE,
    REFUSAL_GROUNDS,
    REQUIREMENTS,
    Finding,
)
from forms.rules.refusal_grounds import (
    PROCEDURE_RULES,
    is_refusal_ground,
    notice_reason,
    reason_line,
)


def finding(ground: str, rule: str = "", field: str = "data") -> Finding:
    return Finding(REFUSAL_GROUNDS[ground], "detail", field, rule)


def test_procedure_rules_are_grounds_and_schema_rules_are_not() -> None:
    assert is_refusal_ground("category_sequence")
    assert is_refusal_ground("personal_data_consent_missing")
    assert not is_refusal_ground("iin_checksum")
    assert not is_refusal_ground("missing")
    assert "essay_too_short" not in PROCEDURE_RULES  # found by the essay rule, not the form


def test_a_non_compliance_is_worded_in_the_notices_language() -> None:
    f = finding("non-compliant-materials", "category_sequence")
    kk, ru = notice_reason(f, "kk"), notice_reason(f, "ru")
    assert kk["ground"] == ru["ground"] == "non-compliant-materials"
    assert "реттілік" in kk["detail"] and "последовательности" in ru["detail"]
    other = notice_reason(finding("non-compliant-materials", "something_else"), "ru")
    assert other["detail"].startswith("представленные материалы")


def test_grounds_that_speak_for_themselves_carry_no_detail() -> None:
    assert notice_reason(finding("no-personal-data-consent"), "kk") == {
        "ground": "no-personal-data-consent"
    }
    unreliable = notice_reason(finding("unreliable-documents", field="documents.diploma"), "kk")
    assert unreliable == {"ground": "unreliable-documents", "document": "diploma"}


def test_the_ground_list_is_app_4_item_9_alone() -> None:
    assert {g.paragraph for g in REFUSAL_GROUNDS.values()} == {
        "seed 002 App. 4 item 9.1",
        "seed 002 App. 4 item 9.2",
        "seed 002 App. 4 item 9.3",
    }
    assert "outside-application-window" not in REFUSAL_GROUNDS


def test_a_late_application_is_refused_under_9_2_with_the_window_as_detail() -> None:
    late = finding("non-compliant-materials", LATE_APPLICATION_RULE, "submitted_at")
    kk, ru = notice_reason(late, "kk"), notice_reason(late, "ru")
    assert kk == {
        "ground": "non-compliant-materials",
        "detail": "өтініш ағымдағы оқу жылының 1 қыркүйегінен 31 желтоқсанына дейін "
        "қабылданады (App. 4 item 10)",
    }
    assert ru["detail"] == (
        "заявление принимается с 1 сентября по 31 декабря текущего учебного года "
        "(пункт 10 приложения 4 к Алгоритму)"
    )


def test_a_missing_document_is_named_alone_before_baylanysty() -> None:
    doc = next(r for r in REQUIREMENTS if r.id == "employment-record")
    line = reason_line("document-missing", doc, None, "kk")
    assert line == doc.kk and "– жоқ" not in line  # «… байланысты қабылданбады», as the seed
    assert reason_line("non-compliant-materials", doc, "күні жоқ", "kk") == (
        f"{doc.kk} (талаптарға сәйкес келмейді) (күні жоқ)"
    )
    assert reason_line("document-missing", doc, None, "ru") == f"отсутствует: {doc.ru}"
    consent = reason_line("no-personal-data-consent", None, None, "kk")
    assert consent == REFUSAL_GROUNDS["no-personal-data-consent"].kk
