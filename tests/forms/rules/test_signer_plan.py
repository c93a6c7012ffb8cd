"""Who signs a protocol and in which order (seed 002 §17, §18, §23), without a database:
signers are resolved from a dictionary."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import pytest

from forms.errors import ErrorDetail, FormDataInvalid
from forms.rules.signer_plan import (
    SignerRole,
    SigningOrder,
    check_turn,
    commission_plan,
    same_name,
    secretary_plan,
)


@dataclass(frozen=True)
class Signer:
    id: str
    name: str
    revoked_at: datetime | None = None


@dataclass(frozen=True)
class Commission:
    chair: str
    members: tuple[str, ...]
    secretary: str
    absent: tuple[str, ...] = ()

    def present(self) -> list[str]:
        return [m for m in self.members if m not in self.absent]


@dataclass(frozen=True)
class Required:
    role: str
    signed_at: datetime | None = None


CHAIR, SECRETARY = "Құсайынова Бақыт", "Темірбаева Мадина"
MEMBERS = (CHAIR, "Әбдіғалиев Нұрлан", "Шайхина Роза", "Оспанов Ерлан")
COMMISSION = Commission(CHAIR, MEMBERS, SECRETARY, absent=("Оспанов Ерлан",))
PEOPLE = {f"s{i}": Signer(f"s{i}", name) for i, name in enumerate((*MEMBERS, SECRETARY))}


def resolve(signer_id: str, path: str) -> Signer:
    try:
        return PEOPLE[signer_id]
    except KeyError:
        raise FormDataInvalid([ErrorDetail(path, "signer_unknown", "no such signer")]) from None


def rule_of(exc: pytest.ExceptionInfo[FormDataInvalid]) -> str:
    return exc.value.details[0].rule


def test_members_first_then_the_chair_then_the_secretary() -> None:
    plan = commission_plan(
        COMMISSION, {"chair": "s0", "members": ["s2", "s1"], "secretary": "s4"}, resolve
    )
    assert [(p.position, p.role, p.signer_id, p.field_name) for p in plan] == [
        (1, SignerRole.MEMBER, "s1", "Member01"),
        (2, SignerRole.MEMBER, "s2", "Member02"),
        (3, SignerRole.CHAIR, "s0", "Chair"),
        (4, SignerRole.SECRETARY, "s4", "Secretary"),
    ]


@pytest.mark.parametrize(
    ("signers", "rule"),
    [
        ({"chair": "s0", "members": ["s1"], "secretary": "s4"}, "signers_members_incomplete"),
        ({"chair": "s0", "members": ["s1", "s2", "s3"], "secretary": "s4"}, "signer_absent"),
        ({"chair": "s0", "members": ["s1", "s1"], "secretary": "s4"}, "signer_name_mismatch"),
        ({"chair": "s4", "members": ["s1", "s2"], "secretary": "s4"}, "signer_name_mismatch"),
        ({"members": ["s1", "s2"], "secretary": "s4"}, "signers_required"),
        ({"chair": "s0", "members": ["s1", "s2"]}, "signers_required"),
        ({"chair": "s0", "members": ["s1", "nobody"], "secretary": "s4"}, "signer_unknown"),
        ({"chair": "s0", "members": "s1", "secretary": "s4"}, "type"),
        ({"chair": "s0", "members": ["s1", "s2"], "secretary": "s4", "clerk": "s3"},
         "signers_roles"),
    ],
)  # fmt: skip
def test_a_plan_that_contradicts_the_case_is_refused(signers: dict[str, object], rule: str) -> None:
    with pytest.raises(FormDataInvalid) as refused:
        commission_plan(COMMISSION, signers, resolve)
    assert rule_of(refused) == rule


def test_an_absent_chair_does_not_sign() -> None:
    absent_chair = Commission(CHAIR, MEMBERS, SECRETARY, absent=(CHAIR,))
    with pytest.raises(FormDataInvalid) as refused:
        commission_plan(
            absent_chair, {"chair": "s0", "members": ["s1", "s2", "s3"], "secretary": "s4"},
            resolve,
        )  # fmt: skip
    assert rule_of(refused) == "signer_absent"
    plan = commission_plan(
        absent_chair, {"members": ["s1", "s2", "s3"], "secretary": "s4"}, resolve
    )
    assert [p.role for p in plan] == ["member"] * 3 + ["secretary"]


def test_a_revoked_signer_is_refused() -> None:
    PEOPLE["s9"] = Signer("s9", SECRETARY, revoked_at=datetime(2025, 1, 1, tzinfo=UTC))
    try:
        with pytest.raises(FormDataInvalid) as refused:
            secretary_plan({"secretary": "s9"}, SECRETARY, resolve)
        assert rule_of(refused) == "signer_revoked"
    finally:
        del PEOPLE["s9"]


def test_an_extract_is_signed_by_its_secretary_alone() -> None:
    plan = secretary_plan({"secretary": "s4"}, " темірбаева  мадина ", resolve)
    assert [(p.role, p.field_name) for p in plan] == [("secretary", "Secretary")]
    with pytest.raises(FormDataInvalid) as refused:
        secretary_plan({"secretary": "s4", "chair": "s0"}, SECRETARY, resolve)
    assert rule_of(refused) == "signers_roles"


def test_names_compare_as_people_read_them() -> None:
    assert same_name("Шайхина  Роза", "шайхина роза")
    assert not same_name("Шайхина Роза", "Шайхина Раиса")


def test_the_chair_and_the_secretary_wait_for_the_members() -> None:
    now = datetime(2025, 6, 20, tzinfo=UTC)
    required = [
        Required("member", now),
        Required("member"),
        Required("chair"),
        Required("secretary"),
    ]
    assert check_turn(required[2], required, SigningOrder.MEMBERS_FIRST) == 1
    assert check_turn(required[3], required, SigningOrder.MEMBERS_FIRST) == 1
    assert check_turn(required[1], required, SigningOrder.MEMBERS_FIRST) == 0
    assert check_turn(required[2], required, SigningOrder.ANY) == 0
    done = [Required("member", now), Required("chair")]
    assert check_turn(done[1], done, SigningOrder.MEMBERS_FIRST) == 0
