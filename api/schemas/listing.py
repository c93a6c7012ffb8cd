"""``GET /v1/documents`` (a page of documents) and ``POST /v1/verify/lookup``."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from api.schemas.documents import DocumentPublic

__all__ = ["DocumentPage", "LookupRequest"]


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
