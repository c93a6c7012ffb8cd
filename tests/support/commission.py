"""A commission for countersigning tests: nine members (one absent), a secretary, their
development keys (server-held or the member's own) and a protocol naming them."""

from __future__ import annotations

import base64
import copy
import json
import secrets
import subprocess
import sys
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12

from forms import get_form
from signing import DevPki, issue_certificate
from signing.keystore import passphrase_path

CHAIR = "Құсайынова Бақыт Ержанқызы"
MEMBERS = [
    CHAIR,
    "Әбдіғалиев Нұрлан Төлеуұлы",
    "Шайхина Роза Әміржанқызы",
    "Оспанов Ерлан Қуанышұлы",
    "Мұқанова Динара Сейітқызы",
    "Бекмағамбетов Арман Болатұлы",
    "Искакова Жанар Нұрғалиқызы",
    "Сейітов Асқар Мұратұлы",
    "Жақсылықова Әйгерім Бауыржанқызы",
]
ABSENT = "Оспанов Ерлан Қуанышұлы"
SECRETARY = "Темірбаева Мадина Алмасқызы"
PRESENT_MEMBERS = [m for m in MEMBERS if m not in (CHAIR, ABSENT)]  # seven

CERTIFICATE_TERMS = {
    "organisation": {"name": "Қарағанды қаласы бойынша білім бөлімі", "bin": "940140000385"},
    "order": {"number": "241-Ж", "date": "2024-11-27"},
    "head": {"full_name": "Омарова Айгүл Серікқызы", "position": "Басшы"},
    "issue_date": "2024-11-28",
    "registration_prefix": "KRG-2024-",
}


def protocol_data() -> dict[str, Any]:
    """protocol-teachers' example with a nine-member commission, one absent."""
    data = copy.deepcopy(dict(get_form("protocol-teachers").example))
    data["commission"] = {
        **data["commission"],
        "chair": CHAIR,
        "members": MEMBERS,
        "secretary": SECRETARY,
        "absent": [ABSENT],
    }
    return data


@dataclass
class Member:
    name: str
    p12: Path
    certificate_pem: str
    server_held: bool
    signer_id: str = ""


def make_member(
    pki: DevPki, folder: Path, name: str, *, server_held: bool, now: datetime | None = None
) -> Member:
    """A key and certificate under the development CA, in a PKCS#12 file with its .pass
    (issued at ``now``, default the real time)."""
    iin = f"{secrets.randbelow(10**12):012d}"
    cert_pem, key_pem = issue_certificate(
        pki.ca_cert_path, pki.ca_key_path, common_name=name, iin=iin, now=now
    )
    cert = x509.load_pem_x509_certificate(cert_pem)
    key: Any = serialization.load_pem_private_key(key_pem, password=None)
    passphrase = secrets.token_urlsafe(16).encode()
    path = folder / f"{secrets.token_hex(6)}.p12"
    path.write_bytes(
        pkcs12.serialize_key_and_certificates(
            b"m",
            key,
            cert,
            None,
            serialization.BestAvailableEncryption(passphrase),
        )
    )
    passphrase_path(path).write_bytes(passphrase + b"\n")
    path.chmod(0o600)
    return Member(name, path, cert_pem.decode(), server_held)


class Device:
    """The members' own devices: a separate process that holds only their key files."""

    def __init__(self) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tests.support.member_device"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        )  # fmt: skip

    def ask(self, member: Member, prepared: dict[str, Any], mode: str) -> dict[str, str]:
        request = {"p12": str(member.p12), "mode": mode, **prepared}
        assert self.proc.stdin and self.proc.stdout
        self.proc.stdin.write(json.dumps(request) + "\n")
        self.proc.stdin.flush()
        reply: dict[str, str] = json.loads(self.proc.stdout.readline())
        assert "error" not in reply, reply
        return reply

    def close(self) -> None:
        assert self.proc.stdin and self.proc.stdout
        self.proc.stdin.close()
        self.proc.wait(timeout=10)
        self.proc.stdout.close()


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def signed_protocol(client: Any, org: Any, services: Any, folder: Path) -> str:
    """A protocol-teachers document the whole commission has signed with server-held keys,
    through the API as a platform would do it; returns its id (status ``issued``)."""
    from signing import ensure_dev_pki

    pki = ensure_dev_pki(services.settings.keys_dir)
    people = {
        name: make_member(pki, folder, name, server_held=True)
        for name in [*PRESENT_MEMBERS, CHAIR, SECRETARY]
    }
    for m in people.values():
        signer = {"certificate": m.certificate_pem}
        r = client.post("/v1/signers", json=signer, headers=org.headers)
        assert r.status_code == 201, r.text
        m.signer_id = r.json()["id"]
        hold_key(services.settings, m.signer_id, f"pkcs12:{m.p12}")
    body: dict[str, Any] = {
        "form": "protocol-teachers",
        "lang": "kk",
        "data": protocol_data(),
        "signers": {
            "chair": people[CHAIR].signer_id,
            "members": [people[m].signer_id for m in PRESENT_MEMBERS],
            "secretary": people[SECRETARY].signer_id,
        },
    }
    r = client.post("/v1/documents", json=body, headers=org.headers)
    assert r.status_code == 201, r.text
    doc_id = str(r.json()["id"])
    for name in [*PRESENT_MEMBERS, CHAIR, SECRETARY]:
        r = client.post(
            f"/v1/documents/{doc_id}/signatures",
            json={"signer_id": people[name].signer_id},
            headers=org.headers,
        )
        assert r.status_code in (200, 201), r.text
    assert client.get(f"/v1/documents/{doc_id}", headers=org.headers).json()["status"] == "issued"
    return doc_id


def hold_key(settings: Any, signer_id: str, location: str) -> None:
    """The operator's provisioning (what ``qujat signers add-key`` records): the server
    holds ``signer_id``'s key at ``location``. The API cannot do this."""
    from registry import Registry
    from registry.countersign import SigningRegistry
    from signing.keystore import KeyLocations
    from workflow.signers import provision_key

    registry = Registry.open(settings.db_url, settings.files_dir)
    try:
        signing = SigningRegistry(registry.engine, registry.files)
        organisation = signing.signer(signer_id).organisation
        keys = KeyLocations(settings.signer_pkcs11_modules)
        provision_key(signing, keys, organisation, signer_id, location, "test")
    finally:
        registry.close()
