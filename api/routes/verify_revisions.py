"""``GET /v1/verify/{id}/revisions/{sha256}``: is this file one Qujat issued of that document?

Any revision counts (the issued file, each countersignature, each B-LTA upgrade or renewal):
an employer may hold an older copy. It answers only for a hash the caller holds the bytes
of, so it lists nothing; ``qujat verify --registry URL`` asks it when the file is not the
document's current one. Public, under the lookups' rate limit (``/v1/verify/…``).
"""

from __future__ import annotations

from fastapi import APIRouter

from api.deps import ContextDep
from api.schemas.listing import RevisionMatch
from registry import NotFound
from registry.revisions import RevisionRecord
from workflow.upload import issued_revision

router = APIRouter(prefix="/v1/verify", tags=["verify"])


@router.get(
    "/{doc_id}/revisions/{sha256}",
    responses={404: {"description": "Qujat issued no file with this hash of this document"}},
)
def verify_revision(doc_id: str, sha256: str, ctx: ContextDep) -> RevisionMatch:
    """The revision of ``doc_id`` whose file has SHA-256 ``sha256`` (hex), or 404."""
    found = None
    if len(doc_id) <= 32 and len(sha256) == 64:
        found = issued_revision(ctx, doc_id, sha256)
    if found is None:
        raise NotFound("Qujat issued no file with this hash of this document")
    if isinstance(found, RevisionRecord):
        return RevisionMatch(
            document_id=found.document_id, sha256=found.sha256, revision=found.revision,
            level=found.level, reason=found.reason, created_at=found.created_at,
        )  # fmt: skip
    return RevisionMatch(document_id=found.id, sha256=sha256.lower(), created_at=found.created_at)
