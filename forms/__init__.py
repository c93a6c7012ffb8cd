"""What documents exist: one spec per form, their data models, templates and rules.

This package depends on nothing else of Qujat's (no HTTP, no database).
"""

from __future__ import annotations

from forms.catalogue import FORMS
from forms.errors import ErrorDetail, FormDataInvalid, QujatError, UnknownForm
from forms.spec import LANGUAGES, FormSpec, SignatureRole, SigningMode, templates_dir

__all__ = [
    "LANGUAGES",
    "ErrorDetail",
    "FormDataInvalid",
    "FormSpec",
    "QujatError",
    "SignatureRole",
    "SigningMode",
    "UnknownForm",
    "all_forms",
    "get_form",
    "templates_dir",
]


def get_form(form_id: str) -> FormSpec:
    """The spec of ``form_id``; :class:`UnknownForm` if there is none."""
    try:
        return FORMS[form_id]
    except KeyError:
        raise UnknownForm(
            f"No form {form_id!r}; GET /v1/forms lists them",
            [ErrorDetail("form", "unknown_form", f"{form_id!r} is not a form Qujat knows")],
        ) from None


def all_forms() -> list[FormSpec]:
    """Every form, in catalogue order."""
    return list(FORMS.values())
