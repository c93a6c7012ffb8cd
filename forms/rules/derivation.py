"""What follows a fully signed protocol (seed 002 §12, §20, §47): an extract for every
person in it (App. 3 or 13), due three working days after the meeting and signed by the
secretary, and a certificate (App. 1) for every category awarded or confirmed.

Pure: the protocol's case comes in, the documents to issue come out, each with the
Idempotency-Key that makes deriving twice harmless.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol

from forms.rules.commission import Outcome
from forms.rules.consistency import AWARDING_OUTCOMES

__all__ = [
    "CertificateTerms",
    "FollowUpDocument",
    "ProtocolCase",
    "certificates_of",
    "extract_form",
    "extracts_of",
]


class _Person(Protocol):
    @property
    def iin(self) -> str: ...
    def model_dump(self, *, mode: str) -> dict[str, Any]: ...


class _Decision(Protocol):
    @property
    def person(self) -> _Person: ...
    @property
    def position(self) -> str: ...
    @property
    def current_category(self) -> str | None: ...
    @property
    def declared_category(self) -> str: ...
    @property
    def outcome(self) -> str: ...
    @property
    def awarded_category(self) -> str | None: ...


class _Commission(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def secretary(self) -> str: ...


class ProtocolCase(Protocol):
    """A protocol's case (App. 2 or App. 12) as derivation reads it."""

    @property
    def number(self) -> str: ...
    @property
    def date(self) -> date: ...
    @property
    def commission(self) -> _Commission: ...
    @property
    def decisions(self) -> Sequence[_Decision]: ...


CertificateTerms = Mapping[str, Any]
"""``follow_up.certificates``: organisation, order, head, issue_date, registration_prefix."""


@dataclass(frozen=True)
class FollowUpDocument:
    """One document a signed protocol leads to."""

    form: str
    """The form to issue (an extract or the qualification certificate)."""
    data: dict[str, Any]
    """Its case data."""
    idempotency_key: str
    """Deterministic per protocol and person, so deriving again finds it."""
    secretary_signs: bool
    """An extract waits for the secretary's signature; a certificate does not."""
    due_date: date | None = None
    """When it is due (extracts)."""


def extract_form(heads: bool) -> str:
    """The extract's form: App. 13 for a heads' protocol, App. 3 otherwise."""
    return "protocol-extract-heads" if heads else "protocol-extract-teachers"


def extracts_of(
    protocol_id: str, case: ProtocolCase, *, heads: bool, due: date
) -> list[FollowUpDocument]:
    """An extract for every person the protocol decided on (seed 002 §20, §47)."""
    out: list[FollowUpDocument] = []
    for row in case.decisions:
        data = {
            "protocol": {"commission": case.commission.name, "number": case.number,
                         "date": case.date.isoformat()},
            "person": row.person.model_dump(mode="json"),
            "current_category": row.current_category,
            "declared_category": row.declared_category,
            "outcome": row.outcome,
            "awarded_category": row.awarded_category,
            "secretary": case.commission.secretary,
        }  # fmt: skip
        key = f"protocol:{protocol_id}:extract:{row.person.iin}"
        out.append(FollowUpDocument(extract_form(heads), data, key, True, due))
    return out


def certificates_of(
    protocol_id: str, case: ProtocolCase, terms: CertificateTerms
) -> list[FollowUpDocument]:
    """A certificate for every category awarded or confirmed (seed 002 §12), numbered by
    the row's position after ``registration_prefix``."""
    out: list[FollowUpDocument] = []
    for i, decided in enumerate(case.decisions, start=1):
        if Outcome(decided.outcome) not in AWARDING_OUTCOMES or decided.awarded_category is None:
            continue
        confirmed = decided.awarded_category == decided.current_category
        data = {
            "holder": decided.person.model_dump(mode="json"),
            "position": decided.position,
            "category": decided.awarded_category,
            "decision": "confirmed" if confirmed else "awarded",
            "commission_decision_date": case.date.isoformat(),
            "organisation": terms["organisation"],
            "order": terms["order"],
            "head": terms["head"],
            "registration_number": f"{terms.get('registration_prefix', '')}{i}",
            "issue_date": terms["issue_date"],
        }
        key = f"protocol:{protocol_id}:certificate:{decided.person.iin}"
        out.append(FollowUpDocument("qualification-certificate", data, key, False))
    return out
