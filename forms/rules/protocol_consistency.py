"""A document that names a protocol must agree with it (seed 002 §12, §20, §47).

The certificate (App. 1) names the person and the category awarded; the extract (App. 3,
13) the person, the decision and the category; the order (§12) every person and category.
Each is checked against the decisions recorded in the signed protocol. Pure: the caller
reads the protocol's decisions and checks that it is signed.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, cast

from pydantic import BaseModel

from forms.errors import ErrorDetail, FormDataInvalid
from forms.rules.categories import Category
from forms.rules.commission import Decision, Outcome
from forms.rules.consistency import check_matches_protocol

__all__ = ["EXTRACT_FORMS", "check_against_protocol"]

EXTRACT_FORMS = frozenset({"protocol-extract-teachers", "protocol-extract-heads"})
"""The protocol extracts (App. 3 for teachers, App. 13 for heads)."""


class _Holder(Protocol):
    @property
    def iin(self) -> str | None: ...


class _AttestedPerson(Protocol):
    @property
    def iin(self) -> str: ...


class _CertificateCase(Protocol):
    """What a qualification certificate (App. 1) states that the protocol decided."""

    @property
    def holder(self) -> _Holder: ...
    @property
    def category(self) -> Category: ...


class _ExtractCase(Protocol):
    """What an extract (App. 3, 13) states that the protocol decided."""

    @property
    def person(self) -> _AttestedPerson: ...
    @property
    def awarded_category(self) -> str | None: ...
    @property
    def outcome(self) -> str: ...


class _OrderEntry(Protocol):
    @property
    def iin(self) -> str | None: ...
    @property
    def category(self) -> str: ...


class _OrderCase(Protocol):
    """What a category order (§12) states for each person."""

    @property
    def entries(self) -> Sequence[_OrderEntry]: ...


def _category(value: str | None) -> Category | None:
    return Category(value) if value else None


def check_against_protocol(form_id: str, case: BaseModel, decisions: Sequence[Decision]) -> None:
    """Refuse ``case`` (of form ``form_id``) if it contradicts the protocol's ``decisions``.

    ``case`` is the validated model of a certificate, an extract or an order; other forms
    are not checked.
    """
    if form_id == "qualification-certificate":
        certificate = cast(_CertificateCase, case)  # the form's model (forms.catalogue)
        iin = certificate.holder.iin
        if not iin:
            raise FormDataInvalid(
                [ErrorDetail("data.holder.iin", "holder_iin_required",
                             "a certificate on a protocol names the holder's IIN",
                             "seed 002 §12")]
            )  # fmt: skip
        check_matches_protocol(
            decisions, iin, certificate.category, certificate=True, prefix="data"
        )
    elif form_id in EXTRACT_FORMS:
        extract = cast(_ExtractCase, case)
        check_matches_protocol(
            decisions,
            extract.person.iin,
            _category(extract.awarded_category),
            Outcome(extract.outcome),
            prefix="data",
        )
    elif form_id == "category-order":
        for i, entry in enumerate(cast(_OrderCase, case).entries):
            if entry.iin:
                check_matches_protocol(
                    decisions, entry.iin, _category(entry.category), certificate=True,
                    prefix=f"data.entries.{i}",
                )  # fmt: skip
