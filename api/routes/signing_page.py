"""The signing page for commission members: ``GET /sign/{id}?token=…`` (a one-time link).

The page shows the protocol and signs in the browser through NCALayer, feeding the external
flow (digested CMS). Its only script is ``/static/sign.js``; the CSP allows scripts from
this origin only, and WebSocket connections to NCALayer. The link grants access to one
required signature (:class:`workflow.LinkGrant`), in place of an API key.
"""

from __future__ import annotations

from fastapi import APIRouter, Response
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, ConfigDict, Field

from api.deps import ContextDep, ServicesDep
from api.pages import SECURITY_HEADERS, TEMPLATES, template_env
from api.responses import b64_field, prepare_public
from api.schemas import PreparePublic
from api.services import Services
from forms import get_form
from workflow import complete_signature, grant_of_link, prepare_signature

router = APIRouter(include_in_schema=False)

_env = template_env()
_JS = (TEMPLATES.parent / "static" / "sign.js").read_bytes()


class _TokenBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    token: str = Field(max_length=100)


class _CompleteBody(_TokenBody):
    session_id: str = Field(max_length=32)
    cms: str = Field(max_length=200_000)


class _Done(BaseModel):
    id: str
    status: str


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
    record, grant = grant_of_link(services.context, doc_id, token)
    html = _env.get_template("sign.html").render(
        doc=record, token=token, signer=grant.required, title=get_form(record.form).title_kk,
        ncalayer_url=services.settings.ncalayer_url,
    )  # fmt: skip
    return HTMLResponse(html, headers=_headers(services))


@router.get("/sign/{doc_id}/pdf")
def signing_pdf(doc_id: str, token: str, ctx: ContextDep) -> Response:
    """The protocol as it stands, for the member to read before signing."""
    record, _ = grant_of_link(ctx, doc_id, token)
    return Response(ctx.registry.pdf(record), media_type="application/pdf",
                    headers={"Cache-Control": "no-store"})  # fmt: skip


@router.post("/sign/{doc_id}/prepare")
def signing_prepare(doc_id: str, body: _TokenBody, ctx: ContextDep) -> PreparePublic:
    """Prepare the linked signer's field (the page then asks NCALayer for a CMS)."""
    _, grant = grant_of_link(ctx, doc_id, body.token)
    return prepare_public(prepare_signature(ctx, grant, doc_id, grant.signer_id))


@router.post("/sign/{doc_id}/complete")
def signing_complete(doc_id: str, body: _CompleteBody, ctx: ContextDep) -> _Done:
    """Embed the CMS NCALayer made; the link is used up."""
    _, grant = grant_of_link(ctx, doc_id, body.token)
    done = complete_signature(
        ctx, grant, doc_id, body.session_id, cms_der=b64_field(body.cms, "cms"), signature=None
    )
    return _Done(id=done.id, status=done.status)


@router.get("/static/sign.js")
def script() -> Response:
    """The signing page's only script."""
    return Response(_JS, media_type="text/javascript", headers={"Cache-Control": "max-age=300"})
