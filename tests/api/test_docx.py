"""``GET /v1/documents/{id}/docx``: the owner's editable copy; nobody else's."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from forms import get_form
from tests.formtext import expected_strings
from tests.pdftools import squeeze
from tests.support.docx import docx_text, open_docx, table_problems
from tests.support.errors import assert_error_shape
from tests.support.fixtures import Org

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.mark.parametrize(
    ("form", "lang"), [("qualification-certificate", "kk"), ("course-certificate-supplement", "ru")]
)
def test_owner_gets_the_docx_copy(
    client: TestClient, make_org: Callable[..., Org], form: str, lang: str
) -> None:
    owner = make_org("issue")
    spec = get_form(form)
    body = {"form": form, "lang": lang, "data": spec.example}
    doc = client.post("/v1/documents", json=body, headers=owner.headers).json()
    assert doc["links"]["docx"] == f"/v1/documents/{doc['id']}/docx"

    r = client.get(doc["links"]["docx"], headers=owner.headers)
    assert r.status_code == 200
    assert r.headers["content-type"] == DOCX
    assert f"{form}-{doc['id']}.docx" in r.headers["content-disposition"]
    text = docx_text(r.content)
    for value in expected_strings(spec, lang, spec.validate(spec.example)):
        assert squeeze(value) in text, value
    assert doc["id"] in text and squeeze(doc["verify_url"]) in text
    assert table_problems(r.content) == []
    props = open_docx(r.content).core_properties
    assert props.identifier == doc["id"] and "Unsigned" in props.comments

    again = client.get(doc["links"]["docx"], headers=owner.headers)
    assert again.content == r.content


def test_other_organisation_gets_404(client: TestClient, make_org: Callable[..., Org]) -> None:
    owner, other = make_org("issue"), make_org("issue")
    body = {
        "form": "course-certificate",
        "lang": "kk",
        "data": get_form("course-certificate").example,
    }
    doc = client.post("/v1/documents", json=body, headers=owner.headers).json()
    r = client.get(f"/v1/documents/{doc['id']}/docx", headers=other.headers)
    assert r.status_code == 404
    assert_error_shape(r.json(), "not_found")
    assert client.get(f"/v1/documents/{doc['id']}/docx").status_code == 401
    r = client.get("/v1/documents/" + "a" * 32 + "/docx", headers=owner.headers)
    assert r.status_code == 404
