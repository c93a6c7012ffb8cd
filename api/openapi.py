"""The OpenAPI document a platform generates its client from.

``DocumentCreate.data`` is validated by the form's own model after the request is parsed
(so a wrong form or bad data answers our error shape with the form's rules), which leaves
FastAPI describing ``data`` as "any object". Here the document is completed: ``POST
/v1/documents`` and each item of ``POST /v1/batches`` become a discriminated union on
``form``, one branch per form whose ``data`` is that form's JSON Schema (from its pydantic
model), with its example case as an OpenAPI example. Request validation is unchanged.
"""

from __future__ import annotations

import copy
import re
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from pydantic.json_schema import models_json_schema

from forms import all_forms

__all__ = ["install_openapi", "request_union"]

_PREFIX = "Form"
_REF = "#/components/schemas/"


def _branch_name(form_id: str) -> str:
    return "DocumentCreate" + "".join(p.capitalize() for p in re.split(r"[^a-z0-9]+", form_id))


def _form_components() -> tuple[dict[str, Any], dict[str, str]]:
    """Every form model's schema (and its nested models), named ``Form…``; and the ref
    of each form's top model."""
    specs = all_forms()
    refs, top = models_json_schema(
        [(spec.model, "validation") for spec in specs],
        ref_template=_REF + _PREFIX + "{model}",
    )
    # a generator names its classes by title: the component's name keeps them apart from
    # the API's own models (a form's Signatory is not the application's)
    components = {
        f"{_PREFIX}{name}": {**schema, "title": f"{_PREFIX}{name}"}
        for name, schema in top.get("$defs", {}).items()
    }
    by_form = {spec.id: refs[(spec.model, "validation")]["$ref"] for spec in specs}
    return components, by_form


def request_union(schemas: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Add the per-form branches to ``schemas`` (components); returns the union schema
    and the examples (one per form)."""
    base = schemas["DocumentCreate"]
    components, by_form = _form_components()
    for name, schema in components.items():
        if name in schemas and schemas[name] != schema:
            raise RuntimeError(f"OpenAPI component {name} defined twice")
        schemas[name] = schema
    mapping: dict[str, str] = {}
    examples: dict[str, Any] = {}
    for spec in all_forms():
        name = _branch_name(spec.id)
        properties = copy.deepcopy(base["properties"])
        properties["form"] = {"type": "string", "enum": [spec.id], "title": "Form"}
        properties["data"] = {"$ref": by_form[spec.id]}
        properties["lang"] = {**properties["lang"], "enum": list(spec.languages)}
        schemas[name] = {
            "type": "object",
            "title": name,
            "description": f"{spec.title_ru} ({spec.source})",
            "properties": properties,
            "required": ["form", "data"],
            "additionalProperties": False,
        }
        mapping[spec.id] = _REF + name
        examples[spec.id] = {
            "summary": spec.title_ru,
            "value": {"form": spec.id, "lang": spec.languages[0], "data": dict(spec.example)},
        }
    union = {
        "oneOf": [{"$ref": ref} for ref in mapping.values()],
        "discriminator": {"propertyName": "form", "mapping": mapping},
    }
    return union, examples


def _complete(document: dict[str, Any]) -> dict[str, Any]:
    schemas = document["components"]["schemas"]
    union, examples = request_union(schemas)
    schemas["DocumentCreateAnyForm"] = union
    ref = {"$ref": _REF + "DocumentCreateAnyForm"}
    body = document["paths"]["/v1/documents"]["post"]["requestBody"]["content"]
    body["application/json"] = {"schema": ref, "examples": examples}
    schemas["BatchCreate"]["properties"]["items"]["items"] = ref
    first = next(iter(examples.values()))["value"]
    batch = document["paths"]["/v1/batches"]["post"]["requestBody"]["content"]["application/json"]
    batch["example"] = {"items": [first]}
    return document


def install_openapi(app: FastAPI) -> None:
    """Serve the completed document at ``/openapi.json`` (built once, then cached)."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            document = get_openapi(
                title=app.title,
                version=app.version,
                description=app.description,
                routes=app.routes,
            )
            app.openapi_schema = _complete(document)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
