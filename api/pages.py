"""What every server-rendered page shares: templates, security headers, the visitor's
language, and the error page (the one error handler renders it for ``/v/…`` and ``/sign/…``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from api.i18n import LABELS, PAGE_LANGS, pick_lang

__all__ = [
    "PAGE_PREFIXES",
    "SECURITY_HEADERS",
    "TEMPLATES",
    "error_page",
    "is_page",
    "page_lang",
    "render_page",
    "template_env",
]

TEMPLATES = Path(__file__).resolve().parent / "templates"

PAGE_PREFIXES = ("/v/", "/sign/")
"""Paths a person opens in a browser: their errors are pages, not JSON."""

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


def template_env() -> Environment:
    """The pages' Jinja2 environment (autoescaped)."""
    return Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]))


_env = template_env()


def page_lang(request: Request) -> str:
    """The visitor's language: ``?lang=``, else Accept-Language, else Kazakh."""
    return pick_lang(request.query_params.get("lang"), request.headers.get("accept-language"))


def render_page(
    template: str, lang: str, status: int, headers: dict[str, str] | None = None, **context: Any
) -> HTMLResponse:
    """A page in ``lang`` with the security headers."""
    html = _env.get_template(template).render(
        lang=lang, langs=PAGE_LANGS, t=LABELS[lang], **context
    )
    return HTMLResponse(html, status_code=status, headers=headers or SECURITY_HEADERS)


def is_page(request: Request) -> bool:
    """Whether the request is for a page a person reads (a GET or a form post under
    ``/v/`` or ``/sign/``, not the signing page's JSON calls)."""
    path = request.url.path
    if not path.startswith(PAGE_PREFIXES):
        return False
    if path.startswith("/sign/"):
        return request.method == "GET" and not path.endswith("/pdf")
    return True


def error_page(request: Request, status: int, code: str) -> HTMLResponse:
    """The error as a page in the visitor's language (the upload check keeps its form)."""
    lang = page_lang(request)
    template = "check.html" if request.url.path.startswith("/v/") else "error.html"
    return render_page(template, lang, status, error=code)
