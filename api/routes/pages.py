"""Server-rendered public pages: ``/v/{id}`` is where the QR code points."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from api.deps import ServicesDep
from api.i18n import LABELS, PAGE_LANGS, pick_lang
from api.verification import public_view

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


@router.get("/v/{doc_id}", response_class=HTMLResponse)
def verify_page(doc_id: str, request: Request, services: ServicesDep) -> HTMLResponse:
    lang = pick_lang(request.query_params.get("lang"), request.headers.get("accept-language"))
    view = public_view(services, doc_id)
    title = ""
    if view.form_title:
        title = view.form_title["ru" if lang == "ru" else "kk"]
    category = view.details.get("category_ru" if lang == "ru" else "category_kk")
    html = _env.get_template("verify.html").render(
        lang=lang, langs=PAGE_LANGS, t=LABELS[lang], v=view, title=title, category=category
    )
    status = 404 if view.status == "unknown" else 200
    return HTMLResponse(html, status_code=status, headers=SECURITY_HEADERS)


@router.get("/static/verify.css")
def stylesheet() -> Response:
    return Response(_CSS, media_type="text/css", headers={"Cache-Control": "max-age=3600"})
