"""Typed dependencies: the services, and the API key a request carries."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Request

from api.errors import ApiError
from api.services import Services
from forms.errors import ErrorDetail
from registry.records import ApiKeyRecord
from workflow.context import Context

__all__ = ["ApiKeyDep", "ContextDep", "ServicesDep", "require_scope"]

SCOPES = frozenset({"issue", "sign", "revoke", "admin"})


def get_services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


ServicesDep = Annotated[Services, Depends(get_services)]


def get_context(request: Request) -> Context:
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


def require_scope(scope: str) -> Callable[[ApiKeyRecord], ApiKeyRecord]:
    """A dependency that lets a request through only if its key has ``scope`` (or admin)."""

    def check(key: ApiKeyDep) -> ApiKeyRecord:
        if scope not in key.scopes and "admin" not in key.scopes:
            raise ApiError(
                403,
                "forbidden",
                f"This API key lacks the {scope!r} scope",
                [ErrorDetail("Authorization", "scope_required", f"needs scope {scope!r}")],
            )
        return key

    return check
