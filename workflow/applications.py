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

from forms import ErrorDetail, FormDataInvalid
from forms.rulebooks import OutsidePeriod
from forms.rules.applications import ApplicationDecision, check_application
from forms.rules.categories import Category, kind_of
from forms.rules.refusal_grounds import is_refusal_ground, notice_reason
from registry import DocumentRecord
from workflow.context import Actor, Context
from workflow.documents import IssueRequest, issue_document
from workflow.events import decided_events
from workflow.rulebooks import check_new

__all__ = ["APPLICATION_FORMS", "ApplicationOutcome", "ApplicationSubmission", "process"]

APPLICATION_FORMS = ("application-teacher", "application-head")


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


def _validate_application(form: str, data: dict[str, Any], policy: OutsidePeriod) -> None:
    """Bad input is a 422; a refusal the procedure foresees becomes a ground on the notice."""
    try:
        check_new(form, data, policy)
    except FormDataInvalid as exc:
        bad_input = [d for d in exc.details if not is_refusal_ground(d.rule)]
        if bad_input:
            raise FormDataInvalid(bad_input) from None


def _category(value: Any, field: str) -> Category:
    try:
        return Category(value)
    except ValueError:
        raise FormDataInvalid(
            [ErrorDetail(field, "enum", f"{value!r} is not a category")]
        ) from None


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
        reasons += [notice_reason(f, sub.lang) for f in decision.grounds]
        unique = {tuple(sorted(r.items())): r for r in reasons}
        notice["reasons"] = list(unique.values())
    return notice


def process(ctx: Context, actor: Actor, sub: ApplicationSubmission) -> ApplicationOutcome:
    """Check the application, register it, issue the notice (and the accepted application)."""
    if sub.form not in APPLICATION_FORMS:
        raise FormDataInvalid(
            [ErrorDetail("form", "application_form", f"must be one of {APPLICATION_FORMS}")]
        )
    _validate_application(sub.form, sub.data, ctx.policy.rulebook_outside_period)
    requested = _category(sub.data.get("requested_category"), "data.requested_category")
    held = sub.data.get("current")
    current = _category(held["category"], "data.current.category") if held else None
    try:
        decision = check_application(
            kind_of(requested),
            sub.documents,
            requested,
            current,
            sub.submitted_at,
            ctx.calendar,
            personal_data_consent=bool(sub.data.get("personal_data_consent")),
            unreliable_document_ids=sub.unreliable_documents,
            essay_text=sub.essay_text,
            test_waived=sub.test_waived,
        )
    except (OverflowError, ValueError):  # year 1 or 9999: no working day to count from
        raise FormDataInvalid(
            [ErrorDetail("submitted_at", "date_range", "not a date the procedure can count from")]
        ) from None
    sent_on = max(ctx.clock().astimezone(ctx.calendar.tz).date(), decision.registered_on)
    idem = sub.idempotency_key
    application = None
    notice_form = (
        "application-accepted-notice" if decision.accepted else "application-rejected-notice"
    )
    notice_data = _notice_data(sub, decision, sent_on)
    # everything is validated before anything is stored: a refused notice must not leave
    # the signed application behind (and a retry another one)
    check_new(notice_form, notice_data, ctx.policy.rulebook_outside_period)
    if decision.accepted:
        application, _ = issue_document(
            ctx, actor,
            IssueRequest(sub.form, sub.lang, sub.data, None, idem and f"{idem}#application"),
        )  # fmt: skip
    notice, _ = issue_document(
        ctx, actor,
        IssueRequest(notice_form, sub.lang, notice_data, None,
                     idem and f"{idem}#notice",
                     events=decided_events(ctx, application, decision.accepted,
                                           decision.registered_on)),
    )  # fmt: skip
    return ApplicationOutcome(decision, notice, application, sent_on)
