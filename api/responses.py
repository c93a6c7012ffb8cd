"""How the API shows what the flows return: records and results as response schemas."""

from __future__ import annotations

import base64
import binascii
from typing import Any

from api.schemas import (
    DocumentPublic,
    Links,
    LtvPublic,
    PreparePublic,
    SignaturePublic,
    SignerCertificate,
    SignerPublic,
    VerificationPublic,
)
from api.services import Services
from forms import get_form
from registry import DocumentRecord
from registry.countersign import SignerRecord
from signing.certificates import load_certificate
from signing.errors import refused
from workflow import Context, Prepared, PublicView, check_upload
from workflow.ltv import LevelFacts, level_of, revision_of
from workflow.public import certificate_public
from workflow.rulebooks import rulebook_of, rulebook_public

__all__ = [
    "b64_field",
    "prepare_public",
    "public_json",
    "required_public",
    "signer_public",
    "to_public",
    "upload_report",
    "verification_public",
]


def required_public(ctx: Context, record: DocumentRecord) -> list[dict[str, Any]]:
    """What ``GET /v1/documents/{id}`` lists as required signers."""
    if not get_form(record.form).signature_roles:
        return []  # certificates and the like: no query on their path
    return [
        {"role": r.role, "name": r.name, "signer_id": r.signer_id, "field": r.field_name,
         "signed": r.signed_at is not None, "signed_at": r.signed_at}
        for r in ctx.signing.required_signers(record.id)
    ]  # fmt: skip


def to_public(
    ctx: Context, record: DocumentRecord, levels: LevelFacts | None = None
) -> DocumentPublic:
    """A document as its issuer sees it; ``levels``: its level facts when the caller has
    them (a document just issued), else they are read from the registry."""
    return DocumentPublic(
        id=record.id,
        form=record.form,
        lang=record.lang,
        status=record.status,
        sha256=record.sha256,
        verify_url=ctx.policy.verify_url(record.id),
        holder_name=record.holder_name,
        valid_until=record.valid_until,
        protocol_id=record.protocol_id,
        created_at=record.created_at,
        revoked_at=record.revoked_at,
        signatures=[SignaturePublic(**s) for s in record.signatures],
        required_signers=required_public(ctx, record),
        computed={k: v for k, v in record.summary.items() if k != "iin"},
        links=Links(
            self=f"/v1/documents/{record.id}",
            pdf=f"/v1/documents/{record.id}/pdf",
            docx=f"/v1/documents/{record.id}/docx",
            verify=f"/v1/verify/{record.id}",
        ),
        rulebook=rulebook_public(rulebook_of(record)),
        issued_outside_period=record.issued_outside_period,
        **_ltv_public(levels or level_of(ctx, record)),
    )


def _ltv_public(facts: LevelFacts) -> dict[str, Any]:
    return {"level": facts.level, "ltv": LtvPublic.model_validate(facts, from_attributes=True)}


def b64_field(value: str | None, field: str) -> bytes | None:
    """A base64 body field's bytes; a 422 ``signature_refused`` if it is not base64."""
    if value is None:
        return None
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise refused("base64", f"{field} is not base64", field) from None


def prepare_public(p: Prepared) -> PreparePublic:
    """The prepared session as the API shows it."""
    return PreparePublic(
        session_id=p.session.id,
        field=p.field_name,
        digest_algorithm=p.session.digest_algorithm,
        data_to_sign=base64.b64encode(p.data_to_sign).decode(),
        document_digest=base64.b64encode(p.session.document_digest).decode(),
        expires_at=p.session.expires_at,
    )


def signer_public(s: SignerRecord) -> SignerPublic:
    """A signer as the API shows it."""
    assert s.created_at is not None
    return SignerPublic(
        id=s.id,
        name=s.name,
        iin=s.iin,
        organisation=s.affiliation,
        certificate_sha256=s.certificate_sha256,
        key_held_by="server" if s.key_location else "member",
        created_at=s.created_at,
        certificate=_certificate_of(s.certificate_pem),
    )


def _certificate_of(pem_text: str) -> SignerCertificate:
    return SignerCertificate.model_validate(certificate_public(load_certificate(pem_text)))


def upload_report(services: Services, data: bytes, client: str) -> dict[str, Any]:
    """The verdict (:mod:`verify.verdicts`), why, every signature's state, and the registry's
    match. ``client`` is who asks (their share of the validation workers).

    The PDF is examined in an isolated worker (bounded time and memory): a hostile file
    gets ``unreadable_pdf`` or ``pdf_too_complex``, never a crash of the server.
    """
    check = check_upload(
        services.context, lambda pdf: services.validator.examine(pdf, client=client), data
    )
    report = check.report
    decision = check.decision
    return {
        "verdict": str(decision.verdict),
        "reasons": list(decision.reasons),
        "revoked_at": decision.revoked_at.isoformat() if decision.revoked_at else None,
        "revocation_reason": decision.revocation_reason,
        "sha256": report.sha256,
        "signatures_ok": report.ok,
        "modified_after_signing": report.modified_after_signing,
        "byte_identical_to_issued": check.byte_identical_to_issued,
        "signatures": [
            {
                "field": s.field_name,
                "signer": s.signer_name,
                "organisation": s.signer_organisation,
                "signed_at": s.signed_at,
                "certification": s.certification,
                "intact": s.intact,
                "valid": s.valid,
                "trusted": s.trusted,
                "bottom_line": s.bottom_line,
                "level": s.level,
                "proven_at": s.proven_at,
                "revoked_at": s.revoked_at,
            }
            for s in report.signatures
        ],
        "level": report.level,
        "ltv_status": report.ltv_status,
        "archive_timestamp_at": report.archive_timestamp_at,
        "validated_at": report.validated_at,
        "revision": _revision_json(services, report.sha256),
        "document": public_json(check.document) if check.document else None,
    }


def _revision_json(services: Services, sha256: str) -> dict[str, Any] | None:
    """Which revision of which document Qujat produced the uploaded file is, if any."""
    found = revision_of(services.context, sha256)
    if found is None:
        return None
    return {
        "document_id": found.document_id,
        "revision": found.revision,
        "level": found.level,
        "reason": found.reason,
        "created_at": found.created_at,
    }


def public_json(view: PublicView) -> dict[str, Any]:
    """The public view in the API's shape, as JSON values."""
    return VerificationPublic.model_validate(view, from_attributes=True).model_dump(mode="json")


def verification_public(view: PublicView) -> VerificationPublic:
    """The public view as ``GET /v1/verify/{id}`` answers it."""
    return VerificationPublic.model_validate(view, from_attributes=True)
