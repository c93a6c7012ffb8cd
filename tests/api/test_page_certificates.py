"""The verification page and ``GET /v1/verify/{id}`` show what each signer's certificate
says, as ``GET /v1/signers/{id}`` does: person, IIN masked (no digit of it), organisation
and BIN of a legal entity's key, holder type and role, the issuing CA, valid from/to."""

from __future__ import annotations

import html
from pathlib import Path

from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from fastapi.testclient import TestClient

from api.services import Services
from signing import ensure_dev_pki
from tests.api.test_org_issuers import BIN, _legal_entity_p12
from tests.support.commission import CHAIR, PRESENT_MEMBERS, SECRETARY, signed_protocol
from tests.support.documents import issue
from tests.support.fixtures import MakeOrg
from workflow.issuers import provision_issuer

ORGANISATION = "Қарағанды қаласы бойынша білім бөлімі"


def test_a_legal_entity_issuers_facts_on_the_page(
    client: TestClient, services: Services, make_org: MakeOrg, tmp_path: Path
) -> None:
    school = make_org("issue")
    pki = ensure_dev_pki(services.settings.keys_dir)
    p12, pass_file = _legal_entity_p12(pki, tmp_path)
    ctx = services.context
    provision_issuer(
        services.registry.engine, ctx.trust_for_signers(), organisation=school.name, bin_=BIN,
        p12=p12, passphrase_file=pass_file, now=ctx.clock(),
    )  # fmt: skip
    _, cert, _ = pkcs12.load_key_and_certificates(p12.read_bytes(), pass_file.read_bytes().strip())
    assert cert is not None
    (serial,) = cert.subject.get_attributes_for_oid(NameOID.SERIAL_NUMBER)
    iin = str(serial.value).removeprefix("IIN")
    assert len(iin) == 12
    doc = issue(client, school, "course-certificate")

    view = client.get(f"/v1/verify/{doc['id']}").json()
    (signature,) = view["signatures"]
    facts = signature["certificate"]
    assert facts["person"] == "ОМАРОВА АЙГҮЛ" and facts["holder"] == "legal_entity"
    assert facts["organisation"] == ORGANISATION and facts["bin"] == BIN
    assert facts["roles"] == ["signing_right"] and facts["iin_masked"] == "*" * 12
    assert facts["issuer"] and facts["valid_from"] < facts["valid_to"]

    page = client.get(f"/v/{doc['id']}", params={"lang": "en"})
    assert page.status_code == 200
    text = html.unescape(page.text)
    for shown in ("ОМАРОВА АЙГҮЛ", "legal entity", ORGANISATION, BIN, "signing right",
                  facts["issuer"], facts["valid_to"][:10], "Issuing CA", "*" * 12):  # fmt: skip
        assert shown in text, shown
    assert iin not in text and iin not in str(view)  # no digit run of the IIN, anywhere
    ru = html.unescape(client.get(f"/v/{doc['id']}", params={"lang": "ru"}).text)
    assert "лицо с правом подписи" in ru and "БИН" in ru


def test_every_countersigners_facts_on_the_page(
    client: TestClient, services: Services, make_org: MakeOrg, tmp_path: Path
) -> None:
    org = make_org("issue", "sign", "admin")
    doc_id = signed_protocol(client, org, services, tmp_path)
    view = client.get(f"/v1/verify/{doc_id}").json()
    people = [*PRESENT_MEMBERS, CHAIR, SECRETARY]
    countersigned = [s for s in view["signatures"] if s["role"] != "issuer"]
    assert len(countersigned) == len(people)
    for s in countersigned:  # each from the certificate registered for its field
        assert s["certificate"]["person"] == s["signer"]
    assert {s["certificate"]["person"] for s in countersigned} == set(people)
    signing = services.context.signing
    iins = [signing.signer(r.signer_id).iin for r in signing.required_signers(doc_id)]
    text = html.unescape(client.get(f"/v/{doc_id}", params={"lang": "kk"}).text)
    assert text.count('class="cert"') == len(view["signatures"])
    assert "Куәландырушы орталық" in text
    for iin in iins:
        assert iin and iin not in text
