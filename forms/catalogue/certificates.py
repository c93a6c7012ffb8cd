"""Certificates: the qualification-category certificate (seed 002, App. 1) and the course
certificate with its supplement (seed 004, Прил. 1–2)."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import Field, model_validator
from pydantic_core import PydanticCustomError

from forms.catalogue.categories import AWARDABLE, CATEGORIES
from forms.catalogue.seeds import DEVIATIONS, SEED_LINES
from forms.dates import date_parts
from forms.errors import FormDataInvalid
from forms.rulebooks import ZIAT_COURSES_2025
from forms.rules.categories import Category
from forms.rules.validity import (
    course_certificate_valid_until,
    course_outcome,
    qualification_valid_until,
)
from forms.spec import FormSpec, SigningMode
from forms.types import Bin, CaseModel, LongText, Name, OrgName, Person, ShortText

__all__ = ["COURSE_CERTIFICATE", "COURSE_SUPPLEMENT", "QUALIFICATION_CERTIFICATE"]


class Organisation(CaseModel):
    """The issuing organisation or education authority."""

    name: OrgName = Field(description="Full name (толық атауы)")
    bin: Bin | None = None


class Head(CaseModel):
    """The head who signs (тегі, аты, әкесінің аты (бар болған жағдайда))."""

    full_name: Name
    position: ShortText | None = None


class Order(CaseModel):
    """The attesting body's order awarding or confirming the category (seed 002 §12)."""

    number: ShortText
    date: date
    body: OrgName | None = Field(
        default=None,
        description="The attesting body that issued the order (§12), when it is not the "
        "organisation issuing the certificate; the certificate prints it in the line of "
        "«білім беру ұйымының немесе білім басқармасы органының толық атауы»",
    )


class QualificationCertificate(CaseModel):
    """Data of «Біліктілік санатын беру (растау) туралы куәлік» (seed 002, App. 1)."""

    holder: Person
    position: ShortText = Field(description="Лауазымның атауы / наименование должности")
    category: Category = Field(description="The category awarded or confirmed")
    decision: Literal["awarded", "confirmed"] = Field(
        description="awarded (берілді / присвоена) or confirmed (расталды / подтверждена)"
    )
    commission_decision_date: date
    organisation: Organisation
    order: Order
    head: Head
    registration_number: ShortText
    issue_date: date

    @model_validator(mode="after")
    def _dates_in_order(self) -> QualificationCertificate:
        if self.category not in AWARDABLE:
            raise PydanticCustomError(
                "category_not_awardable",
                "{category} is a former category; a certificate names the category it maps to",
                {"category": self.category.value, "paragraph": "seed 002 §32, §48"},
            )
        if self.order.date < self.commission_decision_date:
            raise PydanticCustomError(
                "order_before_decision",
                "the order cannot precede the commission decision it rests on",
                {"paragraph": "seed 002 §12"},
            )
        if self.issue_date < self.order.date:
            raise PydanticCustomError(
                "issued_before_order",
                "the certificate cannot be issued before the order",
                {"paragraph": "seed 002 §12"},
            )
        return self


def _qualification_valid_until(case: QualificationCertificate) -> date:
    return qualification_valid_until(case.category, case.commission_decision_date)


def _qualification_view(case: QualificationCertificate, lang: str) -> dict[str, Any]:
    kk, ru, _ = CATEGORIES[case.category]
    return {
        "category": kk if lang == "kk" else ru,
        "decision_date": date_parts(case.commission_decision_date, lang),
        "order_body": case.order.body or case.organisation.name,
        "order_date": date_parts(case.order.date, lang),
        "valid_until": date_parts(_qualification_valid_until(case), lang),
        "issue_date": date_parts(case.issue_date, lang),
    }


QUALIFICATION_CERTIFICATE = FormSpec(
    id="qualification-certificate",
    decisive="commission_decision_date",
    seed_lines=SEED_LINES["qualification-certificate"],
    deviations=DEVIATIONS["qualification-certificate"],
    title_kk="Біліктілік санатын беру (растау) туралы куәлік",
    title_ru="Удостоверение о присвоении (подтверждении) квалификационной категории",
    source="seed 002, App. 1",
    model=QualificationCertificate,
    signing=SigningMode.ISSUER,
    holder_name=lambda c: c.holder.full_name,
    valid_until=_qualification_valid_until,
    not_printed={
        "holder.iin": "App. 1 has no IIN line; kept for the registry and consistency checks",
        "organisation.bin": "App. 1 has no BIN line",
        "head.position": "App. 1 names the head's role in its fixed wording",
        "category": "printed by its kk/ru name",
        "decision": "printed as берілді/расталды (присвоена/подтверждена)",
    },
    view=_qualification_view,
    summary=lambda c: {
        "category": c.category,
        "category_kk": CATEGORIES[c.category][0],
        "category_ru": CATEGORIES[c.category][1],
        "organisation": c.organisation.name,
        "order_body": c.order.body or c.organisation.name,
        "position": c.position,
        "registration_number": c.registration_number,
        "iin": c.holder.iin,
    },
    example={
        "holder": {"full_name": "Сәрсенбаева Гүлнұр Жұмабайқызы", "iin": "871008401427"},
        "position": "Қазақ тілі мен әдебиеті пәнінің мұғалімі",
        "category": "teacher-expert",
        "decision": "awarded",
        "commission_decision_date": "2024-11-22",
        "organisation": {
            "name": "Қарағанды облысы білім басқармасының «Қарағанды қаласының № 12 "
            "жалпы білім беретін мектебі» КММ",
            "bin": "940140000385",
        },
        "order": {
            "number": "241-Ж",
            "date": "2024-11-27",
            "body": "«Қарағанды облысы білім басқармасының Қарағанды қаласы бойынша білім "
            "бөлімі» ММ",
        },
        "head": {"full_name": "Омарова Айгүл Серікқызы", "position": "Директор"},
        "registration_number": "КРГ-2024-000417",
        "issue_date": "2024-11-29",
    },
)


class CourseResult(CaseModel):
    """The final assessment (итоговое оценивание, seed 004 §3.6–§3.7)."""

    score: float = Field(ge=0)
    max_score: float = Field(gt=0)


def check_course_dates(start: date, end: date, issued: date) -> None:
    """A course ends after it starts; its certificate or note is issued after it ends."""
    if end < start:
        raise PydanticCustomError(
            "course_dates_reversed", "the course cannot end before it starts", {}
        )
    if issued < end:
        raise PydanticCustomError(
            "issued_before_course_end", "the document is issued after the course ends", {}
        )


def course_result_outcome(result: CourseResult) -> str:
    """``certificate`` or ``attendance-note`` for a final result (seed 004 §3.6, §3.9)."""
    try:
        return course_outcome(result.score, result.max_score, field="score")
    except FormDataInvalid as exc:
        d = exc.details[0]
        raise PydanticCustomError(d.rule, d.message, {"paragraph": d.paragraph}) from None


class CourseCertificate(CaseModel):
    """Data of the course «СЕРТИФИКАТ» (seed 004, Прил. 1)."""

    organisation: Organisation
    holder: Person
    course_title: LongText = Field(description="Наименование программы курса")
    hours: int = Field(ge=36, le=2000, description="Academic hours (seed 004 §3.5: at least 36)")
    start_date: date
    end_date: date
    result: CourseResult
    head: Head
    registration_number: ShortText
    issue_date: date

    @model_validator(mode="after")
    def _passes_and_dates(self) -> CourseCertificate:
        check_course_dates(self.start_date, self.end_date, self.issue_date)
        if course_result_outcome(self.result) != "certificate":
            raise PydanticCustomError(
                "course_not_passed",
                "a certificate needs at least 50 % of the maximum in the final assessment; "
                "issue a course-attendance-note instead",
                {"paragraph": "seed 004 §3.6, §3.9"},
            )
        return self


def _course_valid_until(case: CourseCertificate) -> date:
    return course_certificate_valid_until(case.issue_date)


def _course_view(case: CourseCertificate, lang: str) -> dict[str, Any]:
    return {
        "start_date": date_parts(case.start_date, lang),
        "end_date": date_parts(case.end_date, lang),
        "issue_date": date_parts(case.issue_date, lang),
        "valid_until": date_parts(_course_valid_until(case), lang),
    }


COURSE_CERTIFICATE = FormSpec(
    id="course-certificate",
    decisive="issue_date",
    seed_lines=SEED_LINES["course-certificate"],
    deviations=DEVIATIONS["course-certificate"],
    rulebook=ZIAT_COURSES_2025,
    title_kk="Біліктілікті арттыру курсы туралы сертификат",
    title_ru="Сертификат о прохождении курса повышения квалификации",
    source="seed 004, Прил. 1; §3.7–§3.8",
    model=CourseCertificate,
    signing=SigningMode.ISSUER,
    holder_name=lambda c: c.holder.full_name,
    valid_until=_course_valid_until,
    not_printed={
        "holder.iin": "Прил. 1 has no IIN line",
        "organisation.bin": "Прил. 1 has no BIN line",
        "head.position": "Прил. 1 names the head's role in its fixed wording",
        "result.score": "the certificate attests the pass (§3.7), not the score",
        "result.max_score": "the certificate attests the pass (§3.7), not the score",
    },
    view=_course_view,
    summary=lambda c: {
        "organisation": c.organisation.name,
        "course_title": c.course_title,
        "hours": c.hours,
        "registration_number": c.registration_number,
        "iin": c.holder.iin,
    },
    example={
        "organisation": {"name": "ТОО «Научно-методический центр «ZIAT»", "bin": "940140000385"},
        "holder": {"full_name": "Жақсылықов Ерлан Бауыржанұлы", "iin": "760212350620"},
        "course_title": "Жаратылыстану пәндерін оқытуда зерттеушілік тәсілді қолдану",
        "hours": 80,
        "start_date": "2025-10-06",
        "end_date": "2025-10-17",
        "result": {"score": 41, "max_score": 50},
        "head": {"full_name": "Жұманова Бақыт Асқарқызы", "position": "Директор"},
        "registration_number": "ZIAT-2025-1187",
        "issue_date": "2025-10-20",
    },
)


class CourseModule(CaseModel):
    """One row of the supplement's table."""

    name: LongText = Field(description="Наименование модуля программы")
    hours: int = Field(ge=1, le=2000)
    grade: ShortText = Field(description="Оценка")


class CourseCertificateSupplement(CaseModel):
    """Data of «Приложение к сертификату» (seed 004, Прил. 2)."""

    organisation: Organisation
    holder: Person
    certificate_registration_number: ShortText
    course_title: LongText
    modules: list[CourseModule] = Field(min_length=1, max_length=200)
    head: Head
    issue_date: date


def _supplement_view(case: CourseCertificateSupplement, lang: str) -> dict[str, Any]:
    return {
        "issue_date": date_parts(case.issue_date, lang),
        "total_hours": sum(m.hours for m in case.modules),
    }


COURSE_SUPPLEMENT = FormSpec(
    id="course-certificate-supplement",
    decisive="issue_date",
    seed_lines=SEED_LINES["course-certificate-supplement"],
    deviations=DEVIATIONS["course-certificate-supplement"],
    rulebook=ZIAT_COURSES_2025,
    title_kk="Сертификатқа қосымша",
    title_ru="Приложение к сертификату",
    source="seed 004, Прил. 2",
    model=CourseCertificateSupplement,
    signing=SigningMode.ISSUER,
    holder_name=lambda c: c.holder.full_name,
    view=_supplement_view,
    not_printed={
        "holder.iin": "Прил. 2 has no IIN line",
        "organisation.bin": "Прил. 2 has no BIN line",
        "head.position": "Прил. 2 names the head's role in its fixed wording",
    },
    summary=lambda c: {
        "organisation": c.organisation.name,
        "course_title": c.course_title,
        "certificate_registration_number": c.certificate_registration_number,
        "iin": c.holder.iin,
    },
    example={
        "organisation": {"name": "ТОО «Научно-методический центр «ZIAT»", "bin": "940140000385"},
        "holder": {"full_name": "Жақсылықов Ерлан Бауыржанұлы", "iin": "760212350620"},
        "certificate_registration_number": "ZIAT-2025-1187",
        "course_title": "Жаратылыстану пәндерін оқытуда зерттеушілік тәсілді қолдану",
        "modules": [
            {
                "name": "Зерттеушілік тәсілдің теориялық негіздері",
                "hours": 16,
                "grade": "өте жақсы",
            },
            {"name": "Оқу зерттеуін жоспарлау және жүргізу", "hours": 24, "grade": "жақсы"},
            {
                "name": "Білім алушылардың зерттеу дағдыларын бағалау",
                "hours": 20,
                "grade": "өте жақсы",
            },
            {"name": "Қорытынды жоба: сабақтар топтамасы", "hours": 20, "grade": "өте жақсы"},
        ],
        "head": {"full_name": "Жұманова Бақыт Асқарқызы", "position": "Директор"},
        "issue_date": "2025-10-20",
    },
)
