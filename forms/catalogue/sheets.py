"""Forms of the procedure (being written)."""

from __future__ import annotations

from forms.spec import FormSpec

FORMS: tuple[FormSpec, ...] = ()
