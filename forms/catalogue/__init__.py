"""Every form Qujat serves, by id."""

from __future__ import annotations

from forms.catalogue import applications, protocols, sheets
from forms.catalogue.certificates import (
    COURSE_CERTIFICATE,
    COURSE_SUPPLEMENT,
    QUALIFICATION_CERTIFICATE,
)
from forms.spec import FormSpec

FORMS: dict[str, FormSpec] = {
    spec.id: spec
    for spec in (
        QUALIFICATION_CERTIFICATE,
        COURSE_CERTIFICATE,
        COURSE_SUPPLEMENT,
        *protocols.FORMS,
        *applications.FORMS,
        *sheets.FORMS,
    )
}
