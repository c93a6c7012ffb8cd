"""Errors of :mod:`workflow` (under :class:`forms.errors.QujatError`)::

WorkflowError                   409 conflict
├── NotAProtocol                409 conflict
├── ProtocolNotSigned           409 conflict
├── NoStatusIndex               409 conflict
└── BatchQuotaExceeded          429 batch_quota_exceeded
"""

from __future__ import annotations

from forms.errors import QujatError

__all__ = [
    "BatchQuotaExceeded",
    "NoStatusIndex",
    "NotAProtocol",
    "ProtocolNotSigned",
    "WorkflowError",
]


class WorkflowError(QujatError):
    """A flow cannot go on from the document's current state."""

    http_status = 409
    code = "conflict"


class NotAProtocol(WorkflowError):
    """Only a protocol has extracts and certificates to derive."""


class ProtocolNotSigned(WorkflowError):
    """The protocol named is not signed by the whole commission yet."""


class NoStatusIndex(WorkflowError):
    """No free status list index was found after several attempts (concurrent issuance)."""


class BatchQuotaExceeded(WorkflowError):
    """The organisation has too many batch items pending, or submitted too many this hour."""

    http_status = 429
    code = "batch_quota_exceeded"
