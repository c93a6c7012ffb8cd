"""One handler renders every error: a person opening a page gets an HTML page in their
language (never raw JSON); the API and the signing page's own calls keep the JSON shape."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from fastapi.testclient import TestClient

from api.services import Services
from signing import ensure_dev_pki
from tests.support.commission import CHAIR, PRESENT_MEMBERS, SECRETARY, make_member, protocol_data
from tests.support.fixtures import MakeOrg
from workflow import Actor, IssueRequest, SignerRegistration, issue_document, register_signer


def _protocol(services: Services, actor: Actor, folder: Path) -> str:
    """A protocol waiting for its commission's signatures."""
    ctx = services.context
    pki = ensure_dev_pki(services.settings.keys_dir)
    ids = {}
    for name in [*PRESENT_MEMBERS, CHAIR, SECRETARY]:
        m = make_member(pki, folder, name, server_held=False)
        ids[name] = register_signer(ctx, actor, SignerRegistration(m.certificate_pem)).id
    signers = {"chair": ids[CHAIR], "members": [ids[m] for m in PRESENT_MEMBERS],
               "secretary": ids[SECRETARY]}  # fmt: skip
    req = IssueRequest("protocol-teachers", "kk", protocol_data(), signers=signers)
    return issue_document(ctx, actor, req)[0].id


def test_a_reopened_signing_link_is_a_page_in_the_visitors_language(
    client: TestClient, services: Services, make_org: MakeOrg, tmp_path: Path
) -> None:
    ctx = services.context
    org = make_org("issue", "sign", "admin")
    doc_id = _protocol(services, Actor.of(org.key), tmp_path)
    required = ctx.signing.required_signers(doc_id)[0]
    token = ctx.signing.create_link(doc_id, required.id, timedelta(seconds=-1))  # expired
    page = client.get(f"/sign/{doc_id}?token={token}", headers={"Accept-Language": "ru"})
    assert page.status_code == 410
    assert page.headers["content-type"].startswith("text/html")
    assert "Срок действия ссылки истёк" in page.text and '<html lang="ru">' in page.text
    assert page.headers["x-frame-options"] == "DENY"
    kk = client.get(f"/sign/{doc_id}?token={token}")
    assert kk.status_code == 410 and "Бұл сілтеменің мерзімі өтті" in kk.text
    unknown = client.get(f"/sign/{doc_id}?token=nope", headers={"Accept-Language": "en"})
    assert unknown.status_code == 404 and "No such document or link." in unknown.text
    assert doc_id not in unknown.text
    # the page's own script calls keep the JSON shape
    r = client.post(f"/sign/{doc_id}/prepare", json={"token": token})
    assert r.status_code == 410 and r.json()["error"]["code"] == "session_expired"
    # and so does the API
    r = client.get(f"/v1/documents/{doc_id}x", headers=org.headers)
    assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"
