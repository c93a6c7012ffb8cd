"""The root of Qujat's errors, and the errors of ``forms/``.

Every package defines its own errors in its own ``errors.py`` under :class:`QujatError`
(drawn whole in its docstring). ``forms`` is the bottom layer (it depends on nothing of
ours), which is why the root lives here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "DetailCollector",
    "ErrorDetail",
    "FormDataInvalid",
    "FormError",
    "QujatError",
    "UnknownForm",
    "UnknownRulebook",
    "UnsupportedLanguage",
    "VerificationError",
    "error_shape",
]


@dataclass(frozen=True)
class ErrorDetail:
    """One reason a request was refused."""

    field: str
    """Dotted path of the offending value, e.g. ``data.holder.iin``."""
    rule: str
    """Stable id of the rule that failed, e.g. ``iin_checksum``."""
    message: str
    """A sentence a person understands."""
    paragraph: str | None = None
    """Where the rule comes from, e.g. ``seed 002 §43``; ``None`` for plain schema rules."""

    def as_dict(self) -> dict[str, str]:
        out = {"field": self.field, "rule": self.rule, "message": self.message}
        if self.paragraph:
            out["paragraph"] = self.paragraph
        return out


class QujatError(Exception):
    """Root of every error Qujat raises on purpose.

    No builtin ``KeyError`` or ``ValueError`` escapes a public function. ``api/`` maps an
    error to HTTP through ``http_status`` and ``code`` and renders it in one shape (JSON for
    the API, an HTML page for a person). The whole tree (``tests/test_errors_tree.py`` keeps
    this drawing equal to the class hierarchy)::

        QujatError                      500 internal_error       (forms/errors.py)
        ├── FormError                   422 form_error
        │   ├── UnknownForm             404 unknown_form
        │   ├── UnknownRulebook         404 unknown_rulebook
        │   ├── UnsupportedLanguage     422 unsupported_language
        │   └── FormDataInvalid         422 validation_failed    (details: field, rule, paragraph)
        ├── VerificationError           422 unreadable_pdf       (verify/errors.py)
        │   ├── PdfTooComplex           422 pdf_too_complex
        │   ├── VerifierBusy            503 verification_busy
        │   └── TokenInvalid            422 token_invalid
        ├── RenderError                 500 render_failed        (generator/errors.py)
        ├── SigningError                500 signing_failed       (signing/errors.py)
        │   ├── KeyStoreError           500 key_store_unavailable
        │   ├── SignatureRefused        422 signature_refused    (details: rule)
        │   │   └── NcaProfileError     422 signature_refused
        │   ├── TimestampUnavailable    503 timestamp_unavailable
        │   ├── ValidationDataUnavailable 503 validation_data_unavailable
        │   ├── StreebogUnavailable     500 signing_failed
        │   ├── FetchRefused            422 revocation_source_refused
        │   └── FetchFailed             503 revocation_unavailable
        ├── RegistryError               500 registry_failed      (registry/errors.py)
        │   ├── NotFound                404 not_found
        │   └── Conflict                409 conflict
        │       ├── StatusIndexTaken    409 conflict
        │       ├── StaleDocument       409 stale_document
        │       ├── AlreadySigned       409 already_signed
        │       └── SessionExpired      410 session_expired
        ├── WorkflowError               409 conflict             (workflow/errors.py)
        │   ├── NotAProtocol            409 conflict
        │   ├── ProtocolNotSigned       409 conflict
        │   ├── NoStatusIndex           409 conflict
        │   └── BatchQuotaExceeded      429 batch_quota_exceeded
        └── ApiError                    (its own) status, code   (api/errors.py)
    """

    http_status: int = 500
    code: str = "internal_error"

    def __init__(self, message: str, details: list[ErrorDetail] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details: list[ErrorDetail] = list(details or [])


def error_shape(
    code: str, message: str, details: list[ErrorDetail] | None = None
) -> dict[str, Any]:
    """The inside of the one error shape: ``{"code", "message", "details": [...]}``."""
    return {"code": code, "message": message, "details": [d.as_dict() for d in details or []]}


class FormError(QujatError):
    """Something is wrong with the form asked for or its data."""

    http_status = 422
    code = "form_error"


class UnknownForm(FormError):
    http_status = 404
    code = "unknown_form"


class UnsupportedLanguage(FormError):
    http_status = 422
    code = "unsupported_language"


class FormDataInvalid(FormError):
    """The case data breaks the schema or a rule of the procedure."""

    http_status = 422
    code = "validation_failed"

    def __init__(self, details: list[ErrorDetail], message: str | None = None) -> None:
        first = details[0].message if details else "invalid data"
        super().__init__(message or f"The case data is invalid: {first}", details)


class UnknownRulebook(FormError):
    """No rulebook has the id asked for (``GET /v1/rulebooks/{id}``, a stored document)."""

    http_status = 404
    code = "unknown_rulebook"

    def __init__(self, rulebook_id: str, known: list[str]) -> None:
        super().__init__(
            f"No rulebook {rulebook_id!r}; GET /v1/rulebooks lists them",
            [ErrorDetail("rulebook", "unknown_rulebook", f"known rulebooks: {known}")],
        )


class VerificationError(QujatError):
    """The file offered for verification cannot be read as a PDF.

    Defined here rather than in ``verify/errors.py`` only while ``verify/isolation.py``
    imports it from this module; ``verify.errors`` re-exports it.
    """

    http_status = 422
    code = "unreadable_pdf"


@dataclass
class DetailCollector:
    """Collects details while checking many rules, then raises once."""

    prefix: str = ""
    details: list[ErrorDetail] = field(default_factory=list)

    def add(self, field_: str, rule: str, message: str, paragraph: str | None = None) -> None:
        path = f"{self.prefix}.{field_}" if self.prefix and field_ else (self.prefix or field_)
        self.details.append(ErrorDetail(path, rule, message, paragraph))

    def raise_if_any(self) -> None:
        if self.details:
            raise FormDataInvalid(self.details)
