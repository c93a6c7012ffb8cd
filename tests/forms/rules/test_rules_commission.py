"""Commission composition, quorum, votes and decisions (seed 002 §17–§19, §46)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from forms.errors import FormDataInvalid
from forms.rules.categories import Category
from forms.rules.commission import (
    Commission,
    Decision,
    Outcome,
    ProtocolType,
    Vote,
    allowed_outcomes,
    check_commission,
    check_protocol,
    vote_adopted,
)


def make(n: int, present: int | None = None, **kw: str) -> Commission:
    members = tuple(f"m{i}" for i in range(n))
    return Commission(
        members=members,
        chair=kw.get("chair", "m0"),
        secretary=kw.get("secretary", "sec"),
        present=members[: n if present is None else present],
    )


def rules(exc: pytest.ExceptionInfo[FormDataInvalid]) -> set[str]:
    return {d.rule for d in exc.value.details}


@pytest.mark.parametrize(
    ("n", "rule"),
    [
        (5, "commission_too_small"),
        (6, "commission_too_small"),
        (8, "commission_members_even"),
        (10, "commission_members_even"),
    ],
)
def test_size_refused(n: int, rule: str) -> None:
    with pytest.raises(FormDataInvalid) as exc:
        check_commission(make(n))
    assert rule in rules(exc)
    assert all(d.paragraph for d in exc.value.details)


@pytest.mark.parametrize("n", [7, 9, 11, 21])
def test_size_accepted(n: int) -> None:
    check_commission(make(n))


def test_chair_must_be_member() -> None:
    with pytest.raises(FormDataInvalid) as exc:
        check_commission(make(7, chair="outsider"))
    assert rules(exc) == {"commission_chair_not_member"}


def test_secretary_is_not_member() -> None:
    with pytest.raises(FormDataInvalid) as exc:
        check_commission(make(7, secretary="m3"))
    assert rules(exc) == {"commission_secretary_is_member"}


def test_no_substitutes_and_no_duplicates() -> None:
    c = Commission(("a", "b", "c", "d", "e", "f", "a"), "a", "s", ("a", "b", "c", "d", "e", "x"))
    with pytest.raises(FormDataInvalid) as exc:
        check_commission(c)
    assert {"commission_duplicate_member", "commission_present_not_member"} <= rules(exc)


@pytest.mark.parametrize(
    ("n", "present", "ok"),
    [(9, 6, True), (9, 5, False), (7, 5, True), (7, 4, False), (15, 10, True), (15, 9, False)],
)
def test_quorum_two_thirds(n: int, present: int, ok: bool) -> None:
    c = make(n, present)
    if ok:
        check_commission(c)
    else:
        with pytest.raises(FormDataInvalid) as exc:
            check_commission(c)
        assert rules(exc) == {"commission_no_quorum"}


@given(st.integers(3, 15).map(lambda k: 2 * k + 1), st.data())
def test_quorum_matches_fraction(n: int, data: st.DataObject) -> None:
    present = data.draw(st.integers(0, n))
    c = make(n, present)
    ok = n >= 7 and present * 3 >= n * 2
    try:
        check_commission(c)
        assert ok
    except FormDataInvalid:
        assert not ok


def test_majority_of_present() -> None:
    c = make(9, 6)
    assert vote_adopted(c, Vote(4, 2))
    assert not vote_adopted(c, Vote(2, 4))


def test_tie_broken_by_chair() -> None:
    c = make(9, 6)
    assert vote_adopted(c, Vote(3, 3, chair_voted="for"))
    assert not vote_adopted(c, Vote(3, 3, chair_voted="against"))
    with pytest.raises(FormDataInvalid) as exc:
        vote_adopted(c, Vote(3, 3))
    assert rules(exc) == {"vote_tie_without_chair"}


def test_tie_needs_chair_present() -> None:
    c = Commission(tuple(f"m{i}" for i in range(9)), "m8", "s", tuple(f"m{i}" for i in range(6)))
    with pytest.raises(FormDataInvalid) as exc:
        vote_adopted(c, Vote(3, 3, chair_voted="for"))
    assert rules(exc) == {"vote_tie_without_chair"}


@pytest.mark.parametrize("vote", [Vote(4, 1), Vote(5, 2), Vote(-1, 7)])
def test_votes_must_add_up_to_present(vote: Vote) -> None:
    with pytest.raises(FormDataInvalid) as exc:
        vote_adopted(make(9, 6), vote)
    assert rules(exc) == {"vote_count_mismatch"}


def test_allowed_outcomes_per_protocol() -> None:
    assert Outcome.MATCHES_LOWER_THAN_CURRENT in allowed_outcomes(ProtocolType.TEACHERS)
    assert Outcome.MATCHES_LOWER_THAN_CURRENT not in allowed_outcomes(ProtocolType.HEADS)
    assert Outcome.MATCHES_LOWER_THAN_DECLARED in allowed_outcomes(ProtocolType.HEADS)
    assert Outcome.MATCHES_LOWER_THAN_DECLARED not in allowed_outcomes(ProtocolType.TEACHERS)


GOOD = Decision(
    "871008401427",
    Category.TEACHER_EXPERT,
    Outcome.MATCHES_DECLARED,
    Category.TEACHER_EXPERT,
    Category.TEACHER_MODERATOR,
)


def test_valid_protocol() -> None:
    lower = Decision(
        "760212350620",
        Category.TEACHER_RESEARCHER,
        Outcome.MATCHES_LOWER_THAN_CURRENT,
        Category.TEACHER_MODERATOR,
        Category.TEACHER_EXPERT,
    )
    fail = Decision(
        "1",
        Category.TEACHER_MASTER,
        Outcome.DOES_NOT_MATCH,
        Category.TEACHER_RESEARCHER,
        Category.TEACHER_RESEARCHER,
        reason="ПББ шекті деңгейі",
        early=True,
    )
    check_protocol(
        ProtocolType.TEACHERS, make(7), [GOOD, lower, fail], [Vote(7, 0), Vote(5, 2), Vote(4, 3)]
    )


@pytest.mark.parametrize(
    ("decision", "rule"),
    [
        (
            Decision(
                "1", Category.TEACHER_EXPERT, Outcome.MATCHES_DECLARED, Category.TEACHER_MODERATOR
            ),
            "decision_awarded_mismatch",
        ),
        (
            Decision(
                "1",
                Category.TEACHER_EXPERT,
                Outcome.MATCHES_CURRENT,
                Category.TEACHER_EXPERT,
                Category.TEACHER_MODERATOR,
            ),
            "decision_awarded_mismatch",
        ),
        (
            Decision(
                "1",
                Category.TEACHER_EXPERT,
                Outcome.MATCHES_LOWER_THAN_CURRENT,
                Category.TEACHER_EXPERT,
                Category.TEACHER_EXPERT,
            ),
            "decision_awarded_mismatch",
        ),
        (
            Decision("1", Category.TEACHER_EXPERT, Outcome.DOES_NOT_MATCH, None),
            "decision_reason_required",
        ),
        (
            Decision(
                "1",
                Category.TEACHER_EXPERT,
                Outcome.MATCHES_LOWER_THAN_DECLARED,
                Category.TEACHER_MODERATOR,
            ),
            "decision_outcome_not_allowed",
        ),
    ],
)
def test_bad_decisions_refused(decision: Decision, rule: str) -> None:
    with pytest.raises(FormDataInvalid) as exc:
        check_protocol(ProtocolType.TEACHERS, make(7), [decision])
    assert rule in rules(exc)


def test_heads_protocol_lower_than_declared() -> None:
    ok = Decision(
        "1", Category.HEAD_FIRST, Outcome.MATCHES_LOWER_THAN_DECLARED, Category.HEAD_SECOND
    )
    check_protocol(ProtocolType.HEADS, make(7), [ok])
    bad = Decision(
        "1", Category.HEAD_SECOND, Outcome.MATCHES_LOWER_THAN_DECLARED, Category.HEAD_FIRST
    )
    with pytest.raises(FormDataInvalid) as exc:
        check_protocol(ProtocolType.HEADS, make(7), [bad])
    assert rules(exc) == {"decision_awarded_mismatch"}


def test_protocol_collects_composition_votes_and_duplicates() -> None:
    with pytest.raises(FormDataInvalid) as exc:
        check_protocol(ProtocolType.TEACHERS, make(8), [GOOD, GOOD], [Vote(2, 6), Vote(8, 0)])
    assert {"commission_members_even", "decision_duplicate_person", "vote_not_adopted"} <= rules(
        exc
    )
    with pytest.raises(FormDataInvalid) as exc:
        check_protocol(ProtocolType.TEACHERS, make(7), [GOOD], [])
    assert rules(exc) == {"vote_count_mismatch"}
