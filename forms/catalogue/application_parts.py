"""What the application forms and notices share: the App. 4 document and ground ids,
the e-mail and phone patterns, category names.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pydantic_core import PydanticCustomError

from forms.catalogue.categories import CATEGORIES
from forms.errors import FormDataInvalid
from forms.rules.applications import REFUSAL_GROUNDS, REQUIREMENTS

if TYPE_CHECKING:
    RequirementId = str
    GroundId = str
else:
    RequirementId = Literal[tuple(r.id for r in REQUIREMENTS)]
    """A document of App. 4 item 8, by its id in :mod:`forms.rules.applications`."""
    GroundId = Literal[("document-missing", *REFUSAL_GROUNDS)]
    """A missing document (item 8) or a refusal ground of App. 4 items 9–10."""

EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
PHONE_PATTERN = r"^\+?\d[\d ()-]{9,19}$"


def rule_error(exc: FormDataInvalid) -> PydanticCustomError:
    """The first detail of a rules error as a pydantic error: rule id as type, paragraph in ctx."""
    d = exc.details[0]
    return PydanticCustomError(
        d.rule, "{message}", {"message": d.message, "paragraph": d.paragraph}
    )


def category_label(code: str, lang: str) -> str:
    kk, ru, _ = CATEGORIES[code]
    return kk if lang == "kk" else ru
