"""Issue every core form through HTTP and check the PDF with independent tools."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.services import Services
from forms import all_forms, get_form
from tests.formtext import expected_strings
from tests.pdftools import attachments, pdfsig, qpdf_check, qr_payloads, squeeze, text_of, xmp
from tests.support.fixtures import Org
from verify import validate_pdf

CORE_FORMS = ["qualification-certificate", "course-certificate", "course-certificate-supplement"]


def issue(
    client: TestClient, org: Org, form: str, lang: str, data: dict[str, Any] | None = None
) -> dict[str, Any]:
    body = {"form": form, "lang": lang, "data": data or get_form(form).example}
    r = client.post("/v1/documents", json=body, headers=org.headers)
    assert r.status_code == 201, r.text
    return dict(r.json())


@pytest.mark.parametrize("lang", ["kk", "ru"])
@pytest.mark.parametrize("form", CORE_FORMS)
def test_issued_pdf_is_signed_archival_and_complete(
    client: TestClient, org: Org, services: Services, nss_db: str, form: str, lang: str
) -> None:
    doc = issue(client, org, form, lang)
    assert doc["status"] == "issued"
    pdf = client.get(doc["links"]["pdf"], headers=org.headers).content

    # independent checker: poppler's pdfsig, with the development CA trusted
    sig = pdfsig(pdf, nss_db)
    assert "Signature is Valid." in sig, sig
    assert "Certificate is Trusted." in sig, sig
    assert "Total document signed" in sig, sig
    assert qpdf_check(pdf).returncode == 0

    # pyHanko, through our verify package: every signature's bottom line
    report = validate_pdf(pdf, services.trust_roots)
    assert report.ok and not report.modified_after_signing
    assert [s.certification for s in report.signatures] == [True]

    # every filled value printed, Kazakh letters intact, the title there
    spec = get_form(form)
    text = text_of(pdf)
    case = spec.validate(spec.example)
    for value in expected_strings(spec, lang, case):
        assert squeeze(value) in text, f"{value!r} missing from the {form}.{lang} text"

    # PDF/A-3b with the case embedded as source data
    meta = xmp(pdf)
    assert re.search(r'pdfaid:part(="|>)3', meta) and re.search(r'pdfaid:conformance(="|>)B', meta)
    # … with the rulebook it was made under beside the case's own fields
    embedded = json.loads(attachments(pdf)["case.json"])
    rulebook = embedded.pop("rulebook")
    assert embedded == case.model_dump(mode="json")
    assert rulebook["id"] == spec.rulebook.id == doc["rulebook"]["id"]
    assert rulebook["issued_outside_period"] is False


def test_qr_code_opens_the_verification_page(client: TestClient, org: Org) -> None:
    doc = issue(client, org, "qualification-certificate", "kk")
    pdf = client.get(doc["links"]["pdf"], headers=org.headers).content
    [payload] = qr_payloads(pdf)
    url, _, token = payload.partition("#")
    assert url == doc["verify_url"] and token.startswith("QJ1:")
    assert doc["verify_url"] == f"http://testserver/v/{doc['id']}"
    page = client.get(f"/v/{doc['id']}")
    assert page.status_code == 200
    assert "Құжат жарамды" in page.text


def test_markup_in_data_prints_literally(client: TestClient, org: Org) -> None:
    hostile = r"#set page(width: 1pt) *x* $y$ <z> @w \ Әлихан"
    data = json.loads(json.dumps(get_form("qualification-certificate").example))
    data["holder"]["full_name"] = hostile
    data["position"] = '") #panic("boom'
    doc = issue(client, org, "qualification-certificate", "ru", data)
    pdf = client.get(doc["links"]["pdf"], headers=org.headers).content
    text = text_of(pdf)
    assert squeeze(hostile) in text
    assert squeeze('") #panic("boom') in text


def test_document_ids_are_random_and_long(client: TestClient, org: Org) -> None:
    ids = {issue(client, org, "course-certificate", "kk")["id"] for _ in range(3)}
    assert len(ids) == 3
    for doc_id in ids:
        assert len(doc_id) == 32 and set(doc_id) <= set("abcdefghijklmnopqrstuvwxyz234567")


def test_all_core_forms_are_served(client: TestClient) -> None:
    listed = {f["id"]: f for f in client.get("/v1/forms").json()["forms"]}
    assert set(CORE_FORMS) <= set(listed)
    for form in CORE_FORMS:
        assert listed[form]["languages"] == ["kk", "ru"]
        schema = client.get(f"/v1/forms/{form}/schema").json()
        assert schema["type"] == "object" and schema["additionalProperties"] is False
        example = client.get(f"/v1/forms/{form}/example").json()
        get_form(form).validate(example)
    assert len(listed) == len(all_forms())


def test_scoring_sheet_returns_its_computed_totals(client: TestClient, org: Org) -> None:
    spec = get_form("portfolio-evaluation-teacher")
    doc = issue(client, org, spec.id, "kk")
    computed = doc["computed"]
    case = spec.validate(spec.example)
    assert computed == {k: v for k, v in spec.summary(case).items() if k != "iin"}
    assert computed["total"] > 0 and computed["recommended_category"]
