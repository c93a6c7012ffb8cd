"""The attestation commission: composition, quorum, votes, and the decisions a protocol may hold.

Seed 002 §17 (odd number of members, at least seven; chair elected from the members; the
secretary is not a member), §18 (quorum two thirds; majority; the chair's vote breaks a tie),
§19 and App. 2 (decisions on teachers), §46 and App. 12 (decisions on heads and deputies),
§42 and §47 (a failed early attestation keeps the current category).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

from forms.errors import DetailCollector
from forms.rules.categories import LADDERS, Category, equivalent_category, kind_of

__all__ = [
    "MIN_MEMBERS",
    "Commission",
    "Decision",
    "Outcome",
    "ProtocolType",
    "Vote",
    "allowed_outcomes",
    "check_commission",
    "check_decision",
    "check_protocol",
    "check_vote",
    "vote_adopted",
]

MIN_MEMBERS = 7
"""At least seven members (seed 002 §17)."""


class ProtocolType(StrEnum):
    """The two protocol forms."""

    TEACHERS = "teachers"
    """Teachers, heads of departments, methodists (seed 002 §19, App. 2)."""
    HEADS = "heads"
    """First heads and deputies (seed 002 §46, App. 12)."""


class Outcome(StrEnum):
    """A commission decision on one person (stable API ids)."""

    MATCHES_DECLARED = "matches-declared"
    """Мәлімделген біліктілік санатына сәйкес келеді."""
    DOES_NOT_MATCH = "does-not-match"
    """Мәлімделген біліктілік санатына сәйкес келмейді (App. 2; §46)."""
    MATCHES_CURRENT = "matches-current"
    """Қолданыстағы біліктілік санатына сәйкес келеді."""
    MATCHES_LOWER_THAN_CURRENT = "matches-lower-than-current"
    """Қолданыстағы біліктілік санатынан төмен санатқа сәйкес келеді (§19 item 3)."""
    MATCHES_LOWER_THAN_DECLARED = "matches-lower-than-declared"
    """Мәлімделген біліктілік санатынан төмен санатқа сәйкес келеді (§46)."""


_ALLOWED: dict[ProtocolType, frozenset[Outcome]] = {
    ProtocolType.TEACHERS: frozenset(
        {
            Outcome.MATCHES_DECLARED,
            Outcome.DOES_NOT_MATCH,
            Outcome.MATCHES_CURRENT,
            Outcome.MATCHES_LOWER_THAN_CURRENT,
        }
    ),
    ProtocolType.HEADS: frozenset(
        {
            Outcome.MATCHES_DECLARED,
            Outcome.MATCHES_CURRENT,
            Outcome.MATCHES_LOWER_THAN_DECLARED,
            Outcome.DOES_NOT_MATCH,
        }
    ),
}


@dataclass(frozen=True)
class Commission:
    """Who sits on the commission and who came to the meeting; people by a stable id (e.g. IIN)."""

    members: tuple[str, ...]
    """Every member, the chair included, the secretary not."""
    chair: str
    """The chair, elected from the members."""
    secretary: str
    """The secretary, who prepares and signs the protocol but is not a member."""
    present: tuple[str, ...]
    """The members present at the meeting."""


@dataclass(frozen=True)
class Vote:
    """The vote on one decision."""

    in_favour: int
    """Members present who voted for."""
    against: int
    """Members present who voted against."""
    chair_voted: Literal["for", "against"] | None = None
    """How the chair voted; needed only to break a tie."""


@dataclass(frozen=True)
class Decision:
    """One row of a protocol: the commission's decision on one person."""

    person_iin: str
    """The attested person's IIN."""
    declared: Category
    """The category applied for."""
    outcome: Outcome
    """The decision."""
    awarded: Category | None
    """The category awarded or kept; ``None`` when none."""
    current: Category | None = None
    """The category held before."""
    reason: str | None = None
    """Why the person does not match (App. 2's "Себебі" column)."""
    early: bool = False
    """Early (мерзімінен бұрын) rather than regular attestation."""


def check_commission(c: Commission, errors: DetailCollector | None = None) -> None:
    """Composition and quorum (seed 002 §17, §18).

    Rules: ``commission_duplicate_member``, ``commission_too_small``, ``commission_members_even``,
    ``commission_chair_not_member``, ``commission_secretary_is_member``,
    ``commission_present_not_member``, ``commission_no_quorum``.
    """
    own = errors is None
    e = errors if errors is not None else DetailCollector()
    members = set(c.members)
    n = len(c.members)
    if len(members) != n:
        e.add(
            "commission.members",
            "commission_duplicate_member",
            "A member is listed twice.",
            "seed 002 §17",
        )
    if n < MIN_MEMBERS:
        e.add(
            "commission.members",
            "commission_too_small",
            f"The commission has {n} members; at least {MIN_MEMBERS} are required.",
            "seed 002 §17",
        )
    if n % 2 == 0:
        e.add(
            "commission.members",
            "commission_members_even",
            f"The commission has {n} members; their number must be odd.",
            "seed 002 §17",
        )
    if c.chair not in members:
        e.add(
            "commission.chair",
            "commission_chair_not_member",
            "The chair must be elected from the members.",
            "seed 002 §17",
        )
    if c.secretary in members:
        e.add(
            "commission.secretary",
            "commission_secretary_is_member",
            "The secretary is not a member of the commission.",
            "seed 002 §17",
        )
    strangers = [p for p in c.present if p not in members]
    if strangers:
        e.add(
            "commission.present",
            "commission_present_not_member",
            f"{len(strangers)} person(s) present are not members (no substitutes allowed).",
            "seed 002 §17",
        )
    present = len(set(c.present) & members)
    if 3 * present < 2 * len(members):
        e.add(
            "commission.present",
            "commission_no_quorum",
            f"{present} of {len(members)} members present; at least two thirds are required.",
            "seed 002 §18",
        )
    if own:
        e.raise_if_any()


def check_vote(
    c: Commission, vote: Vote, field: str = "vote", errors: DetailCollector | None = None
) -> None:
    """Every member present votes once; a tie needs the chair's vote (seed 002 §18).

    Rules: ``vote_count_mismatch``, ``vote_tie_without_chair``.
    """
    own = errors is None
    e = errors if errors is not None else DetailCollector()
    present = len(set(c.present) & set(c.members))
    if vote.in_favour < 0 or vote.against < 0 or vote.in_favour + vote.against != present:
        e.add(
            field,
            "vote_count_mismatch",
            f"{vote.in_favour} for and {vote.against} against do not add up to the "
            f"{present} members present.",
            "seed 002 §18",
        )
    elif vote.in_favour == vote.against and (vote.chair_voted is None or c.chair not in c.present):
        e.add(
            field,
            "vote_tie_without_chair",
            "The votes are tied; the chair's vote decides and must be recorded.",
            "seed 002 §18",
        )
    if own:
        e.raise_if_any()


def vote_adopted(c: Commission, vote: Vote) -> bool:
    """Whether the vote carries: a majority of those present; a tie goes the chair's way (§18)."""
    check_vote(c, vote)
    if vote.in_favour != vote.against:
        return vote.in_favour > vote.against
    return vote.chair_voted == "for"


def allowed_outcomes(protocol: ProtocolType) -> frozenset[Outcome]:
    """The decisions a protocol of this type may hold (seed 002 §19, App. 2; §46, App. 12)."""
    return _ALLOWED[protocol]


def _rung(c: Category) -> int:
    c = equivalent_category(c)
    return LADDERS[kind_of(c)].index(c)


def _lower(a: Category, b: Category) -> bool:
    a, b = equivalent_category(a), equivalent_category(b)
    return kind_of(a) == kind_of(b) and _rung(a) < _rung(b)


def check_decision(
    protocol: ProtocolType, d: Decision, field: str, errors: DetailCollector
) -> None:
    """One decision row is allowed and its awarded category fits its outcome (§19, §42, §46, §47).

    Rules: ``decision_outcome_not_allowed``, ``decision_awarded_mismatch``,
    ``decision_reason_required``.
    """
    para = "seed 002 §19, App. 2" if protocol == ProtocolType.TEACHERS else "seed 002 §46, App. 12"
    if d.outcome not in _ALLOWED[protocol]:
        errors.add(
            f"{field}.outcome",
            "decision_outcome_not_allowed",
            f"A {protocol.value} protocol cannot record «{d.outcome.value}».",
            para,
        )
        return
    ok: bool
    expected: str
    match d.outcome:
        case Outcome.MATCHES_DECLARED:
            ok, expected = d.awarded == d.declared, "the declared category"
        case Outcome.MATCHES_CURRENT:
            ok = d.current is not None and d.awarded == equivalent_category(d.current)
            expected = "the current category"
        case Outcome.MATCHES_LOWER_THAN_CURRENT:
            ok = d.current is not None and d.awarded is not None and _lower(d.awarded, d.current)
            expected = "a category lower than the current one"
        case Outcome.MATCHES_LOWER_THAN_DECLARED:
            ok = d.awarded is not None and _lower(d.awarded, d.declared)
            expected = "a category lower than the declared one"
        case Outcome.DOES_NOT_MATCH:
            # §42, §47: a failed early attestation keeps the current category.
            keep = equivalent_category(d.current) if d.current is not None else None
            ok, expected = d.awarded in (None, keep), "no category, or the current one kept"
            if not (d.reason or "").strip() and protocol == ProtocolType.TEACHERS:
                errors.add(
                    f"{field}.reason",
                    "decision_reason_required",
                    "A «does not match» decision must state its reason.",
                    para,
                )
    if not ok:
        errors.add(
            f"{field}.awarded",
            "decision_awarded_mismatch",
            f"For «{d.outcome.value}» the awarded category must be {expected}.",
            para,
        )


def check_protocol(
    protocol: ProtocolType,
    commission: Commission,
    decisions: Sequence[Decision],
    votes: Sequence[Vote] | None = None,
) -> None:
    """Refuse a protocol whose composition, quorum, votes or decisions break a rule (§17–§19, §46).

    ``votes``, when given, holds one vote per decision, in the same order; every decision must
    have been adopted. Raises ``FormDataInvalid`` with every detail found.
    """
    e = DetailCollector()
    check_commission(commission, e)
    seen: set[str] = set()
    for i, d in enumerate(decisions):
        check_decision(protocol, d, f"decisions[{i}]", e)
        if d.person_iin in seen:
            e.add(
                f"decisions[{i}].person_iin",
                "decision_duplicate_person",
                "The same person has two decisions in one protocol.",
                "seed 002 App. 2",
            )
        seen.add(d.person_iin)
    if votes is not None:
        if len(votes) != len(decisions):
            e.add(
                "votes",
                "vote_count_mismatch",
                "Each decision needs exactly one vote.",
                "seed 002 §18",
            )
        else:
            for i, v in enumerate(votes):
                before = len(e.details)
                check_vote(commission, v, f"votes[{i}]", e)
                if len(e.details) == before and not vote_adopted(commission, v):
                    e.add(
                        f"votes[{i}]",
                        "vote_not_adopted",
                        "This decision did not win a majority of the members present.",
                        "seed 002 §18",
                    )
    e.raise_if_any()
