"""The application flow (seed 002 §21–§23, App. 4–7, 10): check, register, notify.

A platform posts an application with the list of attached documents and the moment it
was submitted. The procedure decides: registered on the right working day, accepted with
the App. 6 notice, or refused with the App. 7 notice listing every missing or
non-compliant document. Both notices are issued like any document (signed, registered).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from api.issuing import IssueRequest, issue_document
from api.services import Services
from forms import ErrorDetail, FormDataInvalid, get_form
from forms.rules.applications import ApplicationDecision, Finding, check_application
from forms.rules.calendar import WorkingCalendar
from forms.rules.categories import Category, kind_of
from registry import DocumentRecord
from registry.records import ApiKeyRecord

__all__ = ["APPLICATION_FORMS", "ApplicationOutcome", "ApplicationSubmission", "process"]

APPLICATION_FORMS = ("application-teacher", "application-head")

PROCEDURE_RULES = frozenset(
    {
        "category_sequence",
        "category_kind_mismatch",
        "category_legacy_not_awardable",
        "confirmation_of_category_not_held",
        "award_of_category_held",
        "personal_data_consent_missing",
    }
)
"""Refusals of the application form that are grounds for an App. 7 notice, not bad input."""

# What the notice prints for a non-compliance found by a rule (App. 4 item 9.2).
_DETAIL: dict[str, tuple[str, str]] = {
    "category_sequence": (
        "мәлімделген біліктілік санаты санаттарды берудің реттілік қағидатына сәйкес келмейді "
        "(Алгоритмнің 31, 44-тармақтары)",
        "заявленная квалификационная категория не соответствует принципу последовательности "
        "присвоения категорий (пункты 31, 44 Алгоритма)",
    ),
    "category_kind_mismatch": (
        "мәлімделген біліктілік санаты өтініш берушінің лауазымына сәйкес келмейді",
        "заявленная квалификационная категория не соответствует должности заявителя",
    ),
    "essay_too_short": (
        "эссенің көлемі 250 сөзден кем (Алгоритмнің 27-тармағы)",
        "объём эссе менее 250 слов (пункт 27 Алгоритма)",
    ),
    "essay_too_long": (
        "эссенің көлемі 300 сөзден асады (Алгоритмнің 27-тармағы)",
        "объём эссе превышает 300 слов (пункт 27 Алгоритма)",
    ),
}
_DETAIL_OTHER = (
    "ұсынылған материалдар мемлекеттік қызмет көрсету талаптарына сәйкес келмейді",
    "представленные материалы не соответствуют требованиям оказания государственной услуги",
)


@dataclass(frozen=True)
class ApplicationSubmission:
    """``POST /v1/applications``."""

    form: str
    lang: str
    data: dict[str, Any]
    documents: tuple[str, ...]
    submitted_at: datetime
    provider: dict[str, Any]
    unreliable_documents: tuple[str, ...] = ()
    essay_text: str | None = None
    test_waived: bool = False
    idempotency_key: str | None = None


@dataclass(frozen=True)
class ApplicationOutcome:
    """What the platform gets back."""

    decision: ApplicationDecision
    """The procedure's verdict, registration day and notice due date."""
    notice: DocumentRecord
    """The signed App. 6 or App. 7 notice."""
    application: DocumentRecord | None
    """The signed application (accepted applications only)."""
    sent_on: date
    """The day the notice was issued (Asia/Almaty)."""


def _validate_application(form: str, data: dict[str, Any]) -> None:
    """Bad input is a 422; a refusal the procedure foresees becomes a ground on the notice."""
    try:
        get_form(form).validate(data)
    except FormDataInvalid as exc:
        bad_input = [d for d in exc.details if d.rule not in PROCEDURE_RULES]
        if bad_input:
            raise FormDataInvalid(bad_input) from None


def _category(value: Any, field: str) -> Category:
    try:
        return Category(value)
    except ValueError:
        raise FormDataInvalid(
            [ErrorDetail(field, "enum", f"{value!r} is not a category")]
        ) from None


def _reason(finding: Finding, lang: str) -> dict[str, Any]:
    ground = finding.ground.id
    if ground == "unreliable-documents":
        return {"ground": ground, "document": finding.field.removeprefix("documents.")}
    if ground in ("no-personal-data-consent", "outside-application-window"):
        return {"ground": ground}
    kk, ru = _DETAIL.get(finding.rule, _DETAIL_OTHER)
    return {"ground": ground, "detail": kk if lang == "kk" else ru}


def _notice_data(
    sub: ApplicationSubmission, decision: ApplicationDecision, sent_on: date
) -> dict[str, Any]:
    applicant = sub.data.get("applicant") or {}
    notice: dict[str, Any] = {
        "recipient": {"full_name": applicant.get("full_name"), "iin": applicant.get("iin")},
        "provider": sub.provider.get("name"),
        "signatory": sub.provider.get("signatory"),
        "sent_on": sent_on.isoformat(),
    }
    if not decision.accepted:
        reasons = [{"ground": "document-missing", "document": r.id} for r in decision.missing]
        reasons += [_reason(f, sub.lang) for f in decision.grounds]
        unique = {tuple(sorted(r.items())): r for r in reasons}
        notice["reasons"] = list(unique.values())
    return notice


def process(
    services: Services,
    key: ApiKeyRecord,
    sub: ApplicationSubmission,
    calendar: WorkingCalendar,
) -> ApplicationOutcome:
    """Check the application, register it, issue the notice (and the accepted application)."""
    if sub.form not in APPLICATION_FORMS:
        raise FormDataInvalid(
            [ErrorDetail("form", "application_form", f"must be one of {APPLICATION_FORMS}")]
        )
    _validate_application(sub.form, sub.data)
    requested = _category(sub.data.get("requested_category"), "data.requested_category")
    held = sub.data.get("current")
    current = _category(held["category"], "data.current.category") if held else None
    decision = check_application(
        kind_of(requested),
        sub.documents,
        requested,
        current,
        sub.submitted_at,
        calendar,
        personal_data_consent=bool(sub.data.get("personal_data_consent")),
        unreliable_document_ids=sub.unreliable_documents,
        essay_text=sub.essay_text,
        test_waived=sub.test_waived,
    )
    sent_on = max(services.clock().astimezone(calendar.tz).date(), decision.registered_on)
    idem = sub.idempotency_key
    application = None
    if decision.accepted:
        application, _ = issue_document(
            services, key,
            IssueRequest(sub.form, sub.lang, sub.data, None, idem and f"{idem}#application"),
        )  # fmt: skip
    notice_form = (
        "application-accepted-notice" if decision.accepted else "application-rejected-notice"
    )
    notice, _ = issue_document(
        services, key,
        IssueRequest(notice_form, sub.lang, _notice_data(sub, decision, sent_on), None,
                     idem and f"{idem}#notice"),
    )  # fmt: skip
    return ApplicationOutcome(decision, notice, application, sent_on)
