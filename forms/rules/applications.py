"""Accepting an application for attestation: App. 4 as data, and the acceptance check.

Seed 002 §21–§23 and App. 4 ("the list of basic requirements for the state service"): item 3
(term: 1 working day), item 7 (schedule: after hours, weekends, holidays → next working day),
item 8 (documents), item 9 (refusal grounds), item 10 (window 1 September – 31 December).
The result drives App. 6 (acceptance notice) and App. 7 (rejection notice).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

from forms.errors import DetailCollector, ErrorDetail, FormDataInvalid
from forms.rules.calendar import Deadline, WorkingCalendar, in_application_window
from forms.rules.categories import Category, CategoryKind, check_requested_category
from forms.rules.essay import check_essay_length

__all__ = [
    "LATE_APPLICATION_RULE",
    "REFUSAL_GROUNDS",
    "REQUIREMENTS",
    "ApplicationDecision",
    "Finding",
    "RefusalGround",
    "Requirement",
    "check_application",
]

Condition = Literal["always", "if-any", "if-has-category", "unless-test-waived"]


@dataclass(frozen=True)
class Requirement:
    """A document of App. 4 item 8."""

    id: str
    """Stable id used in case data."""
    number: int | None
    """Its number in item 8 (``None`` for the knowledge-test certificate named in its note)."""
    kk: str
    """Kazakh wording (seed 002)."""
    ru: str
    """Russian wording."""
    condition: Condition
    """When it is required: always, only if any exist, only for holders of a category, or
    unless the knowledge test is waived (§8, §9)."""
    source: Literal["applicant", "state-systems", "platform"]
    """Who supplies it: the applicant, state information systems via the e-government
    gateway, or the Platform itself (note to item 8)."""


_P = "seed 002 App. 4 item 8"

REQUIREMENTS: tuple[Requirement, ...] = (
    Requirement(
        "application",
        1,
        "Алгоритмге 5-қосымшаға (басшылар үшін 10-қосымшаға) сәйкес өтініш",
        "заявление по форме согласно приложению 5 (для руководителей – приложению 10)",
        "always",
        "applicant",
    ),
    Requirement(
        "identity-document",
        2,
        "жеке басын куәландыратын құжат (болған жағдайда)",
        "документ, удостоверяющий личность (при наличии)",
        "if-any",
        "state-systems",
    ),
    Requirement(
        "course-certificate",
        3,
        "білім беру саласындағы уәкілетті органмен келісілген білім беру бағдарламалары "
        "бойынша біліктілікті арттыру курстарынан өткені туралы сертификат",
        "сертификат о прохождении курсов повышения квалификации по образовательным "
        "программам, согласованным с уполномоченным органом в области образования",
        "always",
        "platform",
    ),
    Requirement(
        "category-certificate-and-order",
        4,
        "берілген біліктілік санаты туралы куәлік және бұйрық (бұрын біліктілік санаты "
        "бар адамдар үшін)",
        "удостоверение и приказ о присвоенной квалификационной категории (для лиц, "
        "ранее имевших квалификационную категорию)",
        "if-has-category",
        "platform",
    ),
    Requirement(
        "professional-achievements",
        5,
        "кәсіби жетістіктерді және тәжірибені жинақтауды (таратуды) растайтын құжаттар "
        "(болған жағдайда)",
        "документы, подтверждающие профессиональные достижения и обобщение "
        "(распространение) опыта (при наличии)",
        "if-any",
        "applicant",
    ),
    Requirement(
        "student-achievements",
        6,
        "білім алушылардың жетістіктерін растайтын құжаттар",
        "документы, подтверждающие достижения обучающихся",
        "always",
        "applicant",
    ),
    Requirement("essay", 7, "эссе (250-300 сөз)", "эссе (250–300 слов)", "always", "applicant"),
    Requirement(
        "education-document",
        8,
        "білімі туралы құжат",
        "документ об образовании",
        "always",
        "applicant",
    ),
    Requirement(
        "employment-record",
        9,
        "еңбек қызметі туралы құжат",
        "документ о трудовой деятельности",
        "always",
        "applicant",
    ),
    Requirement(
        "knowledge-test-certificate",
        None,
        "ПББ өткендігі туралы сертификат",
        "сертификат о прохождении ОЗП",
        "unless-test-waived",
        "state-systems",
    ),
)
"""App. 4 item 8, in its order."""


@dataclass(frozen=True)
class RefusalGround:
    """A ground of App. 4 item 9."""

    id: str
    """Stable id."""
    kk: str
    """Kazakh wording (seed 002)."""
    ru: str
    """Russian wording."""
    paragraph: str
    """Where it comes from."""


REFUSAL_GROUNDS: dict[str, RefusalGround] = {
    g.id: g
    for g in (
        RefusalGround(
            "unreliable-documents",
            "мемлекеттік қызметті алу үшін қызмет алушы ұсынған құжаттардың және (немесе) "
            "олардағы деректердің (мәліметтердің) дәйексіздігі анықталған",
            "установление недостоверности документов, представленных услугополучателем для "
            "получения государственной услуги, и (или) данных (сведений), содержащихся в них",
            "seed 002 App. 4 item 9.1",
        ),
        RefusalGround(
            "non-compliant-materials",
            "мемлекеттік қызметті көрсету үшін қажетті ұсынылған материалдардың, деректер мен "
            "мәліметтердің талаптарға сәйкес келмеуі",
            "несоответствие представленных материалов, данных и сведений, необходимых для "
            "оказания государственной услуги, требованиям",
            "seed 002 App. 4 item 9.2",
        ),
        RefusalGround(
            "no-personal-data-consent",
            "«Дербес деректер және оларды қорғау туралы» Қазақстан Республикасы Заңының "
            "8-бабына сәйкес көрсетілетін қызметті алушының мемлекеттік қызмет көрсету үшін "
            "талап етілетін қолжетімділігі шектеулі дербес деректерге қол жеткізуге "
            "ұсынылатын келісімінің болмауы",
            "отсутствие согласия услугополучателя, предоставляемого в соответствии со статьёй 8 "
            "Закона Республики Казахстан «О персональных данных и их защите», на доступ к "
            "персональным данным ограниченного доступа, которые требуются для оказания "
            "государственной услуги",
            "seed 002 App. 4 item 9.3",
        ),
    )
}
"""The grounds of App. 4 item 9, and only those: App. 7 refuses on nothing else.

The application window (item 10) is no ground of its own: a late application is refused
under 9.2 (its material does not meet the requirements of the service, item 10 being one),
with the window as the detail (:data:`LATE_APPLICATION_RULE`)."""

LATE_APPLICATION_RULE = "outside_application_window"
"""The rule of a late application: a non-compliance under item 9.2 whose detail is the
item 10 window (declared in the README's forms section)."""


@dataclass(frozen=True)
class Finding:
    """One reason for refusal, printed on the App. 7 notice."""

    ground: RefusalGround
    """The ground it falls under."""
    detail: str
    """What exactly is wrong."""
    field: str
    """The case-data field concerned."""
    rule: str = ""
    """The rule that found it (``category_sequence``, ``essay_too_short``…); empty when the
    ground itself is the rule."""


@dataclass(frozen=True)
class ApplicationDecision:
    """The outcome of checking an application (App. 6 if accepted, App. 7 if not)."""

    accepted: bool
    """True when nothing is missing and no refusal ground applies."""
    registered_on: date
    """The working day the application is registered on (§23; App. 4 item 7)."""
    notice_due: date
    """The last day for the notice: 1 working day after registration (§23; App. 4 item 3)."""
    missing: tuple[Requirement, ...]
    """Required documents not supplied (App. 4 item 8)."""
    grounds: tuple[Finding, ...]
    """Refusal grounds found (App. 4 item 9; a late application under 9.2)."""

    def details(self) -> list[ErrorDetail]:
        """The reasons as error details, e.g. for an API response."""
        out = [
            ErrorDetail(f"documents.{r.id}", "document_missing", f"Missing: {r.ru}.", _P)
            for r in self.missing
        ]
        out += [
            ErrorDetail(
                f.field, f.rule or f.ground.id.replace("-", "_"), f.detail, f.ground.paragraph
            )
            for f in self.grounds
        ]
        return out


def _required(r: Requirement, has_category: bool, test_waived: bool) -> bool:
    match r.condition:
        case "always":
            return True
        case "if-has-category":
            return has_category
        case "unless-test-waived":
            return not test_waived
        case _:
            return False


def check_application(
    kind: CategoryKind,
    attached_document_ids: Collection[str],
    requested_category: Category,
    current_category: Category | None,
    submitted_at: datetime,
    calendar: WorkingCalendar,
    *,
    personal_data_consent: bool = True,
    unreliable_document_ids: Collection[str] = (),
    essay_text: str | None = None,
    test_waived: bool = False,
) -> ApplicationDecision:
    """Check an application against App. 4 and register it (seed 002 §21–§23; App. 4 items 3, 7–10).

    ``attached_document_ids`` are the ids of :data:`REQUIREMENTS` present in the case, whoever
    supplied them. The window is judged on the local day the application arrived; the
    requested category must follow the ladder (§31, §44). ``test_waived`` for §8–§9 grounds.
    Unknown document ids are refused with ``document_unknown``.
    """
    known = {r.id for r in REQUIREMENTS}
    unknown = sorted(set(attached_document_ids) - known)
    if unknown:
        raise FormDataInvalid(
            [
                ErrorDetail("documents", "document_unknown", f"Unknown document id {u!r}.", _P)
                for u in unknown
            ]
        )
    registered = calendar.registration_date(submitted_at)
    notice_due = calendar.due_date(Deadline.NOTICE, registered)
    has_category = current_category is not None
    missing = tuple(
        r
        for r in REQUIREMENTS
        if _required(r, has_category, test_waived) and r.id not in attached_document_ids
    )
    grounds: list[Finding] = []
    g = REFUSAL_GROUNDS
    for doc in sorted(set(unreliable_document_ids)):
        grounds.append(
            Finding(g["unreliable-documents"], f"Unreliable: {doc}.", f"documents.{doc}")
        )
    if not personal_data_consent:
        grounds.append(
            Finding(
                g["no-personal-data-consent"],
                "No consent to the processing of personal data.",
                "consent",
            )
        )
    arrived = submitted_at.astimezone(calendar.tz).date()
    if not in_application_window(arrived):
        grounds.append(
            Finding(
                g["non-compliant-materials"],
                f"Submitted on {arrived.isoformat()}, outside 1 September – 31 December "
                "(App. 4 item 10).",
                "submitted_at",
                LATE_APPLICATION_RULE,
            )
        )
    errors = DetailCollector()
    check_requested_category(current_category, requested_category, kind=kind, errors=errors)
    if essay_text is not None and "essay" in attached_document_ids:
        try:
            check_essay_length(essay_text)
        except FormDataInvalid as exc:
            errors.details.extend(exc.details)
    for d in errors.details:
        grounds.append(Finding(g["non-compliant-materials"], d.message, d.field, d.rule))
    return ApplicationDecision(
        accepted=not missing and not grounds,
        registered_on=registered,
        notice_due=notice_due,
        missing=missing,
        grounds=tuple(grounds),
    )
