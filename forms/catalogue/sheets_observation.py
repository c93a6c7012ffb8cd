"""Lesson observation sheets (seed 002 App. 9): school and TVET, preschool, special education.

The rules (:data:`forms.rules.scoring_data.OBSERVATION_SHEETS`) hold how many indicators
each criterion has and the printed maximum; the criteria's wording is here, kk from the
seed and ru in the official terminology, every indicator printed with its level cell
(:mod:`forms.catalogue.sheets_observation_indicators`). Each indicator scores 0–3
("деңгейі"); the case gives the observer's points per criterion (``items``), or the level of
each indicator (``levels``), or both (then they must agree).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, ClassVar, Literal

from pydantic import Field, model_validator

from forms.catalogue.seeds import DEVIATIONS, SEED_LINES
from forms.catalogue.sheets_common import (
    OBSERVER,
    TEACHER_ACQUAINTED,
    Points,
    category_name,
    number,
    raise_as_validation_error,
)
from forms.catalogue.sheets_observation_indicators import INDICATORS, REFLECTION
from forms.catalogue.sheets_observation_texts import CRITERIA, SECTIONS
from forms.dates import date_parts
from forms.errors import FormDataInvalid
from forms.rules.categories import Category
from forms.rules.scoring import ScoreResult, observation_criteria, score_observation
from forms.rules.scoring_data import OBSERVATION_LEVEL_MAX, OBSERVATION_SHEETS
from forms.spec import FormSpec, SigningMode
from forms.types import CaseModel, LongText, Name, OrgName, Person, ShortText

__all__ = ["PRESCHOOL_OBSERVATION", "SCHOOL_OBSERVATION", "SPECIAL_OBSERVATION"]


class Observer(CaseModel):
    """Бақылаушы: who observed the lesson."""

    full_name: Name = Field(description="Бақылаушының Т.А.Ә. (бар болған жағдайда)")
    position: ShortText = Field(description="Лауазымы")


class LessonObservation(CaseModel):
    """An observer's sheet on one lesson (organised activity, event)."""

    SHEET: ClassVar[str] = ""

    teacher: Person
    teacher_position: ShortText = Field(description="Педагогтің лауазымы")
    teacher_category: Category | None = Field(
        default=None, description="Педагогтің біліктілік санаты (none if the teacher has none)"
    )
    observer: Observer
    subject: ShortText = Field(description="Пән (ұйымдастырылған қызмет) / сабақ")
    organisation: OrgName = Field(description="Білім беру ұйымы")
    observation_date: date = Field(description="Бақылау күні")
    group: ShortText = Field(description="Сынып (топ, жеке оқыту) / білім алушы")
    items: dict[str, Points] = Field(
        max_length=20, description="The observer's points by criterion number; missing = 0"
    )
    levels: dict[str, Annotated[list[Points], Field(max_length=10)]] = Field(
        default_factory=dict,
        max_length=20,
        description="The level (0–3) of each indicator, by criterion number, in the sheet's "
        "order; a criterion given here scores the sum (and must agree with items if in both)",
    )
    recommendations: LongText | None = Field(default=None, description="Ұсыныстар")

    def criteria(self) -> dict[str, int]:
        """Points by criterion: ``items`` merged with the sums of ``levels``."""
        try:
            merged = observation_criteria(self.SHEET, self.items, self.levels)
        except FormDataInvalid as exc:
            raise_as_validation_error(exc, type(self).__name__, {"levels": "levels"}, self.levels)
        return {k: int(v) for k, v in merged.items()}

    def result(self) -> ScoreResult:
        """The scored sheet (the rules refuse points a criterion does not allow)."""
        criteria = self.criteria()
        try:
            return score_observation(self.SHEET, criteria)
        except FormDataInvalid as exc:
            raise_as_validation_error(exc, type(self).__name__, {"items": "items"}, criteria)

    @model_validator(mode="after")
    def _scores(self) -> LessonObservation:
        self.result()
        return self


class SchoolObservation(LessonObservation):
    """Secondary and TVET teacher's lesson."""

    SHEET: ClassVar[str] = "lesson-observation-school"

    learning_objectives: LongText = Field(
        description="Оқыту мақсаттары (үлгілік оқу бағдарламасына / МЖМБС сәйкес)"
    )
    topic: LongText = Field(description="Сабақтың тақырыбы, мақсаттары")


class PreschoolObservation(LessonObservation):
    """Preschool (and pre-school class) teacher's organised activity."""

    SHEET: ClassVar[str] = "lesson-observation-preschool"

    content: LongText = Field(
        description="Үлгілік оқу бағдарламасы негізінде ұйымдастырылған қызметтің мазмұны"
    )
    aims: LongText = Field(description="Ұйымдастырылған қызметтің мақсаттары")


OrganisationForm = Literal["individual", "subgroup", "group"]
_FORMS: dict[str, tuple[str, str]] = {
    "individual": ("жеке", "индивидуальная"),
    "subgroup": ("кіші топтық", "подгрупповая"),
    "group": ("топтық", "групповая"),
}


class SpecialObservation(LessonObservation):
    """Special teacher's lesson (for children with special educational needs)."""

    SHEET: ClassVar[str] = "lesson-observation-special"

    organisation_form: OrganisationForm = Field(
        description="Ұйымдастыру түрі: individual (жеке), subgroup (кіші топтық), group (топтық)"
    )
    age: ShortText = Field(description="Жасы")
    content: LongText = Field(description="Түзету компоненті негізіндегі сабақтың мазмұны")
    aims: LongText = Field(description="Сабақтың мақсаттары (міндеттері)")


_ROMAN = {"1": "I.", "2": "II.", "3": "III", "4": "IV"}
"""The school sheet numbers its sections in Roman numerals (as the seed prints them)."""


def observation_view(case: LessonObservation, lang: str) -> dict[str, Any]:
    """Criteria rows, each followed by its indicators with their levels, the total and the
    printed maximum. A single-indicator criterion (4.1, 4.2) is one row with its level."""
    sheet = OBSERVATION_SHEETS[case.SHEET]
    result = case.result()
    points = case.criteria()
    pick = 0 if lang == "kk" else 1
    sections: list[dict[str, Any]] = []
    for item, count in sorted(sheet.indicators.items()):
        number_ = item.split(".")[0]
        if not sections or sections[-1]["key"] != number_:
            title = SECTIONS[sheet.id][number_][pick]
            shown = _ROMAN[number_] if sheet.id == "lesson-observation-school" else number_ + "."
            sections.append({"key": number_, "number": shown, "title": title, "rows": []})
            if number_ == "4":
                sections[-1]["subtitle"] = REFLECTION[sheet.id][pick]
        levels = case.levels.get(item)
        indicators = [
            {"text": text[pick], "level": "" if levels is None else str(levels[i])}
            for i, text in enumerate(INDICATORS[sheet.id].get(item, ()))
        ]
        sections[-1]["rows"].append(
            {
                "id": item,
                "text": CRITERIA[sheet.id][item][pick],
                "indicators": indicators,
                "count": str(count),
                "max": str(count * OBSERVATION_LEVEL_MAX),
                "score": str(points.get(item, 0)),
            }
        )
    view: dict[str, Any] = {
        "sections": sections,
        "total": number(result.total, lang),
        "sum": number(result.item_sum if result.item_sum is not None else result.total, lang),
        "max_total": str(result.max_total),
        "teacher_category": None
        if case.teacher_category is None
        else category_name(case.teacher_category, lang),
        "date": date_parts(case.observation_date, lang),
    }
    if isinstance(case, SpecialObservation):
        kk, ru = _FORMS[case.organisation_form]
        view["organisation_form"] = kk if lang == "kk" else ru
    return view


def observation_summary(case: LessonObservation) -> dict[str, Any]:
    """The total and the maximum, for the API and for App. 8 item 1.2's mean."""
    result = case.result()
    return {
        "total": int(result.total),
        "max_total": result.max_total,
        "subject": case.subject,
        "observation_date": case.observation_date.isoformat(),
    }


def _spec(
    model: type[LessonObservation],
    *,
    title_kk: str,
    title_ru: str,
    source: str,
    example: dict[str, Any],
    not_printed: dict[str, str] | None = None,
) -> FormSpec:
    return FormSpec(
        id=model.SHEET,
        decisive="observation_date",
        seed_lines=SEED_LINES[model.SHEET],
        deviations=DEVIATIONS[model.SHEET],
        title_kk=title_kk,
        title_ru=title_ru,
        source=source,
        model=model,
        example=example,
        signing=SigningMode.EVALUATOR,
        signature_roles=(OBSERVER, TEACHER_ACQUAINTED),
        holder_name=lambda c: c.teacher.full_name,
        view=observation_view,
        summary=observation_summary,
        not_printed={
            "teacher.iin": "App. 9 has no IIN line; kept for the registry",
            "teacher_category": "printed by its kk/ru name",
            **(not_printed or {}),
        },
    )


SCHOOL_OBSERVATION = _spec(
    SchoolObservation,
    title_kk="Орта, техникалық және кәсіптік білім беру ұйымы педагогінің сабағын (оқу "
    "сабақтарын, ұйымдастырылған қызметін, іс-шарасын) бақылау парағы",
    title_ru="Лист наблюдения урока (учебного занятия, организованной деятельности, "
    "мероприятия) педагога организации среднего, технического и профессионального образования",
    source="seed 002, App. 9 (sheet 1)",
    example={
        "teacher": {"full_name": "Ахметова Жанар Төлеубайқызы", "iin": "881216410002"},
        "teacher_position": "Математика пәнінің мұғалімі",
        "teacher_category": "teacher-moderator",
        "observer": {
            "full_name": "Бекболатов Арман Ғалымжанұлы",
            "position": "Директордың оқу ісі жөніндегі орынбасары",
        },
        "subject": "Алгебра",
        "organisation": "Қарағанды облысы білім басқармасының «Қарағанды қаласының № 61 жалпы "
        "білім беретін мектебі» КММ",
        "observation_date": "2024-09-04",
        "group": "8 «Ә» сыныбы",
        "learning_objectives": "8.2.2.1 квадрат теңдеуді шешу үшін дискриминант формуласын қолдану",
        "topic": "Квадрат теңдеудің түбірлерінің формуласы; білім алушылар дискриминант арқылы "
        "квадрат теңдеулерді шешеді",
        "levels": {"1.1": [3, 3], "1.2": [3, 3, 2, 2], "4.1": [2]},
        "items": {
            "1.1": 6,
            "1.2": 10,
            "1.3": 9,
            "2.1": 7,
            "2.2": 5,
            "2.3": 10,
            "2.4": 8,
            "2.5": 5,
            "2.6": 5,
            "3.1": 13,
            "4.1": 2,
            "4.2": 2,
        },
        "recommendations": "Саралау тапсырмаларын оқу нәтижелері төмен білім алушыларға "
        "бейімдеу; рефлексияға көбірек уақыт бөлу.",
    },
)

PRESCHOOL_OBSERVATION = _spec(
    PreschoolObservation,
    title_kk="Мектепке дейінгі ұйым мен жалпы білім беретін мектеп, лицей және гимназияның "
    "мектеп алды сыныптары педагогінің ұйымдастырылған қызметін бақылау парағы",
    title_ru="Лист наблюдения организованной деятельности педагога дошкольной организации и "
    "предшкольных классов общеобразовательной школы, лицея и гимназии",
    source="seed 002, App. 9 (sheet 2)",
    example={
        "teacher": {"full_name": "Серікбаева Айгерім Нұрлыбекқызы", "iin": "930901410005"},
        "teacher_position": "Тәрбиеші",
        "teacher_category": "teacher",
        "observer": {
            "full_name": "Қалиева Бақытгүл Ерғалиқызы",
            "position": "Әдіскер",
        },
        "subject": "Сөйлеуді дамыту",
        "organisation": "Қарағанды облысы білім басқармасының Теміртау қаласы «Айгөлек» "
        "бөбекжай-бақшасы» КМҚК",
        "observation_date": "2024-09-18",
        "group": "«Күншуақ» ересек тобы",
        "content": "«Алтын күз» тақырыбында әңгіме құрастыру, күз белгілері туралы сөздік "
        "қорды байыту",
        "aims": "Балалардың байланыстырып сөйлеу дағдыларын дамыту, табиғатқа қамқорлықпен "
        "қарауға тәрбиелеу",
        "items": {
            "1.1": 5,
            "1.2": 9,
            "1.3": 10,
            "2.1": 9,
            "2.2": 4,
            "2.3": 9,
            "2.4": 7,
            "2.5": 7,
            "2.6": 5,
            "3.1": 9,
            "4.1": 2,
            "4.2": 2,
        },
        "recommendations": "Цифрлық ресурстарды ата-аналармен бірлескен жұмысқа көбірек пайдалану.",
    },
)

SPECIAL_OBSERVATION = _spec(
    SpecialObservation,
    title_kk="Білім беру ұйымдарының арнайы педагогтері сабақтарын (ұйымдастырылған қызметті, "
    "іс-шараны) бақылау парағы",
    title_ru="Лист наблюдения занятий (организованной деятельности, мероприятия) специальных "
    "педагогов организаций образования",
    source="seed 002, App. 9 (sheet 3)",
    not_printed={"organisation_form": "printed by its kk/ru name"},
    example={
        "teacher": {"full_name": "Ғабдуллина Меруерт Асқарқызы", "iin": "891205410004"},
        "teacher_position": "Логопед мұғалім",
        "teacher_category": "teacher-expert",
        "observer": {
            "full_name": "Жүнісова Раушан Болатқызы",
            "position": "Психологиялық-педагогикалық қолдау кабинетінің меңгерушісі",
        },
        "subject": "Дыбыстарды дұрыс айтуға үйрету",
        "organisation_form": "individual",
        "age": "7 жас",
        "organisation": "Қарағанды облысы білім басқармасының «Қарағанды қаласының "
        "№ 3 арнайы мектеп-интернаты» КММ",
        "observation_date": "2024-09-25",
        "group": "1 «А» сыныбының оқушысы",
        "content": "[Р] дыбысын буында және сөзде автоматтандыру",
        "aims": "[Р] дыбысын буындарда дұрыс айтуды бекіту; фонематикалық естуді дамыту",
        "items": {
            "1.1": 5,
            "1.2": 9,
            "1.3": 9,
            "2.1": 10,
            "2.2": 4,
            "2.3": 9,
            "2.4": 9,
            "2.5": 5,
            "2.6": 4,
            "3.1": 12,
            "4.1": 2,
            "4.2": 2,
        },
    },
)
