"""Tenancy on every route: who may call it, and whose documents it may touch.

``ROUTES`` holds one decision per route of the app: public, a key with a scope, or a key
whose organisation owns the document named in the path. The first test enumerates the app's
routes, so a new route without a decision fails here. For every protected route the tests
then check: no key → 401, an unknown or revoked key → 401, a key without the scope → 403,
another organisation's key (with every scope) → 404 for document routes, the owner → none
of 401/403/404.
"""

from __future__ import annotations

import copy
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient

from api.deps import SCOPES
from api.services import Services
from forms import get_form
from forms.rules.applications import REQUIREMENTS
from signing import issue_certificate
from tests.support.errors import assert_error_shape

FORM = "qualification-certificate"


@dataclass(frozen=True)
class Access:
    """Who may call a protected route."""

    scope: str | None
    """The scope the key needs (``admin`` passes every scope check); ``None``: any live key."""
    owner_only: bool = False
    """The path names a document: only its organisation's keys see it (others get 404)."""


PUBLIC = None
"""Anyone, no key: verification, offline keys, forms, health, the API's own description."""

LINK = "link"
"""No API key: a one-time signing link's token (query or body) names document and signer."""

ROUTES: dict[tuple[str, str], Access | str | None] = {
    ("GET", "/openapi.json"): PUBLIC,
    ("GET", "/docs"): PUBLIC,
    ("GET", "/docs/oauth2-redirect"): PUBLIC,
    ("GET", "/redoc"): PUBLIC,
    ("GET", "/v1/forms"): PUBLIC,
    ("GET", "/v1/forms/{form_id}/schema"): PUBLIC,
    ("GET", "/v1/forms/{form_id}/example"): PUBLIC,
    ("GET", "/v1/forms/{form_id}"): PUBLIC,
    ("GET", "/v1/rulebooks"): PUBLIC,
    ("GET", "/v1/rulebooks/{rulebook_id}"): PUBLIC,
    ("POST", "/v1/documents"): Access("issue"),
    ("GET", "/v1/documents/{doc_id}"): Access(None, owner_only=True),
    ("GET", "/v1/documents"): Access(None),  # lists the key's own organisation's only
    ("GET", "/v1/documents/{doc_id}/pdf"): Access(None, owner_only=True),
    ("GET", "/v1/documents/{doc_id}/docx"): Access(None, owner_only=True),
    ("POST", "/v1/documents/{doc_id}/revoke"): Access("revoke", owner_only=True),
    ("POST", "/v1/applications"): Access("issue"),
    ("GET", "/v1/verify/{doc_id}"): PUBLIC,
    ("GET", "/v1/verify/{doc_id}/revisions/{sha256}"): PUBLIC,
    ("POST", "/v1/verify"): PUBLIC,
    ("GET", "/.well-known/qujat/keys"): PUBLIC,
    ("GET", "/v1/status-list"): PUBLIC,
    ("GET", "/v/check"): PUBLIC,
    ("POST", "/v/check"): PUBLIC,
    ("POST", "/v1/verify/lookup"): PUBLIC,
    ("POST", "/v/lookup"): PUBLIC,
    ("GET", "/v/{doc_id}"): PUBLIC,
    ("GET", "/static/verify.css"): PUBLIC,
    ("GET", "/healthz"): PUBLIC,
    ("GET", "/metrics"): PUBLIC,  # counts and latencies only; the proxy limits who scrapes
    ("POST", "/v1/batches"): Access("issue"),
    ("GET", "/v1/batches/{batch_id}"): Access(None, owner_only=True),
    ("DELETE", "/v1/batches/{batch_id}"): Access("issue", owner_only=True),
    ("POST", "/v1/signers"): Access("admin"),
    ("GET", "/v1/signers/{signer_id}"): Access(None, owner_only=True),
    ("POST", "/v1/documents/{doc_id}/signatures"): Access("sign", owner_only=True),
    ("POST", "/v1/documents/{doc_id}/signatures/prepare"): Access("sign", owner_only=True),
    ("POST", "/v1/documents/{doc_id}/signatures/complete"): Access("sign", owner_only=True),
    ("POST", "/v1/documents/{doc_id}/signing-links"): Access("sign", owner_only=True),
    ("POST", "/v1/documents/{doc_id}/derived"): Access("issue", owner_only=True),
    ("GET", "/sign/{doc_id}"): LINK,
    ("GET", "/sign/{doc_id}/pdf"): LINK,
    ("POST", "/sign/{doc_id}/prepare"): LINK,
    ("POST", "/sign/{doc_id}/complete"): LINK,
    ("GET", "/static/sign.js"): PUBLIC,
    ("POST", "/v1/webhooks"): Access("admin"),
    ("GET", "/v1/webhooks"): Access("admin"),
    ("DELETE", "/v1/webhooks/{webhook_id}"): Access("admin", owner_only=True),
    ("POST", "/v1/webhooks/{webhook_id}/rotate-secret"): Access("admin", owner_only=True),
    ("GET", "/v1/webhooks/{webhook_id}/deliveries"): Access("admin", owner_only=True),
    ("POST", "/v1/webhooks/{webhook_id}/deliveries/{delivery_id}/retry"): Access(
        "admin", owner_only=True
    ),
}


def app_routes(app: FastAPI) -> set[tuple[str, str]]:
    """(method, path) of every route the app serves (HEAD aside: it follows GET)."""
    found: set[tuple[str, str]] = set()
    for route in iter_route_contexts(app.routes):
        for method in route.methods or ():
            if method != "HEAD" and route.path is not None:
                found.add((method, route.path))
    return found


def test_every_route_has_a_tenancy_decision(app: FastAPI) -> None:
    served = app_routes(app)
    undecided = sorted(served - set(ROUTES))
    assert not undecided, f"routes without a tenancy decision (add them to ROUTES): {undecided}"
    gone = sorted(set(ROUTES) - served)
    assert not gone, f"ROUTES names routes the app no longer has: {gone}"


# --- requests -----------------------------------------------------------------------------


@dataclass
class Target:
    """What a route's requests refer to: a document of the owner, and, made on first use,
    a batch and a signer of the owner."""

    doc_id: str
    makers: dict[str, Callable[[], str]]
    made: dict[str, str] = field(default_factory=dict)

    def id(self, name: str) -> str:
        if name not in self.made:
            self.made[name] = self.makers[name]()
        return self.made[name]

    def path(self, template: str) -> str:
        ids = {"doc_id": self.doc_id, "form_id": FORM, "rulebook_id": "kz-attestation-pilot-2024",
               "sha256": "0" * 64}  # fmt: skip
        for name in ("batch_id", "signer_id", "webhook_id", "delivery_id"):
            if "{" + name + "}" in template:
                ids[name] = self.id(name)
        return template.format(**ids)


def _document_body() -> dict[str, Any]:
    return {"form": FORM, "lang": "kk", "data": copy.deepcopy(dict(get_form(FORM).example))}


def _webhook_body() -> dict[str, Any]:
    return {"url": "http://127.0.0.1:9/hook", "events": ["document.issued"]}


def _application_body() -> dict[str, Any]:
    return {
        "form": "application-teacher",
        "lang": "kk",
        "data": copy.deepcopy(dict(get_form("application-teacher").example)),
        "documents": [r.id for r in REQUIREMENTS],
        "submitted_at": "2025-10-14T10:30:00+05:00",
        "provider": {
            "name": "Қарағанды облысы білім басқармасы",
            "signatory": {"full_name": "Ахметова Сәуле Болатқызы", "position": "Бөлім басшысы"},
        },
    }


BODIES: dict[tuple[str, str], Callable[[Target], dict[str, Any]]] = {
    ("POST", "/v1/documents"): lambda t: _document_body(),
    ("POST", "/v1/documents/{doc_id}/revoke"): lambda t: {"reason": "issued in error"},
    ("POST", "/v1/applications"): lambda t: _application_body(),
    ("POST", "/v1/batches"): lambda t: {"items": [_document_body()]},
    ("POST", "/v1/signers"): lambda t: {"certificate": t.id("certificate")},
    ("POST", "/v1/documents/{doc_id}/signatures"): lambda t: {"signer_id": t.id("signer_id")},
    ("POST", "/v1/documents/{doc_id}/signatures/prepare"): lambda t: {
        "signer_id": t.id("signer_id")
    },
    ("POST", "/v1/documents/{doc_id}/signatures/complete"): lambda t: {
        "session_id": "a" * 32,
        "signature": "AAAA",
    },
    ("POST", "/v1/documents/{doc_id}/signing-links"): lambda t: {"signer_id": t.id("signer_id")},
    ("POST", "/sign/{doc_id}/prepare"): lambda t: {"token": "not-a-link-token"},
    ("POST", "/v1/webhooks"): lambda t: _webhook_body(),
    ("POST", "/sign/{doc_id}/complete"): lambda t: {
        "token": "not-a-link-token",
        "session_id": "a" * 32,
        "cms": "AAAA",
    },
}
"""A body for each route that takes one: valid where the owner's call can succeed on a
plain certificate; for the signing routes, well-formed (the document needs no signature)."""


def call(
    client: TestClient, route: tuple[str, str], target: Target, headers: dict[str, str]
) -> Any:
    method, template = route
    path = target.path(template)
    body = BODIES.get(route)
    if body is None:
        return client.request(method, path, headers=headers)
    return client.request(method, path, json=body(target), headers=headers)


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


@dataclass
class Tenants:
    owner_org: str
    target: Target
    key_for: Callable[[set[str]], str]
    """A new key of the owning organisation with these scopes; returns its secret."""
    stranger: str
    """A key of another organisation with every scope (admin too)."""


@pytest.fixture
def tenants(services: Services, client: TestClient, data_dir: Path, make_org) -> Tenants:  # type: ignore[no-untyped-def]
    owner = make_org("issue", "admin")
    r = client.post("/v1/documents", json=_document_body(), headers=owner.headers)
    assert r.status_code == 201, r.text

    def key_for(scopes: set[str]) -> str:
        _, secret = services.registry.create_api_key(owner.name, scopes)
        return secret

    def make_batch() -> str:
        batch = client.post(
            "/v1/batches", json={"items": [_document_body()]}, headers=owner.headers
        )
        assert batch.status_code == 202, batch.text
        return str(batch.json()["id"])

    def make_certificate() -> str:
        keys = data_dir / "keys"
        cert, _ = issue_certificate(
            keys / "ca.pem", keys / "ca.key.pem", common_name="Мүше", iin="870412300415"
        )
        return cert.decode()

    def make_signer() -> str:
        body = {"certificate": make_certificate()}
        signer = client.post("/v1/signers", json=body, headers=owner.headers)
        assert signer.status_code == 201, signer.text
        return str(signer.json()["id"])

    def make_webhook() -> str:
        hook = client.post("/v1/webhooks", json=_webhook_body(), headers=owner.headers)
        assert hook.status_code == 201, hook.text
        return str(hook.json()["id"])

    def make_delivery() -> str:
        """An event of the owner's, fanned out by the app's dispatcher (nothing listens at
        the URL: the delivery stays pending)."""
        hook = target.id("webhook_id")
        client.post("/v1/documents", json=_document_body(), headers=owner.headers)
        for _ in range(200):
            got = client.get(f"/v1/webhooks/{hook}/deliveries", headers=owner.headers)
            if got.json()["items"]:
                return str(got.json()["items"][0]["id"])
            time.sleep(0.05)
        raise AssertionError("no delivery was made")

    makers = {
        "batch_id": make_batch,
        "signer_id": make_signer,
        "certificate": make_certificate,
        "webhook_id": make_webhook,
        "delivery_id": make_delivery,
    }
    stranger = make_org(*SCOPES)
    target = Target(r.json()["id"], makers)
    return Tenants(owner.name, target, key_for, stranger.secret)


def _access(route: tuple[str, str]) -> Access:
    access = ROUTES[route]
    assert isinstance(access, Access)
    return access


PROTECTED = sorted(route for route, access in ROUTES.items() if isinstance(access, Access))


@pytest.mark.parametrize("route", PROTECTED, ids=" ".join)
def test_no_key_or_a_dead_key_is_401(
    client: TestClient, services: Services, tenants: Tenants, route: tuple[str, str]
) -> None:
    for headers in (
        {},
        {"Authorization": "Basic dXNlcjpwYXNz"},
        bearer("qj_unknown_key"),
    ):
        r = call(client, route, tenants.target, headers)
        assert r.status_code == 401, (headers, r.text)
        assert_error_shape(r.json(), "unauthenticated")
    secret = tenants.key_for({*SCOPES})
    key = services.registry.api_key_for(secret)
    assert key is not None
    services.registry.revoke_api_key(key.id)
    r = call(client, route, tenants.target, bearer(secret))
    assert r.status_code == 401, r.text


@pytest.mark.parametrize("route", [r for r in PROTECTED if _access(r).scope], ids=" ".join)
def test_a_key_without_the_scope_is_403(
    client: TestClient, tenants: Tenants, route: tuple[str, str]
) -> None:
    needed = _access(route).scope
    secret = tenants.key_for(set(SCOPES) - {needed, "admin"})
    r = call(client, route, tenants.target, bearer(secret))
    assert r.status_code == 403, r.text
    details = assert_error_shape(r.json(), "forbidden")
    assert details[0]["rule"] == "scope_required"


@pytest.mark.parametrize("route", [r for r in PROTECTED if _access(r).owner_only], ids=" ".join)
def test_another_organisations_key_is_404(
    client: TestClient, tenants: Tenants, route: tuple[str, str]
) -> None:
    r = call(client, route, tenants.target, bearer(tenants.stranger))
    assert r.status_code == 404, r.text
    assert_error_shape(r.json(), "not_found")
    # and the document was not touched: its owner still sees it as it was
    owner = bearer(tenants.key_for({"issue"}))
    doc = client.get(f"/v1/documents/{tenants.target.doc_id}", headers=owner).json()
    assert doc["status"] == "issued" and doc["revoked_at"] is None


OWNER_REFUSALS = {
    ("POST", "/v1/documents/{doc_id}/signatures"): 409,
    ("POST", "/v1/documents/{doc_id}/signatures/prepare"): 409,
    ("POST", "/v1/documents/{doc_id}/signatures/complete"): 404,
    ("POST", "/v1/documents/{doc_id}/signing-links"): 409,
    ("POST", "/v1/documents/{doc_id}/derived"): 409,
    ("POST", "/v1/webhooks/{webhook_id}/deliveries/{delivery_id}/retry"): 409,  # not failed
}
"""What the owner gets where a plain certificate cannot go further: a business refusal
(nothing to sign; no such signing session), never a tenancy one."""


@pytest.mark.parametrize("route", PROTECTED, ids=" ".join)
def test_the_owner_gets_through(
    client: TestClient, tenants: Tenants, route: tuple[str, str]
) -> None:
    needed = _access(route).scope
    secret = tenants.key_for({needed} if needed else {"sign"})  # only what the route needs
    r = call(client, route, tenants.target, bearer(secret))
    expected = OWNER_REFUSALS.get(route)
    if expected is None:
        assert r.status_code < 300, r.text
    else:
        assert r.status_code == expected, r.text
        assert tenants.target.doc_id not in r.json()["error"]["message"], r.text


@pytest.mark.parametrize("route", sorted(r for r, a in ROUTES.items() if a is PUBLIC), ids=" ".join)
def test_public_routes_need_no_key(
    client: TestClient, tenants: Tenants, route: tuple[str, str]
) -> None:
    r = call(client, route, tenants.target, {})
    assert r.status_code not in (401, 403), r.text
    assert r.status_code < 500, r.text


@pytest.mark.parametrize("route", sorted(r for r, a in ROUTES.items() if a == LINK), ids=" ".join)
def test_signing_link_routes_need_the_link_not_a_key(
    client: TestClient, tenants: Tenants, route: tuple[str, str]
) -> None:
    """Without a valid link token nothing is shown or signed, whatever API key comes along."""
    owner = bearer(tenants.key_for(set(SCOPES)))
    for headers in ({}, owner):
        r = call(client, route, tenants.target, headers)
        assert 400 <= r.status_code < 500, r.text
        assert tenants.target.doc_id not in r.text or r.status_code == 404
