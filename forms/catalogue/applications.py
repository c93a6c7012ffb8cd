"""Applications and what answers them: the teacher's and the head's application (seed 002,
App. 5, 10), the acceptance and rejection notices (App. 6, 7), the list of basic requirements
for the state service (App. 4), the course-attendance note (seed 004 §3.9) and the
methodical council's conclusion on spreading a teacher's experience (seed 003 §1.1, §2.1, §3.1).

The procedure rules (category ladder, App. 4 documents and refusal grounds) live in
:mod:`forms.rules`; the models call them and turn their errors into field errors.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from pydantic import Field, ValidationInfo, field_validator, model_validator
from pydantic_core import PydanticCustomError

from forms.catalogue.categories import CATEGORIES
from forms.catalogue.certificates import (
    CourseResult,
    Head,
    Organisation,
    check_course_dates,
    course_result_outcome,
)
from forms.catalogue.seeds import DEVIATIONS, SEED_LINES
from forms.dates import date_parts
from forms.errors import FormDataInvalid
from forms.rulebooks import TVET_DISSEMINATION_GUIDE, ZIAT_COURSES_2025
from forms.rules.applications import REFUSAL_GROUNDS, REQUIREMENTS
from forms.rules.categories import (
    Category,
    CategoryKind,
    check_requested_category,
    equivalent_category,
    kind_of,
)
from forms.spec import FormSpec, SignatureRole, SigningMode
from forms.types import CaseModel, Iin, LongText, Name, OrgName, Person, ShortText

__all__ = [
    "APPLICATION_ACCEPTED_NOTICE",
    "APPLICATION_HEAD",
    "APPLICATION_REJECTED_NOTICE",
    "APPLICATION_TEACHER",
    "COURSE_ATTENDANCE_NOTE",
    "EXPERIENCE_DISSEMINATION_CONCLUSION",
    "FORMS",
    "SERVICE_REQUIREMENTS",
]

if TYPE_CHECKING:
    RequirementId = str
    GroundId = str
else:
    RequirementId = Literal[tuple(r.id for r in REQUIREMENTS)]
    """A document of App. 4 item 8, by its id in :mod:`forms.rules.applications`."""
    GroundId = Literal[("document-missing", *REFUSAL_GROUNDS)]
    """A missing document (item 8) or a refusal ground of App. 4 items 9–10."""

_EMAIL = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
_PHONE = r"^\+?\d[\d ()-]{9,19}$"


def _rule_error(exc: FormDataInvalid) -> PydanticCustomError:
    """The first detail of a rules error as a pydantic error: rule id as type, paragraph in ctx."""
    d = exc.details[0]
    return PydanticCustomError(
        d.rule, "{message}", {"message": d.message, "paragraph": d.paragraph}
    )


def _name(code: str, lang: str) -> str:
    kk, ru, _ = CATEGORIES[code]
    return kk if lang == "kk" else ru


# --- App. 5 and App. 10: applications -------------------------------------------------------


class Applicant(CaseModel):
    """The applicant and the personal data the consent lists (App. 5, 10)."""

    full_name: Name
    iin: Iin
    email: str = Field(max_length=254, pattern=_EMAIL, description="Электрондық пошта")
    phone: str = Field(pattern=_PHONE, description="Телефон нөмірі (collected, not printed)")


class HeldCategory(CaseModel):
    """The category the applicant holds now, with its valid-until date."""

    category: Category
    valid_until: date


class Application(CaseModel):
    """Data of an application to take part in attestation (seed 002, App. 5 and App. 10).

    ``current`` precedes ``requested_category`` so the ladder check can see it.
    """

    applicant: Applicant
    position: ShortText = Field(description="Лауазымы (мамандығы)")
    workplace: OrgName = Field(description="Жұмыс орны")
    organisation: OrgName = Field(description="Білім беру ұйымының атауы")
    year: int = Field(ge=2024, le=2100, description="The year of the attestation (20__ жылы)")
    current: HeldCategory | None = Field(default=None, description="None: no category yet")
    decision: Literal["award", "confirmation"] = Field(description="беру / растау")
    requested_category: Category
    personal_data_consent: bool = Field(description="The consent printed on the form")
    signed_on: date

    kinds: ClassVar[frozenset[CategoryKind]] = frozenset({CategoryKind.TEACHER})
    """The ladders the form is for: App. 5 teachers, App. 10 heads and deputies."""

    @field_validator("requested_category")
    @classmethod
    def _category_allowed(cls, value: Category, info: ValidationInfo) -> Category:
        requested = value
        if kind_of(requested) not in cls.kinds:
            raise PydanticCustomError(
                "category_kind_mismatch",
                "this application form is not for a {kind} category",
                {"kind": kind_of(requested).value, "paragraph": "seed 002 §13, §31, §43"},
            )
        if "current" not in info.data or "decision" not in info.data:
            return value  # reported on their own fields
        held = info.data["current"]
        current = held.category if held is not None else None
        try:
            check_requested_category(current, requested, kind=kind_of(requested))
        except FormDataInvalid as exc:
            raise _rule_error(exc) from None
        # §32: a former teachers' category is not held as its equivalent, it leads to an award.
        holds_it = (
            current is not None
            and kind_of(current) != CategoryKind.LEGACY_TEACHER
            and equivalent_category(current) == requested
        )
        if info.data["decision"] == "confirmation" and not holds_it:
            raise PydanticCustomError(
                "confirmation_of_category_not_held",
                "only the category one holds can be confirmed; choose award",
                {"paragraph": "seed 002 §31, §33"},
            )
        if info.data["decision"] == "award" and holds_it:
            raise PydanticCustomError(
                "award_of_category_held",
                "the applicant already holds this category; choose confirmation",
                {"paragraph": "seed 002 §31, §33"},
            )
        return value

    @field_validator("personal_data_consent")
    @classmethod
    def _consent_given(cls, value: bool) -> bool:
        if not value:
            raise PydanticCustomError(
                "personal_data_consent_missing",
                "the application needs the consent to the processing of personal data",
                {"paragraph": "seed 002 App. 4 item 9.3; App. 5, 10"},
            )
        return value

    @model_validator(mode="after")
    def _year_follows_signing(self) -> Application:
        if self.year not in (self.signed_on.year, self.signed_on.year + 1):
            raise PydanticCustomError(
                "attestation_year_mismatch",
                "the attestation year is the year of the application or the next one",
                {"paragraph": "seed 002 App. 4 item 10"},
            )
        return self


class HeadApplication(Application):
    """Data of the heads' and deputy heads' application (seed 002, App. 10)."""

    kinds: ClassVar[frozenset[CategoryKind]] = frozenset({CategoryKind.HEAD, CategoryKind.DEPUTY})


def _application_view(case: Application, lang: str) -> dict[str, Any]:
    return {
        "requested_category": _name(case.requested_category, lang),
        "current_category": _name(case.current.category, lang) if case.current else None,
        "current_valid_until": date_parts(case.current.valid_until, lang) if case.current else None,
        "signed_on": date_parts(case.signed_on, lang),
    }


def _application_summary(case: Application) -> dict[str, Any]:
    return {
        "requested_category": case.requested_category.value,
        "requested_category_kk": _name(case.requested_category, "kk"),
        "requested_category_ru": _name(case.requested_category, "ru"),
        "decision": case.decision,
        "year": case.year,
        "organisation": case.organisation,
        "iin": case.applicant.iin,
    }


_APPLICATION_NOT_PRINTED = {
    "applicant.phone": "the form has no phone line; the consent lists it among the data collected",
    "current.category": "printed by its kk/ru name",
    "requested_category": "printed by its kk/ru name",
    "decision": "printed as беру/растау (присвоение/подтверждение)",
}
_APPLICANT_SIGNS = SignatureRole("applicant", "Өтініш беруші", "Заявитель")

APPLICATION_TEACHER = FormSpec(
    id="application-teacher",
    decisive="signed_on",
    seed_lines=SEED_LINES["application-teacher"],
    deviations=DEVIATIONS["application-teacher"],
    title_kk="Педагогті, бөлім басшысын (меңгерушісін), әдістемелік кабинет (орталық) "
    "әдіскерін аттестаттау рәсіміне қатысуға өтініш",
    title_ru="Заявление на участие в процедуре аттестации педагога, руководителя "
    "(заведующего) отдела, методиста методического кабинета (центра)",
    source="seed 002, App. 5",
    model=Application,
    signing=SigningMode.ISSUER,
    signature_roles=(_APPLICANT_SIGNS,),
    holder_name=lambda c: c.applicant.full_name,
    view=_application_view,
    summary=_application_summary,
    not_printed=_APPLICATION_NOT_PRINTED,
    example={
        "applicant": {
            "full_name": "Ахметова Динара Қайратқызы",
            "iin": "880315463059",
            "email": "d.akhmetova@sch12.krg.edu.kz",
            "phone": "+7 701 524 18 36",
        },
        "position": "Математика пәнінің мұғалімі",
        "workplace": "Қарағанды қаласы, «№ 12 жалпы білім беретін мектеп» КММ",
        "organisation": "Қарағанды облысы білім басқармасының «Қарағанды қаласының № 12 "
        "жалпы білім беретін мектебі» КММ",
        "year": 2025,
        "current": {"category": "teacher-moderator", "valid_until": "2025-05-31"},
        "decision": "award",
        "requested_category": "teacher-expert",
        "personal_data_consent": True,
        "signed_on": "2024-10-15",
    },
)

APPLICATION_HEAD = FormSpec(
    id="application-head",
    decisive="signed_on",
    seed_lines=SEED_LINES["application-head"],
    deviations=DEVIATIONS["application-head"],
    title_kk="Білім беру ұйымдары басшыларының, басшы орынбасарларының, әдістемелік "
    "кабинеттердің (орталықтардың) басшыларының, басшы орынбасарларының аттестаттау "
    "рәсіміне қатысуға өтініш",
    title_ru="Заявление на участие в процедуре аттестации руководителей, заместителей "
    "руководителей организаций образования, руководителей, заместителей руководителей "
    "методических кабинетов (центров)",
    source="seed 002, App. 10",
    model=HeadApplication,
    signing=SigningMode.ISSUER,
    signature_roles=(_APPLICANT_SIGNS,),
    holder_name=lambda c: c.applicant.full_name,
    view=_application_view,
    summary=_application_summary,
    not_printed=_APPLICATION_NOT_PRINTED,
    example={
        "applicant": {
            "full_name": "Сейітқалиев Нұрлан Ерболұлы",
            "iin": "751130384115",
            "email": "n.seitkaliyev@temirtau-lyceum.kz",
            "phone": "+7 775 301 42 09",
        },
        "position": "Директор",
        "workplace": "Теміртау қаласы, «№ 3 мамандандырылған лицей» КММ",
        "organisation": "Қарағанды облысы білім басқармасының «Теміртау қаласының № 3 "
        "мамандандырылған лицейі» КММ",
        "year": 2025,
        "current": {"category": "head-second", "valid_until": "2025-08-31"},
        "decision": "award",
        "requested_category": "head-first",
        "personal_data_consent": True,
        "signed_on": "2024-11-04",
    },
)


# --- App. 6 and App. 7: notices -------------------------------------------------------------

NOTICE_DECISIVE = ""
"""A notice is judged through the application it answers: the application's ``signed_on``
is checked against the rulebook's period before any notice is made, and the notice's own
``sent_on`` (the server's day, up to one working day later, App. 4 item 3) may fall after the
period closes for an application filed inside it (31 December → 2 January)."""


class Signatory(CaseModel):
    """The service provider's authorised person who signs the notice (seed 002 §23)."""

    full_name: Name
    position: ShortText


class AcceptedNotice(CaseModel):
    """Data of «Аттестаттаудан өтуге өтінішті қабылдау туралы хабарлама» (seed 002, App. 6)."""

    recipient: Person = Field(description="Қызмет алушы (the applicant)")
    provider: OrgName = Field(description="Көрсетілетін қызметті беруші")
    signatory: Signatory
    sent_on: date


class RejectionReason(CaseModel):
    """One numbered line of App. 7: a missing or non-compliant document, or another ground."""

    ground: GroundId = Field(
        description="document-missing (App. 4 item 8) or a refusal ground (items 9, 10)"
    )
    document: RequirementId | None = Field(default=None, description="App. 4 item 8 document")
    detail: LongText | None = Field(default=None, description="What exactly, as printed")

    @model_validator(mode="after")
    def _names_what(self) -> RejectionReason:
        needs_document = ("document-missing", "unreliable-documents")
        no_document = ("no-personal-data-consent", "outside-application-window")
        if self.ground in needs_document and self.document is None:
            raise PydanticCustomError(
                "reason_document_required",
                "name the document (App. 7: «жоқ немесе сәйкес келмейтін құжаттардың атауы»)",
                {"paragraph": "seed 002 App. 7"},
            )
        if self.ground in no_document and self.document is not None:
            raise PydanticCustomError(
                "reason_document_not_applicable",
                "this ground concerns no document; leave document empty",
                {"paragraph": "seed 002 App. 4 items 9, 10"},
            )
        if self.document is None and self.detail is None and self.ground not in no_document:
            raise PydanticCustomError(
                "reason_unspecified",
                "name the document or say in detail what does not comply",
                {"paragraph": "seed 002 App. 7"},
            )
        return self


class RejectedNotice(AcceptedNotice):
    """Data of «…өтінішті қабылдаудан бас тарту туралы хабарлама» (seed 002, App. 7)."""

    reasons: list[RejectionReason] = Field(min_length=1, max_length=30)

    @field_validator("reasons")
    @classmethod
    def _no_repeats(cls, value: list[RejectionReason]) -> list[RejectionReason]:
        keys = [(r.ground, r.document, r.detail) for r in value]
        if len(set(keys)) != len(keys):
            raise PydanticCustomError("reason_duplicate", "the same reason is listed twice", {})
        return value


_STATUS = {
    "document-missing": ("жоқ", "отсутствует"),
    "unreliable-documents": ("дәйексіз", "недостоверны сведения"),
    "non-compliant-materials": ("талаптарға сәйкес келмейді", "не соответствует требованиям"),
}
_REQUIREMENT = {r.id: r for r in REQUIREMENTS}


def _reason_line(reason: RejectionReason, lang: str) -> str:
    """One numbered line: the document and what is wrong with it, or the ground's wording."""
    if reason.document is not None:
        doc = _REQUIREMENT[reason.document]
        kk, ru = _STATUS[reason.ground]
        line = f"{doc.kk} – {kk}" if lang == "kk" else f"{ru}: {doc.ru}"
    elif reason.ground in REFUSAL_GROUNDS:
        ground = REFUSAL_GROUNDS[reason.ground]
        line = ground.kk if lang == "kk" else ground.ru
    else:
        line = ""
    if reason.detail is not None:
        sep = f" ({reason.detail})" if lang == "kk" else f" — {reason.detail}"
        line = line + sep if line else reason.detail
    return line


def _notice_view(case: AcceptedNotice, lang: str) -> dict[str, Any]:
    view: dict[str, Any] = {"sent_on": date_parts(case.sent_on, lang)}
    if isinstance(case, RejectedNotice):
        view["reasons"] = [_reason_line(r, lang) for r in case.reasons]
    return view


_NOTICE_NOT_PRINTED = {
    "recipient.iin": "the notice names the recipient only; kept for the registry",
}
_NOTICE_EXAMPLE_PARTIES = {
    "provider": "Қарағанды облысы білім басқармасының «Қарағанды қаласының № 12 жалпы білім "
    "беретін мектебі» КММ",
    "signatory": {"full_name": "Омарова Айгүл Серікқызы", "position": "Директор"},
}

APPLICATION_ACCEPTED_NOTICE = FormSpec(
    id="application-accepted-notice",
    decisive=NOTICE_DECISIVE,
    seed_lines=SEED_LINES["application-accepted-notice"],
    deviations=DEVIATIONS["application-accepted-notice"],
    title_kk="Аттестаттаудан өтуге өтінішті қабылдау туралы хабарлама",
    title_ru="Уведомление о приёме заявления на прохождение аттестации",
    source="seed 002, App. 6; §23",
    model=AcceptedNotice,
    signing=SigningMode.ISSUER,
    holder_name=lambda c: c.recipient.full_name,
    view=_notice_view,
    summary=lambda c: {"provider": c.provider, "iin": c.recipient.iin},
    not_printed=_NOTICE_NOT_PRINTED,
    example={
        "recipient": {"full_name": "Ахметова Динара Қайратқызы", "iin": "880315463059"},
        **_NOTICE_EXAMPLE_PARTIES,
        "sent_on": "2024-10-16",
    },
)

APPLICATION_REJECTED_NOTICE = FormSpec(
    id="application-rejected-notice",
    decisive=NOTICE_DECISIVE,
    seed_lines=SEED_LINES["application-rejected-notice"],
    deviations=DEVIATIONS["application-rejected-notice"],
    title_kk="Аттестаттаудан өтуге өтінішті қабылдаудан бас тарту туралы хабарлама",
    title_ru="Уведомление об отказе в приёме заявления на прохождение аттестации",
    source="seed 002, App. 7; §23; App. 4 items 8–10",
    model=RejectedNotice,
    signing=SigningMode.ISSUER,
    holder_name=lambda c: c.recipient.full_name,
    view=_notice_view,
    summary=lambda c: {
        "provider": c.provider,
        "reasons": [r.ground for r in c.reasons],
        "iin": c.recipient.iin,
    },
    not_printed={
        **_NOTICE_NOT_PRINTED,
        "reasons.ground": "printed by its wording (App. 4 items 8–10)",
        "reasons.document": "printed by its App. 4 item 8 wording",
    },
    example={
        "recipient": {"full_name": "Байжанова Аружан Маратқызы", "iin": "950211486296"},
        **_NOTICE_EXAMPLE_PARTIES,
        "reasons": [
            {"ground": "document-missing", "document": "student-achievements"},
            {
                "ground": "non-compliant-materials",
                "document": "essay",
                "detail": "эссе көлемі 180 сөз",
            },
            {"ground": "document-missing", "document": "employment-record"},
        ],
        "sent_on": "2024-10-17",
    },
)


# --- App. 4: the list of basic requirements of the state service ----------------------------


class ServiceRequirements(CaseModel):
    """Data of the printable App. 4: its content is fixed, the case names who prints it."""

    provider: OrgName = Field(description="Көрсетілетін қызметті беруші")
    as_of: date = Field(description="The date the list is printed for")


def _requirements_view(case: ServiceRequirements, lang: str) -> dict[str, Any]:
    """App. 4 items 8 and 9 from :mod:`forms.rules.applications`, the one source of both lists."""
    text: Callable[[Any], str] = (lambda x: x.kk) if lang == "kk" else (lambda x: x.ru)
    return {
        "as_of": date_parts(case.as_of, lang),
        "documents": [text(r) for r in REQUIREMENTS if r.number is not None],
        "grounds": [
            text(g) for g in REFUSAL_GROUNDS.values() if g.paragraph.endswith(("9.1", "9.2", "9.3"))
        ],
    }


SERVICE_REQUIREMENTS = FormSpec(
    id="service-requirements",
    decisive="as_of",
    seed_lines=SEED_LINES["service-requirements"],
    deviations=DEVIATIONS["service-requirements"],
    title_kk="«Педагогтерді аттестаттаудан өту үшін құжаттарды қабылдау» мемлекеттік қызмет "
    "көрсетуге қойылатын негізгі талаптардың тізімі",
    title_ru="Перечень основных требований к оказанию государственной услуги «Приём "
    "документов для прохождения аттестации педагогов»",
    source="seed 002, App. 4",
    model=ServiceRequirements,
    signing=SigningMode.ISSUER,
    holder_name=lambda _c: None,
    view=_requirements_view,
    summary=lambda c: {"provider": c.provider},
    extra={"requirements": "forms.rules.applications.REQUIREMENTS, REFUSAL_GROUNDS"},
    example={
        "provider": "Қарағанды облысы білім басқармасы",
        "as_of": "2024-09-02",
    },
)


# --- seed 004 §3.9: the course-attendance note ----------------------------------------------


class CourseAttendanceNote(CaseModel):
    """Data of «Справка о прослушивании курса повышения квалификации» (seed 004 §3.9; free
    form, for listeners who did not pass the final assessment)."""

    organisation: Organisation
    listener: Person
    course_title: LongText = Field(description="Наименование программы курса")
    hours: int = Field(ge=36, le=2000, description="Academic hours (seed 004 §3.5)")
    start_date: date
    end_date: date
    result: CourseResult | None = Field(default=None, description="None: the test not taken")
    head: Head
    registration_number: ShortText
    issue_date: date

    @model_validator(mode="after")
    def _not_passed_and_dates(self) -> CourseAttendanceNote:
        check_course_dates(self.start_date, self.end_date, self.issue_date)
        if self.result is not None and course_result_outcome(self.result) == "certificate":
            raise PydanticCustomError(
                "course_passed",
                "the listener passed the final assessment; issue a course-certificate",
                {"paragraph": "seed 004 §3.6, §3.7, §3.9"},
            )
        return self


COURSE_ATTENDANCE_NOTE = FormSpec(
    id="course-attendance-note",
    decisive="issue_date",
    seed_lines=SEED_LINES["course-attendance-note"],
    deviations=DEVIATIONS["course-attendance-note"],
    rulebook=ZIAT_COURSES_2025,
    title_kk="Біліктілікті арттыру курсын тыңдағаны туралы анықтама",
    title_ru="Справка о прослушивании курса повышения квалификации",
    source="seed 004, §3.9 (free form; the wording is Qujat's)",
    model=CourseAttendanceNote,
    signing=SigningMode.ISSUER,
    holder_name=lambda c: c.listener.full_name,
    view=lambda c, lang: {
        "start_date": date_parts(c.start_date, lang),
        "end_date": date_parts(c.end_date, lang),
        "issue_date": date_parts(c.issue_date, lang),
    },
    not_printed={
        "listener.iin": "the note has no IIN line",
        "result.score": "the note states that the assessment was not passed, not the score",
        "result.max_score": "the note states that the assessment was not passed, not the score",
    },
    summary=lambda c: {
        "organisation": c.organisation.name,
        "course_title": c.course_title,
        "hours": c.hours,
        "registration_number": c.registration_number,
        "iin": c.listener.iin,
    },
    example={
        "organisation": {"name": "ТОО «Научно-методический центр «ZIAT»"},
        "listener": {"full_name": "Тоқтаров Ғалымжан Серікұлы", "iin": "890925384023"},
        "course_title": "Жаратылыстану пәндерін оқытуда зерттеушілік тәсілді қолдану",
        "hours": 80,
        "start_date": "2025-10-06",
        "end_date": "2025-10-17",
        "result": {"score": 19, "max_score": 50},
        "head": {"full_name": "Жұманова Бақыт Асқарқызы", "position": "Директор"},
        "registration_number": "ZIAT-2025-0412",
        "issue_date": "2025-10-20",
    },
)


# --- seed 003: the methodical council's conclusion ------------------------------------------

Council = Literal["oak", "oab", "roak"]
Level = Literal["district", "oblast", "republic"]

DISSEMINATION_SECTIONS: dict[str, tuple[frozenset[str], frozenset[tuple[str, str]]]] = {
    "§1.1": (
        frozenset(
            {"teacher-researcher", "head-second", "head-third", "deputy-second", "deputy-third"}
        ),
        frozenset({("oak", "oblast"), ("oab", "republic")}),
    ),
    "§2.1": (
        frozenset({"teacher-master", "head-first", "deputy-first"}),
        frozenset({("roak", "republic")}),
    ),
    "§3.1": (frozenset({"teacher-expert"}), frozenset({("oab", "district")})),
}
"""Seed 003: for each section, the categories it serves and the (council, level) pairs it
allows: ОӘК → oblast, ОӘБ → republic (§1.1, republican subordinate organisations) or
district/city (§3.1), РОӘК → republic (§2.1)."""

COUNCIL_NAMES = {
    "oak": ("оқу-әдістемелік кеңес (ОӘК)", "учебно-методический совет (УМС)"),
    "oab": ("оқу-әдістемелік бірлестік (ОӘБ)", "учебно-методическое объединение (УМО)"),
    "roak": (
        "республикалық оқу-әдістемелік кеңес (РОӘК)",
        "республиканский учебно-методический совет (РУМС)",
    ),
}
LEVEL_NAMES = {
    "district": (
        "аудан/қала деңгейінде (кемінде үш аудан/қаланы қамту)",
        "на уровне района/города (с охватом не менее трёх районов/городов)",
    ),
    "oblast": (
        "облыс (кемінде үш аудан/қаланы қамту), республикалық маңызы бар қалалар мен астана "
        "деңгейінде",
        "на уровне области (с охватом не менее трёх районов/городов), городов "
        "республиканского значения и столицы",
    ),
    "republic": ("республикалық деңгейде", "на республиканском уровне"),
}


class CouncilProtocol(CaseModel):
    """The protocol of the council's meeting the conclusion rests on (seed 003 §1.1)."""

    number: ShortText
    date: date


class CouncilOfficer(CaseModel):
    """The council's chair or secretary."""

    full_name: Name


class DisseminationConclusion(CaseModel):
    """Data of «Оқу-әдістемелік кеңес (бірлестік) қорытындысы» (seed 003 §1.1, §2.1, §3.1)."""

    council: Council = Field(description="oak: ОӘК, oab: ОӘБ, roak: РОӘК")
    council_name: OrgName = Field(description="Full name of the council (association)")
    protocol: CouncilProtocol
    teacher: Person
    position: ShortText
    organisation: OrgName = Field(description="The teacher's education organisation")
    referred_by: OrgName = Field(description="Who sent the materials (§1.1, §2.1, §3.1)")
    category: Category = Field(description="The category the teacher is attested for")
    materials: LongText = Field(description="The teaching materials considered")
    decision: Literal["recommended", "not-recommended"]
    level: Level | None = Field(default=None, description="Level of dissemination, if recommended")
    supporting_documents: list[LongText] = Field(
        min_length=1, max_length=50, description="Растайтын құжаттар (seed 003 §1.3, §2.3, §3.3)"
    )
    chair: CouncilOfficer
    secretary: CouncilOfficer
    issue_date: date

    @model_validator(mode="after")
    def _level_fits(self) -> DisseminationConclusion:
        if self.decision == "not-recommended":
            if self.level is not None:
                raise PydanticCustomError(
                    "dissemination_level_without_decision",
                    "a level is set only when dissemination is recommended",
                    {"paragraph": "seed 003 §1.1, §2.1, §3.1"},
                )
        elif self.level is None:
            raise PydanticCustomError(
                "dissemination_level_missing",
                "a recommendation names the level of dissemination",
                {"paragraph": "seed 003 §1.1, §2.1, §3.1"},
            )
        section = next((s for s, (cats, _) in DISSEMINATION_SECTIONS.items() if self.category
                        in cats), None)  # fmt: skip
        if section is None:
            raise PydanticCustomError(
                "dissemination_not_required",
                "seed 003 sets no council review for this category",
                {"paragraph": "seed 003 introduction"},
            )
        pairs = DISSEMINATION_SECTIONS[section][1]
        if self.level is not None and (self.council, self.level) not in pairs:
            raise PydanticCustomError(
                "dissemination_level_mismatch",
                "this council cannot decide this level for this category",
                {"paragraph": f"seed 003 {section}"},
            )
        if self.level is None and self.council not in {c for c, _ in pairs}:
            raise PydanticCustomError(
                "dissemination_level_mismatch",
                "this council does not review materials for this category",
                {"paragraph": f"seed 003 {section}"},
            )
        if self.issue_date < self.protocol.date:
            raise PydanticCustomError(
                "conclusion_before_protocol",
                "the conclusion is drawn up on the basis of the protocol, not before it",
                {"paragraph": "seed 003 §1.1, §2.1, §3.1"},
            )
        return self


def _conclusion_view(case: DisseminationConclusion, lang: str) -> dict[str, Any]:
    i = 0 if lang == "kk" else 1
    return {
        "council": COUNCIL_NAMES[case.council][i],
        "level": LEVEL_NAMES[case.level][i] if case.level else None,
        "category": _name(case.category, lang),
        "protocol_date": date_parts(case.protocol.date, lang),
        "issue_date": date_parts(case.issue_date, lang),
    }


EXPERIENCE_DISSEMINATION_CONCLUSION = FormSpec(
    id="experience-dissemination-conclusion",
    decisive="protocol.date",
    seed_lines=SEED_LINES["experience-dissemination-conclusion"],
    deviations=DEVIATIONS["experience-dissemination-conclusion"],
    rulebook=TVET_DISSEMINATION_GUIDE,
    title_kk="Оқу-әдістемелік кеңес (бірлестік) қорытындысы",
    title_ru="Заключение учебно-методического совета (объединения)",
    source="seed 003, §1.1, §2.1, §3.1 (the form's wording is Qujat's, from the seed's phrases)",
    model=DisseminationConclusion,
    signing=SigningMode.ISSUER,
    signature_roles=(
        SignatureRole("chair", "Төраға", "Председатель"),
        SignatureRole("secretary", "Хатшы", "Секретарь"),
    ),
    holder_name=lambda c: c.teacher.full_name,
    view=_conclusion_view,
    not_printed={
        "teacher.iin": "the conclusion has no IIN line",
        "council": "printed by its kk/ru name",
        "category": "printed by its kk/ru name",
        "decision": "printed as the decision sentence",
        "level": "printed by its kk/ru wording",
    },
    summary=lambda c: {
        "council_name": c.council_name,
        "protocol_number": c.protocol.number,
        "decision": c.decision,
        "level": c.level,
        "category": c.category.value,
        "iin": c.teacher.iin,
    },
    example={
        "council": "oak",
        "council_name": "Қарағанды облысы білім басқармасының әдістемелік кабинеті жанындағы "
        "оқу-әдістемелік кеңес",
        "protocol": {"number": "4", "date": "2025-11-20"},
        "teacher": {"full_name": "Исаев Арман Төлегенұлы", "iin": "800619393200"},
        "position": "Физика пәнінің оқытушысы",
        "organisation": "Қарағанды облысы білім басқармасының «Қарағанды политехникалық "
        "колледжі» КМҚК",
        "referred_by": "«Қарағанды политехникалық колледжі» КМҚК",
        "category": "teacher-researcher",
        "materials": "«Физиканы оқытуда цифрлық зертханаларды қолдану» оқу-әдістемелік "
        "құралы және зертханалық жұмыстар жинағы",
        "decision": "recommended",
        "level": "oblast",
        "supporting_documents": [
            "Әзірлемелерді енгізу туралы актілер (3 білім беру ұйымы)",
            "Облыстық семинар бағдарламасының көшірмесі",
            "Білім басқармасының бұйрығынан үзінді",
            "Семинарға қатысу сертификаты",
        ],
        "chair": {"full_name": "Ғабдуллина Жанар Әміржанқызы"},
        "secretary": {"full_name": "Нұрпейісова Әсем Болатқызы"},
        "issue_date": "2025-11-24",
    },
)


FORMS: tuple[FormSpec, ...] = (
    SERVICE_REQUIREMENTS,
    APPLICATION_TEACHER,
    APPLICATION_ACCEPTED_NOTICE,
    APPLICATION_REJECTED_NOTICE,
    APPLICATION_HEAD,
    COURSE_ATTENDANCE_NOTE,
    EXPERIENCE_DISSEMINATION_CONCLUSION,
)
