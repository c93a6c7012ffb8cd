"""Errors of Qujat, rooted in one class.

Every package raises subclasses of :class:`QujatError`; no builtin ``KeyError`` or
``ValueError`` escapes a public function. ``api/`` maps an error to HTTP through
``http_status`` and ``code``, and renders one JSON shape for all of them::

    QujatError                      500 internal_error
    ├── FormError
    │   ├── UnknownForm             404 unknown_form
    │   ├── UnsupportedLanguage     422 unsupported_language
    │   └── FormDataInvalid         422 validation_failed   (details: field, rule, paragraph)
    ├── RenderError                 500 render_failed        (generator/)
    ├── SigningError                500 signing_failed       (signing/)
    │   └── KeyStoreError           500 key_store_unavailable
    ├── VerificationError           422 unreadable_pdf       (verify/)
    └── RegistryError               500 registry_failed      (registry/)
        ├── NotFound                404 not_found
        └── Conflict                409 conflict

``forms`` is the bottom layer (it depends on nothing of ours), which is why the root
lives here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = [
    "Conflict",
    "ErrorDetail",
    "FormDataInvalid",
    "FormError",
    "KeyStoreError",
    "NotFound",
    "QujatError",
    "RegistryError",
    "RenderError",
    "SigningError",
    "UnknownForm",
    "UnsupportedLanguage",
    "VerificationError",
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
    """Root of every error Qujat raises on purpose."""

    http_status: int = 500
    code: str = "internal_error"

    def __init__(self, message: str, details: list[ErrorDetail] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details: list[ErrorDetail] = list(details or [])


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


class RenderError(QujatError):
    code = "render_failed"


class SigningError(QujatError):
    code = "signing_failed"


class KeyStoreError(SigningError):
    code = "key_store_unavailable"


class VerificationError(QujatError):
    """The file offered for verification cannot be read as a PDF."""

    http_status = 422
    code = "unreadable_pdf"


class RegistryError(QujatError):
    code = "registry_failed"


class NotFound(RegistryError):
    http_status = 404
    code = "not_found"


class Conflict(RegistryError):
    http_status = 409
    code = "conflict"


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
