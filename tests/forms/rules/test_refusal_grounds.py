"""Which refusals are App. 7 grounds, and how the notice words them in Kazakh and Russian."""

from __future__ import annotations

from forms.rules.applications import REFUSAL_GROUNDS, Finding
from forms.rules.refusal_grounds import PROCEDURE_RULES, is_refusal_ground, notice_reason


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
