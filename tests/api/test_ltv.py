"""LTV through the API on the embedded default: every issued file carries a signature
timestamp; inline mode stores B-LTA at once, background mode B-T and then B-LTA once the
upgrader ran; a dead TSA fails inline issuance (503, nothing stored) and leaves background
files at their level, retried; countersignatures and renewal keep B-LTA; the renewal
command is idempotent. Checked by our verifier, pyHanko's LTA validation and pdfsig."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api import Settings, create_app
from api.cli import main as cli_main
from api.services import Services, build_services
from forms import get_form
from registry.revisions import revisions
from signing.devtsa import DevTimeStamper
from tests.pdftools import pdfsig
from tests.signing.test_ltv_issuance import ades_ok
from tests.support.databases import fresh_database_url
from verify import validate_pdf
from workflow.ltv import Upgrader, proofs_of, upgrade_pending

FORM = "qualification-certificate"


def _services(tmp_path: Path, **overrides: Any) -> Services:
    settings = Settings(
        data_dir=tmp_path / "data",
        database_url=fresh_database_url(tmp_path),
        public_base_url="http://testserver",
        verify_workers=1,
        ltv_upgrader="worker",  # the tests run the upgrader's passes themselves
        **overrides,
    )
    return build_services(settings)


@pytest.fixture
def inline(tmp_path: Path) -> Iterator[tuple[TestClient, Services, dict[str, str]]]:
    yield from _app(_services(tmp_path, ltv_mode="inline"))


@pytest.fixture
def background(tmp_path: Path) -> Iterator[tuple[TestClient, Services, dict[str, str]]]:
    yield from _app(_services(tmp_path, ltv_mode="background"))


def _app(services: Services) -> Iterator[tuple[TestClient, Services, dict[str, str]]]:
    _, secret = services.registry.create_api_key("LTV org", {"issue", "sign", "revoke", "admin"})
    try:
        with TestClient(create_app(services=services)) as client:
            yield client, services, {"Authorization": f"Bearer {secret}"}
    finally:
        services.registry.close()


def _issue(client: TestClient, headers: dict[str, str]) -> dict[str, Any]:
    body = {"form": FORM, "lang": "kk", "data": get_form(FORM).example}
    r = client.post("/v1/documents", json=body, headers=headers)
    assert r.status_code == 201, r.text
    return dict(r.json())


def _independently_b_lta(services: Services, pdf: bytes) -> None:
    report = validate_pdf(pdf, services.trust_roots)
    assert report.ok and report.level == "B-LTA" and report.ltv_status == "valid"
    assert ades_ok(pdf, services.trust_roots[0], datetime.now(UTC))
    out = pdfsig(pdf)
    # poppler validates the signatures and reads the document timestamp (it does not
    # validate RFC 3161 document timestamps: "Unable to validate this type")
    signatures = out.count("Signature #") - out.count("Field Name: ArchiveTimestamp")
    assert out.count("Signature is Valid.") == signatures >= 1, out
    assert "Signature Field Name: ArchiveTimestamp1" in out and "Total document signed" in out


def test_embedded_default_timestamps_with_its_own_ecdsa_tsa(
    background: tuple[TestClient, Services, dict[str, str]],
) -> None:
    _, services, _ = background
    assert isinstance(services.timestamper, DevTimeStamper)
    assert services.timestamper.tsa_cert.public_key.algorithm == "ec"  # a token costs <1 ms
    assert services.settings.ltv_mode == "background"


def _as_read_back(client: TestClient, headers: dict[str, str], doc: dict[str, Any]) -> None:
    """The issuance's answer states the level facts the registry gives back for it (the
    answer builds them from the revision row it committed, without reading them)."""
    again = client.get(doc["links"]["self"], headers=headers).json()
    assert (doc["level"], doc["ltv"]) == (again["level"], again["ltv"])


def test_inline_issuance_is_b_lta(inline: tuple[TestClient, Services, dict[str, str]]) -> None:
    client, services, headers = inline
    doc = _issue(client, headers)
    assert doc["level"] == "B-LTA" and not doc["ltv"]["upgrade_pending"]
    assert doc["ltv"]["archive_timestamp_at"] and doc["ltv"]["revision"] == 1
    _as_read_back(client, headers, doc)
    pdf = client.get(doc["links"]["pdf"], headers=headers).content
    _independently_b_lta(services, pdf)
    public = client.get(f"/v1/verify/{doc['id']}").json()
    assert public["level"] == "B-LTA" and public["ltv"]["archive_timestamp_at"]
    (issuer,) = public["ltv"]["signatures"]
    assert issuer["field"] == "Issuer" and issuer["level"] == "B-LTA" and issuer["proven_at"]
    page = client.get(f"/v/{doc['id']}").text
    assert "B-LTA" in page


def test_background_issuance_is_b_t_then_b_lta(
    background: tuple[TestClient, Services, dict[str, str]],
) -> None:
    client, services, headers = background
    doc = _issue(client, headers)
    assert doc["level"] == "B-T" and doc["ltv"]["upgrade_pending"]
    _as_read_back(client, headers, doc)
    first = client.get(doc["links"]["pdf"], headers=headers).content
    (proof,) = proofs_of(first)
    assert proof.level == "B-T" and proof.proven_at is not None  # the signature timestamp
    report = validate_pdf(first, services.trust_roots)
    assert report.ok and report.level == "B-T"  # never claimed higher than the file is

    counts = upgrade_pending(services.context)
    assert counts.upgraded == 1 and counts.failed == 0
    assert upgrade_pending(services.context).upgraded == 0  # nothing left: idempotent
    now = client.get(doc["links"]["self"], headers=headers).json()
    assert now["level"] == "B-LTA" and not now["ltv"]["upgrade_pending"]
    assert now["ltv"]["revision"] == 2 and now["sha256"] != doc["sha256"]
    pdf = client.get(doc["links"]["pdf"], headers=headers).content  # the current revision
    assert pdf.startswith(first)  # incremental: the B-T file is still inside
    _independently_b_lta(services, pdf)
    reasons = [r.reason for r in revisions(services.registry, doc["id"])]
    assert reasons == ["issued", "upgraded"]
    # an employer holding the earlier B-T copy is told which revision it is
    upload = client.post("/v1/verify", files={"file": ("d.pdf", first, "application/pdf")})
    assert upload.status_code == 200, upload.text
    body = upload.json()
    assert body["revision"]["revision"] == 1 and body["revision"]["document_id"] == doc["id"]
    assert body["signatures"][0]["level"] == "B-T" and body["signatures"][0]["proven_at"]


def test_upgrader_thread_upgrades_by_itself(
    background: tuple[TestClient, Services, dict[str, str]],
) -> None:
    client, services, headers = background
    doc = _issue(client, headers)
    upgrader = Upgrader(services.context, poll_seconds=0.05)
    upgrader.start()
    try:
        for _ in range(200):
            if client.get(doc["links"]["self"], headers=headers).json()["level"] == "B-LTA":
                break
            upgrader._stop.wait(0.05)
    finally:
        upgrader.close()
    assert client.get(doc["links"]["self"], headers=headers).json()["level"] == "B-LTA"


def test_dead_tsa_inline_fails_with_503_and_stores_nothing(tmp_path: Path) -> None:
    services = _services(tmp_path, ltv_mode="inline", tsa_url="http://127.0.0.1:9/tsa",
                         tsa_timeout_seconds=2)  # fmt: skip
    for client, _, headers in _app(services):
        body = {"form": FORM, "lang": "kk", "data": get_form(FORM).example}
        r = client.post("/v1/documents", json=body, headers=headers)
        assert r.status_code == 503, r.text
        assert r.json()["error"]["code"] == "timestamp_unavailable"
        listed = client.get("/v1/documents", headers=headers)
        assert listed.status_code != 200 or not listed.json().get("items")


def test_dead_tsa_background_stays_b_b_and_says_so(tmp_path: Path) -> None:
    services = _services(tmp_path, ltv_mode="background", tsa_url="http://127.0.0.1:9/tsa",
                         tsa_timeout_seconds=2)  # fmt: skip
    for client, _, headers in _app(services):
        doc = _issue(client, headers)
        assert doc["level"] == "B-B" and doc["ltv"]["upgrade_pending"]
        _as_read_back(client, headers, doc)
        counts = upgrade_pending(services.context)
        assert counts.failed == 1 and counts.upgraded == 0  # retried later
        again = client.get(doc["links"]["self"], headers=headers).json()
        assert again["level"] == "B-B" and again["ltv"]["upgrade_pending"]
        report = validate_pdf(client.get(doc["links"]["pdf"], headers=headers).content,
                              services.trust_roots)  # fmt: skip
        assert report.level == "B-B"


def test_renew_command_is_idempotent(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    services = _services(tmp_path, ltv_mode="inline")
    for client, _, headers in _app(services):
        ids = [_issue(client, headers)["id"] for _ in range(2)]
    data = str(tmp_path / "data")
    env = {"QUJAT_DATABASE_URL": services.settings.db_url, "QUJAT_LTV_MODE": "inline"}
    with pytest.MonkeyPatch.context() as mp:
        for k, v in env.items():
            mp.setenv(k, v)
        # a margin wider than the dev TSA certificate's life: every document is due
        assert cli_main(["ltv", "renew", "--margin-days", "2000", "--data-dir", data]) == 0
        assert "seen 2 renewed 2 current 0" in capsys.readouterr().out
        assert cli_main(["ltv", "renew", "--data-dir", data, "--quiet"]) == 0
        assert "seen 2 renewed 0 current 2" in capsys.readouterr().out
        # resumable: a limited run stops with a cursor, the next one goes on after it
        assert cli_main(["ltv", "renew", "--limit", "1", "--quiet", "--data-dir", data]) == 0
        assert "seen 1" in capsys.readouterr().out
        assert (tmp_path / "data" / "ltv-renew.cursor").read_text() == sorted(ids)[0]
        assert cli_main(["ltv", "renew", "--quiet", "--data-dir", data]) == 0
        assert "seen 1" in capsys.readouterr().out
        assert not (tmp_path / "data" / "ltv-renew.cursor").exists()
    for doc_id in ids:
        reasons = [r.reason for r in revisions(services.registry, doc_id)]
        assert reasons == ["issued", "renewed"]
        record = services.registry.find(doc_id)
        assert record is not None
        pdf = services.registry.pdf(record)
        assert len([p for p in proofs_of(pdf)]) == 1
        assert b"/ArchiveTimestamp2" in pdf or b"ArchiveTimestamp2" in pdf
    services.registry.close()


def test_renewal_is_counted_in_metrics(
    inline: tuple[TestClient, Services, dict[str, str]],
) -> None:
    client, services, headers = inline
    _issue(client, headers)
    from workflow.ltv import renew_documents

    counts = renew_documents(services.context, margin=timedelta(days=2000))
    assert counts.renewed == 1
    text = client.get("/metrics").text
    assert 'qujat_ltv_renewals_total{outcome="renewed"}' in text


def test_countersignatures_inline_keep_b_lta_with_every_signature_in_the_dss(
    inline: tuple[TestClient, Services, dict[str, str]], tmp_path: Path
) -> None:
    from pyhanko.pdf_utils.reader import PdfFileReader

    from signing import ensure_dev_pki
    from tests.support.commission import (
        CHAIR,
        PRESENT_MEMBERS,
        SECRETARY,
        hold_key,
        make_member,
        protocol_data,
    )

    client, services, headers = inline
    pki = ensure_dev_pki(services.settings.keys_dir)
    ids: dict[str, str] = {}
    for name in [*PRESENT_MEMBERS, CHAIR, SECRETARY]:
        m = make_member(pki, tmp_path, name, server_held=True)
        r = client.post("/v1/signers", json={"certificate": m.certificate_pem}, headers=headers)
        assert r.status_code == 201, r.text
        ids[name] = r.json()["id"]
        hold_key(services.settings, ids[name], f"pkcs12:{m.p12}")  # the operator's step
    signers = {"chair": ids[CHAIR], "members": [ids[m] for m in PRESENT_MEMBERS],
               "secretary": ids[SECRETARY]}  # fmt: skip
    doc = {"form": "protocol-teachers", "lang": "kk", "data": protocol_data(), "signers": signers}
    r = client.post("/v1/documents", json=doc, headers=headers)
    assert r.status_code == 201 and r.json()["level"] == "B-LTA", r.text
    doc_id = r.json()["id"]
    for name in [*PRESENT_MEMBERS, CHAIR, SECRETARY]:
        r = client.post(f"/v1/documents/{doc_id}/signatures", json={"signer_id": ids[name]},
                        headers=headers)  # fmt: skip
        assert r.status_code == 200, r.text
        assert r.json()["level"] == "B-LTA"  # after each countersignature too
    pdf = client.get(f"/v1/documents/{doc_id}/pdf", headers=headers).content
    report = validate_pdf(pdf, services.trust_roots)
    assert report.ok and report.level == "B-LTA", [
        (s.field_name, s.level) for s in report.signatures
    ]
    people = [p for p in proofs_of(pdf)]
    assert len(people) == 1 + len(PRESENT_MEMBERS) + 2
    assert all(p.level == "B-LTA" and p.proven_at is not None for p in people)
    dss = PdfFileReader(__import__("io").BytesIO(pdf)).root["/DSS"]
    assert len(dss["/Certs"]) >= 1 + len(PRESENT_MEMBERS) + 2  # every signer's certificate
    reasons = [r.reason for r in revisions(services.registry, doc_id)]
    assert reasons == ["issued"] + ["countersigned"] * (len(PRESENT_MEMBERS) + 2)
