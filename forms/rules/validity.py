"""Validity terms: computed from the decision or issue date, never trusted from input.

Seed 002 §3 and §43 (qualification categories), seed 004 §3.6–§3.9 (course certificates).
"""

from __future__ import annotations

import calendar as _stdcal
from datetime import date
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Literal

from forms.errors import DetailCollector
from forms.rules.categories import Category, CategoryKind, validity_years

__all__ = [
    "COURSE_CERTIFICATE_YEARS",
    "COURSE_PASS_SHARE",
    "CourseOutcome",
    "add_years",
    "course_certificate_valid_until",
    "course_outcome",
    "qualification_valid_until",
]

COURSE_CERTIFICATE_YEARS = 3
"""A course certificate is valid 3 years from its issue (seed 004 §3.8)."""

COURSE_PASS_SHARE = Fraction(1, 2)
"""The final test must reach at least 50 % of the maximum (seed 004 §3.6 item 4)."""

CourseOutcome = Literal["certificate", "attendance-note"]


def add_years(start: date, years: int) -> date:
    """``start`` moved ``years`` years on; 29 February becomes 28 February in a common year.

    A term counted in years ends on the same month and day of its last year, and where that
    day does not exist, on the last day of that month (the general rule for terms in years).
    """
    year = start.year + years
    day = min(start.day, _stdcal.monthrange(year, start.month)[1])
    return date(year, start.month, day)


def qualification_valid_until(kind: CategoryKind | Category, decision_date: date) -> date:
    """The valid-until date of a category awarded or confirmed on ``decision_date``.

    Seed 002 §3: teachers, methodists and deputies are attested at least once in five years;
    §43: a first head's category is valid three years, a deputy's five.
    """
    return add_years(decision_date, validity_years(kind))


def course_certificate_valid_until(issue_date: date) -> date:
    """The valid-until date of a course certificate: 3 years from issue (seed 004 §3.8)."""
    return add_years(issue_date, COURSE_CERTIFICATE_YEARS)


def _exact(value: int | float | Decimal | str) -> Fraction | None:
    try:
        return Fraction(Decimal(str(value)))
    except (InvalidOperation, ValueError, OverflowError):  # NaN, Infinity: not a score
        return None


def course_outcome(
    score: int | float | Decimal | str,
    max_score: int | float | Decimal | str,
    *,
    field: str = "final_score",
) -> CourseOutcome:
    """Certificate for a final result of at least 50 % of the maximum, else the attendance note.

    Seed 004 §3.6 item 4 (at least 50 %), §3.7 (certificate), §3.9 (note for those who did not
    pass). The share is computed exactly from the decimal written (49.9 % fails, 50 % passes).
    Refusals: ``course_max_score_invalid``, ``course_score_out_of_range``.
    """
    errors = DetailCollector()
    s, m = _exact(score), _exact(max_score)
    if m is None or m <= 0:
        errors.add(
            "max_score",
            "course_max_score_invalid",
            "The maximum score must be positive.",
            "seed 004 §3.6",
        )
    elif s is None or s < 0 or s > m:
        errors.add(
            field,
            "course_score_out_of_range",
            f"The final score must be between 0 and {max_score}.",
            "seed 004 §3.6",
        )
    errors.raise_if_any()
    assert s is not None and m is not None
    return "certificate" if s / m >= COURSE_PASS_SHARE else "attendance-note"
