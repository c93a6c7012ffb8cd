"""The members' signing page end to end in headless Chromium with the NCA test pack's GOST
R 34.10-2015 key: the NCALayer stand-in answers with a GOST CMS (Streebog-512 signed
attributes) made by the pack's individual key, and the server, run under ``faketime`` at a
moment inside that certificate's window with ``QUJAT_PKI_PROFILE=nca-test``, embeds it.
The other members sign with development keys made inside the same window."""

from __future__ import annotations

import asyncio
import base64
import shutil
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from api.settings import Settings
from signing import ensure_dev_pki
from signing.gost.cms import GostSigner
from signing.nca_keys import load_nca_pkcs12
from tests.e2e.browser import ARGS, CHROMIUM
from tests.e2e.ncalayer import StandInNcaLayer
from tests.e2e.serverproc import DATABASE_URLS, running_server
from tests.signing.gost.conftest import INSIDE, PACK
from tests.support.commission import (
    CHAIR,
    PRESENT_MEMBERS,
    SECRETARY,
    hold_key,
    make_member,
    protocol_data,
)
from verify.pdf import validate_pdf

sync_api = pytest.importorskip("playwright.sync_api")

pytestmark = [
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium"),
    pytest.mark.skipif(shutil.which("faketime") is None, reason="needs Debian's faketime"),
]

GOST_MEMBER = "ТЕСТТОВ ТЕСТТ"  # the pack individual's CN (IIN123456789012)
FAKETIME_LIB = "/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1"


class GostNcaLayer(StandInNcaLayer):
    """NCALayer with the pack's individual GOST 2015 key, as on the member's token."""

    def __init__(self) -> None:
        key = load_nca_pkcs12(PACK / "keys/individual_gost2015.p12", b"Aa123456")
        assert isinstance(key.signer, GostSigner)
        signer: GostSigner = key.signer
        self.certificate_pem = (
            "-----BEGIN CERTIFICATE-----\n"
            + base64.b64encode(key.certificate.dump()).decode()
            + "\n-----END CERTIFICATE-----\n"
        )
        super().__init__(
            lambda digest: asyncio.run(signer.async_sign_digest(digest, signing_time=INSIDE)).dump()
        )


def _faked_at_inside() -> dict[str, str]:
    """The server's clock starts at INSIDE (and runs on from there)."""
    moment = (INSIDE + timedelta(hours=1)).strftime("%Y-%m-%d %H:%M:%S")
    return {"LD_PRELOAD": FAKETIME_LIB, "FAKETIME": f"@{moment}", "FAKETIME_DONT_RESET": "1",
            "TZ": "UTC"}  # fmt: skip


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    if not Path(FAKETIME_LIB).exists():
        pytest.skip("libfaketime is not at its Debian path")
    data_dir = tmp_path_factory.mktemp("gost-sign-data")
    keys = tmp_path_factory.mktemp("gost-member-keys")
    # the development CA and the other members' keys, made inside the pack's window
    pki = ensure_dev_pki(data_dir / "keys", now=INSIDE - timedelta(days=30))
    others = [n for n in [*PRESENT_MEMBERS, CHAIR, SECRETARY] if n != PRESENT_MEMBERS[0]]
    people = {
        n: make_member(pki, keys, n, server_held=True, now=INSIDE - timedelta(days=1))
        for n in others
    }
    ncalayer = GostNcaLayer()
    env = {
        "QUJAT_NCALAYER_URL": ncalayer.url,
        "QUJAT_PKI_PROFILE": "nca-test",
        "QUJAT_RULEBOOK_OUTSIDE_PERIOD": "issue",  # 2022 lies before the seed's rulebook
        **_faked_at_inside(),
    }
    try:
        with running_server(data_dir, env) as (base, key):
            headers = {"Authorization": f"Bearer {key}"}
            client = httpx.Client(base_url=base, headers=headers, timeout=60)
            ids: dict[str, str] = {}
            for name, m in people.items():
                r = client.post("/v1/signers", json={"certificate": m.certificate_pem})
                assert r.status_code == 201, r.text
                ids[name] = r.json()["id"]
                hold_key(Settings(data_dir=data_dir, database_url=DATABASE_URLS.get(data_dir)),
                         ids[name], f"pkcs12:{m.p12}")  # fmt: skip
            r = client.post("/v1/signers", json={"certificate": ncalayer.certificate_pem})
            assert r.status_code == 201, r.text  # the pack's CA trusted, its fake IIN admitted
            assert r.json()["name"] == GOST_MEMBER and r.json()["key_held_by"] == "member"
            ids[GOST_MEMBER] = r.json()["id"]
            data = protocol_data()
            gost_name = PRESENT_MEMBERS[0]
            commission = data["commission"]
            commission["members"] = [GOST_MEMBER if n == gost_name else n
                                     for n in commission["members"]]  # fmt: skip
            present = [GOST_MEMBER if n == gost_name else n for n in PRESENT_MEMBERS]
            signers = {"chair": ids[CHAIR], "secretary": ids[SECRETARY],
                       "members": [ids[n] for n in present]}  # fmt: skip
            body = {"form": "protocol-teachers", "lang": "kk", "data": data, "signers": signers}
            r = client.post("/v1/documents", json=body)
            assert r.status_code == 201, r.text
            yield {"base": base, "client": client, "doc": r.json()["id"], "ids": ids,
                   "ncalayer": ncalayer, "roots": [pki.ca_cert_path]}  # fmt: skip
            client.close()
    finally:
        ncalayer.close()


def test_a_member_signs_with_a_gost_key_in_the_browser(site: dict[str, Any]) -> None:
    client, doc_id, ids = site["client"], site["doc"], site["ids"]
    r = client.post(f"/v1/documents/{doc_id}/signing-links",
                    json={"signer_id": ids[GOST_MEMBER]})  # fmt: skip
    assert r.status_code == 201, r.text
    url = r.json()["url"]
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        page = browser.new_page()
        response = page.goto(url)
        assert response is not None and response.status == 200
        assert GOST_MEMBER in page.inner_text("#signer")
        page.click("#sign-button")
        page.wait_for_selector("#status[data-state=signed]", timeout=60_000)
        browser.close()
    [request] = site["ncalayer"].requests
    assert request["args"]["signingParams"]["digested"] is True
    doc = client.get(f"/v1/documents/{doc_id}").json()
    member = next(s for s in doc["required_signers"] if s["signer_id"] == ids[GOST_MEMBER])
    assert member["signed"], doc["required_signers"]
    assert httpx.get(url).status_code == 410  # one signature per link
    for name in [*PRESENT_MEMBERS[1:], CHAIR, SECRETARY]:
        r = client.post(f"/v1/documents/{doc_id}/signatures", json={"signer_id": ids[name]})
        assert r.status_code == 200, r.text
    assert r.json()["status"] == "issued"
    pdf = client.get(f"/v1/documents/{doc_id}/pdf").content
    # the member's signature is a GOST 2015 CMS by the pack's individual, valid at INSIDE
    from api.services import deployment_roots

    roots = deployment_roots(Settings(data_dir=Path(site["roots"][0]).parent.parent,
                                      pki_profile="nca-test"))  # fmt: skip
    report = validate_pdf(pdf, roots, moment=INSIDE + timedelta(hours=2))
    gost = [s for s in report.signatures if s.signer_serial == "IIN123456789012"]
    assert len(gost) == 1, [s.signer_serial for s in report.signatures]
    assert gost[0].intact and gost[0].valid and gost[0].trusted, gost[0]
    assert all(s.intact for s in report.signatures)
