"""Server-rendered public pages: ``/v/{id}`` is where the QR code points."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.concurrency import run_in_threadpool

from api.deps import ServicesDep
from api.i18n import LABELS, PAGE_LANGS, pick_lang
from api.routes.verify import read_pdf, upload_report
from api.schemas import VerificationPublic
from api.verification import logged_lookup
from forms.errors import QujatError

router = APIRouter(include_in_schema=False)

_TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
_env = Environment(loader=FileSystemLoader(_TEMPLATES), autoescape=select_autoescape(["html"]))
_CSS = (_TEMPLATES / "verify.css").read_bytes()

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
        "base-uri 'none'; frame-ancestors 'none'"
    ),
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
}


def _lang(request: Request) -> str:
    return pick_lang(request.query_params.get("lang"), request.headers.get("accept-language"))


def _document_context(view: VerificationPublic | None, lang: str) -> dict[str, Any]:
    if view is None or not view.form_title:
        return {"v": view, "title": "", "category": None}
    title = view.form_title["ru" if lang == "ru" else "kk"]
    category = view.details.get("category_ru" if lang == "ru" else "category_kk")
    return {"v": view, "title": title, "category": category}


def _page(template: str, lang: str, status: int, **context: Any) -> HTMLResponse:
    html = _env.get_template(template).render(
        lang=lang, langs=PAGE_LANGS, t=LABELS[lang], **context
    )
    return HTMLResponse(html, status_code=status, headers=SECURITY_HEADERS)


@router.get("/v/check", response_class=HTMLResponse)
def check_form(request: Request) -> HTMLResponse:
    """The upload form on its own (also at the foot of every verification page)."""
    return _page("base.html", _lang(request), 200)


@router.post("/v/check", response_class=HTMLResponse)
async def check_upload(request: Request, services: ServicesDep) -> HTMLResponse:
    """The upload form's target: the same check as ``POST /v1/verify``, as a page."""
    lang = _lang(request)
    try:
        data = await read_pdf(request, services.settings.max_upload_bytes)
        report = await run_in_threadpool(upload_report, services, data)
    except QujatError as exc:
        return _page("check.html", lang, exc.http_status, error=exc.code)
    doc = report["document"]
    view = VerificationPublic.model_validate(doc) if doc else None
    return _page("check.html", lang, 200, r=report, error=None, **_document_context(view, lang))


@router.get("/v/{doc_id}", response_class=HTMLResponse)
def verify_page(doc_id: str, request: Request, services: ServicesDep) -> HTMLResponse:
    """Where the QR points: the verdict first, then what the document says and who signed."""
    lang = _lang(request)
    view = logged_lookup(services, doc_id, "page")
    status = 404 if view.status == "unknown" else 200
    return _page("verify.html", lang, status, **_document_context(view, lang))


@router.get("/static/verify.css")
def stylesheet() -> Response:
    return Response(_CSS, media_type="text/css", headers={"Cache-Control": "max-age=3600"})
