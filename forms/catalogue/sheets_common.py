"""What the evaluation sheets share: the evaluator, the score type, how a scoring rule's
refusal becomes a pydantic error on the item it concerns, and how numbers print."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Annotated, Any, NoReturn

from pydantic import Field, ValidationError
from pydantic_core import InitErrorDetails, PydanticCustomError

from forms.errors import FormDataInvalid
from forms.rules.categories import Category, name_of
from forms.spec import SignatureRole
from forms.types import CaseModel, Name, ShortText

__all__ = [
    "EVALUATOR",
    "OBSERVER",
    "TEACHER_ACQUAINTED",
    "Evaluator",
    "Points",
    "capitalised",
    "category_name",
    "number",
    "raise_as_validation_error",
]

Points = Annotated[int, Field(ge=-1000, le=1000, description="Whole points for one item")]
"""An item's points as the case gives them; the sheet's own range is checked by the rules."""

EVALUATOR = SignatureRole("evaluator", "Комиссия мүшесі", "Член комиссии")
"""The commission member who scores a portfolio (App. 8, App. 11)."""
OBSERVER = SignatureRole("evaluator", "Бақылаушы", "Наблюдатель")
"""The observer who fills an App. 9 sheet."""
TEACHER_ACQUAINTED = SignatureRole("teacher", "Танысты", "Ознакомлен(а)")
"""The teacher's "acquainted" signature under an App. 9 sheet."""


class Evaluator(CaseModel):
    """The commission member or observer who fills the sheet."""

    full_name: Name = Field(description="Тегі, аты, әкесінің аты (бар болған жағдайда)")
    position: ShortText | None = Field(default=None, description="Лауазымы")


def number(value: Decimal | int, lang: str) -> str:
    """A score as the sheet prints it: whole numbers plain, fractions with a decimal comma."""
    d = Decimal(value)
    if d == d.to_integral_value():
        return str(int(d))
    text = f"{d.normalize():f}"
    return text.replace(".", ",") if lang in ("kk", "ru") else text


def capitalised(text: str) -> str:
    """First letter upper-case, as a column heading prints a category name."""
    return text[:1].upper() + text[1:]


def category_name(category: Category, lang: str) -> str:
    """The official kk or ru name of a category."""
    names = name_of(category)
    return names.kk if lang == "kk" else names.ru


def raise_as_validation_error(
    exc: FormDataInvalid, title: str, fields: Mapping[str, str], data: Any
) -> NoReturn:
    """Re-raise a scoring rule's refusal as pydantic errors located on the items.

    ``fields`` maps the rule's field prefix (``items``, ``observations``) to the case
    field it checked; each detail keeps its rule id as the error type and its paragraph in
    ``ctx``, so the API reports ``data.items.1.1`` / ``score_out_of_range``. Raising a
    ``ValidationError`` inside a validator keeps its locations (pydantic-core folds its
    line errors into the outer error).
    """
    line_errors: list[InitErrorDetails] = []
    for d in exc.details:
        head, _, rest = d.field.partition(".")
        loc: list[str | int] = [fields.get(head, head)]
        if rest.startswith("[") and rest.endswith("]") and rest[1:-1].isdigit():
            loc.append(int(rest[1:-1]))
        elif rest:
            loc.append(rest)
        ctx = {"paragraph": d.paragraph} if d.paragraph else {}
        value = data.get(rest) if isinstance(data, Mapping) else None
        line_errors.append(
            InitErrorDetails(
                type=PydanticCustomError(
                    d.rule, d.message.replace("{", "(").replace("}", ")"), ctx
                ),
                loc=tuple(loc),
                input=value,
            )
        )
    raise ValidationError.from_exception_data(title, line_errors)
