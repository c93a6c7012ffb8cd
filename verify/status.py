"""What the registry says about a document today: valid, expired, revoked, awaiting, unknown."""

from __future__ import annotations

import enum
from datetime import date

from forms.types import Lifecycle

__all__ = ["DocumentStatus", "registry_status"]


class DocumentStatus(enum.StrEnum):
    """The verdict the public sees."""

    VALID = "valid"
    EXPIRED = "expired"
    REVOKED = "revoked"
    AWAITING_SIGNATURES = "awaiting-signatures"
    UNKNOWN = "unknown"


def registry_status(
    stored_status: str | None, valid_until: date | None, today: date
) -> DocumentStatus:
    """Derive the public status; ``expired`` is never stored, it follows from the date.

    A document is valid through its last day of validity and expired from the day after.
    """
    if stored_status is None:
        return DocumentStatus.UNKNOWN
    if stored_status == Lifecycle.REVOKED:
        return DocumentStatus.REVOKED
    if stored_status == Lifecycle.AWAITING_SIGNATURES:
        return DocumentStatus.AWAITING_SIGNATURES
    if valid_until is not None and today > valid_until:
        return DocumentStatus.EXPIRED
    return DocumentStatus.VALID
