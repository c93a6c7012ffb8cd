"""Rulebooks through the API: a case outside its rulebook's period is refused unless the
deployment issues it anyway (``QUJAT_RULEBOOK_OUTSIDE_PERIOD=issue``), every document says
which rulebook it was made under (registry, ``case.json``, ``GET /v1/documents/{id}``, the
public page and JSON), the rulebooks and a form's deviations are served, and documents made
under one rulebook keep working after another is added."""

from __future__ import annotations

import copy
import dataclasses
import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

import forms.catalogue as catalogue
from api import create_app
from api.services import Services
from forms import ErrorDetail, FormDataInvalid, get_form
from forms.catalogue import FORMS, Editions
from forms.rulebooks import PILOT_2024, Rulebook
from tests.pdftools import attachments
from tests.support.commission import signed_protocol
from tests.support.fixtures import MakeOrg, Org

CERTIFICATE = "qualification-certificate"


def late_certificate() -> dict[str, Any]:
    """A certificate decided after the pilot's Algorithm lapsed (31 December 2024)."""
    data = copy.deepcopy(dict(get_form(CERTIFICATE).example))
    data["commission_decision_date"] = "2025-02-03"
    data["order"] = {**data["order"], "date": "2025-02-05"}
    data["issue_date"] = "2025-02-06"
    return data


def post(client: TestClient, org: Org, data: dict[str, Any]) -> Any:
    body = {"form": CERTIFICATE, "lang": "kk", "data": data}
    return client.post("/v1/documents", json=body, headers=org.headers)


@pytest.fixture
def issuing_client(services: Services) -> Iterator[TestClient]:
    """The same registry, deployed with ``QUJAT_RULEBOOK_OUTSIDE_PERIOD=issue``."""
    settings = services.settings.model_copy(update={"rulebook_outside_period": "issue"})
    app = create_app(services=dataclasses.replace(services, settings=settings))
    with TestClient(app) as client:
        yield client


def test_a_case_outside_the_period_is_refused_by_default(client: TestClient, org: Org) -> None:
    r = post(client, org, late_certificate())
    assert r.status_code == 422, r.text
    error = r.json()["error"]
    assert error["code"] == "validation_failed"
    [detail] = error["details"]
    assert detail["field"] == "data.commission_decision_date"
    assert detail["rule"] == "outside_rulebook_period"
    assert "2024-06-20" in detail["message"] and "2024-12-31" in detail["message"]
    # the same case dated inside the period is issued, under the pilot, not outside it
    inside = post(client, org, dict(get_form(CERTIFICATE).example))
    assert inside.status_code == 201
    assert inside.json()["issued_outside_period"] is False
    assert inside.json()["rulebook"]["id"] == PILOT_2024.id


def test_the_setting_issues_it_and_every_view_says_so(
    issuing_client: TestClient, client: TestClient, services: Services, org: Org
) -> None:
    r = post(issuing_client, org, late_certificate())
    assert r.status_code == 201, r.text
    doc = r.json()
    assert doc["issued_outside_period"] is True
    assert doc["rulebook"] == {
        "id": PILOT_2024.id,
        "title": {"kk": PILOT_2024.title_kk, "ru": PILOT_2024.title_ru},
        "source": PILOT_2024.legal_source,
        "period": {"from": "2024-06-20", "until": "2024-12-31"},
    }
    # the registry row, read back by the default deployment too
    record = services.registry.get(doc["id"])
    assert record.rulebook_id == PILOT_2024.id and record.issued_outside_period
    assert client.get(f"/v1/documents/{doc['id']}", headers=org.headers).json()[
        "issued_outside_period"
    ]
    # the embedded case.json
    pdf = client.get(doc["links"]["pdf"], headers=org.headers).content
    embedded = json.loads(attachments(pdf)["case.json"])["rulebook"]
    assert embedded["id"] == PILOT_2024.id and embedded["issued_outside_period"] is True
    assert embedded["decisive_date"] == "2025-02-03"
    # the public JSON and page
    public = client.get(f"/v1/verify/{doc['id']}").json()
    assert public["issued_outside_period"] is True
    assert public["rulebook"]["period"] == {"from": "2024-06-20", "until": "2024-12-31"}
    page = client.get(f"/v/{doc['id']}?lang=ru").text
    assert PILOT_2024.title_ru in page and "2024-06-20 – 2024-12-31" in page
    assert "вне срока действия его правового основания" in page
    # the default deployment still refuses the next such case
    assert post(client, org, late_certificate()).status_code == 422


def test_a_document_inside_the_period_has_no_outside_line(client: TestClient, org: Org) -> None:
    doc = post(client, org, dict(get_form(CERTIFICATE).example)).json()
    page = client.get(f"/v/{doc['id']}?lang=kk").text
    assert PILOT_2024.title_kk in page
    assert "outside-period" not in page
    assert client.get(f"/v1/verify/{doc['id']}").json()["issued_outside_period"] is False


def test_rulebooks_are_listed_publicly(client: TestClient) -> None:
    r = client.get("/v1/rulebooks")
    assert r.status_code == 200
    listed = {b["id"]: b for b in r.json()["rulebooks"]}
    assert r.json()["count"] == len(listed)
    assert listed[PILOT_2024.id]["valid_from"] == "2024-06-20"
    assert listed[PILOT_2024.id]["valid_until"] == "2024-12-31"
    assert {spec.rulebook.id for spec in FORMS.values()} <= set(listed)
    one = client.get(f"/v1/rulebooks/{PILOT_2024.id}")
    assert one.status_code == 200 and one.json() == PILOT_2024.public()
    missing = client.get("/v1/rulebooks/no-such-rulebook")
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "unknown_rulebook"


@pytest.mark.parametrize("form", ["application-rejected-notice", "service-requirements"])
def test_a_form_is_served_with_its_rulebook_and_deviations(client: TestClient, form: str) -> None:
    spec = get_form(form)
    r = client.get(f"/v1/forms/{form}")
    assert r.status_code == 200
    body = r.json()
    assert body["id"] == form and body["rulebook"] == spec.rulebook.public()
    assert body["deviations"] == spec.public_deviations() and body["deviations"]
    assert body["editions"] == [
        {"rulebook": spec.rulebook.id, "valid_from": "2024-06-20", "valid_until": "2024-12-31"}
    ]
    assert client.get("/v1/forms/no-such-form").json()["error"]["code"] == "unknown_form"


# --- a second rulebook added at run time ------------------------------------------------

FAKE = Rulebook(
    id="fake-permanent-rules",
    title_kk="Жалған тұрақты қағидалар",
    title_ru="Фиктивные постоянные правила",
    legal_source="a test's invention",
    valid_from=date(2025, 1, 1),
    valid_until=None,
)


def _refuse_everything(_case: Any) -> None:
    """The new rulebook's rules would refuse any earlier case (as new rules may)."""
    raise FormDataInvalid([ErrorDetail("", "fake_new_rule", "refused by the new rules")])


@pytest.fixture
def second_rulebook(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A new edition of the certificate and of the teachers' protocol, current from 2025
    (``FORMS`` now names it) and refusing every case: only re-validation by each stored
    document's own edition keeps the earlier documents working."""
    fakes = [
        dataclasses.replace(FORMS[form], rulebook=FAKE, rules=(_refuse_everything,))
        for form in (CERTIFICATE, "protocol-teachers")
    ]
    monkeypatch.setattr(catalogue, "EDITIONS", Editions([*FORMS.values(), *fakes]))
    for fake in fakes:
        monkeypatch.setitem(FORMS, fake.id, fake)
    yield


def test_documents_made_before_a_new_rulebook_keep_working(
    client: TestClient,
    make_org: MakeOrg,
    services: Services,
    tmp_path: Path,
    request: pytest.FixtureRequest,
) -> None:
    org = make_org("issue", "sign", "admin")
    certificate = post(client, org, dict(get_form(CERTIFICATE).example)).json()
    protocol = signed_protocol(client, org, services, tmp_path)
    docx_before = client.get(certificate["links"]["docx"], headers=org.headers)
    assert docx_before.status_code == 200

    request.getfixturevalue("second_rulebook")
    # the new edition is current and would refuse the stored case if asked
    with pytest.raises(FormDataInvalid):
        get_form(CERTIFICATE).validate(services.registry.get(certificate["id"]).case_data)

    docx_after = client.get(certificate["links"]["docx"], headers=org.headers)
    assert docx_after.status_code == 200, docx_after.text
    assert docx_after.content == docx_before.content  # rendered by its own edition, the same
    seen = client.get(f"/v1/documents/{certificate['id']}", headers=org.headers).json()
    assert seen["rulebook"]["id"] == PILOT_2024.id
    assert client.get(f"/v1/verify/{certificate['id']}").json()["status"] == "valid"
    derived = client.post(f"/v1/documents/{protocol}/derived", headers=org.headers)
    assert derived.status_code == 200, derived.text
    assert derived.json() and all(d["rulebook"]["id"] == PILOT_2024.id for d in derived.json())
    # the new rulebook is listed beside the first
    assert FAKE.id in {b["id"] for b in client.get("/v1/rulebooks").json()["rulebooks"]}
    assert [e["rulebook"] for e in client.get(f"/v1/forms/{CERTIFICATE}").json()["editions"]] == [
        FAKE.id,
        PILOT_2024.id,
    ]
