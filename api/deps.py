"""Typed dependencies: the services, and the API key a request carries."""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, Request
from fastapi.exceptions import RequestValidationError

from api.errors import ApiError
from api.services import Services
from forms.errors import ErrorDetail
from registry.records import ApiKeyRecord
from workflow.context import Context

__all__ = ["ApiKeyDep", "ContextDep", "ServicesDep", "require_scope"]

SCOPES = frozenset({"issue", "sign", "revoke", "admin"})

# A dependency that does no I/O is ``async def``: FastAPI runs a plain ``def`` dependency in
# its thread pool, one hand-off to a thread and back per dependency and request (0.1–0.3 ms
# each on the bench machine, issue 17). Only ``get_api_key``, which reads the registry, runs
# in a thread.


async def get_services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


ServicesDep = Annotated[Services, Depends(get_services)]


async def get_context(request: Request) -> Context:
    """What the flows are handed (built once from the app's settings)."""
    services: Services = request.app.state.services
    return services.context


ContextDep = Annotated[Context, Depends(get_context)]


def get_api_key(request: Request, services: ServicesDep) -> ApiKeyRecord:
    header = request.headers.get("authorization", "")
    scheme, _, secret = header.partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        raise ApiError(
            401,
            "unauthenticated",
            "Send an API key: Authorization: Bearer <key>",
            [ErrorDetail("Authorization", "api_key_required", "missing or not a Bearer token")],
        )
    key = services.registry.api_key_for(secret.strip())
    if key is None:
        raise ApiError(
            401,
            "unauthenticated",
            "The API key is unknown or revoked",
            [ErrorDetail("Authorization", "api_key_valid", "unknown or revoked key")],
        )
    return key


ApiKeyDep = Annotated[ApiKeyRecord, Depends(get_api_key)]


def require_scope(scope: str) -> Callable[[ApiKeyRecord], Awaitable[ApiKeyRecord]]:
    """A dependency that lets a request through only if its key has ``scope`` (or admin)."""

    async def check(key: ApiKeyDep) -> ApiKeyRecord:
        if scope not in key.scopes and "admin" not in key.scopes:
            raise ApiError(
                403,
                "forbidden",
                f"This API key lacks the {scope!r} scope",
                [ErrorDetail("Authorization", "scope_required", f"needs scope {scope!r}")],
            )
        return key

    return check


_NUL_ESCAPE = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000")
"""``\\u0000`` in JSON text, not itself escaped: the only way JSON carries a NUL."""


async def refuse_nul(request: Request) -> None:
    """A NUL character in a query parameter, or in a JSON body's keys or strings, is a 422
    naming where it is (rule ``string_no_nul``): PostgreSQL's text cannot hold one, so it
    would otherwise reach the database and fail there (SQLite would store it or match
    nothing). Every route depends on it; other bodies (a PDF upload) are not read, and a
    path's id that cannot be ours is each route's 404."""
    found: list[tuple[str | int, ...]] = [
        ("query", k) for k, v in request.query_params.multi_items() if "\x00" in k + v
    ]
    if request.headers.get("content-type", "").startswith("application/json"):
        body = await request.body()
        # the substring first: a byte scan (0.7 ms a megabyte), where the pattern alone costs
        # 40–80 ns a byte in the event loop: 80 µs for a certificate's body, 77 ms for a
        # megabyte, seconds for a batch's 64 MB (issue 17)
        if b"\\u0000" in body and _NUL_ESCAPE.search(body):
            with contextlib.suppress(ValueError):  # not JSON: the route's parsing answers
                found += [("body", *path) for path in _nul_paths(json.loads(body))]
    if found:
        raise RequestValidationError(
            [{"loc": loc, "type": "string_no_nul", "msg": "must not contain a NUL character"}
             for loc in found]
        )  # fmt: skip


def _nul_paths(value: object, path: tuple[str | int, ...] = ()) -> list[tuple[str | int, ...]]:
    if isinstance(value, str):
        return [path] if "\x00" in value else []
    if isinstance(value, list):
        return [p for i, v in enumerate(value) for p in _nul_paths(v, (*path, i))]
    if isinstance(value, dict):
        return [
            p
            for k, v in value.items()
            for p in ([(*path, k)] if "\x00" in k else []) + _nul_paths(v, (*path, k))
        ]
    return []
