"""One handler for every error: the JSON shape for the API, an HTML page in the visitor's
language for the pages a person opens (``/v/…``, ``/sign/…``).

``{"error": {"code", "message", "details": [{"field", "rule", "message", "paragraph"?}]}}``

Errors of the HTTP layer alone (authentication, size, rate)::

ApiError                        its own status and code
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.metrics import ERRORS
from api.pages import error_page, is_page
from forms.errors import ErrorDetail, QujatError, error_shape

__all__ = ["ERROR_RESPONSES", "ApiError", "ErrorBody", "error_body", "install_error_handlers"]

log = logging.getLogger("qujat.api")


class ApiError(QujatError):
    """An error only the HTTP layer knows about (authentication, size, rate)."""

    def __init__(
        self, status: int, code: str, message: str, details: list[ErrorDetail] | None = None
    ) -> None:
        super().__init__(message, details)
        self.http_status = status
        self.code = code


class ErrorDetailPublic(BaseModel):
    """One reason a request was refused."""

    field: str
    rule: str
    message: str
    paragraph: str | None = None


class ErrorPublic(BaseModel):
    code: str
    message: str
    details: list[ErrorDetailPublic]


class ErrorBody(BaseModel):
    """The one shape of every error response."""

    error: ErrorPublic


_ERROR_STATUSES = {
    400: "The request is malformed",
    401: "No API key, or an unknown or revoked one",
    403: "The API key lacks the scope this needs",
    404: "No such resource (or not your organisation's)",
    409: "Conflicts with the current state (already revoked, Idempotency-Key reused)",
    413: "The body is larger than allowed",
    415: "The body's media type is not accepted",
    422: "The request or its data is invalid",
    410: "The signing session or link has expired or was used",
    429: "Too many requests; retry after the Retry-After seconds",
    500: "Something went wrong on our side",
    503: "Busy (every validation worker is in use); retry shortly",
}

ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorBody, "description": text} for status, text in _ERROR_STATUSES.items()
}
"""Declared on every operation of the OpenAPI document (the app's ``responses=``): any
operation may answer with any of these, in the one error shape."""


MAX_DETAILS = 50
"""Details an error lists at most: a body of a million unknown keys is told about 50."""
_MAX_TEXT = 300
_IIN_RUN = re.compile(r"(?<!\d)\d{12}(?!\d)")


def _clean(text: str) -> str:
    """At most a few hundred characters, and no IIN (any run of twelve digits)."""
    return _IIN_RUN.sub("************", text[:_MAX_TEXT])


def error_body(code: str, message: str, details: list[ErrorDetail] | None = None) -> dict[str, Any]:
    """The one error shape; every error answered is built here, so it is counted here.

    Bounded (at most :data:`MAX_DETAILS` details, each text cut short) and with no IIN in
    any text: an error repeats what it was sent, and must not amplify it or leak it."""
    ERRORS.labels(code).inc()
    listed = [
        ErrorDetail(_clean(d.field), _clean(d.rule), _clean(d.message), d.paragraph)
        for d in (details or [])[:MAX_DETAILS]
    ]
    if details and len(details) > MAX_DETAILS:
        more = len(details) - MAX_DETAILS
        listed.append(ErrorDetail("body", "too_many_errors", f"and {more} more not listed"))
    return {"error": error_shape(code, _clean(message), listed)}


_STATUS_CODES = {
    400: "bad_request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_failed",
    410: "gone",
    429: "rate_limited",
}


def _field_path(loc: tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc]
    if parts and parts[0] == "body":
        parts = parts[1:]
    return ".".join(parts) or "body"


def _answer(
    request: Request,
    status: int,
    code: str,
    message: str,
    details: list[ErrorDetail] | None = None,
    headers: Mapping[str, str] | None = None,
) -> Response:
    """The error as the asker reads it: a page for a person, the JSON shape otherwise."""
    body = error_body(code, message, details)
    if is_page(request):
        return error_page(request, status, code)
    return JSONResponse(body, status_code=status, headers=headers)


def install_error_handlers(app: FastAPI) -> None:
    """Route every error, ours or the framework's, to the one handler."""

    @app.exception_handler(QujatError)
    async def _ours(request: Request, exc: QujatError) -> Response:
        if exc.http_status >= 500:
            log.error("request failed: %s: %s", exc.code, exc.message)
        return _answer(request, exc.http_status, exc.code, exc.message, exc.details)

    @app.exception_handler(RequestValidationError)
    async def _request_invalid(request: Request, exc: RequestValidationError) -> Response:
        details = [
            ErrorDetail(_field_path(tuple(e.get("loc", ()))), str(e["type"]), str(e["msg"]))
            for e in exc.errors()
        ]
        return _answer(request, 422, "validation_failed", "The request is invalid", details)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        code = _STATUS_CODES.get(exc.status_code, "http_error")
        return _answer(request, exc.status_code, code, str(exc.detail), headers=exc.headers)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        log.exception("unexpected error")
        return _answer(request, 500, "internal_error", "Something went wrong on our side")
