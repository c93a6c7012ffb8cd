"""Scoring of the evaluation sheets: totals, thresholds and the recommendation they support.

Seed 002 App. 8 and its notes ("Портфолионы бағалау парағына түсініктеме"), App. 9, App. 11;
seed 001 §8 (final project). Tables are in :mod:`forms.rules.scoring_data`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from forms.errors import DetailCollector
from forms.rules.categories import Category
from forms.rules.scoring_data import (
    FINAL_PROJECT_CRITERIA,
    FINAL_PROJECT_CRITERION_MAX,
    OBSERVATION_LEVEL_MAX,
    OBSERVATION_SHEETS,
    PORTFOLIO_SHEETS,
    Criterion,
)

__all__ = [
    "MIN_OBSERVATION_SHEETS",
    "Evidence",
    "ScoreResult",
    "aggregate_item",
    "lesson_quality_mean",
    "observation_criteria",
    "score_final_project",
    "score_observation",
    "score_sheet",
]

Number = int | float | Decimal | str

MIN_OBSERVATION_SHEETS = 5
"""App. 8 item 1.2 and note 1: the mean of at least five observation sheets."""


@dataclass(frozen=True)
class ScoreResult:
    """The scored sheet."""

    sheet_id: str
    """Which sheet."""
    total: Decimal
    """Sum of the item scores."""
    max_total: int
    """The sheet's printed maximum (for the variant)."""
    thresholds: tuple[tuple[Category, int], ...]
    """Minimum total per category, lowest first; empty where the sheet has none."""
    recommended_category: Category | None
    """The highest category whose threshold the total reaches; ``None`` if none."""
    variant: str | None = None
    """The threshold row used."""
    item_sum: Decimal | None = None
    """The plain sum of the item scores when the sheet's printed maximum caps it (App. 9's
    special sheet); ``None`` when :attr:`total` is that sum."""

    def matches(self, declared: Category) -> bool:
        """Whether the total reaches the declared category's threshold."""
        return any(c == declared and self.total >= t for c, t in self.thresholds)


@dataclass(frozen=True)
class Evidence:
    """One piece of evidence for an App. 8 / App. 11 item."""

    work: str
    """The name (type of work): olympiad, project, seminar… Same name = same work."""
    points: int
    """The points of the level it reached (the criterion's column for that level)."""
    winner: bool = False
    """Whether it carries a winner's (prize-winner's) certificate."""


def _num(value: Number) -> Decimal | None:
    try:
        d = Decimal(str(value))
    except InvalidOperation:
        return None
    return d if d.is_finite() else None


def aggregate_item(sheet_id: str, item_id: str, evidence: Sequence[Evidence]) -> int:
    """Points for an item from its evidence, by the notes to App. 8 (seed 002, notes 2–3).

    For each name (type of work) only the highest level counts; different names add up; one
    point is added when at least one winner's certificate exists, however many winners
    (only on items whose top column reads "4 (5)"); the result is capped at the item's maximum.
    """
    crit = _criterion(sheet_id, item_id)
    best: dict[str, int] = {}
    for ev in evidence:
        best[ev.work] = max(best.get(ev.work, 0), ev.points)
    total = sum(best.values())
    if crit.winner_bonus and any(ev.winner for ev in evidence):
        total += 1
    return min(total, crit.cap)


def _criterion(sheet_id: str, item_id: str) -> Criterion:
    sheet = PORTFOLIO_SHEETS.get(sheet_id)
    crit = None if sheet is None else next((c for c in sheet.criteria if c.id == item_id), None)
    if crit is None:
        e = DetailCollector()
        e.add(item_id, "score_unknown_item", f"No item {item_id!r} on sheet {sheet_id!r}.")
        e.raise_if_any()
        raise AssertionError("unreachable")  # pragma: no cover
    return crit


def _recommend(
    total: Decimal, categories: Sequence[Category], thresholds: Sequence[int]
) -> Category | None:
    reached = [c for c, t in zip(categories, thresholds, strict=True) if total >= t]
    return reached[-1] if reached else None


def score_sheet(
    sheet_id: str, item_scores: Mapping[str, Number], variant: str = "default"
) -> ScoreResult:
    """Total a portfolio sheet and give the category its total supports (App. 8, App. 11).

    Each item scores 0 up to its maximum (the top column, plus one where a winner bonus is
    shown); item 1.2 of App. 8 sheet 1 is a mean and may be fractional, the others are
    integers. Missing items count 0. Rules: ``score_unknown_sheet``, ``score_unknown_variant``,
    ``score_unknown_item``, ``score_item_not_applicable``, ``score_not_a_number``,
    ``score_out_of_range`` (field = the item).
    """
    e = DetailCollector("items")
    sheet = PORTFOLIO_SHEETS.get(sheet_id)
    if sheet is None:
        e.add("", "score_unknown_sheet", f"Unknown sheet {sheet_id!r}.")
        e.raise_if_any()
        raise AssertionError("unreachable")  # pragma: no cover
    para = sheet.paragraph
    var = sheet.variants.get(variant)
    if var is None:
        e.add("", "score_unknown_variant", f"Sheet {sheet_id} has no variant {variant!r}.", para)
        e.raise_if_any()
        raise AssertionError("unreachable")  # pragma: no cover
    by_id = {c.id: c for c in sheet.criteria}
    total = Decimal(0)
    for item, raw in item_scores.items():
        crit = by_id.get(item)
        value = _num(raw)
        if crit is None:
            e.add(item, "score_unknown_item", f"Sheet {sheet_id} has no item {item}.", para)
        elif var.excluded is not None and item in var.excluded:
            if value != 0:
                e.add(
                    item,
                    "score_item_not_applicable",
                    f"Item {item} does not apply to «{var.kk}».",
                    para,
                )
        elif value is None:
            e.add(item, "score_not_a_number", f"Item {item}: {raw!r} is not a number.", para)
        elif (
            value < 0
            or value > crit.cap
            or (not crit.mean_of_observations and value != value.to_integral_value())
        ):
            e.add(
                item,
                "score_out_of_range",
                f"Item {item} allows whole points from 0 to {crit.cap}; got {raw}."
                if not crit.mean_of_observations
                else f"Item {item} allows 0 to {crit.cap}; got {raw}.",
                para,
            )
        else:
            total += value
    e.raise_if_any()
    # The seed's item maxima (with the bonuses its notes allow) can sum above the printed
    # maximum (teacher 149 > 148, deputy 69 > 67, head 66 > 65, cabinet head 32 > 31): the
    # printed maximum governs, the plain sum is kept and printed beside it.
    item_sum = total if total > var.max_total else None
    total = min(total, Decimal(var.max_total))
    return ScoreResult(
        sheet_id=sheet_id,
        total=total,
        max_total=var.max_total,
        thresholds=tuple(zip(sheet.categories, var.thresholds, strict=True)),
        recommended_category=_recommend(total, sheet.categories, var.thresholds),
        variant=variant,
        item_sum=item_sum,
    )


def score_observation(sheet_id: str, criterion_scores: Mapping[str, Number]) -> ScoreResult:
    """Total a lesson observation sheet (seed 002 App. 9, "қорытынды (max 102)").

    Each criterion scores 0–3 points per indicator it lists (34 indicators × 3 = 102 on the
    school and preschool sheets). The special-education sheet lists 36 indicators (108 points)
    under the printed «max 102»: the printed maximum governs, so a lesson scored higher is
    accepted and its total is 102, the plain sum kept in ``item_sum`` (declared on the form).
    Rules: ``score_unknown_sheet``, ``score_unknown_item``, ``score_out_of_range``.
    """
    e = DetailCollector("items")
    sheet = OBSERVATION_SHEETS.get(sheet_id)
    para = "seed 002 App. 9"
    if sheet is None:
        e.add("", "score_unknown_sheet", f"Unknown sheet {sheet_id!r}.", para)
        e.raise_if_any()
        raise AssertionError("unreachable")  # pragma: no cover
    total = Decimal(0)
    for item, raw in criterion_scores.items():
        value = _num(raw)
        if item not in sheet.indicators:
            e.add(item, "score_unknown_item", f"Sheet {sheet_id} has no criterion {item}.", para)
            continue
        cap = sheet.indicators[item] * OBSERVATION_LEVEL_MAX
        if value is None or value < 0 or value > cap or value != value.to_integral_value():
            e.add(
                item,
                "score_out_of_range",
                f"Criterion {item} allows whole points from 0 to {cap}; got {raw}.",
                para,
            )
        else:
            total += value
    e.raise_if_any()
    if total > sheet.max_total:
        return ScoreResult(
            sheet_id, Decimal(sheet.max_total), sheet.max_total, (), None, None, total
        )
    return ScoreResult(sheet_id, total, sheet.max_total, (), None)


def observation_criteria(
    sheet_id: str,
    criterion_scores: Mapping[str, Number],
    levels: Mapping[str, Sequence[Number]],
) -> dict[str, Number]:
    """The criterion points of an App. 9 sheet whose indicators are scored one by one.

    ``levels`` gives, per criterion, one level (0–3, «деңгейі») for each indicator the
    seed lists under it; the criterion scores their sum. A criterion may be given either
    way; given both, the points must equal the levels' sum. Rules: ``score_unknown_item``,
    ``score_indicator_count``, ``score_out_of_range``, ``score_levels_disagree`` (checked
    with ``levels.`` locations); the merged points are then totalled by
    :func:`score_observation`.
    """
    e = DetailCollector("levels")
    para = "seed 002 App. 9"
    sheet = OBSERVATION_SHEETS.get(sheet_id)
    merged: dict[str, Number] = dict(criterion_scores)
    if sheet is None:
        return merged  # score_observation refuses the sheet
    for item, values in levels.items():
        count = sheet.indicators.get(item)
        if count is None:
            e.add(item, "score_unknown_item", f"Sheet {sheet_id} has no criterion {item}.", para)
            continue
        if len(values) != count:
            e.add(
                item,
                "score_indicator_count",
                f"Criterion {item} lists {count} indicators; got {len(values)} levels.",
                para,
            )
            continue
        total = Decimal(0)
        valid = True
        for i, raw in enumerate(values, 1):
            value = _num(raw)
            if value is None or not 0 <= value <= OBSERVATION_LEVEL_MAX or value % 1:
                e.add(
                    f"{item}.{i}",
                    "score_out_of_range",
                    f"Indicator {item}.{i} allows a level from 0 to {OBSERVATION_LEVEL_MAX}; "
                    f"got {raw}.",
                    para,
                )
                valid = False
            else:
                total += value
        if not valid:
            continue
        given = _num(criterion_scores[item]) if item in criterion_scores else None
        if item in criterion_scores and given != total:
            e.add(
                item,
                "score_levels_disagree",
                f"Criterion {item} is given {criterion_scores[item]} points but its "
                f"indicators' levels sum to {total}.",
                para,
            )
        merged[item] = int(total)
    e.raise_if_any()
    return merged


def lesson_quality_mean(observation_totals: Sequence[Number]) -> Decimal:
    """App. 8 item 1.2: the arithmetic mean of at least five observation sheet totals.

    Seed 002 App. 8 item 1.2 and note 1. Rules: ``observation_sheets_too_few``,
    ``score_out_of_range`` (each total 0–102).
    """
    e = DetailCollector("observations")
    para = "seed 002 App. 8 item 1.2, note 1"
    if len(observation_totals) < MIN_OBSERVATION_SHEETS:
        e.add(
            "",
            "observation_sheets_too_few",
            f"{len(observation_totals)} observation sheets; at least "
            f"{MIN_OBSERVATION_SHEETS} are needed.",
            para,
        )
    values: list[Decimal] = []
    for i, raw in enumerate(observation_totals):
        v = _num(raw)
        if v is None or v < 0 or v > 102:
            e.add(
                f"[{i}]",
                "score_out_of_range",
                f"An observation total is 0–102; got {raw}.",
                "seed 002 App. 9",
            )
        else:
            values.append(v)
    e.raise_if_any()
    return sum(values, Decimal(0)) / len(values)


def score_final_project(criterion_scores: Mapping[str, Number]) -> ScoreResult:
    """Total the course's final project: five criteria, 0–10 each, 50 in all (seed 001 §8).

    Every criterion must be scored. Rules: ``score_unknown_item``, ``score_missing_item``,
    ``score_out_of_range``.
    """
    e = DetailCollector("items")
    para = "seed 001 §8"
    total = Decimal(0)
    for item in criterion_scores:
        if item not in FINAL_PROJECT_CRITERIA:
            e.add(item, "score_unknown_item", f"No criterion {item!r}.", para)
    for item in FINAL_PROJECT_CRITERIA:
        if item not in criterion_scores:
            e.add(item, "score_missing_item", f"Criterion {item} is not scored.", para)
            continue
        raw = criterion_scores[item]
        v = _num(raw)
        if v is None or v < 0 or v > FINAL_PROJECT_CRITERION_MAX:
            e.add(
                item,
                "score_out_of_range",
                f"Criterion {item} allows 0 to {FINAL_PROJECT_CRITERION_MAX}; got {raw}.",
                para,
            )
        else:
            total += v
    e.raise_if_any()
    return ScoreResult(
        "course-final-project-evaluation",
        total,
        FINAL_PROJECT_CRITERION_MAX * len(FINAL_PROJECT_CRITERIA),
        (),
        None,
    )
