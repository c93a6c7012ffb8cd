"""A document that names a protocol must agree with it (seed 002 §12, §20, §47).

The certificate (App. 1) names the person and the category awarded; the extract (App. 3,
13) the person, the decision and the category; the order (§12) every person and category.
Each is checked against the decisions recorded in the signed protocol. Pure: the caller
reads the protocol's decisions and checks that it is signed.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from forms.errors import ErrorDetail, FormDataInvalid
from forms.rules.categories import Category
from forms.rules.commission import Decision, Outcome
from forms.rules.consistency import check_matches_protocol

__all__ = ["EXTRACT_FORMS", "check_against_protocol"]

EXTRACT_FORMS = frozenset({"protocol-extract-teachers", "protocol-extract-heads"})
"""The protocol extracts (App. 3 for teachers, App. 13 for heads)."""


def _category(value: str | None) -> Category | None:
    return Category(value) if value else None


def check_against_protocol(form_id: str, case: Any, decisions: Sequence[Decision]) -> None:
    """Refuse ``case`` (of form ``form_id``) if it contradicts the protocol's ``decisions``.

    ``case`` is the validated model of a certificate, an extract or an order; other forms
    are not checked.
    """
    if form_id == "qualification-certificate":
        if not case.holder.iin:
            raise FormDataInvalid(
                [ErrorDetail("data.holder.iin", "holder_iin_required",
                             "a certificate on a protocol names the holder's IIN",
                             "seed 002 §12")]
            )  # fmt: skip
        check_matches_protocol(
            decisions, case.holder.iin, case.category, certificate=True, prefix="data"
        )
    elif form_id in EXTRACT_FORMS:
        check_matches_protocol(
            decisions,
            case.person.iin,
            _category(case.awarded_category),
            Outcome(case.outcome),
            prefix="data",
        )
    elif form_id == "category-order":
        for i, entry in enumerate(case.entries):
            if entry.iin:
                check_matches_protocol(
                    decisions, entry.iin, _category(entry.category), certificate=True,
                    prefix=f"data.entries.{i}",
                )  # fmt: skip
