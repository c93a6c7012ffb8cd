"""The form-spec mechanism: what a form is, how its data is checked, how it is signed."""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from forms.errors import ErrorDetail, FormDataInvalid, UnsupportedLanguage

__all__ = ["LANGUAGES", "FormSpec", "SignatureRole", "SigningMode", "templates_dir"]

LANGUAGES: tuple[str, ...] = ("kk", "ru")


def templates_dir() -> Path:
    """The folder holding every form's Typst templates and their shared library."""
    return Path(str(resources.files("forms") / "templates"))


class SigningMode(enum.StrEnum):
    """Who signs a form (seed 002 §12, §17–§23; seed 004 §3.7)."""

    ISSUER = "issuer"
    """The issuing organisation alone (certificates, notices, orders)."""
    COMMISSION = "commission"
    """Chair, every member present and the secretary countersign after the issuer certifies."""
    SECRETARY = "secretary"
    """The commission's secretary (extracts from a protocol)."""
    EVALUATOR = "evaluator"
    """The evaluating commission member or observer, and the teacher ("Танысты")."""


@dataclass(frozen=True)
class SignatureRole:
    """A signature a form asks for beyond the issuer's certification."""

    role: str
    """Stable id: ``chair``, ``member``, ``secretary``, ``evaluator``, ``teacher``…"""
    title_kk: str
    """How the form names the signer in Kazakh."""
    title_ru: str
    """How the form names the signer in Russian."""
    many: bool = False
    """True when several people sign in this role (commission members)."""


@dataclass(frozen=True)
class FormSpec:
    """Everything Qujat knows about one form of the procedure."""

    id: str
    """Stable public id, part of the API (``qualification-certificate``)."""
    title_kk: str
    """Title as the Kazakh source gives it."""
    title_ru: str
    """Title in the official Russian terminology."""
    source: str
    """Where the wording comes from, e.g. ``seed 002, App. 1``."""
    model: type[BaseModel]
    """Pydantic model of the case data (strict: unknown fields are refused)."""
    example: Mapping[str, Any]
    """A valid, realistic case; served to integrators and rendered by the tests."""
    signing: SigningMode
    """Who signs it."""
    holder_name: Callable[[Any], str | None]
    """The person the document is about, for the registry and the public page."""
    valid_until: Callable[[Any], date | None] = lambda _case: None
    """Computed validity end (never trusted from input); ``None`` when it does not expire."""
    view: Callable[[Any, str], dict[str, Any]] = lambda _case, _lang: {}
    """Derived values the template prints (formatted dates, category names, totals)."""
    signature_roles: tuple[SignatureRole, ...] = ()
    """Countersignatures the form declares besides the issuer's certification."""
    summary: Callable[[Any], dict[str, Any]] = lambda _case: {}
    """What the public verification page may show besides the holder's name."""
    languages: tuple[str, ...] = LANGUAGES
    """Languages the form has templates in."""
    not_printed: Mapping[str, str] = field(default_factory=dict)
    """Case fields the printed form does not show as given (path → why), e.g. a category
    code printed by its name, or an IIN the paper form has no line for."""
    extra: Mapping[str, Any] = field(default_factory=dict)
    """Anything form-specific (category thresholds, …) a caller may want."""

    def template(self, lang: str) -> str:
        """The template's file name inside :func:`templates_dir`."""
        if lang not in self.languages:
            raise UnsupportedLanguage(
                f"Form {self.id!r} has no {lang!r} template; use one of {list(self.languages)}",
                [ErrorDetail("lang", "unsupported_language", f"must be one of {self.languages}")],
            )
        return f"{self.id}.{lang}.typ"

    def validate(self, data: Any, prefix: str = "data") -> BaseModel:
        """Check ``data`` against the model and the procedure rules the model enforces.

        Raises :class:`FormDataInvalid` with one detail per problem, each naming the field
        (``data.holder.iin``) and the rule (``iin_checksum``, ``missing``…).
        """
        try:
            return self.model.model_validate(data)
        except ValidationError as exc:
            raise FormDataInvalid(details_from_pydantic(exc, prefix)) from None

    def json_schema(self) -> dict[str, Any]:
        """The JSON Schema of the case data."""
        schema = self.model.model_json_schema()
        schema["title"] = self.id
        schema["description"] = f"{self.title_kk} / {self.title_ru} ({self.source})"
        return schema


def details_from_pydantic(exc: ValidationError, prefix: str) -> list[ErrorDetail]:
    """Turn pydantic's errors into ours: dotted field path, rule id, message, paragraph."""
    details = []
    for err in exc.errors(include_url=False):
        path = (
            ".".join([prefix, *(str(p) for p in err["loc"])])
            if prefix
            else ".".join(str(p) for p in err["loc"])
        )
        ctx = err.get("ctx") or {}
        details.append(
            ErrorDetail(
                field=path,
                rule=str(err["type"]),
                message=str(err["msg"]),
                paragraph=ctx.get("paragraph") if isinstance(ctx.get("paragraph"), str) else None,
            )
        )
    return details
