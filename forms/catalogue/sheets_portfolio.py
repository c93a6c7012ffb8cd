"""Portfolio evaluation sheets: the common model, view and spec, and App. 8's two sheets
(teachers; heads of departments and methodists), seed 002.

Criteria, points and thresholds are printed from :mod:`forms.rules.scoring_data`; the case
gives the commission member's points per item and the threshold row (variant) that applies.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, ClassVar, Literal

from pydantic import Field, ValidationError, model_validator
from pydantic_core import InitErrorDetails, PydanticCustomError

from forms.catalogue.seeds import DEVIATIONS, SEED_LINES
from forms.catalogue.sheets_common import (
    EVALUATOR,
    Evaluator,
    Points,
    capitalised,
    category_name,
    number,
    raise_as_validation_error,
)
from forms.catalogue.sheets_layouts import decorate
from forms.catalogue.sheets_texts import CRITERIA_RU, SECTIONS, VARIANT_LABELS_RU
from forms.dates import date_parts
from forms.errors import FormDataInvalid
from forms.rules.categories import Category
from forms.rules.scoring import ScoreResult, lesson_quality_mean, score_sheet
from forms.rules.scoring_data import PORTFOLIO_SHEETS, Criterion
from forms.spec import FormSpec, SigningMode
from forms.types import CaseModel, LongText, OrgName, Person, ShortText

__all__ = ["METHODIST_SHEET", "TEACHER_SHEET", "PortfolioEvaluation", "portfolio_spec"]


OrganisationType = Literal["school", "tvet", "preschool", "methodical-cabinet", "other"]
"""The kind of organisation the person works in; with the position it decides the sheet's
threshold row (a general school, a TVET college, a preschool, a methodical cabinet)."""


class PortfolioEvaluation(CaseModel):
    """A commission member's evaluation of one portfolio (App. 8, App. 11).

    The threshold row follows from the person (:meth:`threshold_row`: the organisation type
    and, on App. 8 sheet 1, the role); ``variant`` may still be sent, and is refused when it
    names another row than the person's.
    """

    SHEET: ClassVar[str] = ""

    holder: Person = Field(description="Whose portfolio is evaluated")
    position: ShortText = Field(description="Лауазымы / должность")
    organisation: OrgName = Field(description="Білім беру ұйымы / организация образования")
    declared_category: Category = Field(description="Мәлімделген біліктілік санаты")
    variant: str = Field(
        default="default",
        description="The threshold row; derived from the person, and checked when sent",
    )
    organisation_type: OrganisationType | None = Field(
        default=None, description="The kind of organisation; decides the threshold row"
    )
    items: dict[str, Points] = Field(
        max_length=40, description="The commission's points by criterion number; missing = 0"
    )
    remarks: LongText | None = Field(default=None, description="The member's further remarks")
    evaluator: Evaluator
    evaluation_date: date

    def item_scores(self) -> dict[str, Decimal]:
        """The points the sheet totals, by criterion number."""
        return {k: Decimal(v) for k, v in self.items.items()}

    def item_note(self, item: str, lang: str) -> str | None:
        """What the sheet prints under a criterion besides its title (its arithmetic)."""
        return None

    def threshold_row(self) -> str:
        """The sheet's threshold row that applies to this person (seed 002 App. 8, 11)."""
        return "default"

    def not_applicable(self) -> frozenset[str]:
        """Items that do not apply to this person besides those the threshold row excludes
        (App. 11 sheet 3: the deputy's direction); printed «—»."""
        return frozenset()

    def result(self) -> ScoreResult:
        """The scored sheet (the rules refuse a score the criterion does not allow)."""
        try:
            return score_sheet(self.SHEET, self.item_scores(), self.threshold_row())
        except FormDataInvalid as exc:
            raise_as_validation_error(exc, type(self).__name__, {"items": "items"}, self.items)

    @model_validator(mode="after")
    def _scores_and_category(self) -> PortfolioEvaluation:
        sheet = PORTFOLIO_SHEETS[self.SHEET]
        if self.declared_category not in sheet.categories:
            raise ValidationError.from_exception_data(
                type(self).__name__,
                [
                    InitErrorDetails(
                        type=PydanticCustomError(
                            "category_not_on_sheet",
                            "this sheet evaluates for {allowed}",
                            {
                                "allowed": ", ".join(c.value for c in sheet.categories),
                                "paragraph": sheet.paragraph,
                            },
                        ),
                        loc=("declared_category",),
                        input=self.declared_category.value,
                    )
                ],
            )
        row = self.threshold_row()
        if "variant" in self.model_fields_set and self.variant != row:
            raise ValidationError.from_exception_data(
                type(self).__name__,
                [
                    InitErrorDetails(
                        type=PydanticCustomError(
                            "variant_not_the_persons",
                            "the threshold row follows from the position and the organisation "
                            "type: this person's row is {row}",
                            {"row": row, "paragraph": sheet.paragraph},
                        ),
                        loc=("variant",),
                        input=self.variant,
                    )
                ],
            )
        self.result()
        return self


def recommended(case: PortfolioEvaluation) -> tuple[bool, Category | None]:
    """Whether the total reaches the declared category, and the category the sheet
    recommends: the declared one when reached (a sheet never awards above what was
    asked), else the highest one reached, or none (re-attestation)."""
    result = case.result()
    if result.matches(case.declared_category):
        return True, case.declared_category
    return False, result.recommended_category


def _points_cells(crit: Criterion) -> list[str]:
    top = max(p for p in crit.points if p is not None)
    cells = ["–" if p is None else str(p) for p in crit.points]
    if crit.cap > top:
        last = max(i for i, p in enumerate(crit.points) if p == top)
        cells[last] = f"{top} ({crit.cap})"
    return cells


def _label(kk: str | None, lang: str) -> str:
    if kk is None:
        return ""
    return kk if lang == "kk" else VARIANT_LABELS_RU[kk]


def portfolio_view(case: PortfolioEvaluation, lang: str) -> dict[str, Any]:
    """Rows, points, the total and its threshold rows, and the recommendation."""
    sheet = PORTFOLIO_SHEETS[case.SHEET]
    result = case.result()
    variant = sheet.variants[case.threshold_row()]
    scores = case.item_scores()
    sections: list[dict[str, Any]] = []
    for crit in sheet.criteria:
        number_ = crit.id.split(".")[0]
        if not sections or sections[-1]["number"] != number_:
            kk, ru = SECTIONS[sheet.id][number_]
            sections.append({"number": number_, "title": kk if lang == "kk" else ru, "rows": []})
        excluded = (
            variant.excluded is not None and crit.id in variant.excluded
        ) or crit.id in case.not_applicable()
        sections[-1]["rows"].append(
            {
                "id": crit.id,
                "text": crit.kk if lang == "kk" else CRITERIA_RU[crit.kk],
                "note": case.item_note(crit.id, lang),
                "points": _points_cells(crit),
                "score": "—" if excluded else number(scores.get(crit.id, Decimal(0)), lang),
            }
        )
    threshold_rows = [
        {
            "label": _label(v.kk, lang),
            "cells": [*(str(t) for t in v.thresholds[:-1]), f"{v.thresholds[-1]} ({v.max_total})"],
            "total": number(result.total, lang) if key == case.threshold_row() else None,
        }
        for key, v in sheet.variants.items()
    ]
    matches, category = recommended(case)
    view = {
        "categories": [capitalised(category_name(c, lang)) for c in sheet.categories],
        "sections": sections,
        "threshold_rows": threshold_rows,
        "total": number(result.total, lang),
        "sum": number(result.item_sum if result.item_sum is not None else result.total, lang),
        "max_total": str(result.max_total),
        "declared_category": category_name(case.declared_category, lang),
        "matches_declared": matches,
        "recommended": None if category is None else category_name(category, lang),
        "date": date_parts(case.evaluation_date, lang),
    }
    return decorate(view, sheet.id, lang)


def portfolio_summary(case: PortfolioEvaluation) -> dict[str, Any]:
    """Total, maximum and the recommended category, for the API and the public page."""
    result = case.result()
    matches, category = recommended(case)
    total = result.total
    return {
        "total": int(total) if total == total.to_integral_value() else float(total),
        "max_total": result.max_total,
        "declared_category": case.declared_category.value,
        "matches_declared": matches,
        "recommended_category": None if category is None else category.value,
        "recommended_category_kk": None if category is None else category_name(category, "kk"),
        "recommended_category_ru": None if category is None else category_name(category, "ru"),
        "variant": case.threshold_row(),
    }


_NOT_PRINTED = {
    "holder.iin": "the sheet has no IIN line; kept for the registry",
    "declared_category": "printed by its kk/ru name in the recommendation",
    "variant": "printed as the threshold row the total stands in",
    "organisation_type": "printed as the threshold row it selects",
    "role": "printed as the threshold row it selects (App. 8 item 4.2's roles)",
    "evaluator.position": "the sheet's signature line names the member, not the position",
}


def portfolio_spec(
    model: type[PortfolioEvaluation],
    *,
    id: str,
    title_kk: str,
    title_ru: str,
    source: str,
    example: Mapping[str, Any],
    not_printed: Mapping[str, str] | None = None,
    rules: tuple[Callable[[Any], None], ...] = (),
) -> FormSpec:
    """The spec of one portfolio sheet; every sheet is signed by the commission member."""
    assert id == model.SHEET, "the model scores the sheet the spec names"
    sheet = PORTFOLIO_SHEETS[id]
    return FormSpec(
        id=id,
        decisive="evaluation_date",
        seed_lines=SEED_LINES[id],
        deviations=DEVIATIONS[id],
        title_kk=title_kk,
        title_ru=title_ru,
        source=source,
        model=model,
        example=example,
        signing=SigningMode.EVALUATOR,
        signature_roles=(EVALUATOR,),
        holder_name=lambda c: c.holder.full_name,
        view=portfolio_view,
        summary=portfolio_summary,
        not_printed={**_NOT_PRINTED, **(not_printed or {})},
        rules=rules,
        extra={
            "thresholds": {
                key: dict(zip((c.value for c in sheet.categories), v.thresholds, strict=True))
                for key, v in sheet.variants.items()
            },
            "max_total": {key: v.max_total for key, v in sheet.variants.items()},
        },
    )


Role42 = Literal[
    "mentor",
    "organiser",
    "psychologist",
    "social-pedagogue",
    "special-needs-teacher",
    "head-of-department",
    "methodist",
]
"""The roles App. 8 item 4.2 names; their threshold row is 67 / 82 / 110 / 130 (144)."""


class TeacherPortfolioEvaluation(PortfolioEvaluation):
    """«Педагог материалдарын бағалау парағы (портфолио)» (seed 002 App. 8, sheet 1)."""

    SHEET: ClassVar[str] = "portfolio-evaluation-teacher"

    variant: Literal["default", "roles-4.2"] = Field(
        default="default",
        description="default: teachers; roles-4.2: the roles item 4.2 lists (item 1.1 does "
        "not apply); derived from ``role``",
    )
    role: Role42 | None = Field(
        default=None,
        description="One of the roles App. 8 item 4.2 lists, when the person holds it "
        "(тәлімгер, ұйымдастырушы педагог, педагог-психолог, психолог, әлеуметтік педагог, "
        "мүмкіндігі шектеулі балалармен жұмыс істейтін педагог, бөлім меңгерушісі, әдіскер)",
    )

    def threshold_row(self) -> str:
        return "roles-4.2" if self.role is not None else "default"

    observation_totals: list[Points] = Field(
        max_length=100, description="Totals of the lesson observation sheets (item 1.2, ≥ 5)"
    )

    def _mean(self) -> Decimal:
        try:
            mean = lesson_quality_mean(self.observation_totals)
        except FormDataInvalid as exc:
            raise_as_validation_error(
                exc, type(self).__name__, {"observations": "observation_totals"}, None
            )
        # printed to hundredths, and the total adds what is printed
        return mean.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)

    def item_scores(self) -> dict[str, Decimal]:
        return {**super().item_scores(), "1.2": self._mean()}

    def item_note(self, item: str, lang: str) -> str | None:
        if item != "1.2":
            return None
        totals = "; ".join(str(t) for t in self.observation_totals)
        mean = number(self._mean(), lang)
        if lang == "kk":
            return f"Бақылау парақтары ({len(self.observation_totals)}): {totals}; орташа {mean}"
        return f"Листы наблюдения ({len(self.observation_totals)}): {totals}; среднее {mean}"

    @model_validator(mode="before")
    @classmethod
    def _mean_not_given(cls, data: Any) -> Any:
        if isinstance(data, Mapping) and "1.2" in (data.get("items") or {}):
            raise ValidationError.from_exception_data(
                cls.__name__,
                [
                    InitErrorDetails(
                        type=PydanticCustomError(
                            "score_derived_item",
                            "item 1.2 is the mean of the observation sheets; give "
                            "observation_totals instead",
                            {"paragraph": "seed 002 App. 8 item 1.2, note 1"},
                        ),
                        loc=("items", "1.2"),
                        input=data["items"]["1.2"],
                    )
                ],
            )
        return data


TEACHER_SHEET = portfolio_spec(
    TeacherPortfolioEvaluation,
    id="portfolio-evaluation-teacher",
    title_kk="Педагог материалдарын бағалау парағы (портфолио)",
    title_ru="Лист оценивания портфолио педагога",
    source="seed 002, App. 8 (sheet 1) and its notes",
    not_printed={"observation_totals": "printed in item 1.2's row with their mean"},
    example={
        "holder": {"full_name": "Сәрсенова Динара Ерланқызы", "iin": "850312410006"},
        "position": "Математика пәнінің мұғалімі",
        "organisation": "Қарағанды облысы білім басқармасының «Теміртау қаласының № 9 "
        "жалпы білім беретін мектебі» КММ",
        "declared_category": "teacher-expert",
        "items": {"1.1": 3, "2.1": 4, "2.2": 3, "3.2": 3, "3.4": 2, "3.5": 2, "4.1": 1},
        "observation_totals": [78, 84, 81, 80, 83],
        "evaluator": {"full_name": "Қасымов Нұрлан Бақытұлы", "position": "Комиссия мүшесі"},
        "evaluation_date": "2024-09-27",
    },
)


class MethodistPortfolioEvaluation(PortfolioEvaluation):
    """Portfolio of a head of department or a methodist (seed 002 App. 8, sheet 2)."""

    SHEET: ClassVar[str] = "portfolio-evaluation-methodist"

    variant: Literal["default", "cabinet-methodist"] = Field(
        default="default",
        description="default: heads of departments and methodists of education organisations; "
        "cabinet-methodist: methodists of methodical cabinets (item 2.2 does not apply); "
        "derived from ``organisation_type``",
    )

    def threshold_row(self) -> str:
        return "cabinet-methodist" if self.organisation_type == "methodical-cabinet" else "default"


METHODIST_SHEET = portfolio_spec(
    MethodistPortfolioEvaluation,
    id="portfolio-evaluation-methodist",
    title_kk="Бөлім меңгерушісінің, білім беру ұйымы әдіскерінің, әдістемелік кабинет "
    "(орталық) әдіскерінің материалдарын (портфолиосын) бағалау парағы",
    title_ru="Лист оценивания материалов (портфолио) заведующего отделением, методиста "
    "организации образования, методиста методического кабинета (центра)",
    source="seed 002, App. 8 (sheet 2) and its notes",
    example={
        "holder": {"full_name": "Әбенова Сәуле Маратқызы", "iin": "880214410009"},
        "position": "Колледждің әдіскері",
        "organisation": "Қарағанды облысы білім басқармасының «Қарағанды гуманитарлық "
        "колледжі» КМҚК",
        "declared_category": "teacher-researcher",
        "items": {
            "1.1": 6,
            "2.1": 3,
            "2.2": 3,
            "3.1": 6,
            "3.2": 4,
            "3.3": 5,
            "3.4": 3,
            "3.5": 3,
            "4.1": 3,
        },
        "evaluator": {"full_name": "Тоқтарова Гүлжан Сағынқызы"},
        "evaluation_date": "2024-10-01",
    },
)
