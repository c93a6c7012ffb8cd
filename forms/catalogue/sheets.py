"""Evaluation sheets: portfolio (seed 002 App. 8, App. 11), lesson observation (App. 9) and
the course's final project (seed 001 §8).

Every sheet shows its arithmetic: the case gives the points per item, the model validator
has the rules (:mod:`forms.rules.scoring`) total them and refuse what a criterion does not
allow, and the view hands the template the total, the maximum and the thresholds.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import Field, model_validator

from forms.catalogue.seeds import DEVIATIONS, SEED_LINES
from forms.catalogue.sheets_common import Evaluator, Points, number, raise_as_validation_error
from forms.catalogue.sheets_heads import (
    CABINET_DEPUTY_SHEET,
    CABINET_HEAD_SHEET,
    DEPUTY_SHEET,
    HEAD_SHEET,
)
from forms.catalogue.sheets_observation import (
    PRESCHOOL_OBSERVATION,
    SCHOOL_OBSERVATION,
    SPECIAL_OBSERVATION,
)
from forms.catalogue.sheets_portfolio import METHODIST_SHEET, TEACHER_SHEET
from forms.dates import date_parts
from forms.errors import FormDataInvalid
from forms.rulebooks import KEMEL_COURSE_2026
from forms.rules.scoring import ScoreResult, score_final_project
from forms.rules.scoring_data import FINAL_PROJECT_CRITERIA, FINAL_PROJECT_CRITERION_MAX
from forms.spec import FormSpec, SignatureRole, SigningMode
from forms.types import CaseModel, LongText, OrgName, Person

__all__ = ["FINAL_PROJECT", "FINAL_PROJECT_CRITERIA_RU", "FORMS"]

FINAL_PROJECT_CRITERIA_RU: dict[str, str] = {
    "relevance": "Актуальность и соответствие профессиональной сфере",
    "practical-value": "Практическая значимость и возможность реализации",
    "structure": "Логичность структуры, полнота, нормативная корректность",
    "methodology": "Методическая грамотность, использование образцов (шаблонов)",
    "creativity": "Креативность, педагогическая гибкость, уникальность",
}
"""Russian wording of seed 001 §8's criteria, by the rules' criterion id."""


class FinalProjectEvaluation(CaseModel):
    """The evaluation of a listener's final project (seed 001 §8)."""

    listener: Person = Field(description="Тыңдаушы / слушатель")
    training_organisation: OrgName = Field(description="The organisation running the course")
    course_title: LongText = Field(description="Біліктілікті арттыру курсының атауы")
    project_title: LongText = Field(description="Қорытынды жобаның тақырыбы")
    items: dict[str, Points] = Field(
        max_length=10,
        description="Points per criterion (0–10): " + ", ".join(FINAL_PROJECT_CRITERIA),
    )
    evaluator: Evaluator
    evaluation_date: date

    def result(self) -> ScoreResult:
        """The scored project; every criterion must be scored."""
        try:
            return score_final_project(self.items)
        except FormDataInvalid as exc:
            raise_as_validation_error(exc, type(self).__name__, {"items": "items"}, self.items)

    @model_validator(mode="after")
    def _scores(self) -> FinalProjectEvaluation:
        self.result()
        return self


def _final_project_view(case: FinalProjectEvaluation, lang: str) -> dict[str, Any]:
    result = case.result()
    return {
        "rows": [
            {
                "text": kk if lang == "kk" else FINAL_PROJECT_CRITERIA_RU[key],
                "max": str(FINAL_PROJECT_CRITERION_MAX),
                "score": str(case.items[key]),
            }
            for key, kk in FINAL_PROJECT_CRITERIA.items()
        ],
        "total": number(result.total, lang),
        "max_total": str(result.max_total),
        "date": date_parts(case.evaluation_date, lang),
    }


FINAL_PROJECT = FormSpec(
    id="course-final-project-evaluation",
    decisive="evaluation_date",
    seed_lines=SEED_LINES["course-final-project-evaluation"],
    deviations=DEVIATIONS["course-final-project-evaluation"],
    rulebook=KEMEL_COURSE_2026,
    title_kk="Қорытынды жобаны бағалау критерийлері",
    title_ru="Критерии оценивания итогового проекта",
    source="seed 001, §8",
    model=FinalProjectEvaluation,
    signing=SigningMode.EVALUATOR,
    signature_roles=(SignatureRole("evaluator", "Бағалаушы", "Оценивающий"),),
    holder_name=lambda c: c.listener.full_name,
    view=_final_project_view,
    summary=lambda c: {
        "total": int(c.result().total),
        "max_total": c.result().max_total,
        "course_title": c.course_title,
        "training_organisation": c.training_organisation,
    },
    not_printed={
        "listener.iin": "the sheet has no IIN line; kept for the registry",
        "evaluator.position": "printed only as the signature line's role",
    },
    example={
        "listener": {"full_name": "Төлеген Асель Мұратқызы", "iin": "900421410000"},
        "training_organisation": "«Кемел кәсіби даму орталығы» ЖШС",
        "course_title": "Педагогтерді аттестаттауға даярлау: біліктілік талаптарына сәйкес "
        "кәсіби құзыреттер, педагогикалық қызмет және даму",
        "project_title": "Бастауыш сыныптарда функционалдық сауаттылықты дамытуға арналған "
        "сабақтар топтамасы",
        "items": {
            "relevance": 9,
            "practical-value": 8,
            "structure": 8,
            "methodology": 9,
            "creativity": 7,
        },
        "evaluator": {"full_name": "Исабекова Салтанат Жеңісқызы", "position": "Курс тренері"},
        "evaluation_date": "2026-02-13",
    },
)

FORMS: tuple[FormSpec, ...] = (
    TEACHER_SHEET,
    METHODIST_SHEET,
    SCHOOL_OBSERVATION,
    PRESCHOOL_OBSERVATION,
    SPECIAL_OBSERVATION,
    HEAD_SHEET,
    CABINET_HEAD_SHEET,
    DEPUTY_SHEET,
    CABINET_DEPUTY_SHEET,
    FINAL_PROJECT,
)
"""The ten evaluation sheets, in the order of the seeds."""
