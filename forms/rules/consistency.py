"""Consistency across documents: extracts and certificates must match their protocol.

Seed 002 §12 (the certificate rests on the commission protocol and the order), §20 and §47
(the extract is taken from the protocol), App. 1 (the certificate names the category awarded
and its valid-until date), App. 3 and App. 13 (the extract names the decision and category).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from forms.errors import DetailCollector
from forms.rules.categories import Category
from forms.rules.commission import Decision, Outcome
from forms.rules.validity import qualification_valid_until

__all__ = ["AWARDING_OUTCOMES", "check_matches_protocol", "check_valid_until"]

AWARDING_OUTCOMES = frozenset(
    {
        Outcome.MATCHES_DECLARED,
        Outcome.MATCHES_CURRENT,
        Outcome.MATCHES_LOWER_THAN_CURRENT,
        Outcome.MATCHES_LOWER_THAN_DECLARED,
    }
)
"""Outcomes on which a certificate can be issued (seed 002 §12, §23: award or confirmation)."""


def check_matches_protocol(
    decisions: Sequence[Decision],
    person_iin: str,
    category: Category | None,
    outcome: Outcome | None = None,
    *,
    certificate: bool = False,
    prefix: str = "",
) -> Decision:
    """The decision a document names, checked against the protocol; returns it.

    Seed 002 §12, §20, §47; App. 1, 3, 13. The person must have a decision in the protocol;
    ``outcome`` (for an extract) must be that decision's; ``category`` must be the category
    awarded. With ``certificate=True`` the decision must award a category.
    Rules: ``protocol_person_not_found``, ``protocol_outcome_mismatch``,
    ``protocol_category_mismatch``, ``certificate_without_award``.
    """
    e = DetailCollector(prefix)
    found = [d for d in decisions if d.person_iin == person_iin]
    if not found:
        e.add(
            "person_iin",
            "protocol_person_not_found",
            "The protocol named holds no decision on this person.",
            "seed 002 §12, §20",
        )
        e.raise_if_any()
    decision = found[0]
    if outcome is not None and outcome != decision.outcome:
        e.add(
            "outcome",
            "protocol_outcome_mismatch",
            f"The protocol records «{decision.outcome.value}», not «{outcome.value}».",
            "seed 002 §20, App. 3",
        )
    if certificate and (decision.outcome not in AWARDING_OUTCOMES or decision.awarded is None):
        e.add(
            "category",
            "certificate_without_award",
            "The protocol's decision awards or confirms no category; no certificate can be "
            "issued on it.",
            "seed 002 §12",
        )
    elif category != decision.awarded:
        awarded = decision.awarded.value if decision.awarded else "none"
        e.add(
            "category",
            "protocol_category_mismatch",
            f"The category must be the one awarded in the protocol ({awarded}).",
            "seed 002 §12, App. 1",
        )
    e.raise_if_any()
    return decision


def check_valid_until(
    category: Category, decision_date: date, stated: date, field: str = "valid_until"
) -> None:
    """A stated valid-until date must equal the computed one (seed 002 §3, §43; App. 1).

    Rule: ``valid_until_mismatch``.
    """
    expected = qualification_valid_until(category, decision_date)
    if stated != expected:
        e = DetailCollector()
        e.add(
            field,
            "valid_until_mismatch",
            f"Valid until must be {expected.isoformat()} (computed from the decision date).",
            "seed 002 §3, §43",
        )
        e.raise_if_any()
