"""Issuance: validate → render → certify → register, in one direction."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from api.countersigning import empty_fields, plan_signers
from api.metrics import DOCUMENTS_ISSUED, RENDER_SECONDS, SIGN_SECONDS
from api.protocol_links import check_against_protocol
from api.services import Services
from api.webhooks import issued_event
from forms import ErrorDetail, FormDataInvalid, FormSpec, get_form
from forms.errors import Conflict, NotFound
from generator import DocumentMeta
from registry import DocumentRecord, NewDocument, StatusIndexTaken, new_id
from registry.countersign import PlannedSigner, planned_rows
from registry.records import ApiKeyRecord
from signing import certify
from signing.tokens import TokenClaims, issue_token

__all__ = ["IssueRequest", "issue_document", "qr_payload"]

_INDEX_ATTEMPTS = 5


@dataclass(frozen=True)
class IssueRequest:
    """What a platform posts to ``POST /v1/documents``."""

    form: str
    lang: str
    data: dict[str, Any]
    protocol_id: str | None = None
    idempotency_key: str | None = None
    signers: dict[str, Any] | None = None
    """Who countersigns (protocols: chair, members present, secretary → signer ids)."""
    follow_up: dict[str, Any] | None = None
    """What a fully signed protocol leads to: extracts, and certificates on these terms."""
    due_date: date | None = None
    """When the document is due (an extract: 3 working days after the protocol)."""

    def fingerprint(self) -> str:
        body: dict[str, Any] = {
            "form": self.form,
            "lang": self.lang,
            "data": self.data,
            "protocol": self.protocol_id,
        }
        if self.signers is not None:
            body["signers"] = self.signers
        if self.follow_up is not None:
            body["follow_up"] = self.follow_up
        canonical = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(canonical.encode()).hexdigest()


def verify_url(services: Services, doc_id: str) -> str:
    return f"{services.settings.public_base_url.rstrip('/')}/v/{doc_id}"


def _replay(services: Services, key: ApiKeyRecord, req: IssueRequest) -> DocumentRecord | None:
    if req.idempotency_key is None:
        return None
    found = services.registry.by_idempotency_key(key.organisation, req.idempotency_key)
    if found is not None and found.request_sha256 != req.fingerprint():
        raise Conflict(
            "This Idempotency-Key was used for a different request",
            [ErrorDetail("Idempotency-Key", "idempotency_key_reused", "use a new key")],
        )
    return found


def _check_protocol(
    services: Services, key: ApiKeyRecord, protocol_id: str, spec: FormSpec, case: Any
) -> None:
    protocol = services.registry.find(protocol_id)
    if protocol is None or protocol.organisation != key.organisation:
        raise FormDataInvalid(
            [ErrorDetail("protocol_id", "protocol_exists", "no such protocol", "seed 002 §12")]
        )
    check_against_protocol(spec, case, protocol)


def issue_document(
    services: Services, key: ApiKeyRecord, req: IssueRequest
) -> tuple[DocumentRecord, bool]:
    """Issue the document ``req`` asks for; returns it and whether it was created now.

    The same Idempotency-Key with the same body returns the first document; with another
    body it is a :class:`Conflict`. Nothing is stored unless every stage succeeded.
    """
    replay = _replay(services, key, req)
    if replay is not None:
        return replay, False
    spec = get_form(req.form)
    spec.template(req.lang)
    case = spec.validate(req.data)
    if req.protocol_id is not None:
        _check_protocol(services, key, req.protocol_id, spec, case)
    planned = plan_signers(services, key, spec, case, req.signers)
    for _attempt in range(_INDEX_ATTEMPTS):
        index = services.registry.pick_status_index()
        new, signed = _build(services, key, req, spec, case, index, planned)
        also = () if planned is None else _signing_rows(services, new.id, planned, req)
        also = (*also, issued_event(services, new))  # webhook outbox, same transaction
        try:
            record = services.registry.register(new, signed, also)
            DOCUMENTS_ISSUED.labels(spec.id).inc()
            return record, True
        except StatusIndexTaken:
            continue  # a concurrent issuance took the same random index: pick again
        except Conflict:
            twin = _replay(services, key, req)
            if twin is None:
                raise
            return twin, False
    raise Conflict("no free status list index after several attempts; try again")


def qr_payload(services: Services, doc_id: str, claims: TokenClaims) -> str:
    """What the QR holds: the page's URL, and the offline token in the fragment.

    A phone opens the URL; the fragment never leaves it (browsers do not send it), so the
    server never sees the token, and an offline verifier reads it from the QR text.
    """
    return f"{verify_url(services, doc_id)}#{issue_token(claims, services.token_key)}"


def _build(
    services: Services,
    key: ApiKeyRecord,
    req: IssueRequest,
    spec: FormSpec,
    case: Any,
    status_index: int,
    planned: list[PlannedSigner] | None = None,
) -> tuple[NewDocument, bytes]:
    """Render and certify the document under a new id; nothing is stored yet."""
    doc_id = new_id()
    issued_on: date = getattr(case, "issue_date", None) or services.clock().date()
    summary = spec.summary(case)
    if req.due_date is not None:
        summary = {**summary, "due_date": req.due_date.isoformat()}
    holder_name = spec.holder_name(case)
    valid_until = spec.valid_until(case)
    category = summary.get("category")
    claims = TokenClaims(
        doc_id=doc_id,
        form=spec.id,
        holder_name=holder_name,
        category=str(category) if category else None,
        valid_until=valid_until,
        issued_on=issued_on,
        status_index=status_index,
    )
    meta = DocumentMeta(
        id=doc_id,
        verify_url=verify_url(services, doc_id),
        issuer=services.issuer.subject_name,
        issued_on=issued_on,
        qr_payload=qr_payload(services, doc_id, claims),
    )
    with RENDER_SECONDS.labels(spec.id).time():
        pdf = services.renderer.render(spec, req.lang, case, meta)
    with SIGN_SECONDS.labels(spec.id).time():
        signed = certify(
            pdf,
            services.issuer,
            reason=spec.title_kk,
            field_name="Issuer",
            empty_fields=empty_fields(planned) if planned else (),
        )
    new = NewDocument(
        id=doc_id,
        form=spec.id,
        lang=req.lang,
        status="awaiting-signatures" if planned else "issued",
        case_data=case.model_dump(mode="json"),
        summary=summary,
        signatures=[
            {
                "field": "Issuer",
                "role": "issuer",
                "signer": services.issuer.subject_name,
                "signed_at": services.clock().isoformat(),
            }
        ],
        holder_name=holder_name,
        valid_until=valid_until,
        organisation=key.organisation,
        api_key_id=key.id,
        protocol_id=req.protocol_id,
        idempotency_key=req.idempotency_key,
        request_sha256=req.fingerprint(),
        status_index=status_index,
    )
    return new, signed


def document_for(services: Services, key: ApiKeyRecord, doc_id: str) -> DocumentRecord:
    """The document if it belongs to the key's organisation; otherwise it does not exist."""
    record = services.registry.find(doc_id)
    if record is None or record.organisation != key.organisation:
        raise NotFound(f"no document {doc_id[:40]!r}")
    return record


def _signing_rows(
    services: Services, doc_id: str, planned: list[PlannedSigner], req: IssueRequest
) -> list[object]:
    """The required signers and signing plan, registered with the document."""
    return planned_rows(doc_id, planned, services.settings.signing_order, dict(req.follow_up or {}))
