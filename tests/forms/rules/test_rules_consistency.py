"""Extracts and certificates against their protocol (seed 002 §12, §20, §47; App. 1, 3, 13)."""

from __future__ import annotations

from datetime import date

import pytest

from forms.errors import FormDataInvalid
from forms.rules.categories import Category
from forms.rules.commission import Decision, Outcome
from forms.rules.consistency import check_matches_protocol, check_valid_until

DECISIONS = [
    Decision(
        "871008401427",
        Category.TEACHER_EXPERT,
        Outcome.MATCHES_DECLARED,
        Category.TEACHER_EXPERT,
        Category.TEACHER_MODERATOR,
    ),
    Decision(
        "760212350620", Category.TEACHER_MASTER, Outcome.DOES_NOT_MATCH, None, reason="портфолио"
    ),
]


def test_certificate_matches() -> None:
    d = check_matches_protocol(DECISIONS, "871008401427", Category.TEACHER_EXPERT, certificate=True)
    assert d.awarded == Category.TEACHER_EXPERT


def test_extract_of_a_refusal_matches() -> None:
    check_matches_protocol(DECISIONS, "760212350620", None, Outcome.DOES_NOT_MATCH)


@pytest.mark.parametrize(
    ("iin", "category", "outcome", "certificate", "rule"),
    [
        ("000000000000", Category.TEACHER_EXPERT, None, True, "protocol_person_not_found"),
        ("871008401427", Category.TEACHER_MASTER, None, True, "protocol_category_mismatch"),
        (
            "871008401427",
            Category.TEACHER_EXPERT,
            Outcome.MATCHES_CURRENT,
            False,
            "protocol_outcome_mismatch",
        ),
        ("760212350620", Category.TEACHER_MASTER, None, True, "certificate_without_award"),
    ],
)
def test_mismatches_refused(
    iin: str, category: Category, outcome: Outcome | None, certificate: bool, rule: str
) -> None:
    with pytest.raises(FormDataInvalid) as exc:
        check_matches_protocol(
            DECISIONS, iin, category, outcome, certificate=certificate, prefix="data"
        )
    assert exc.value.details[0].rule == rule
    assert exc.value.details[0].field.startswith("data.")


def test_valid_until_computed() -> None:
    check_valid_until(Category.HEAD_FIRST, date(2025, 5, 20), date(2028, 5, 20))
    with pytest.raises(FormDataInvalid) as exc:
        check_valid_until(Category.HEAD_FIRST, date(2025, 5, 20), date(2030, 5, 20))
    assert exc.value.details[0].rule == "valid_until_mismatch"
