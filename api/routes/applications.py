"""``/v1/applications``: the application flow — acceptance or rejection notice."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Header
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from api.deps import ContextDep, require_scope
from api.responses import to_public
from api.schemas import DocumentPublic
from registry.records import ApiKeyRecord
from workflow import Actor, ApplicationSubmission, process

router = APIRouter(prefix="/v1/applications", tags=["applications"])

IssueKey = Annotated[ApiKeyRecord, Depends(require_scope("issue"))]


class Signatory(BaseModel):
    full_name: str = Field(max_length=200)
    position: str = Field(max_length=200)


class Provider(BaseModel):
    """The service provider (көрсетілетін қызметті беруші) and the person who signs."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(max_length=500)
    signatory: Signatory


class ApplicationCreate(BaseModel):
    """An application as the platform received it."""

    model_config = ConfigDict(extra="forbid")

    form: Literal["application-teacher", "application-head"]
    lang: Literal["kk", "ru"] = "kk"
    data: dict[str, Any]
    documents: list[str] = Field(max_length=50, description="App. 4 item 8 ids attached")
    submitted_at: AwareDatetime = Field(description="When the applicant submitted it")
    provider: Provider
    unreliable_documents: list[str] = Field(default_factory=list, max_length=50)
    essay_text: str | None = Field(default=None, max_length=20_000)
    test_waived: bool = False


class ReasonPublic(BaseModel):
    field: str
    rule: str
    message: str
    paragraph: str | None = None


class ApplicationResult(BaseModel):
    """The verdict, the day it counts from, the notice, and whether its term was met."""

    decision: Literal["accepted", "rejected"]
    registered_on: date
    notice_due: date
    notice_sent_on: date
    notice_due_met: bool
    reasons: list[ReasonPublic]
    notice: DocumentPublic
    application: DocumentPublic | None


@router.post("", status_code=201)
def submit_application(
    body: ApplicationCreate,
    ctx: ContextDep,
    key: IssueKey,
    idempotency_key: Annotated[str | None, Header(max_length=180)] = None,
) -> ApplicationResult:
    """Check the application against App. 4, register it on the right working day and issue
    the signed acceptance (App. 6) or rejection (App. 7) notice."""
    submission = ApplicationSubmission(
        form=body.form,
        lang=body.lang,
        data=body.data,
        documents=tuple(body.documents),
        submitted_at=body.submitted_at,
        provider=body.provider.model_dump(),
        unreliable_documents=tuple(body.unreliable_documents),
        essay_text=body.essay_text,
        test_waived=body.test_waived,
        idempotency_key=idempotency_key,
    )
    out = process(ctx, Actor.of(key), submission)
    d = out.decision
    return ApplicationResult(
        decision="accepted" if d.accepted else "rejected",
        registered_on=d.registered_on,
        notice_due=d.notice_due,
        notice_sent_on=out.sent_on,
        notice_due_met=out.sent_on <= d.notice_due,
        reasons=[ReasonPublic(**r.as_dict()) for r in d.details()],
        notice=to_public(ctx, out.notice),
        application=to_public(ctx, out.application) if out.application else None,
    )
