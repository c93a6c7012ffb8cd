"""``GET /v1/documents/{id}/docx``: the owner's editable copy; nobody else's."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from api.services import Services
from forms import get_form
from registry.consistency import check
from signing import ensure_dev_pki
from tests.formtext import expected_strings
from tests.pdftools import squeeze
from tests.support.commission import (
    CHAIR,
    PRESENT_MEMBERS,
    SECRETARY,
    hold_key,
    make_member,
    protocol_data,
)
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


def _kept(services: Services, doc_id: str) -> list[str]:
    with services.registry.engine.connect() as conn:
        rows = conn.execute(
            text("SELECT sha256 FROM document_copies WHERE document_id = :d AND kind = 'docx'"),
            {"d": doc_id},
        )
        return [r[0] for r in rows]


def test_the_docx_is_rendered_once_and_served_from_the_file_store(
    client: TestClient, make_org: Callable[..., Org], services: Services
) -> None:
    owner = make_org("issue")
    body = {"form": "course-certificate", "lang": "kk",
            "data": get_form("course-certificate").example}  # fmt: skip
    doc = client.post("/v1/documents", json=body, headers=owner.headers).json()
    assert _kept(services, doc["id"]) == []  # nothing rendered before it is asked for
    first = client.get(f"/v1/documents/{doc['id']}/docx", headers=owner.headers)
    assert first.status_code == 200
    (digest,) = _kept(services, doc["id"])
    assert services.registry.files.get(digest) == first.content
    assert digest not in check(services.registry).unreferenced_files  # gc --sweep keeps it
    # the proof that a GET reads the store and renders nothing: point the row at other bytes
    marker = services.registry.files.put(b"PK the stored copy " + doc["id"].encode())
    with services.registry.engine.begin() as conn:
        conn.execute(text("UPDATE document_copies SET sha256 = :s WHERE document_id = :d"),
                     {"s": marker, "d": doc["id"]})  # fmt: skip
    second = client.get(f"/v1/documents/{doc['id']}/docx", headers=owner.headers)
    assert second.content == services.registry.files.get(marker)
    # its file lost: rendered again, the same bytes as the first time, and kept again
    services.registry.files.delete(marker)
    third = client.get(f"/v1/documents/{doc['id']}/docx", headers=owner.headers)
    assert third.content == first.content and _kept(services, doc["id"]) == [digest]


def test_the_docx_stays_the_same_across_revisions_and_revocation(
    client: TestClient, make_org: Callable[..., Org], services: Services, tmp_path: Path
) -> None:
    owner = make_org("issue", "sign", "admin", "revoke")
    other = make_org("issue")
    pki = ensure_dev_pki(services.settings.keys_dir)
    people = {n: make_member(pki, tmp_path, n, server_held=True)
              for n in [*PRESENT_MEMBERS, CHAIR, SECRETARY]}  # fmt: skip
    for m in people.values():
        r = client.post("/v1/signers", json={"certificate": m.certificate_pem},
                        headers=owner.headers)  # fmt: skip
        assert r.status_code == 201, r.text
        m.signer_id = r.json()["id"]
    first_member = people[PRESENT_MEMBERS[0]]
    hold_key(services.settings, first_member.signer_id, f"pkcs12:{first_member.p12}")
    body: dict[str, Any] = {
        "form": "protocol-teachers", "lang": "kk", "data": protocol_data(),
        "signers": {"chair": people[CHAIR].signer_id, "secretary": people[SECRETARY].signer_id,
                    "members": [people[n].signer_id for n in PRESENT_MEMBERS]},
    }  # fmt: skip
    r = client.post("/v1/documents", json=body, headers=owner.headers)
    assert r.status_code == 201, r.text
    doc_id = r.json()["id"]
    url = f"/v1/documents/{doc_id}/docx"
    before = client.get(url, headers=owner.headers).content
    pdf_before = client.get(f"/v1/documents/{doc_id}/pdf", headers=owner.headers).content
    # a countersignature: a new revision of the PDF; the unsigned copy does not change
    r = client.post(f"/v1/documents/{doc_id}/signatures",
                    json={"signer_id": first_member.signer_id}, headers=owner.headers)  # fmt: skip
    assert r.status_code in (200, 201), r.text
    assert client.get(f"/v1/documents/{doc_id}/pdf", headers=owner.headers).content != pdf_before
    assert client.get(url, headers=owner.headers).content == before
    assert len(_kept(services, doc_id)) == 1
    assert "Unsigned" in open_docx(before).core_properties.comments
    # revoked: still its owner's copy, still nobody else's
    r = client.post(f"/v1/documents/{doc_id}/revoke", json={"reason": "x"}, headers=owner.headers)
    assert r.status_code == 200, r.text
    assert client.get(url, headers=owner.headers).content == before
    r = client.get(url, headers=other.headers)
    assert r.status_code == 404
    assert_error_shape(r.json(), "not_found")
