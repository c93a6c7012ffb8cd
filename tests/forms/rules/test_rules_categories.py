"""Categories, ladders, equivalences, fallbacks, direct awards (seed 002 §6–§11, §30–§49)."""

from __future__ import annotations

import pytest

from forms.errors import DetailCollector, FormDataInvalid
from forms.rules.categories import (
    LADDERS,
    Category,
    CategoryKind,
    category_after_failed_test,
    check_requested_category,
    equivalent_category,
    kind_of,
    name_of,
    next_allowed,
    transfer_equivalent,
    validity_years,
)
from forms.rules.direct_awards import DIRECT_AWARD_GROUNDS, direct_award_category

C = Category


def test_every_category_has_names_and_a_ladder() -> None:
    for c in Category:
        assert name_of(c).kk and name_of(c).ru
        assert c in LADDERS[kind_of(c)]


def test_official_russian_names() -> None:
    assert name_of(C.TEACHER_EXPERT).ru == "педагог-эксперт"
    assert name_of(C.TEACHER_MASTER).kk == "педагог-шебер"
    assert name_of(C.HEAD_FIRST).ru == "руководитель первой категории"
    assert name_of(C.DEPUTY_THIRD).ru == "заместитель руководителя третьей категории"


@pytest.mark.parametrize(
    ("current", "kind", "allowed"),
    [
        (None, CategoryKind.TEACHER, {C.TEACHER}),
        (C.TEACHER_TRAINEE, CategoryKind.TEACHER, {C.TEACHER}),
        (C.TEACHER, CategoryKind.TEACHER, {C.TEACHER_MODERATOR}),
        (C.TEACHER_RESEARCHER, CategoryKind.TEACHER, {C.TEACHER_MASTER}),
        (C.TEACHER_MASTER, CategoryKind.TEACHER, set()),
        (None, CategoryKind.HEAD, {C.HEAD_THIRD, C.HEAD_SECOND, C.HEAD_FIRST}),
        (C.HEAD_THIRD, CategoryKind.HEAD, {C.HEAD_SECOND}),
        (C.HEAD_MANAGER, CategoryKind.HEAD, {C.HEAD_FIRST}),
        (C.DEPUTY_SECOND, CategoryKind.DEPUTY, {C.DEPUTY_FIRST}),
        (C.LEGACY_FIRST, CategoryKind.TEACHER, {C.TEACHER, C.TEACHER_MODERATOR, C.TEACHER_EXPERT}),
    ],
)
def test_next_allowed(current: Category | None, kind: CategoryKind, allowed: set[Category]) -> None:
    assert next_allowed(current, kind) == allowed


@pytest.mark.parametrize(
    ("current", "requested", "kind"),
    [
        (C.TEACHER_MODERATOR, C.TEACHER_MODERATOR, None),  # confirmation
        (C.TEACHER_MODERATOR, C.TEACHER_EXPERT, None),
        (C.LEGACY_HIGHER, C.TEACHER_RESEARCHER, None),
        (None, C.HEAD_FIRST, CategoryKind.HEAD),  # §44 initial attestation
        (C.HEAD_LEADER, C.HEAD_FIRST, None),  # §48 equivalence, confirmation
    ],
)
def test_requested_category_accepted(
    current: Category | None, requested: Category, kind: CategoryKind | None
) -> None:
    check_requested_category(current, requested, kind=kind)


@pytest.mark.parametrize(
    ("current", "requested", "kind", "rule"),
    [
        (C.TEACHER_MODERATOR, C.TEACHER_RESEARCHER, None, "category_sequence"),
        (C.TEACHER_EXPERT, C.TEACHER_MODERATOR, None, "category_sequence"),
        (None, C.TEACHER_MODERATOR, CategoryKind.TEACHER, "category_sequence"),
        (C.HEAD_THIRD, C.HEAD_FIRST, None, "category_sequence"),  # §44 later: in sequence
        (C.TEACHER_EXPERT, C.HEAD_THIRD, None, "category_kind_mismatch"),
        (C.HEAD_THIRD, C.DEPUTY_SECOND, None, "category_kind_mismatch"),
        (C.TEACHER, C.LEGACY_FIRST, None, "category_legacy_not_awardable"),
        (C.LEGACY_SECOND, C.TEACHER_EXPERT, None, "category_sequence"),
    ],
)
def test_requested_category_refused(
    current: Category | None, requested: Category, kind: CategoryKind | None, rule: str
) -> None:
    with pytest.raises(FormDataInvalid) as exc:
        check_requested_category(current, requested, kind=kind)
    (detail,) = exc.value.details
    assert detail.rule == rule
    assert detail.field == "requested_category"
    assert detail.paragraph and detail.paragraph.startswith("seed 002 §")


def test_requested_category_collects() -> None:
    errors = DetailCollector("data")
    check_requested_category(C.TEACHER, C.TEACHER_MASTER, errors=errors)
    assert [d.field for d in errors.details] == ["data.requested_category"]


def test_equivalences() -> None:
    assert equivalent_category(C.HEAD_ORGANISER) == C.HEAD_THIRD
    assert equivalent_category(C.LEGACY_SECOND) == C.TEACHER_MODERATOR
    assert equivalent_category(C.TEACHER) == C.TEACHER
    assert transfer_equivalent(C.HEAD_FIRST, CategoryKind.DEPUTY) == C.DEPUTY_FIRST
    assert transfer_equivalent(C.DEPUTY_THIRD, CategoryKind.HEAD) == C.HEAD_THIRD
    assert transfer_equivalent(C.HEAD_LEADER, CategoryKind.DEPUTY) == C.DEPUTY_FIRST
    assert transfer_equivalent(C.HEAD_SECOND, CategoryKind.HEAD) == C.HEAD_SECOND
    with pytest.raises(FormDataInvalid) as exc:
        transfer_equivalent(C.TEACHER_EXPERT, CategoryKind.HEAD)
    assert exc.value.details[0].rule == "category_transfer_not_equivalent"


@pytest.mark.parametrize(
    ("requested", "confirmation", "supports", "legacy", "result"),
    [
        (C.TEACHER_EXPERT, True, None, False, C.TEACHER_MODERATOR),  # §30 confirmation
        (C.TEACHER, True, None, False, None),
        (C.TEACHER_MASTER, False, C.TEACHER_EXPERT, False, C.TEACHER_EXPERT),  # §30 award
        (C.TEACHER_EXPERT, False, C.TEACHER_MASTER, False, C.TEACHER_EXPERT),
        (C.TEACHER_MODERATOR, False, None, False, None),
        (C.TEACHER_MODERATOR, False, None, True, C.TEACHER),  # §32
        (C.HEAD_SECOND, True, None, False, C.HEAD_THIRD),
    ],
)
def test_failed_test_fallbacks(
    requested: Category,
    confirmation: bool,
    supports: Category | None,
    legacy: bool,
    result: Category | None,
) -> None:
    assert (
        category_after_failed_test(
            requested, confirmation=confirmation, test_supports=supports, legacy_holder=legacy
        )
        == result
    )


def test_validity_years() -> None:
    assert validity_years(C.TEACHER_MASTER) == 5
    assert validity_years(C.DEPUTY_FIRST) == 5
    assert validity_years(C.HEAD_FIRST) == 3
    assert validity_years(CategoryKind.HEAD) == 3


def test_direct_awards() -> None:
    assert direct_award_category("tvet-industry-5-years") == C.TEACHER_MODERATOR
    assert direct_award_category("delta") == C.TEACHER_EXPERT
    assert direct_award_category("leaders-programme") == C.HEAD_FIRST
    assert direct_award_category("special-programme-step-up", C.TEACHER_EXPERT) == (
        C.TEACHER_RESEARCHER
    )
    assert all(g.paragraph.startswith("seed 002 §") for g in DIRECT_AWARD_GROUNDS.values())


@pytest.mark.parametrize(
    ("ground", "current", "rule"),
    [
        ("special-programme-step-up", C.TEACHER_MODERATOR, "direct_award_not_applicable"),
        ("special-programme-step-up", None, "direct_award_not_applicable"),
        ("foreign-language-certificate", None, "direct_award_level_required"),
        ("nope", None, "direct_award_unknown_ground"),
    ],
)
def test_direct_awards_refused(ground: str, current: Category | None, rule: str) -> None:
    with pytest.raises(FormDataInvalid) as exc:
        direct_award_category(ground, current)
    assert exc.value.details[0].rule == rule
