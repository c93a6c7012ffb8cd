"""The form-spec mechanism: what a form is, how its data is checked, how it is signed."""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any, Generic

from pydantic import BaseModel, ValidationError
from typing_extensions import TypeVar

from forms.errors import ErrorDetail, FormDataInvalid, UnsupportedLanguage
from forms.rulebooks.model import (
    OUTSIDE_PERIOD_POLICIES,
    Deviation,
    OutsidePeriod,
    Rulebook,
    SeedLines,
    Validated,
)
from forms.rulebooks.pilot_2024 import PILOT_2024

__all__ = [
    "LANGUAGES",
    "FormSpec",
    "ModelT",
    "SignatureRole",
    "SigningMode",
    "Validated",
    "templates_dir",
]

ModelT = TypeVar("ModelT", bound=BaseModel, default=Any)
"""The case model of a form; a bare ``FormSpec`` is ``FormSpec[Any]`` (any form)."""

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
class FormSpec(Generic[ModelT]):
    """Everything Qujat knows about one form of the procedure, typed by its case model."""

    id: str
    """Stable public id, part of the API (``qualification-certificate``)."""
    title_kk: str
    """Title as the Kazakh source gives it."""
    title_ru: str
    """Title in the official Russian terminology."""
    source: str
    """Where the wording comes from, e.g. ``seed 002, App. 1``."""
    model: type[ModelT]
    """Pydantic model of the case data (strict: unknown fields are refused)."""
    example: Mapping[str, Any]
    """A valid, realistic case; served to integrators and rendered by the tests."""
    signing: SigningMode
    """Who signs it."""
    holder_name: Callable[[ModelT], str | None]
    """The person the document is about, for the registry and the public page."""
    valid_until: Callable[[ModelT], date | None] = lambda _case: None
    """Computed validity end (never trusted from input); ``None`` when it does not expire."""
    view: Callable[[ModelT, str], dict[str, Any]] = lambda _case, _lang: {}
    """Derived values the template prints (formatted dates, category names, totals)."""
    signature_roles: tuple[SignatureRole, ...] = ()
    """Countersignatures the form declares besides the issuer's certification."""
    summary: Callable[[ModelT], dict[str, Any]] = lambda _case: {}
    """What the public verification page may show besides the holder's name."""
    languages: tuple[str, ...] = LANGUAGES
    """Languages the form has templates in."""
    not_printed: Mapping[str, str] = field(default_factory=dict)
    """Case fields the printed form does not show as given (path → why), e.g. a category
    code printed by its name, or an IIN the paper form has no line for."""
    extra: Mapping[str, Any] = field(default_factory=dict)
    """Anything form-specific (category thresholds, …) a caller may want."""
    rulebook: Rulebook = PILOT_2024
    """The legal text the form's rules and fixed wording belong to (seed 002's Algorithm
    unless the spec names another)."""
    decisive: str = ""
    """Dotted path of the case's decisive date, judged against the rulebook's period
    (``commission_decision_date``, ``protocol.date``); ``""`` only for specs outside the
    catalogue (tests' probes), which are then not judged by date."""
    rules: tuple[Callable[[ModelT], None], ...] = ()
    """Procedure rules run on the validated model, each raising :class:`FormDataInvalid`
    with details relative to the case (``decisions.0.awarded_category``)."""
    seed_lines: tuple[SeedLines, ...] = ()
    """Where the seed holds the form's fixed wording (read by the fidelity check)."""
    deviations: tuple[Deviation, ...] = ()
    """Every place the form departs from the seed: the seed's words, what it prints, why."""
    template_dir: str = ""
    """Sub-folder of :func:`templates_dir` holding this edition's templates (``""`` for the
    first rulebook's; a later rulebook's editions keep theirs beside, in their own folder)."""

    def template(self, lang: str) -> str:
        """The template's file name inside :func:`templates_dir`."""
        if lang not in self.languages:
            raise UnsupportedLanguage(
                f"Form {self.id!r} has no {lang!r} template; use one of {list(self.languages)}",
                [ErrorDetail("lang", "unsupported_language", f"must be one of {self.languages}")],
            )
        name = f"{self.id}.{lang}.typ"
        return f"{self.template_dir}/{name}" if self.template_dir else name

    def validate(
        self, data: Any, prefix: str = "data", *, outside_period: OutsidePeriod = "refuse"
    ) -> ModelT:
        """The typed case, after :meth:`check`; see there for what is checked and raised."""
        return self.check(data, prefix, outside_period=outside_period).case

    def check(
        self, data: Any, prefix: str = "data", *, outside_period: OutsidePeriod = "refuse"
    ) -> Validated[ModelT]:
        """Check ``data`` against the model, the procedure rules and the rulebook's period.

        Raises :class:`FormDataInvalid` with one detail per problem, each naming the field
        (``data.holder.iin``) and the rule (``iin_checksum``, ``missing``…). A case whose
        decisive date lies outside :attr:`rulebook`'s period is refused with the rule
        ``outside_rulebook_period`` unless ``outside_period="issue"``; then the result says
        ``issued_outside_period=True``.
        """
        if outside_period not in OUTSIDE_PERIOD_POLICIES:
            raise FormDataInvalid(
                [
                    ErrorDetail(
                        "outside_period",
                        "unknown_policy",
                        f"must be one of {list(OUTSIDE_PERIOD_POLICIES)}",
                    )
                ]
            )
        try:
            case = self.model.model_validate(data)
        except ValidationError as exc:
            raise FormDataInvalid(details_from_pydantic(exc, prefix)) from None
        details: list[ErrorDetail] = []
        for rule in self.rules:
            try:
                rule(case)
            except FormDataInvalid as exc:
                details.extend(_prefixed(exc.details, prefix))
        if details:
            raise FormDataInvalid(details)
        day = self.decisive_date(case)
        outside = day is not None and not self.rulebook.covers(day)
        if outside and outside_period == "refuse" and day is not None:
            field_ = f"{prefix}.{self.decisive}" if prefix else self.decisive
            raise FormDataInvalid(
                [
                    ErrorDetail(
                        field_,
                        "outside_rulebook_period",
                        f"{day.isoformat()} lies outside the period of force of rulebook "
                        f"{self.rulebook.id!r} ({self.rulebook.period_text()}); "
                        "the deployment may issue it anyway with outside_period=issue",
                        self.rulebook.legal_source,
                    )
                ]
            )
        return Validated(case, self.rulebook, day, outside)

    def decisive_date(self, case: ModelT) -> date | None:
        """The case's date the rulebook's period is judged by (:attr:`decisive`)."""
        if not self.decisive:
            return None
        value: Any = case
        for part in self.decisive.split("."):
            value = getattr(value, part)
        if not isinstance(value, date):
            raise TypeError(f"{self.id}: decisive path {self.decisive!r} is not a date")
        return value

    def public_deviations(self) -> list[dict[str, str]]:
        """The declared deviations as JSON, for ``GET /v1/forms/{form}``."""
        return [d.public() for d in self.deviations]

    def json_schema(self) -> dict[str, Any]:
        """The JSON Schema of the case data."""
        schema = self.model.model_json_schema()
        schema["title"] = self.id
        schema["description"] = f"{self.title_kk} / {self.title_ru} ({self.source})"
        return schema


def _prefixed(details: list[ErrorDetail], prefix: str) -> list[ErrorDetail]:
    """Details of a rule run on the model, their fields put under ``prefix``."""
    if not prefix:
        return list(details)
    return [
        ErrorDetail(f"{prefix}.{d.field}" if d.field else prefix, d.rule, d.message, d.paragraph)
        for d in details
    ]


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
