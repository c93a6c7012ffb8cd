"""The application flow through HTTP: accepted, rejected with reasons, after hours, window."""

from __future__ import annotations

import copy
from typing import Any

from fastapi.testclient import TestClient

from forms import get_form
from forms.rules.applications import REQUIREMENTS
from tests.conftest import Org
from tests.pdftools import text_of

PROVIDER = {
    "name": "Қарағанды облысы білім басқармасы",
    "signatory": {"full_name": "Ахметова Сәуле Болатқызы", "position": "Бөлім басшысы"},
}
ALL_DOCUMENTS = [r.id for r in REQUIREMENTS]


def submit(client: TestClient, org: Org, **overrides: Any) -> Any:
    body: dict[str, Any] = {
        "form": "application-teacher",
        "lang": "kk",
        "data": copy.deepcopy(dict(get_form("application-teacher").example)),
        "documents": ALL_DOCUMENTS,
        "submitted_at": "2025-10-14T10:30:00+05:00",  # a Tuesday, working hours
        "provider": PROVIDER,
    }
    body.update(overrides)
    return client.post("/v1/applications", json=body, headers=org.headers)


def test_complete_application_is_accepted_with_the_app6_notice(
    client: TestClient, org: Org
) -> None:
    r = submit(client, org)
    assert r.status_code == 201, r.text
    out = r.json()
    assert out["decision"] == "accepted" and out["reasons"] == []
    assert out["registered_on"] == "2025-10-14" and out["notice_due"] == "2025-10-15"
    assert out["notice"]["form"] == "application-accepted-notice"
    assert out["application"]["form"] == "application-teacher"
    pdf = client.get(out["notice"]["links"]["pdf"], headers=org.headers).content
    applicant = get_form("application-teacher").example["applicant"]["full_name"]
    assert applicant.replace(" ", "") in text_of(pdf)


def test_missing_documents_give_the_app7_notice_listing_them(client: TestClient, org: Org) -> None:
    kept = [d for d in ALL_DOCUMENTS if d not in ("application", "identity")]
    r = submit(client, org, documents=kept, lang="ru")
    assert r.status_code == 201, r.text
    out = r.json()
    assert out["decision"] == "rejected" and out["application"] is None
    assert out["notice"]["form"] == "application-rejected-notice"
    fields = {d["field"] for d in out["reasons"]}
    assert "documents.application" in fields
    pdf = client.get(out["notice"]["links"]["pdf"], headers=org.headers).content
    assert "отсутствует" in text_of(pdf)


def test_after_hours_on_friday_is_registered_on_monday(client: TestClient, org: Org) -> None:
    r = submit(client, org, submitted_at="2025-10-17T18:30:00+05:00")
    out = r.json()
    assert out["registered_on"] == "2025-10-20" and out["notice_due"] == "2025-10-21"


def test_outside_the_window_is_rejected(client: TestClient, org: Org) -> None:
    r = submit(client, org, submitted_at="2026-02-10T10:00:00+05:00")
    out = r.json()
    assert out["decision"] == "rejected"
    assert "outside_application_window" in {d["rule"] for d in out["reasons"]}


def test_skipping_a_rung_is_a_ground_not_bad_input(client: TestClient, org: Org) -> None:
    data = copy.deepcopy(dict(get_form("application-teacher").example))
    data["current"] = {"category": "teacher-moderator", "valid_until": "2026-05-31"}
    data["decision"] = "award"
    data["requested_category"] = "teacher-master"
    r = submit(client, org, data=data)
    assert r.status_code == 201, r.text
    out = r.json()
    assert out["decision"] == "rejected"
    assert "category_sequence" in {d["rule"] for d in out["reasons"]}


def test_bad_input_is_a_422(client: TestClient, org: Org) -> None:
    data = copy.deepcopy(dict(get_form("application-teacher").example))
    data["applicant"]["iin"] = "871008401428"
    r = submit(client, org, data=data)
    assert r.status_code == 422
    assert r.json()["error"]["details"][0]["rule"] == "iin_checksum"
    r = submit(client, org, submitted_at="2025-10-14T10:30:00")
    assert r.status_code == 422  # a moment without a time zone is ambiguous


def test_idempotent(client: TestClient, org: Org) -> None:
    headers = {**org.headers, "Idempotency-Key": "app-77"}
    body = {
        "form": "application-teacher", "lang": "kk", "provider": PROVIDER,
        "data": get_form("application-teacher").example, "documents": ALL_DOCUMENTS,
        "submitted_at": "2025-10-14T10:30:00+05:00",
    }  # fmt: skip
    a = client.post("/v1/applications", json=body, headers=headers).json()
    b = client.post("/v1/applications", json=body, headers=headers).json()
    assert a["notice"]["id"] == b["notice"]["id"]
    assert a["application"]["id"] == b["application"]["id"]
