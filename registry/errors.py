"""Errors of :mod:`registry` (under :class:`forms.errors.QujatError`)::

RegistryError                   500 registry_failed
├── NotFound                    404 not_found
└── Conflict                    409 conflict
    ├── StatusIndexTaken        409 conflict
    ├── StaleDocument           409 stale_document
    ├── AlreadySigned           409 already_signed
    └── SessionExpired          410 session_expired
"""

from __future__ import annotations

from forms.errors import QujatError

__all__ = [
    "AlreadySigned",
    "Conflict",
    "NotFound",
    "RegistryError",
    "SessionExpired",
    "StaleDocument",
    "StatusIndexTaken",
]


class RegistryError(QujatError):
    """The database or the file store failed."""

    code = "registry_failed"


class NotFound(RegistryError):
    """No such record (or not the asking organisation's)."""

    http_status = 404
    code = "not_found"


class Conflict(RegistryError):
    """The change conflicts with the stored state."""

    http_status = 409
    code = "conflict"


class StatusIndexTaken(Conflict):
    """Another document took this status index first (a race); pick another and retry."""


class StaleDocument(Conflict):
    """The document moved on (another signature landed) since this one was prepared."""

    code = "stale_document"


class AlreadySigned(Conflict):
    """This signer has signed the document already."""

    code = "already_signed"


class SessionExpired(Conflict):
    """The prepared signing session (or link) has expired or was used."""

    http_status = 410
    code = "session_expired"
