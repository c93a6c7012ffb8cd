"""The notices answering an application: accepted (seed 002 App. 6) and refused (App. 7,
with App. 4 items 8–9).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from forms.catalogue.application_parts import (
    GroundId,
    RequirementId,
)
from forms.catalogue.seeds import DEVIATIONS, SEED_LINES
from forms.dates import date_parts
from forms.rules.applications import REQUIREMENTS
from forms.rules.refusal_grounds import reason_line
from forms.spec import FormSpec, SigningMode
from forms.types import CaseModel, LongText, Name, OrgName, Person, ShortText

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


_REQUIREMENT = {r.id: r for r in REQUIREMENTS}


def _reason_line(reason: RejectionReason, lang: str) -> str:
    """One numbered line in the seed's grammar (``forms.rules.refusal_grounds.reason_line``)."""
    doc = _REQUIREMENT[reason.document] if reason.document is not None else None
    return reason_line(reason.ground, doc, reason.detail, lang)


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
