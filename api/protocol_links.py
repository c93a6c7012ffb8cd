"""A document that names a protocol must agree with it (seed 002 §12, §20, §47).

The certificate (App. 1) names the person and the category awarded; the extract (App. 3,
13) the person, the decision and the category; the order (§12) every person and category.
Each is checked against the decisions recorded in the signed protocol.
"""

from __future__ import annotations

from typing import Any

from forms import ErrorDetail, FormDataInvalid, FormSpec, get_form
from forms.catalogue.protocols import (
    PROTOCOL_FORM_IDS,
    HeadsProtocol,
    TeachersProtocol,
    protocol_decisions,
)
from forms.errors import Conflict
from forms.rules.categories import Category
from forms.rules.commission import Outcome
from forms.rules.consistency import check_matches_protocol
from registry import DocumentRecord

__all__ = ["check_against_protocol"]


def _category(value: Any) -> Category | None:
    return Category(value) if value else None


def check_against_protocol(spec: FormSpec, case: Any, protocol: DocumentRecord) -> None:
    """Refuse ``case`` if it contradicts ``protocol``; the protocol must be fully signed."""
    if protocol.form not in PROTOCOL_FORM_IDS:
        raise FormDataInvalid(
            [ErrorDetail("protocol_id", "not_a_protocol", "the document named is no protocol",
                         "seed 002 §12")]
        )  # fmt: skip
    if protocol.status != "issued":
        raise Conflict(
            "The protocol is not signed by the whole commission yet",
            [ErrorDetail("protocol_id", "protocol_not_signed",
                         f"the protocol is {protocol.status}", "seed 002 §12, §23")],
        )  # fmt: skip
    protocol_case = get_form(protocol.form).validate(protocol.case_data)
    assert isinstance(protocol_case, TeachersProtocol | HeadsProtocol)
    decisions = protocol_decisions(protocol_case)
    if spec.id == "qualification-certificate":
        if not case.holder.iin:
            raise FormDataInvalid(
                [ErrorDetail("data.holder.iin", "holder_iin_required",
                             "a certificate on a protocol names the holder's IIN",
                             "seed 002 §12")]
            )  # fmt: skip
        check_matches_protocol(
            decisions, case.holder.iin, case.category, certificate=True, prefix="data"
        )
    elif spec.id in ("protocol-extract-teachers", "protocol-extract-heads"):
        check_matches_protocol(
            decisions,
            case.person.iin,
            _category(case.awarded_category),
            Outcome(case.outcome),
            prefix="data",
        )
    elif spec.id == "category-order":
        for i, entry in enumerate(case.entries):
            iin = entry.iin
            if iin:
                check_matches_protocol(
                    decisions, iin, _category(entry.category), certificate=True,
                    prefix=f"data.entries.{i}",
                )  # fmt: skip
