"""``/v1/forms``: what can be issued, each form's schema, example, rulebook and deviations."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

import forms.catalogue as catalogue
from api.schemas import FormDetailPublic, FormPublic, FormsPublic
from forms import FormSpec, all_forms, get_form

router = APIRouter(prefix="/v1/forms", tags=["forms"])


def _public(spec: FormSpec) -> FormPublic:
    return FormPublic(
        id=spec.id,
        title_kk=spec.title_kk,
        title_ru=spec.title_ru,
        source=spec.source,
        languages=list(spec.languages),
        signing=spec.signing.value,
        signature_roles=[r.role for r in spec.signature_roles],
        links={
            "schema": f"/v1/forms/{spec.id}/schema",
            "example": f"/v1/forms/{spec.id}/example",
        },
    )


@router.get("")
def list_forms() -> FormsPublic:
    """Every form: id, titles kk/ru, languages, signing mode."""
    items = [_public(s) for s in all_forms()]
    return FormsPublic(forms=items, count=len(items))


@router.get("/{form_id}")
def read_form(form_id: str) -> FormDetailPublic:
    """The form, the rulebook of its current edition and its declared deviations."""
    spec = get_form(form_id)
    editions = [
        {"rulebook": e.rulebook.id, "valid_from": e.rulebook.public()["valid_from"],
         "valid_until": e.rulebook.public()["valid_until"]}
        for e in catalogue.EDITIONS.of(spec.id)
    ]  # fmt: skip
    return FormDetailPublic(
        **_public(spec).model_dump(),
        rulebook=spec.rulebook.public(),
        deviations=spec.public_deviations(),
        editions=editions,
    )


@router.get("/{form_id}/schema")
def form_schema(form_id: str) -> dict[str, Any]:
    """The JSON Schema of the form's case data."""
    return get_form(form_id).json_schema()


@router.get("/{form_id}/example")
def form_example(form_id: str) -> dict[str, Any]:
    """A valid example case for the form."""
    return dict(get_form(form_id).example)
