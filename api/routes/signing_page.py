"""The signing page for commission members: ``GET /sign/{id}?token=…`` (a one-time link).

The page shows the protocol and signs in the browser through NCALayer, feeding the external
flow (digested CMS). Its only script is ``/static/sign.js``; the CSP allows scripts from
this origin only, and WebSocket connections to NCALayer.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Response
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape
from pydantic import BaseModel, ConfigDict, Field

from api.countersigning import complete_signature, prepare_signature, signing_registry
from api.deps import ServicesDep
from api.routes.pages import SECURITY_HEADERS
from api.routes.signatures import _b64, prepare_public
from api.schemas_signing import PreparePublic
from api.services import Services
from forms import get_form
from forms.errors import NotFound
from registry import DocumentRecord
from registry.countersign import RequiredSigner
from registry.records import ApiKeyRecord

router = APIRouter(include_in_schema=False)

_API = Path(__file__).resolve().parent.parent
_env = Environment(
    loader=FileSystemLoader(_API / "templates"), autoescape=select_autoescape(["html"])
)
_JS = (_API / "static" / "sign.js").read_bytes()


class _TokenBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    token: str = Field(max_length=100)


class _CompleteBody(_TokenBody):
    session_id: str = Field(max_length=32)
    cms: str = Field(max_length=200_000)


class _Done(BaseModel):
    id: str
    status: str


def _link(services: Services, doc_id: str, token: str) -> tuple[DocumentRecord, RequiredSigner]:
    required = signing_registry(services).link(doc_id, token)
    record = services.registry.find(doc_id)
    if record is None:
        raise NotFound("no such document")
    return record, required


def _actor(record: DocumentRecord) -> ApiKeyRecord:
    """The signing page acts for the document's organisation, without an API key."""
    return ApiKeyRecord("signing-link", record.organisation, frozenset({"sign"}),
                        record.created_at, None)  # fmt: skip


def _headers(services: Services) -> dict[str, str]:
    csp = (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
        f"connect-src 'self' {services.settings.ncalayer_url}; form-action 'self'; "
        "base-uri 'none'; frame-ancestors 'none'"
    )
    return {**SECURITY_HEADERS, "Content-Security-Policy": csp}


@router.get("/sign/{doc_id}", response_class=HTMLResponse)
def signing_page(doc_id: str, token: str, services: ServicesDep) -> HTMLResponse:
    """The page a member opens from the link they were sent."""
    record, required = _link(services, doc_id, token)
    html = _env.get_template("sign.html").render(
        doc=record, token=token, signer=required, title=get_form(record.form).title_kk,
        ncalayer_url=services.settings.ncalayer_url,
    )  # fmt: skip
    return HTMLResponse(html, headers=_headers(services))


@router.get("/sign/{doc_id}/pdf")
def signing_pdf(doc_id: str, token: str, services: ServicesDep) -> Response:
    """The protocol as it stands, for the member to read before signing."""
    record, _ = _link(services, doc_id, token)
    return Response(services.registry.pdf(record), media_type="application/pdf",
                    headers={"Cache-Control": "no-store"})  # fmt: skip


@router.post("/sign/{doc_id}/prepare")
def signing_prepare(doc_id: str, body: _TokenBody, services: ServicesDep) -> PreparePublic:
    record, required = _link(services, doc_id, body.token)
    prepared = prepare_signature(
        services, _actor(record), doc_id, required.signer_id, via_link=True
    )
    return prepare_public(prepared)


@router.post("/sign/{doc_id}/complete")
def signing_complete(doc_id: str, body: _CompleteBody, services: ServicesDep) -> _Done:
    record, _ = _link(services, doc_id, body.token)
    done = complete_signature(
        services, _actor(record), doc_id, body.session_id,
        cms_der=_b64(body.cms, "cms"), signature=None, link_token=body.token,
    )  # fmt: skip
    return _Done(id=done.id, status=done.status)


@router.get("/static/sign.js")
def script() -> Response:
    return Response(_JS, media_type="text/javascript", headers={"Cache-Control": "max-age=300"})
