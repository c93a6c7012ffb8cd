"""``qujat verify``: the upload check's verdict on a file, on the command line.

The same rules (:func:`verify.verdicts.judge`) and the same bounds (a worker process with
the API's time and memory limits: :func:`verify.isolation.examine_bounded`). Offline by
default: the registry consulted is the local one of ``--data-dir``, if it has one (an
operator on the server's host); ``--registry URL`` asks a server's ``GET /v1/verify/{id}``
instead; ``--no-registry`` consults none (then the best verdict is ``unknown``).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import urllib.error
import urllib.parse
import urllib.request
from datetime import date, datetime
from pathlib import Path
from typing import Any

from asn1crypto import x509

from api.settings import Settings
from forms.errors import VerificationError
from verify.verdicts import Decision, RegistryFacts, Verdict

__all__ = ["add_verify_command", "cmd_verify", "issuer_certificates_of", "remote_facts"]

_MAX_ANSWER = 1 << 20  # a registry's JSON answer is a few kB


def issuer_certificates_of(settings: Settings, given: list[str]) -> list[x509.Certificate]:
    """The pinned issuer certificates: ``--issuer-cert`` files, else the configured issuer
    key's certificate (the development key when it exists), plus the past ones."""
    from signing import load_pkcs12, read_passphrase
    from verify import load_trust_roots

    certs = list(load_trust_roots([Path(p) for p in given]))
    if not certs:
        if settings.issuer_p12 is not None:
            passphrase = read_passphrase(file=settings.issuer_passphrase_file)
            certs.append(load_pkcs12(settings.issuer_p12, passphrase).certificate)
        elif (settings.keys_dir / "issuer.p12").exists():
            from signing import ensure_dev_pki

            pki = ensure_dev_pki(settings.keys_dir, settings.issuer_name)
            key = load_pkcs12(pki.issuer_p12_path, read_passphrase(file=pki.issuer_passphrase_path))
            certs.append(key.certificate)
    return certs + list(load_trust_roots(settings.past_issuer_certs))


def _trust_roots(settings: Settings) -> list[x509.Certificate]:
    from api.services import deployment_roots  # the dev CA, QUJAT_TRUST_ROOTS, the profile's CAs

    return list(deployment_roots(settings))


def remote_facts(base_url: str, data: bytes, timeout: float = 10.0) -> RegistryFacts:
    """What a Qujat server says of the file, from ``GET /v1/verify/{id}`` of the id the file
    claims: matched if these exact bytes are that document's current file or any revision
    Qujat issued of it (``GET /v1/verify/{id}/revisions/{sha256}``)."""
    from workflow.upload import embedded_ids

    if urllib.parse.urlsplit(base_url).scheme not in ("http", "https"):
        raise VerificationError(f"--registry must be an http(s) URL, not {base_url[:80]!r}")
    sha256 = hashlib.sha256(data).hexdigest()
    known = False
    for doc_id in embedded_ids(data):
        url = f"{base_url.rstrip('/')}/v1/verify/{urllib.parse.quote(doc_id)}"
        view = _get_json(url, timeout)
        if view.get("status") in (None, "unknown"):
            continue
        known = True
        if view.get("sha256") != sha256 and not _issued_revision(base_url, doc_id, sha256, timeout):
            continue
        status = {"valid": "issued", "expired": "issued"}.get(str(view["status"]), view["status"])
        until = view.get("valid_until")
        revoked = view.get("revoked_at")
        return RegistryFacts(
            matched=True,
            status=str(status),
            valid_until=date.fromisoformat(until) if until else None,
            revoked_at=datetime.fromisoformat(revoked) if revoked else None,
        )
    return RegistryFacts(matched=False, known_document=known)


def _issued_revision(base_url: str, doc_id: str, sha256: str, timeout: float) -> bool:
    """Whether the server issued a file with this hash of this document (an older copy)."""
    url = f"{base_url.rstrip('/')}/v1/verify/{urllib.parse.quote(doc_id)}/revisions/{sha256}"
    answer = _get_json(url, timeout)
    return answer.get("document_id") == doc_id and answer.get("sha256") == sha256


def _get_json(url: str, timeout: float) -> dict[str, Any]:
    request = urllib.request.Request(url, headers={"accept": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:
            body = answer.read(_MAX_ANSWER + 1)
    except urllib.error.HTTPError as exc:
        if exc.code == 404:
            return {}
        raise VerificationError(f"The registry answered {exc.code}") from exc
    except (urllib.error.URLError, TimeoutError) as exc:
        raise VerificationError(f"The registry cannot be reached: {exc}") from exc
    if len(body) > _MAX_ANSWER:
        raise VerificationError("The registry's answer is too large")
    try:
        value = json.loads(body)
    except ValueError as exc:
        raise VerificationError("The registry's answer is not JSON") from exc
    return value if isinstance(value, dict) else {}


def _local(
    settings: Settings, data: bytes
) -> tuple[RegistryFacts | None, dict[str, set[str]] | None]:
    """The local registry's facts, if this data directory has a registry (never made here)."""
    if settings.database_url is None and not (settings.data_dir / "qujat.db").exists():
        return None, None
    from registry import Registry
    from registry.countersign import SigningRegistry
    from workflow.upload import matched_record, registry_facts, required_certificates

    registry = Registry.open(settings.db_url, settings.files_dir)
    try:
        record = matched_record(registry, hashlib.sha256(data).hexdigest())
        required = None
        if record is not None:
            signing = SigningRegistry(registry.engine, registry.files)
            required = required_certificates(signing, record.id)
        return registry_facts(registry, record, data), required
    finally:
        registry.close()


def cmd_verify(args: argparse.Namespace) -> int:
    """Print the verdict, why, and each signature; exit 0 only for ``genuine``."""
    from datetime import UTC

    from api.cli.common import settings_of
    from verify.isolation import IsolationLimits, examine_bounded
    from verify.verdicts import judge

    settings = settings_of(args)
    data = Path(args.file).read_bytes()
    limits = IsolationLimits(
        workers=1,
        timeout=settings.verify_timeout_seconds,
        memory_bytes=settings.verify_memory_bytes,
        max_bytes=settings.max_upload_bytes,
    )
    issuers = issuer_certificates_of(settings, args.issuer_cert or [])
    try:
        exam = examine_bounded(data, _trust_roots(settings), issuers, limits)
    except VerificationError as exc:
        _print(Decision(Verdict.UNREADABLE, (exc.message,)))
        return 1
    facts: RegistryFacts | None = None
    required: dict[str, set[str]] | None = None
    if args.registry:
        facts = remote_facts(args.registry, data)
    elif not args.no_registry:
        facts, required = _local(settings, data)
    decision = judge(exam.report, exam.inspection, registry=facts, required=required,
                     today=datetime.now(UTC).date())  # fmt: skip
    for s in exam.report.signatures:
        mark = "ok " if s.bottom_line else "BAD"
        when = s.signed_at.isoformat() if s.signed_at else "?"
        print(
            f"[{mark}] {s.field_name}: {s.signer_name} ({s.signer_organisation or '-'}) at {when}"
            f" intact={s.intact} valid={s.valid} trusted={s.trusted}"
        )
    if not exam.report.signatures:
        print("no signatures")
    _print(decision)
    return 0 if decision.verdict is Verdict.GENUINE else 1


def _print(decision: Decision) -> None:
    for reason in decision.reasons:
        print(f"  {reason}")
    if decision.revoked_at:
        print(f"revoked at {decision.revoked_at.isoformat()}: {decision.revocation_reason or '-'}")
    print(decision.verdict.value.upper())


def add_verify_command(sub: Any) -> None:
    """Register ``qujat verify``."""
    v = sub.add_parser(
        "verify", help="the upload check's verdict on a PDF; exit 0 only if it is genuine"
    )
    v.add_argument("file")
    v.add_argument("--registry", metavar="URL", help="ask this Qujat server (GET /v1/verify/{id})")
    v.add_argument("--no-registry", action="store_true", help="consult no registry at all")
    v.add_argument(
        "--issuer-cert",
        action="append",
        metavar="FILE",
        help="a pinned issuer certificate (repeatable; default: the configured key's)",
    )
    v.add_argument("--data-dir")
    v.set_defaults(func=cmd_verify)
