"""The bottom line of an uploaded PDF: ``genuine`` only when every signature holds, nothing
was appended after them, and the bytes are the ones the registry issued."""

from __future__ import annotations

from enum import StrEnum

__all__ = ["Verdict", "upload_verdict"]


class Verdict(StrEnum):
    """What the upload check concludes."""

    GENUINE = "genuine"
    NOT_GENUINE = "not-genuine"


def upload_verdict(signatures_ok: bool, byte_identical_to_issued: bool) -> Verdict:
    """``genuine`` for a valid, unmodified copy of an issued document; otherwise not."""
    return Verdict.GENUINE if signatures_ok and byte_identical_to_issued else Verdict.NOT_GENUINE
