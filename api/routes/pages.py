"""Server-rendered public pages: ``/v/{id}`` is where the QR code points."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse
from starlette.concurrency import run_in_threadpool

from api.deps import ServicesDep
from api.pages import TEMPLATES, page_lang, render_page
from api.public_cache import page_context, public_cache, respond
from api.responses import upload_report, verification_public
from api.schemas import VerificationPublic
from api.uploads import client_of, read_pdf
from registry.errors import NotFound
from workflow.lookup import check_by_number

router = APIRouter(include_in_schema=False)

_CSS = (TEMPLATES / "verify.css").read_bytes()


@router.get("/v/check", response_class=HTMLResponse)
def check_form(request: Request) -> HTMLResponse:
    """The upload form on its own (also at the foot of every verification page)."""
    return render_page("base.html", page_lang(request), 200)


@router.post("/v/check", response_class=HTMLResponse)
async def check_upload(request: Request, services: ServicesDep) -> HTMLResponse:
    """The upload form's target: the same check as ``POST /v1/verify``, as a page (its
    errors are rendered on the same page by the one error handler)."""
    lang = page_lang(request)
    data = await read_pdf(request, services.settings.max_upload_bytes)
    report = await run_in_threadpool(
        upload_report, services, data, client_of(request, services.settings)
    )
    doc = report["document"]
    view = VerificationPublic.model_validate(doc) if doc else None
    return render_page("check.html", lang, 200, r=report, error=None,
                       **page_context(view, lang))  # fmt: skip


@router.post("/v/lookup", response_class=HTMLResponse)
async def lookup_page(request: Request, services: ServicesDep) -> HTMLResponse:
    """The number-and-IIN form's target: the same page as the QR's on a match, the form
    again with only "not found" (404) otherwise."""
    lang = page_lang(request)
    form = await request.form()
    number, iin = str(form.get("registration_number") or ""), str(form.get("iin") or "")
    try:
        found = await run_in_threadpool(check_by_number, services.context, number, iin, "page")
    except NotFound:
        return render_page("base.html", lang, 404, lookup_not_found=True)
    view = verification_public(found)
    return render_page("verify.html", lang, 200, **page_context(view, lang))


@router.get("/v/{doc_id}", response_class=HTMLResponse)
def verify_page(doc_id: str, request: Request) -> Response:
    """Where the QR points: the verdict first, then what the document says and who signed.
    Served from the worker's memory while current, with ``ETag`` and a one-second
    ``Cache-Control`` (:mod:`api.public_cache`)."""
    return respond(public_cache(request).page(doc_id, page_lang(request)), request)


@router.get("/static/verify.css")
def stylesheet() -> Response:
    """The pages' stylesheet."""
    return Response(_CSS, media_type="text/css", headers={"Cache-Control": "max-age=3600"})
