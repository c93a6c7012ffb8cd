"""Countersignatures: the time to add one to a protocol, and to validate a fully signed one.

``python -m bench.countersign [--rounds N]``, and ``make bench``'s countersignature section.
Through the service layer on SQLite in a temp dir: a protocol-teachers case with nine
members (one absent), so seven members, the chair and the secretary sign (nine
countersignatures after the issuer's certification).

* server-held: read the document, sign the next field (pyHanko, ECDSA P-256), store the
  PDF, compare-and-set the registry row, audit entry: ``sign_with_server_key``;
* external: ``prepare`` (new revision, signed attributes) + a raw signature made here +
  ``complete`` (checks, embedding) at the library level;
* validation: ``verify.validate_pdf`` of the ten-signature PDF (pyHanko, every bottom line).
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import secrets
import statistics
import tempfile
import time
from pathlib import Path

from cryptography import x509 as pyca_x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12

from api import Settings
from api.services import Services, build_services
from forms import get_form
from registry.countersign import NewSigner
from signing import ensure_dev_pki, issue_certificate, load_pem, sign_field
from signing.certificates import load_certificate
from signing.external import complete, prepare
from signing.keystore import passphrase_path
from verify import validate_pdf
from workflow import Actor, IssueRequest, issue_document, sign_with_server_key

CHAIR = "Құсайынова Бақыт Ержанқызы"
MEMBERS = [CHAIR, "Әбдіғалиев Нұрлан Төлеуұлы", "Шайхина Роза Әміржанқызы",
           "Оспанов Ерлан Қуанышұлы", "Мұқанова Динара Сейітқызы",
           "Бекмағамбетов Арман Болатұлы", "Искакова Жанар Нұрғалиқызы",
           "Сейітов Асқар Мұратұлы", "Жақсылықова Әйгерім Бауыржанқызы"]  # fmt: skip
ABSENT = MEMBERS[3]
SECRETARY = "Темірбаева Мадина Алмасқызы"
Row = tuple[str, str, str, str]


def countersign_rows(rounds: int) -> list[Row]:
    """The figures of the module's docstring, ``rounds`` protocols signed in full, each
    countersignature figure beside the issue's aim (in a temporary data directory)."""
    with tempfile.TemporaryDirectory(prefix="qujat-bench-") as tmp:
        services = build_services(Settings(data_dir=Path(tmp), rate_limit_enabled=False))
        try:
            return _measure(services, Path(tmp), rounds)
        finally:
            services.registry.close()


def _measure(services: Services, data_dir: Path, rounds: int) -> list[Row]:
    pki = ensure_dev_pki(services.settings.keys_dir)
    key, _ = services.registry.create_api_key("Bench", {"issue", "sign", "admin"})
    registry = services.context.signing
    ids: dict[str, str] = {}
    for name in [m for m in MEMBERS if m != ABSENT] + [SECRETARY]:
        cert_pem, key_pem = issue_certificate(pki.ca_cert_path, pki.ca_key_path, common_name=name)
        cert = pyca_x509.load_pem_x509_certificate(cert_pem)
        passphrase = secrets.token_urlsafe(16).encode()
        path = data_dir / f"{secrets.token_hex(6)}.p12"
        path.write_bytes(pkcs12.serialize_key_and_certificates(
            b"m", serialization.load_pem_private_key(key_pem, None), cert, None,  # type: ignore[arg-type]
            serialization.BestAvailableEncryption(passphrase)))  # fmt: skip
        passphrase_path(path).write_bytes(passphrase)
        der = cert.public_bytes(serialization.Encoding.DER)
        ids[name] = registry.add_signer(
            NewSigner(key.organisation, name, None, None, cert_pem.decode(),
                      hashlib.sha256(der).hexdigest(), f"pkcs12:{path}"), "bench",
        ).id  # fmt: skip
    data = copy.deepcopy(dict(get_form("protocol-teachers").example))
    data["commission"] = {**data["commission"], "chair": CHAIR, "members": MEMBERS,
                          "secretary": SECRETARY, "absent": [ABSENT]}  # fmt: skip
    present = [m for m in MEMBERS if m not in (CHAIR, ABSENT)]
    signers = {"chair": ids[CHAIR], "members": [ids[m] for m in present],
               "secretary": ids[SECRETARY]}  # fmt: skip
    order = [*present, CHAIR, SECRETARY]

    sign_times, validate_times, issue_times, external_times = [], [], [], []
    last_pdf = b""
    for r in range(rounds + 1):  # the first round warms caches and is not counted
        t0 = time.perf_counter()
        request = IssueRequest(
            "protocol-teachers", "kk", data, signers=signers, follow_up={"extracts": False}
        )
        doc, _ = issue_document(services.context, Actor.of(key), request)
        t1 = time.perf_counter()
        for name in order:
            t = time.perf_counter()
            doc = sign_with_server_key(services.context, Actor.of(key), doc.id, ids[name])
            if r:
                sign_times.append(time.perf_counter() - t)
        assert doc.status == "issued"
        last_pdf = services.registry.pdf(doc)
        t = time.perf_counter()
        report = validate_pdf(last_pdf, services.trust_roots)
        assert report.ok and len(report.signatures) == 10
        if r:
            issue_times.append(t1 - t0)
            validate_times.append(time.perf_counter() - t)

    # the external flow at the library level, on a protocol with its nine fields empty
    doc, _ = issue_document(services.context, Actor.of(key), IssueRequest(
        "protocol-teachers", "kk", data, signers=signers, idempotency_key="ext"))  # fmt: skip
    base = services.registry.pdf(doc)
    cert_pem, key_pem = issue_certificate(pki.ca_cert_path, pki.ca_key_path, common_name="X")
    member = load_pem(cert_pem, key_pem)
    cert = load_certificate(cert_pem.decode())
    for i in range(10 * rounds + 1):
        t = time.perf_counter()
        prepared = prepare(base, "Member01", cert)
        raw = member.signer.sign_raw(prepared.signed_attrs, "sha256")  # type: ignore[attr-defined]
        complete(prepared, cert, signature=raw)
        if i:
            external_times.append(time.perf_counter() - t)

    # the signing alone (what the server-held path spends in signing.sign_field, with the
    # inline B-T timestamp); the rest of its time is the registry's and the signer check's
    field_times = []
    for i in range(10 * rounds + 1):
        t = time.perf_counter()
        sign_field(base, member.signer, "Member01", timestamper=services.timestamper)
        if i:
            field_times.append(time.perf_counter() - t)

    size = f"{len(MEMBERS)} members, 1 absent: 9 countersignatures, {len(last_pdf) // 1024} KB"
    return [
        _row("issue protocol (render + certify, 9 empty fields)", issue_times, size),
        _row("one countersignature, server-held (API path)", sign_times, "aim ≤ 8 ms"),
        _row("  of which signing (sign_field, B-T timestamp)", field_times, ""),
        _row("one countersignature, external prepare + complete", external_times, ""),
        _row("validate the fully signed protocol (10 signatures)", validate_times, ""),
    ]


def _row(label: str, samples: list[float], note: str) -> Row:
    ms = sorted(s * 1000 for s in samples)
    p95 = ms[min(len(ms) - 1, round(0.95 * (len(ms) - 1)))]
    count = f"n={len(ms)}"
    return (
        label,
        f"{statistics.median(ms):.1f} ms",
        f"{p95:.1f} ms",
        f"{note}; {count}" if note else count,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=8, help="protocols signed in full")
    args = parser.parse_args()
    for label, median, p95, note in countersign_rows(args.rounds):
        print(f"{label:<52} median {median:>9}   p95 {p95:>9}   {note}")


if __name__ == "__main__":
    main()
