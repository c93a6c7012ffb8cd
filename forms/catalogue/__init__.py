"""Every form Qujat serves, by id."""

from __future__ import annotations

from typing import Any

from forms.catalogue import applications, protocols, sheets
from forms.catalogue.certificates import (
    COURSE_CERTIFICATE,
    COURSE_SUPPLEMENT,
    QUALIFICATION_CERTIFICATE,
)
from forms.catalogue.editions import Editions
from forms.spec import FormSpec

__all__ = ["EDITIONS", "FORMS", "Editions"]

_ALL: tuple[FormSpec[Any], ...] = (
    QUALIFICATION_CERTIFICATE,
    COURSE_CERTIFICATE,
    COURSE_SUPPLEMENT,
    *protocols.FORMS,
    *applications.FORMS,
    *sheets.FORMS,
)
FORMS: dict[str, FormSpec[Any]] = {spec.id: spec for spec in _ALL}
"""The current edition of every form (one rulebook each today), by id."""

EDITIONS = Editions(FORMS.values())
"""Every edition of every form; picks the rulebook by the case's decisive date."""
