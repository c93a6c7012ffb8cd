"""``GET /v1/documents`` (a page of documents), ``POST /v1/verify/lookup`` and
``GET /v1/verify/{id}/revisions/{sha256}``."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from api.schemas.documents import DocumentPublic

__all__ = ["DocumentPage", "LookupRequest", "RevisionMatch"]


class DocumentPage(BaseModel):
    """One page of an organisation's documents, oldest first."""

    items: list[DocumentPublic]
    next_cursor: str | None = Field(
        default=None, description="Pass as `cursor` for the next page; absent on the last"
    )


class LookupRequest(BaseModel):
    """The check by number and IIN: a document's registration number (or id) and the
    holder's IIN."""

    model_config = ConfigDict(extra="forbid")

    registration_number: str = Field(min_length=1, max_length=200, examples=["КРГ-2024-000417"])
    iin: str = Field(pattern=r"^\d{12}$", examples=["871008401427"])


class RevisionMatch(BaseModel):
    """A file whose hash is one of the revisions Qujat issued of this document."""

    document_id: str
    sha256: str
    revision: int | None = Field(
        default=None, description="1 for the issued file, counting up; absent before revisions"
    )
    level: str | None = Field(default=None, description="The revision's PAdES level")
    reason: str | None = Field(default=None, description="issued, countersigned, upgraded, …")
    created_at: datetime | None = None
