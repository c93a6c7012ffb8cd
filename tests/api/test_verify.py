"""Verification: by id, by upload, on the public page; tampered and appended PDFs."""

from __future__ import annotations

import copy
import io
import logging
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

from api.services import Services
from forms import get_form
from tests.support.documents import issue, pdf_of
from tests.support.fixtures import Org


def upload(client: TestClient, data: bytes) -> dict[str, Any]:
    r = client.post("/v1/verify", files={"file": ("doc.pdf", data, "application/pdf")})
    assert r.status_code == 200, r.text
    return dict(r.json())


def test_verify_by_id_valid_and_no_part_of_the_iin(client: TestClient, org: Org) -> None:
    # the attack: read the holder's birth date and sex (IIN digits 1-7) or the serial and
    # check digit (8-12) off the public answer, by id or on the page
    doc = issue(client, org, "qualification-certificate")
    body = client.get(f"/v1/verify/{doc['id']}").json()
    assert body["status"] == "valid"
    assert body["holder"] == {"name": "Сәрсенбаева Гүлнұр Жұмабайқызы", "iin_masked": None}
    page = client.get(f"/v/{doc['id']}?lang=ru")
    assert "Документ действителен" in page.text
    for text in (client.get(f"/v1/verify/{doc['id']}").text, page.text):
        assert "8710084" not in text and "871008" not in text and "01427" not in text
    assert page.headers["content-security-policy"].startswith("default-src 'none'")
    assert page.headers["referrer-policy"] == "no-referrer"


def test_unknown_id(client: TestClient) -> None:
    assert client.get("/v1/verify/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa").json()["status"] == "unknown"
    assert client.get("/v1/verify/" + "z" * 300).json()["status"] == "unknown"
    page = client.get("/v/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", headers={"Accept-Language": "en"})
    assert page.status_code == 404 and "No such document" in page.text


def test_expired_course_certificate(client: TestClient, org: Org) -> None:
    data = copy.deepcopy(dict(get_form("course-certificate").example))
    data.update(start_date="2020-02-03", end_date="2020-02-14", issue_date="2020-02-20")
    doc = issue(client, org, "course-certificate", data)
    assert doc["valid_until"] == "2023-02-20"
    assert client.get(f"/v1/verify/{doc['id']}").json()["status"] == "expired"


def test_revoked_document(client: TestClient, org: Org) -> None:
    doc = issue(client, org, "course-certificate")
    r = client.post(f"/v1/documents/{doc['id']}/revoke", json={"reason": "issued in error"},
                    headers=org.headers)  # fmt: skip
    assert r.status_code == 200 and r.json()["status"] == "revoked"
    body = client.get(f"/v1/verify/{doc['id']}").json()
    assert body["status"] == "revoked" and body["revoked_at"]
    assert client.get(doc["links"]["pdf"], headers=org.headers).status_code == 200
    assert "Құжат кері қайтарылған" in client.get(f"/v/{doc['id']}").text


def test_upload_genuine(client: TestClient, org: Org) -> None:
    doc = issue(client, org, "qualification-certificate")
    report = upload(client, pdf_of(client, org, doc))
    assert report["verdict"] == "genuine"
    assert report["byte_identical_to_issued"] and report["signatures_ok"]
    assert report["document"]["id"] == doc["id"]
    raw = client.post("/v1/verify", content=pdf_of(client, org, doc),
                      headers={"content-type": "application/pdf"})  # fmt: skip
    assert raw.json()["verdict"] == "genuine"


def test_upload_tampered(client: TestClient, org: Org) -> None:
    doc = issue(client, org, "qualification-certificate")
    pdf = bytearray(pdf_of(client, org, doc))
    at = pdf.index("Сәрсенбаева".encode()) if "Сәрсенбаева".encode() in pdf else len(pdf) // 3
    pdf[at] ^= 0x01
    report = upload(client, bytes(pdf))
    assert report["verdict"] == "modified"
    assert not report["signatures_ok"] and not report["byte_identical_to_issued"]


def test_upload_with_appended_unsigned_update(client: TestClient, org: Org) -> None:
    doc = issue(client, org, "qualification-certificate")
    w = IncrementalPdfFileWriter(io.BytesIO(pdf_of(client, org, doc)), strict=False)
    page = w.root["/Pages"]["/Kids"][0].get_object()
    page["/Rotate"] = generic.NumberObject(90)  # type: ignore[no-untyped-call]
    w.update_container(page)
    out = io.BytesIO()
    w.write(out)  # type: ignore[no-untyped-call]
    report = upload(client, out.getvalue())
    assert report["verdict"] == "modified"
    assert report["modified_after_signing"] and not report["signatures_ok"]


def test_upload_garbage_is_a_clear_4xx(client: TestClient) -> None:
    for junk in (b"not a pdf at all", b"%PDF-1.7\n%%EOF", b"%PDF-1.7\n" + b"\x00" * 5000):
        r = client.post("/v1/verify", files={"file": ("x.pdf", junk, "application/pdf")})
        assert r.status_code == 422, r.text
        assert r.json()["error"]["code"] == "unreadable_pdf"


def test_upload_too_large(client: TestClient, services: Services) -> None:
    big = b"%PDF-1.7\n" + b"0" * (services.settings.max_upload_bytes + 1)
    r = client.post("/v1/verify", content=big, headers={"content-type": "application/pdf"})
    assert r.status_code == 413
    assert r.json()["error"]["code"] == "payload_too_large"


def check_page(client: TestClient, data: bytes, lang: str) -> tuple[int, str]:
    r = client.post(f"/v/check?lang={lang}", files={"file": ("doc.pdf", data, "application/pdf")})
    return r.status_code, r.text


def test_upload_form_on_the_page(client: TestClient, org: Org) -> None:
    doc = issue(client, org, "qualification-certificate")
    page = client.get(f"/v/{doc['id']}?lang=en").text
    assert 'action="/v/check?lang=en"' in page and 'enctype="multipart/form-data"' in page
    assert "<script" not in page
    pdf = pdf_of(client, org, doc)
    code, html = check_page(client, pdf, "ru")
    assert code == 200 and "Файл подлинный" in html and "Документ действителен" in html
    assert "Сәрсенбаева Гүлнұр Жұмабайқызы" in html and "871008401427" not in html
    tampered = bytearray(pdf)
    tampered[len(pdf) // 3] ^= 0x01
    code, html = check_page(client, bytes(tampered), "kk")
    assert code == 200 and "Файл қол қойылғаннан кейін өзгертілген" in html
    code, html = check_page(client, b"garbage", "en")
    assert code == 422 and "cannot be read as a PDF" in html


def test_page_shows_the_revocation_date_first(client: TestClient, org: Org) -> None:
    doc = issue(client, org, "course-certificate")
    client.post(f"/v1/documents/{doc['id']}/revoke", json={"reason": "x"}, headers=org.headers)
    html = client.get(f"/v/{doc['id']}?lang=en").text
    verdict = html.index("The document has been revoked")
    assert verdict < html.index("Revoked:") < html.index("Жақсылықов Ерлан")


def test_lookups_are_logged_without_personal_data(
    client: TestClient, org: Org, caplog: pytest.LogCaptureFixture
) -> None:
    doc = issue(client, org, "qualification-certificate")
    with caplog.at_level(logging.INFO, logger="qujat.verify"):
        client.get(f"/v1/verify/{doc['id']}")
        client.get(f"/v/{doc['id']}")
        client.get("/v/<script>")
    lines = [r.getMessage() for r in caplog.records if r.name == "qujat.verify"]
    assert any(f"id={doc['id']} status=valid via=json" in line for line in lines)
    assert any("id=<malformed> status=unknown via=page" in line for line in lines)
    for line in lines:
        assert "Сәрсенбаева" not in line and "871008401427" not in line


def test_page_shows_the_issue_date_the_document_states(client: TestClient, org: Org) -> None:
    doc = issue(client, org, "qualification-certificate")
    body = client.get(f"/v1/verify/{doc['id']}").json()
    assert body["issued_on"] == get_form("qualification-certificate").example["issue_date"]
    assert "2024-11-29" in client.get(f"/v/{doc['id']}").text
