"""The signing page in headless Chromium against a stand-in for NCALayer.

The stand-in is a WebSocket server in this process that speaks NCALayer's protocol
(greeting, then ``kz.gov.pki.knca.basics`` / ``sign`` with ``format: cms`` and
``signingParams.digested``) and signs the digest with the chair's test key, making a
detached CMS with its own signed attributes. It listens on ``ws://127.0.0.1:<port>``
(plain WebSocket, not NCALayer's wss://127.0.0.1:13579): the page reads the address from
``QUJAT_NCALAYER_URL``, so no certificate has to be forced on the browser.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from api.settings import Settings
from signing import ensure_dev_pki
from signing.keys import load_pkcs12
from signing.keystore import passphrase_path
from tests.e2e.browser import ARGS, CHROMIUM
from tests.e2e.ncalayer import StandInNcaLayer
from tests.e2e.serverproc import DATABASE_URLS, running_server
from tests.support.commission import (
    CHAIR,
    PRESENT_MEMBERS,
    SECRETARY,
    hold_key,
    make_member,
    protocol_data,
)

sync_api = pytest.importorskip("playwright.sync_api")

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium")


def _ncalayer(p12: Path) -> StandInNcaLayer:
    """NCALayer with one PKCS#12 key: a PAdES CMS over the digest it is given."""
    key = load_pkcs12(p12, passphrase_path(p12).read_bytes().removesuffix(b"\n"))
    return StandInNcaLayer(
        lambda digest: asyncio.run(key.signer.async_sign(digest, "sha256", use_pades=True)).dump()
    )


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """A real server; a protocol every member signed; the chair's key only in the stand-in."""
    data_dir = tmp_path_factory.mktemp("sign-data")
    keys = tmp_path_factory.mktemp("member-keys")
    pki = ensure_dev_pki(data_dir / "keys")  # the server finds and uses this development CA
    people = {
        n: make_member(pki, keys, n, server_held=n != CHAIR)
        for n in [*PRESENT_MEMBERS, CHAIR, SECRETARY]
    }
    ncalayer = _ncalayer(people[CHAIR].p12)
    try:
        with running_server(data_dir, {"QUJAT_NCALAYER_URL": ncalayer.url}) as (base, key):
            headers = {"Authorization": f"Bearer {key}"}
            client = httpx.Client(base_url=base, headers=headers, timeout=30)
            for m in people.values():
                body: dict[str, Any] = {"certificate": m.certificate_pem}
                r = client.post("/v1/signers", json=body)
                assert r.status_code == 201, r.text
                m.signer_id = r.json()["id"]
                if m.server_held:
                    hold_key(
                        Settings(data_dir=data_dir, database_url=DATABASE_URLS.get(data_dir)),
                        m.signer_id, f"pkcs12:{m.p12}",
                    )  # fmt: skip
            signers = {"chair": people[CHAIR].signer_id, "secretary": people[SECRETARY].signer_id,
                       "members": [people[n].signer_id for n in PRESENT_MEMBERS]}  # fmt: skip
            body = {"form": "protocol-teachers", "lang": "kk", "data": protocol_data(),
                    "signers": signers}  # fmt: skip
            r = client.post("/v1/documents", json=body)
            assert r.status_code == 201, r.text
            doc_id = r.json()["id"]
            for n in PRESENT_MEMBERS:
                r = client.post(f"/v1/documents/{doc_id}/signatures",
                                json={"signer_id": people[n].signer_id})  # fmt: skip
                assert r.status_code == 200, r.text
            yield {"base": base, "client": client, "doc": doc_id, "people": people,
                   "ncalayer": ncalayer}  # fmt: skip
            client.close()
    finally:
        ncalayer.close()


def test_chair_signs_in_the_browser_through_ncalayer(site: dict[str, Any]) -> None:
    client, doc_id, people = site["client"], site["doc"], site["people"]
    r = client.post(f"/v1/documents/{doc_id}/signing-links",
                    json={"signer_id": people[CHAIR].signer_id})  # fmt: skip
    assert r.status_code == 201, r.text
    url = r.json()["url"]
    assert url.startswith(site["base"] + f"/sign/{doc_id}?token=")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        page = browser.new_page()
        errors: list[str] = []  # failed loads other than the favicon the browser asks for
        page.on(
            "response",
            lambda r: (
                errors.append(r.url)
                if r.status >= 400 and not r.url.endswith("/favicon.ico")
                else None
            ),
        )
        response = page.goto(url)
        assert response is not None and response.status == 200
        csp = response.headers["content-security-policy"]
        assert "script-src 'self'" in csp and site["ncalayer"].url in csp
        assert CHAIR in page.inner_text("#signer")
        page.click("#sign-button")
        page.wait_for_selector("#status[data-state=signed], #status[data-state=error]",
                               timeout=60_000)  # fmt: skip
        state, text = page.get_attribute("#status", "data-state"), page.inner_text("#status")
        browser.close()
    assert state == "signed", text
    assert not errors, errors
    [request] = site["ncalayer"].requests
    assert request["args"]["signingParams"] == {
        "decode": True, "encapsulate": False, "digested": True, "tsaProfile": None,
    }  # fmt: skip
    doc = client.get(f"/v1/documents/{doc_id}").json()
    chair = next(s for s in doc["required_signers"] if s["role"] == "chair")
    assert chair["signed"] and doc["status"] == "awaiting-signatures"
    # the link was for one signature only
    assert httpx.get(url).status_code == 410
    r = client.post(f"/v1/documents/{doc_id}/signatures",
                    json={"signer_id": people[SECRETARY].signer_id})  # fmt: skip
    assert r.status_code == 200 and r.json()["status"] == "issued"
