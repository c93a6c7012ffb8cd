"""Countersignatures: who must sign a protocol, signing with a server-held key, and the
external flow (prepare → complete), each ending in one serialised registry update.

The rules of who signs come from the case (seed 002 §17, §18, §23): the chair if present,
every member present, and the secretary; the members first, then the chair and the
secretary (``signing_order``).
"""

from __future__ import annotations

import logging
import random
import time
from dataclasses import dataclass
from datetime import timedelta
from functools import cache
from typing import Any

from asn1crypto import pem, x509
from pyhanko.sign.timestamps import HTTPTimeStamper, TimeStamper
from pyhanko_certvalidator import ValidationContext

from api.services import Services
from forms import ErrorDetail, FormDataInvalid, FormSpec, SigningMode, get_form
from forms.errors import Conflict, NotFound
from registry import DocumentRecord, new_id
from registry.countersign import (
    PlannedSigner,
    RequiredSigner,
    SignerRecord,
    SigningRegistry,
    SigningSession,
    StaleDocument,
)
from registry.records import ApiKeyRecord
from signing import EmptyField, sign_field
from signing.errors import refused
from signing.external import PreparedSignature, complete, prepare
from signing.keystore import KeyLocations, SignerKeyStore

__all__ = [
    "Prepared",
    "complete_signature",
    "empty_fields",
    "plan_signers",
    "prepare_signature",
    "required_public",
    "revocation_context",
    "sign_with_server_key",
    "signing_registry",
]

log = logging.getLogger("qujat.signing")

_RETRIES = 30
_KEYS: SignerKeyStore = KeyLocations()


@cache
def _signing_registries() -> dict[int, SigningRegistry]:
    return {}


def signing_registry(services: Services) -> SigningRegistry:
    """The countersigning view of the services' registry (one per registry)."""
    found = _signing_registries().get(id(services.registry))
    if found is None or found.engine is not services.registry.engine:
        found = SigningRegistry(services.registry.engine, services.registry.files, services.clock)
        _signing_registries()[id(services.registry)] = found
    return found


@cache
def _timestamper(url: str) -> TimeStamper:
    return HTTPTimeStamper(url)


def timestamper(services: Services) -> TimeStamper | None:
    """The configured RFC 3161 authority (``QUJAT_TSA_URL``), if any."""
    url = services.settings.tsa_url
    return _timestamper(url) if url else None


def revocation_context(services: Services) -> ValidationContext | None:
    """What fetches a countersignature's revocation information (``QUJAT_EMBED_REVOCATION``
    with a TSA: PAdES B-LT); a new one per signature, as signing closes it."""
    settings = services.settings
    if not (settings.embed_revocation and settings.tsa_url):
        return None
    return ValidationContext(trust_roots=list(services.trust_roots), allow_fetching=True)


def load_certificate(text: str) -> x509.Certificate:
    """A certificate from PEM (or base64 DER) text; :class:`FormDataInvalid` if unreadable."""
    data = text.encode("ascii", "ignore")
    try:
        if pem.detect(data):
            _, _, data = pem.unarmor(data)
        else:
            import base64

            data = base64.b64decode(data, validate=False)
        cert = x509.Certificate.load(data)
        _ = cert.subject.native
    except (ValueError, TypeError, KeyError) as exc:
        raise FormDataInvalid(
            [
                ErrorDetail(
                    "certificate", "certificate_unreadable", f"not an X.509 certificate: {exc}"
                )
            ]
        ) from None
    return cert


def _norm(name: str) -> str:
    return " ".join(name.split()).casefold()


# --- who signs ------------------------------------------------------------------------------


def _signer_for(
    services: Services, key: ApiKeyRecord, signer_id: Any, name: str, role: str, path: str
) -> SignerRecord:
    registry = signing_registry(services)
    try:
        signer = registry.signer(str(signer_id), key.organisation)
    except NotFound:
        raise FormDataInvalid(
            [ErrorDetail(path, "signer_unknown", f"no registered signer {str(signer_id)[:40]!r}")]
        ) from None
    if signer.revoked_at is not None:
        raise FormDataInvalid([ErrorDetail(path, "signer_revoked", "the signer is revoked")])
    if _norm(signer.name) != _norm(name):
        raise FormDataInvalid(
            [ErrorDetail(path, "signer_name_mismatch",
                         f"the signer registered is {signer.name!r}, the case names the {role} "
                         f"{name!r}", "seed 002 §17, §23")]
        )  # fmt: skip
    return signer


def plan_signers(
    services: Services, key: ApiKeyRecord, spec: FormSpec, case: Any, signers: dict[str, Any] | None
) -> list[PlannedSigner] | None:
    """The signatures a new document will wait for, checked against its case; ``None`` when
    it is signed by the issuer alone."""
    if spec.signing is SigningMode.COMMISSION:
        if not signers and services.settings.protocol_signers == "optional":
            return None  # certified by the issuer alone, as before countersignatures
        if not signers:
            raise FormDataInvalid(
                [ErrorDetail("signers", "signers_required",
                             "a protocol names who countersigns it: chair, members present, "
                             "secretary", "seed 002 §23")]
            )  # fmt: skip
        return _commission_plan(services, key, case, signers)
    if spec.signing is SigningMode.SECRETARY and signers:
        extra = set(signers) - {"secretary"}
        if extra or not signers.get("secretary"):
            raise FormDataInvalid(
                [ErrorDetail("signers", "signers_roles", "an extract is signed by the secretary")]
            )
        signer = _signer_for(
            services, key, signers["secretary"], case.secretary, "secretary", "signers.secretary"
        )
        return [PlannedSigner(1, "secretary", case.secretary, signer.id, "Secretary")]
    if signers:
        raise FormDataInvalid(
            [ErrorDetail("signers", "signers_not_applicable",
                         f"{spec.id} is signed by the issuer alone")]
        )  # fmt: skip
    return None


def _commission_plan(
    services: Services, key: ApiKeyRecord, case: Any, signers: dict[str, Any]
) -> list[PlannedSigner]:
    commission = case.commission
    present = commission.present()
    unknown_roles = set(signers) - {"chair", "members", "secretary"}
    if unknown_roles:
        raise FormDataInvalid(
            [ErrorDetail(f"signers.{r}", "signers_roles", "roles are chair, members, secretary")
             for r in sorted(unknown_roles)]
        )  # fmt: skip
    members = [m for m in present if m != commission.chair]
    by_name: dict[str, SignerRecord] = {}
    ids = signers.get("members") or []
    if not isinstance(ids, list):
        raise FormDataInvalid([ErrorDetail("signers.members", "type", "a list of signer ids")])
    wanted = {_norm(m): m for m in members}
    absent = {_norm(a) for a in commission.absent}
    registry = signing_registry(services)
    for i, signer_id in enumerate(ids):
        path = f"signers.members.{i}"
        try:
            signer = registry.signer(str(signer_id), key.organisation)
        except NotFound:
            raise FormDataInvalid(
                [
                    ErrorDetail(
                        path, "signer_unknown", f"no registered signer {str(signer_id)[:40]!r}"
                    )
                ]
            ) from None
        name = _norm(signer.name)
        if name in absent:
            raise FormDataInvalid(
                [ErrorDetail(path, "signer_absent",
                             f"{signer.name} was absent from the meeting and does not sign",
                             "seed 002 §18")]
            )  # fmt: skip
        if name not in wanted or name in by_name:
            raise FormDataInvalid(
                [ErrorDetail(path, "signer_name_mismatch",
                             f"{signer.name} is not a member present (other than the chair) "
                             "or is listed twice", "seed 002 §17")]
            )  # fmt: skip
        if signer.revoked_at is not None:
            raise FormDataInvalid([ErrorDetail(path, "signer_revoked", "the signer is revoked")])
        by_name[name] = signer
    missing = [m for m in members if _norm(m) not in by_name]
    if missing:
        raise FormDataInvalid(
            [ErrorDetail("signers.members", "signers_members_incomplete",
                         f"every member present signs; no signer for: {', '.join(missing)}",
                         "seed 002 §23")]
        )  # fmt: skip
    planned = [
        PlannedSigner(i + 1, "member", m, by_name[_norm(m)].id, f"Member{i + 1:02d}")
        for i, m in enumerate(members)
    ]
    n = len(planned)
    if commission.chair in present:
        if not signers.get("chair"):
            raise FormDataInvalid(
                [
                    ErrorDetail(
                        "signers.chair", "signers_required", "the chair signs", "seed 002 §23"
                    )
                ]
            )
        chair = _signer_for(
            services, key, signers["chair"], commission.chair, "chair", "signers.chair"
        )
        planned.append(PlannedSigner(n + 1, "chair", commission.chair, chair.id, "Chair"))
    elif signers.get("chair"):
        raise FormDataInvalid(
            [ErrorDetail("signers.chair", "signer_absent", "the chair was absent", "seed 002 §18")]
        )
    if not signers.get("secretary"):
        raise FormDataInvalid(
            [ErrorDetail("signers.secretary", "signers_required", "the secretary signs",
                         "seed 002 §23")]
        )  # fmt: skip
    secretary = _signer_for(
        services, key, signers["secretary"], commission.secretary, "secretary", "signers.secretary"
    )
    planned.append(
        PlannedSigner(n + 2, "secretary", commission.secretary, secretary.id, "Secretary")
    )
    return planned


def empty_fields(planned: list[PlannedSigner]) -> list[EmptyField]:
    """One invisible empty signature field per required signature (the form prints lines)."""
    return [EmptyField(p.field_name) for p in planned]


def required_public(services: Services, record: DocumentRecord) -> list[dict[str, Any]]:
    """What ``GET /v1/documents/{id}`` lists as required signers."""
    if not get_form(record.form).signature_roles:
        return []  # certificates and the like: no query on their path
    return [
        {"role": r.role, "name": r.name, "signer_id": r.signer_id, "field": r.field_name,
         "signed": r.signed_at is not None, "signed_at": r.signed_at}
        for r in signing_registry(services).required_signers(record.id)
    ]  # fmt: skip


# --- signing --------------------------------------------------------------------------------


def _turn(services: Services, record: DocumentRecord, signer_id: str) -> RequiredSigner:
    """The signer's pending signature on ``record``, if it is theirs to make now."""
    if record.status != "awaiting-signatures":
        raise Conflict(f"the document is {record.status}; it takes no more signatures")
    registry = signing_registry(services)
    required = registry.required_signers(record.id)
    mine = [r for r in required if r.signer_id == signer_id]
    if not mine:
        raise Conflict(
            "this signer is not among the document's required signers",
            [ErrorDetail("signer_id", "signer_not_required", "not a required signer")],
        )
    pending = [r for r in mine if r.signed_at is None]
    if not pending:
        from registry.countersign import AlreadySigned

        raise AlreadySigned(
            "this member has signed the document already",
            [ErrorDetail("signer_id", "already_signed", "one signature per member")],
        )
    turn = pending[0]
    plan = registry.plan(record.id)
    if turn.role in ("chair", "secretary") and plan is not None and plan[0] == "members-first":
        waiting = [r for r in required if r.role == "member" and r.signed_at is None]
        if waiting:
            raise Conflict(
                f"the {turn.role} signs after every member present; {len(waiting)} still to sign",
                [ErrorDetail("signer_id", "signing_order", "members sign first", "seed 002 §23")],
            )
    return turn


def sign_with_server_key(
    services: Services, key: ApiKeyRecord, doc_id: str, signer_id: str
) -> DocumentRecord:
    """Countersign with the key the server holds for ``signer_id``; retried on a race."""
    registry = signing_registry(services)
    signer = registry.signer(signer_id, key.organisation)
    if signer.key_location is None:
        raise Conflict(
            "the server holds no key for this signer; use …/signatures/prepare and …/complete",
            [ErrorDetail("signer_id", "key_not_held", "external signer")],
        )
    issuer_key = _KEYS.open(signer.key_location)
    if issuer_key.certificate.sha256.hex() != signer.certificate_sha256:
        raise Conflict("the key held for this signer does not match the registered certificate")
    for attempt in range(_RETRIES):
        record = _document(services, key, doc_id)
        turn = _turn(services, record, signer_id)
        pdf = services.registry.pdf(record)
        signed = sign_field(
            pdf, issuer_key.signer, turn.field_name, reason=_reason(turn),
            timestamper=timestamper(services), now=services.clock(),
            validation_context=revocation_context(services),
        )  # fmt: skip
        try:
            done, complete_now = registry.record_signature(
                doc_id, turn.id, record.sha256, signed,
                signature_sha256=_sha(signed), signer_name=signer.name, actor=key.id,
            )  # fmt: skip
        except StaleDocument:
            time.sleep(random.uniform(0.0, 0.02 * (attempt + 1)))  # another signer won: redo
            continue
        after_signature(services, key, done, complete_now)
        return done
    raise Conflict("the document is being signed by many at once; try again")


@dataclass(frozen=True)
class Prepared:
    """What ``…/prepare`` returns."""

    session: SigningSession
    data_to_sign: bytes
    """DER of the signed attributes (sign it raw, or send a CMS over ``document_digest``)."""
    field_name: str


def prepare_signature(
    services: Services, key: ApiKeyRecord, doc_id: str, signer_id: str, *, via_link: bool = False
) -> Prepared:
    """Prepare the signer's field for the external flow; the session expires."""
    registry = signing_registry(services)
    record = _document(services, key, doc_id, any_org=via_link)
    signer = registry.signer(signer_id, record.organisation)
    turn = _turn(services, record, signer_id)
    cert = load_certificate(signer.certificate_pem)
    now = services.clock()
    prepared = prepare(
        services.registry.pdf(record), turn.field_name, cert, reason=_reason(turn), now=now,
        timestamped=services.settings.tsa_url is not None,
    )  # fmt: skip
    session = SigningSession(
        id=new_id(),
        document_id=doc_id,
        required_signer_id=turn.id,
        base_sha256=record.sha256,
        prepared_sha256=services.registry.files.put(prepared.pdf),
        digest_algorithm=prepared.digest_algorithm,
        document_digest=prepared.document_digest,
        reserved_start=prepared.reserved_start,
        reserved_end=prepared.reserved_end,
        signed_attrs=prepared.signed_attrs,
        created_at=now,
        expires_at=now + timedelta(minutes=services.settings.signing_session_minutes),
        completed_at=None,
    )
    registry.save_session(session)
    return Prepared(session, prepared.signed_attrs, turn.field_name)


def complete_signature(
    services: Services,
    key: ApiKeyRecord,
    doc_id: str,
    session_id: str,
    *,
    cms_der: bytes | None,
    signature: bytes | None,
    link_token: str | None = None,
) -> DocumentRecord:
    """Check and embed an external signature; refused if stale, foreign, or repeated."""
    registry = signing_registry(services)
    session = registry.signing_session(session_id, doc_id)
    record = _document(services, key, doc_id, any_org=link_token is not None)
    required = {r.id: r for r in registry.required_signers(doc_id)}[session.required_signer_id]
    if required.signed_at is not None:
        from registry.countersign import AlreadySigned

        raise AlreadySigned("this member has signed the document already")
    if record.sha256 != session.base_sha256:
        raise StaleDocument(
            "the document has changed since this signature was prepared (another signature "
            "was added); prepare and sign again",
            [ErrorDetail("session_id", "stale_document", "prepare again")],
        )
    signer = registry.signer(required.signer_id)
    prepared = PreparedSignature(
        pdf=services.registry.files.get(session.prepared_sha256),
        field_name=required.field_name,
        digest_algorithm=session.digest_algorithm,
        document_digest=session.document_digest,
        reserved_start=session.reserved_start,
        reserved_end=session.reserved_end,
        signed_attrs=session.signed_attrs,
    )
    done = complete(
        prepared, load_certificate(signer.certificate_pem), cms_der=cms_der, signature=signature,
        timestamper=timestamper(services), validation_context=revocation_context(services),
    )  # fmt: skip
    result, complete_now = registry.record_signature(
        doc_id, required.id, session.base_sha256, done.pdf,
        signature_sha256=_sha(done.pdf), signer_name=signer.name,
        actor=key.id, session_id=session.id, link_token=link_token,
    )  # fmt: skip
    after_signature(services, key, result, complete_now)
    return result


def after_signature(
    services: Services, key: ApiKeyRecord, record: DocumentRecord, complete_now: bool
) -> None:
    """When a protocol's last signature lands: its extracts and certificates (if automatic)."""
    if not complete_now or services.settings.derived_documents != "auto":
        return
    from api.derived import derive_from_protocol
    from forms.catalogue.protocols import PROTOCOL_FORM_IDS

    if record.form not in PROTOCOL_FORM_IDS:
        return
    try:
        derive_from_protocol(services, key, record)  # idempotent: a twin request is harmless
        signing_registry(services).mark_derived(record.id)
    except Exception:  # the protocol is signed; the next start or POST …/derived finishes it
        log.exception("deriving documents from protocol %s failed", record.id)


def refuse_unless(condition: bool, rule: str, message: str, field: str = "body") -> None:
    """Raise a 422 :class:`~signing.errors.SignatureRefused` unless ``condition``."""
    if not condition:
        raise refused(rule, message, field)


def _document(
    services: Services, key: ApiKeyRecord, doc_id: str, *, any_org: bool = False
) -> DocumentRecord:
    record = services.registry.find(doc_id)
    if record is None or (not any_org and record.organisation != key.organisation):
        raise NotFound(f"no document {doc_id[:40]!r}")
    return record


def _reason(turn: RequiredSigner) -> str:
    return f"{turn.role}: {turn.name}"


def _sha(data: bytes) -> str:
    import hashlib

    return hashlib.sha256(data).hexdigest()
