"""Validity terms (seed 002 §3, §43; seed 004 §3.6–§3.9)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from forms.errors import FormDataInvalid
from forms.rules.categories import Category, CategoryKind
from forms.rules.validity import (
    add_years,
    course_certificate_valid_until,
    course_outcome,
    qualification_valid_until,
)


@pytest.mark.parametrize(
    ("kind", "years"),
    [
        (CategoryKind.TEACHER, 5),
        (CategoryKind.DEPUTY, 5),
        (CategoryKind.HEAD, 3),
        (Category.TEACHER_MASTER, 5),
        (Category.DEPUTY_FIRST, 5),
        (Category.HEAD_THIRD, 3),
    ],
)
def test_qualification_terms(kind: CategoryKind | Category, years: int) -> None:
    assert qualification_valid_until(kind, date(2024, 9, 15)) == date(2024 + years, 9, 15)


def test_29_february() -> None:
    assert qualification_valid_until(CategoryKind.TEACHER, date(2024, 2, 29)) == date(2029, 2, 28)
    assert course_certificate_valid_until(date(2024, 2, 29)) == date(2027, 2, 28)
    assert add_years(date(2024, 2, 29), 4) == date(2028, 2, 29)


def test_course_certificate_three_years() -> None:
    assert course_certificate_valid_until(date(2025, 12, 31)) == date(2028, 12, 31)


@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2090, 12, 31)), st.integers(0, 10))
def test_add_years_keeps_month(d: date, n: int) -> None:
    out = add_years(d, n)
    assert (out.year, out.month) == (d.year + n, d.month)
    assert out.day == d.day or (d.month, d.day, out.day) == (2, 29, 28)


@pytest.mark.parametrize(
    ("score", "max_score", "outcome"),
    [
        ("49.9", 100, "attendance-note"),
        (50, 100, "certificate"),
        ("50.0", "100", "certificate"),
        (Decimal("24.99"), 50, "attendance-note"),
        (25, 50, "certificate"),
        (0, 50, "attendance-note"),
        (50, 50, "certificate"),
        (0.5, 1, "certificate"),
    ],
)
def test_course_outcome_boundary(
    score: int | str | Decimal | float, max_score: int | str, outcome: str
) -> None:
    assert course_outcome(score, max_score) == outcome


@pytest.mark.parametrize(
    ("score", "max_score", "rule"),
    [
        (-1, 100, "course_score_out_of_range"),
        (101, 100, "course_score_out_of_range"),
        ("abc", 100, "course_score_out_of_range"),
        (1, 0, "course_max_score_invalid"),
    ],
)
def test_course_outcome_refuses(score: int | str, max_score: int, rule: str) -> None:
    with pytest.raises(FormDataInvalid) as exc:
        course_outcome(score, max_score)
    assert exc.value.details[0].rule == rule
    assert exc.value.details[0].paragraph == "seed 004 §3.6"
