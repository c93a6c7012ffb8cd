"""Qualification categories, their ladders and equivalences.

The direct-award grounds (§6–§11) are in :mod:`forms.rules.direct_awards`.

Source: seed 002 (the attestation Algorithm): §30–§32 (knowledge-test fallbacks, the
teachers' ladder), §43–§44 (heads and deputies),
§48–§49 (equivalences). Names: kk as in the seed (spelling corrected), ru the official
Russian terms of Kazakhstan's education legislation.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from forms.errors import DetailCollector

__all__ = [
    "LADDERS",
    "Category",
    "CategoryKind",
    "CategoryName",
    "category_after_failed_test",
    "check_requested_category",
    "equivalent_category",
    "kind_of",
    "lower_category",
    "name_of",
    "next_allowed",
    "transfer_equivalent",
    "validity_years",
]


class CategoryKind(StrEnum):
    """Which ladder a category belongs to."""

    TEACHER = "teacher"
    """Teachers, methodists, heads of departments (seed 002 §31; App. 8)."""
    HEAD = "head"
    """First heads of education organisations and methodical cabinets (§43; App. 11)."""
    DEPUTY = "deputy"
    """Deputy heads (§43; App. 11)."""
    LEGACY_TEACHER = "legacy-teacher"
    """Pre-2020 teachers' categories, only as a starting point (§32)."""
    LEGACY_HEAD = "legacy-head"
    """Earlier heads' categories, equal to the current ones (§48)."""


class Category(StrEnum):
    """A qualification category; the values are stable API ids."""

    TEACHER_TRAINEE = "teacher-trainee"
    TEACHER = "teacher"
    TEACHER_MODERATOR = "teacher-moderator"
    TEACHER_EXPERT = "teacher-expert"
    TEACHER_RESEARCHER = "teacher-researcher"
    TEACHER_MASTER = "teacher-master"
    HEAD_THIRD = "head-third"
    HEAD_SECOND = "head-second"
    HEAD_FIRST = "head-first"
    DEPUTY_THIRD = "deputy-third"
    DEPUTY_SECOND = "deputy-second"
    DEPUTY_FIRST = "deputy-first"
    LEGACY_SECOND = "legacy-second"
    LEGACY_FIRST = "legacy-first"
    LEGACY_HIGHER = "legacy-higher"
    HEAD_ORGANISER = "head-organiser"
    HEAD_MANAGER = "head-manager"
    HEAD_LEADER = "head-leader"


@dataclass(frozen=True)
class CategoryName:
    """The official names of a category."""

    kk: str
    """Kazakh, as in seed 002."""
    ru: str
    """Russian, the official term."""


_NAMES: dict[Category, CategoryName] = {
    Category.TEACHER_TRAINEE: CategoryName("педагог-тағылымдамашы", "педагог-стажёр"),
    Category.TEACHER: CategoryName("педагог", "педагог"),
    Category.TEACHER_MODERATOR: CategoryName("педагог-модератор", "педагог-модератор"),
    Category.TEACHER_EXPERT: CategoryName("педагог-сарапшы", "педагог-эксперт"),
    Category.TEACHER_RESEARCHER: CategoryName("педагог-зерттеуші", "педагог-исследователь"),
    Category.TEACHER_MASTER: CategoryName("педагог-шебер", "педагог-мастер"),
    Category.HEAD_THIRD: CategoryName("үшінші санаттағы басшы", "руководитель третьей категории"),
    Category.HEAD_SECOND: CategoryName("екінші санаттағы басшы", "руководитель второй категории"),
    Category.HEAD_FIRST: CategoryName("бірінші санаттағы басшы", "руководитель первой категории"),
    Category.DEPUTY_THIRD: CategoryName(
        "үшінші санаттағы басшының орынбасары", "заместитель руководителя третьей категории"
    ),
    Category.DEPUTY_SECOND: CategoryName(
        "екінші санаттағы басшының орынбасары", "заместитель руководителя второй категории"
    ),
    Category.DEPUTY_FIRST: CategoryName(
        "бірінші санаттағы басшының орынбасары", "заместитель руководителя первой категории"
    ),
    Category.LEGACY_SECOND: CategoryName("екінші санат", "вторая категория"),
    Category.LEGACY_FIRST: CategoryName("бірінші санат", "первая категория"),
    Category.LEGACY_HIGHER: CategoryName("жоғары санат", "высшая категория"),
    Category.HEAD_ORGANISER: CategoryName("басшы-ұйымдастырушы", "руководитель-организатор"),
    Category.HEAD_MANAGER: CategoryName("басшы-менеджер", "руководитель-менеджер"),
    Category.HEAD_LEADER: CategoryName("басшы-көшбасшы", "руководитель-лидер"),
}

LADDERS: dict[CategoryKind, tuple[Category, ...]] = {
    CategoryKind.TEACHER: (
        Category.TEACHER_TRAINEE,
        Category.TEACHER,
        Category.TEACHER_MODERATOR,
        Category.TEACHER_EXPERT,
        Category.TEACHER_RESEARCHER,
        Category.TEACHER_MASTER,
    ),
    CategoryKind.HEAD: (Category.HEAD_THIRD, Category.HEAD_SECOND, Category.HEAD_FIRST),
    CategoryKind.DEPUTY: (Category.DEPUTY_THIRD, Category.DEPUTY_SECOND, Category.DEPUTY_FIRST),
    CategoryKind.LEGACY_TEACHER: (
        Category.LEGACY_SECOND,
        Category.LEGACY_FIRST,
        Category.LEGACY_HIGHER,
    ),
    CategoryKind.LEGACY_HEAD: (
        Category.HEAD_ORGANISER,
        Category.HEAD_MANAGER,
        Category.HEAD_LEADER,
    ),
}
"""Each ladder from the lowest rung up (seed 002 §31, §13, §32, §48)."""

_KIND: dict[Category, CategoryKind] = {c: k for k, cs in LADDERS.items() for c in cs}

_EQUIVALENT: dict[Category, Category] = {
    # §32: "respectively" moderator, expert, researcher.
    Category.LEGACY_SECOND: Category.TEACHER_MODERATOR,
    Category.LEGACY_FIRST: Category.TEACHER_EXPERT,
    Category.LEGACY_HIGHER: Category.TEACHER_RESEARCHER,
    # §48.
    Category.HEAD_ORGANISER: Category.HEAD_THIRD,
    Category.HEAD_MANAGER: Category.HEAD_SECOND,
    Category.HEAD_LEADER: Category.HEAD_FIRST,
}

_HEAD_DEPUTY: dict[Category, Category] = {
    Category.HEAD_FIRST: Category.DEPUTY_FIRST,
    Category.HEAD_SECOND: Category.DEPUTY_SECOND,
    Category.HEAD_THIRD: Category.DEPUTY_THIRD,
}


def name_of(category: Category) -> CategoryName:
    """The kk and ru names of ``category`` (seed 002 §6–§13, §31, §32, §48)."""
    return _NAMES[category]


def kind_of(category: Category) -> CategoryKind:
    """The ladder ``category`` belongs to."""
    return _KIND[category]


def _rung(category: Category) -> int:
    return LADDERS[_KIND[category]].index(category)


def lower_category(category: Category) -> Category | None:
    """The category one rung below on its ladder, ``None`` at the bottom (seed 002 §30)."""
    rung = _rung(category)
    return LADDERS[_KIND[category]][rung - 1] if rung > 0 else None


def equivalent_category(category: Category) -> Category:
    """The current category a legacy one counts as (seed 002 §32, §48); others map to themselves.

    §32 maps the teachers' "second / first / higher" categories to moderator / expert /
    researcher "respectively"; §48 makes the heads' organiser / manager / leader equal to
    the third / second / first category.
    """
    return _EQUIVALENT.get(category, category)


def transfer_equivalent(category: Category, to_kind: CategoryKind) -> Category:
    """The category kept when a first head becomes a deputy or back (seed 002 §49).

    Raises ``FormDataInvalid`` (rule ``category_transfer_not_equivalent``) for any other move.
    """
    category = equivalent_category(category)
    kind = _KIND[category]
    if kind == to_kind:
        return category
    if kind == CategoryKind.HEAD and to_kind == CategoryKind.DEPUTY:
        return _HEAD_DEPUTY[category]
    if kind == CategoryKind.DEPUTY and to_kind == CategoryKind.HEAD:
        return {v: k for k, v in _HEAD_DEPUTY.items()}[category]
    errors = DetailCollector()
    errors.add(
        "category",
        "category_transfer_not_equivalent",
        f"A {kind.value} category has no {to_kind.value} equivalent; "
        "only head ↔ deputy of the same level are equal.",
        "seed 002 §49",
    )
    errors.raise_if_any()
    raise AssertionError("unreachable")  # pragma: no cover


def next_allowed(
    current: Category | None, kind: CategoryKind = CategoryKind.TEACHER
) -> set[Category]:
    """Categories one may apply to be awarded next under the sequence principle (seed 002 §31, §44).

    A teacher without a category starts at "педагог"; otherwise the next rung only. Heads and
    deputies at their initial attestation may apply for any category of their ladder (§44).
    Legacy categories start from their §32/§48 equivalent. Confirmation of the current
    category is not an award and is not listed here.
    """
    if current is None:
        if kind == CategoryKind.TEACHER:
            return {Category.TEACHER}
        return set(LADDERS[kind])
    if _KIND[current] == CategoryKind.LEGACY_TEACHER:
        # §32: "respectively or on general grounds": the equivalent or any lower rung from
        # "педагог" up.
        top = _rung(_EQUIVALENT[current])
        return set(LADDERS[CategoryKind.TEACHER][1 : top + 1])
    current = equivalent_category(current)
    ladder = LADDERS[_KIND[current]]
    rung = ladder.index(current)
    return {ladder[rung + 1]} if rung + 1 < len(ladder) else set()


def check_requested_category(
    current: Category | None,
    requested: Category,
    *,
    kind: CategoryKind | None = None,
    field: str = "requested_category",
    errors: DetailCollector | None = None,
) -> None:
    """Check the requested category against the current one (seed 002 §31, §32, §44, §48).

    Allowed: confirming the current category (or its §48 equivalent), or a category from
    :func:`next_allowed`. ``kind`` is the applicant's ladder (teacher / head / deputy); it
    defaults to the ladder of ``current`` or of ``requested``. With ``errors`` the details are
    collected there; without, ``FormDataInvalid`` is raised at once.
    """
    own = errors is None
    collector = errors if errors is not None else DetailCollector()
    if _KIND[requested] in (CategoryKind.LEGACY_TEACHER, CategoryKind.LEGACY_HEAD):
        collector.add(
            field,
            "category_legacy_not_awardable",
            f"«{_NAMES[requested].kk}» is no longer awarded; request its equivalent "
            f"«{_NAMES[equivalent_category(requested)].kk}».",
            "seed 002 §32, §48",
        )
    else:
        current_kind = None if current is None else _KIND[equivalent_category(current)]
        applicant_kind = kind or current_kind or _KIND[requested]
        if _KIND[requested] != applicant_kind:
            collector.add(
                field,
                "category_kind_mismatch",
                f"«{_NAMES[requested].kk}» is not a {applicant_kind.value} category.",
                "seed 002 §13, §31, §43",
            )
        elif current is not None and equivalent_category(current) == requested:
            pass  # confirmation of the current category
        elif requested not in next_allowed(current, applicant_kind):
            allowed = ", ".join(sorted(_NAMES[c].kk for c in next_allowed(current, applicant_kind)))
            collector.add(
                field,
                "category_sequence",
                f"«{_NAMES[requested].kk}» skips the sequence of categories; allowed now: "
                f"{allowed or 'confirmation only'}.",
                "seed 002 §31, §44",
            )
    if own:
        collector.raise_if_any()


def category_after_failed_test(
    requested: Category,
    *,
    confirmation: bool,
    test_supports: Category | None,
    legacy_holder: bool = False,
) -> Category | None:
    """The category given when the portfolio matches but the knowledge test (ПББ) fell short.

    Seed 002 §30: at confirmation, one rung lower than the category confirmed; at an award, not
    higher than what the test results support (``test_supports``). §32: a holder of a legacy
    category whose test points are too low for "педагог-модератор" gets "педагог".
    ``None`` means no category can be given.
    """
    if confirmation:
        result = lower_category(requested)
    elif test_supports is None:
        result = None
    else:
        result = test_supports if _rung(test_supports) < _rung(requested) else requested
    if result == Category.TEACHER_TRAINEE:
        result = None
    if legacy_holder and result is None:
        return Category.TEACHER
    return result


_VALIDITY: dict[CategoryKind, int] = {
    CategoryKind.TEACHER: 5,
    CategoryKind.DEPUTY: 5,
    CategoryKind.HEAD: 3,
    CategoryKind.LEGACY_HEAD: 3,
    CategoryKind.LEGACY_TEACHER: 5,
}


def validity_years(category_or_kind: Category | CategoryKind) -> int:
    """Years a category is valid: teachers, deputies 5; first heads 3 (seed 002 §3, §43)."""
    kind = (
        category_or_kind if isinstance(category_or_kind, CategoryKind) else _KIND[category_or_kind]
    )
    return _VALIDITY[kind]
