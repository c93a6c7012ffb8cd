"""Editions of the forms: one spec per form and rulebook, the right one picked by date.

When the permanent rules replace the pilot, their forms are new specs (a data module and
templates in ``templates/<rulebook id>/``) added beside the pilot's; documents made under the
pilot keep being validated and rendered by the pilot's spec (:meth:`Editions.spec`).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from forms.errors import ErrorDetail, FormDataInvalid, UnknownForm
from forms.rulebooks.model import OutsidePeriod, Rulebook, UnknownRulebook, Validated
from forms.spec import FormSpec

__all__ = ["Editions"]

PERIOD_RULE = "outside_rulebook_period"


def _start(spec: FormSpec[Any]) -> date:
    return spec.rulebook.valid_from or date.min


class Editions:
    """Every edition of every form, keyed by form id and rulebook id."""

    def __init__(self, specs: Iterable[FormSpec[Any]]) -> None:
        by_form: dict[str, list[FormSpec[Any]]] = {}
        for spec in specs:
            editions = by_form.setdefault(spec.id, [])
            if any(e.rulebook.id == spec.rulebook.id for e in editions):
                raise ValueError(f"two editions of {spec.id!r} under {spec.rulebook.id!r}")
            editions.append(spec)
        # newest rulebook first: a date inside two periods goes to the newer text
        self._by_form = {k: tuple(sorted(v, key=_start, reverse=True)) for k, v in by_form.items()}

    def of(self, form_id: str) -> tuple[FormSpec[Any], ...]:
        """The editions of ``form_id``, newest rulebook first; :class:`UnknownForm` if none."""
        try:
            return self._by_form[form_id]
        except KeyError:
            raise UnknownForm(
                f"No form {form_id!r}; GET /v1/forms lists them",
                [ErrorDetail("form", "unknown_form", f"{form_id!r} is not a form Qujat knows")],
            ) from None

    def spec(self, form_id: str, rulebook_id: str) -> FormSpec[Any]:
        """The edition a stored document was made under (to re-validate or re-render it)."""
        for spec in self.of(form_id):
            if spec.rulebook.id == rulebook_id:
                return spec
        raise UnknownRulebook(rulebook_id, [s.rulebook.id for s in self.of(form_id)])

    def rulebooks(self) -> list[Rulebook]:
        """The rulebooks some edition belongs to, each once."""
        seen: dict[str, Rulebook] = {}
        for editions in self._by_form.values():
            for spec in editions:
                seen.setdefault(spec.rulebook.id, spec.rulebook)
        return list(seen.values())

    def check(
        self,
        form_id: str,
        data: Any,
        prefix: str = "data",
        *,
        outside_period: OutsidePeriod = "refuse",
    ) -> tuple[FormSpec[Any], Validated[Any]]:
        """Validate ``data`` under the edition whose rulebook covers its decisive date.

        A case no edition's period covers is refused with the newest valid edition's
        ``outside_rulebook_period`` error, or, with ``outside_period="issue"``, validated by
        that edition and marked ``issued_outside_period``. Data no edition accepts raises the
        newest edition's error.
        """
        first_error: FormDataInvalid | None = None
        dated_out: FormSpec[Any] | None = None
        for spec in self.of(form_id):
            try:
                return spec, spec.check(data, prefix)
            except FormDataInvalid as exc:
                if {d.rule for d in exc.details} == {PERIOD_RULE}:
                    dated_out = dated_out or spec
                    first_error = first_error or exc
                elif first_error is None:
                    first_error = exc
        if dated_out is not None:
            if outside_period == "issue":
                return dated_out, dated_out.check(data, prefix, outside_period="issue")
            dated_out.check(data, prefix)  # raises the period error of that edition
        assert first_error is not None, "a form has at least one edition"
        raise first_error
