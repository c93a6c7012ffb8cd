"""Issuing and downloading documents through the API, as the API tests do it."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from forms import get_form
from tests.support.fixtures import Org


def issue(
    client: TestClient, org: Org, form: str, data: dict[str, Any] | None = None
) -> dict[str, Any]:
    body = {"form": form, "lang": "kk", "data": data or get_form(form).example}
    r = client.post("/v1/documents", json=body, headers=org.headers)
    assert r.status_code == 201, r.text
    return dict(r.json())


def pdf_of(client: TestClient, org: Org, doc: dict[str, Any]) -> bytes:
    return client.get(doc["links"]["pdf"], headers=org.headers).content
