"""Who signs a protocol, in which fields, and in which order (seed 002 §17, §18, §23).

The chair signs if present, every member present signs, and the secretary signs; the
members first, then the chair and the secretary (:class:`SigningOrder.MEMBERS_FIRST`).
These functions are pure: the caller resolves a signer id to its registered name through
``resolve`` (the registry, in the workflow), so the rules are tested without a database.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from forms.errors import ErrorDetail, FormDataInvalid

__all__ = [
    "CommissionLike",
    "PlannedSigner",
    "Resolve",
    "SignerFacts",
    "SignerRole",
    "SigningOrder",
    "check_turn",
    "commission_plan",
    "same_name",
    "secretary_plan",
]


class SignerRole(StrEnum):
    """The part a countersigner plays."""

    MEMBER = "member"
    CHAIR = "chair"
    SECRETARY = "secretary"


class SigningOrder(StrEnum):
    """``members-first``: the chair and the secretary sign after every member present."""

    MEMBERS_FIRST = "members-first"
    ANY = "any"


@dataclass(frozen=True)
class PlannedSigner:
    """A signature a new document will wait for."""

    position: int
    """Order of the field (members first, then the chair, then the secretary)."""
    role: str
    """``member``, ``chair`` or ``secretary`` (a :class:`SignerRole` value)."""
    name: str
    """The name as the case data gives it."""
    signer_id: str
    """The registered signer."""
    field_name: str
    """The empty signature field made at certification."""


class SignerFacts(Protocol):
    """What the plan needs to know of a registered signer."""

    @property
    def id(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def revoked_at(self) -> datetime | None: ...


class CommissionLike(Protocol):
    """The commission as a protocol's case states it."""

    @property
    def chair(self) -> str: ...
    @property
    def secretary(self) -> str: ...
    @property
    def absent(self) -> Sequence[str]: ...
    def present(self) -> list[str]: ...


Resolve = Callable[[str, str], SignerFacts]
"""``resolve(signer_id, path)``: the registered signer, or :class:`FormDataInvalid` at ``path``."""


def same_name(a: str, b: str) -> bool:
    """Names compared as people read them: spacing and case do not count."""
    return _norm(a) == _norm(b)


def _norm(name: str) -> str:
    return " ".join(name.split()).casefold()


def _invalid(path: str, rule: str, message: str, paragraph: str | None = None) -> FormDataInvalid:
    return FormDataInvalid([ErrorDetail(path, rule, message, paragraph)])


def _named(resolve: Resolve, signer_id: object, name: str, role: str, path: str) -> SignerFacts:
    signer = resolve(str(signer_id), path)
    if signer.revoked_at is not None:
        raise _invalid(path, "signer_revoked", "the signer is revoked")
    if not same_name(signer.name, name):
        raise _invalid(
            path, "signer_name_mismatch",
            f"the signer registered is {signer.name!r}, the case names the {role} {name!r}",
            "seed 002 §17, §23",
        )  # fmt: skip
    return signer


def secretary_plan(
    signers: Mapping[str, object], secretary: str, resolve: Resolve
) -> list[PlannedSigner]:
    """An extract's plan: its secretary alone."""
    extra = set(signers) - {"secretary"}
    if extra or not signers.get("secretary"):
        raise _invalid("signers", "signers_roles", "an extract is signed by the secretary")
    signer = _named(resolve, signers["secretary"], secretary, "secretary", "signers.secretary")
    return [PlannedSigner(1, SignerRole.SECRETARY, secretary, signer.id, "Secretary")]


def commission_plan(
    commission: CommissionLike, signers: Mapping[str, object], resolve: Resolve
) -> list[PlannedSigner]:
    """A protocol's plan: every member present but the chair, then the chair (if present),
    then the secretary; each signer checked against the name the case gives."""
    present = commission.present()
    unknown_roles = set(signers) - {"chair", "members", "secretary"}
    if unknown_roles:
        raise FormDataInvalid(
            [ErrorDetail(f"signers.{r}", "signers_roles", "roles are chair, members, secretary")
             for r in sorted(unknown_roles)]
        )  # fmt: skip
    members = [m for m in present if m != commission.chair]
    ids = signers.get("members") or []
    if not isinstance(ids, list):
        raise _invalid("signers.members", "type", "a list of signer ids")
    by_name = _members(members, commission.absent, ids, resolve)
    planned = [
        PlannedSigner(i + 1, SignerRole.MEMBER, m, by_name[_norm(m)].id, f"Member{i + 1:02d}")
        for i, m in enumerate(members)
    ]
    n = len(planned)
    if commission.chair in present:
        if not signers.get("chair"):
            raise _invalid("signers.chair", "signers_required", "the chair signs", "seed 002 §23")
        chair = _named(resolve, signers["chair"], commission.chair, "chair", "signers.chair")
        planned.append(PlannedSigner(n + 1, SignerRole.CHAIR, commission.chair, chair.id, "Chair"))
    elif signers.get("chair"):
        raise _invalid("signers.chair", "signer_absent", "the chair was absent", "seed 002 §18")
    if not signers.get("secretary"):
        raise _invalid(
            "signers.secretary", "signers_required", "the secretary signs", "seed 002 §23"
        )
    secretary = _named(
        resolve, signers["secretary"], commission.secretary, "secretary", "signers.secretary"
    )
    planned.append(
        PlannedSigner(n + 2, SignerRole.SECRETARY, commission.secretary, secretary.id, "Secretary")
    )
    return planned


def _members(
    members: list[str], absent: Sequence[str], ids: list[object], resolve: Resolve
) -> dict[str, SignerFacts]:
    wanted = {_norm(m) for m in members}
    absent_names = {_norm(a) for a in absent}
    by_name: dict[str, SignerFacts] = {}
    for i, signer_id in enumerate(ids):
        path = f"signers.members.{i}"
        signer = resolve(str(signer_id), path)
        name = _norm(signer.name)
        if name in absent_names:
            raise _invalid(
                path, "signer_absent",
                f"{signer.name} was absent from the meeting and does not sign", "seed 002 §18",
            )  # fmt: skip
        if name not in wanted or name in by_name:
            raise _invalid(
                path, "signer_name_mismatch",
                f"{signer.name} is not a member present (other than the chair) or is listed "
                "twice", "seed 002 §17",
            )  # fmt: skip
        if signer.revoked_at is not None:
            raise _invalid(path, "signer_revoked", "the signer is revoked")
        by_name[name] = signer
    missing = [m for m in members if _norm(m) not in by_name]
    if missing:
        raise _invalid(
            "signers.members", "signers_members_incomplete",
            f"every member present signs; no signer for: {', '.join(missing)}", "seed 002 §23",
        )  # fmt: skip
    return by_name


class PendingSignature(Protocol):
    """A required signature as the registry holds it."""

    @property
    def role(self) -> str: ...
    @property
    def signed_at(self) -> datetime | None: ...


def check_turn(turn: PendingSignature, required: Sequence[PendingSignature], order: str) -> int:
    """How many members still have to sign before ``turn`` may; 0 when it is its turn.

    Under ``members-first`` the chair and the secretary wait for every member present.
    """
    if turn.role not in (SignerRole.CHAIR, SignerRole.SECRETARY):
        return 0
    if order != SigningOrder.MEMBERS_FIRST:
        return 0
    return sum(1 for r in required if r.role == SignerRole.MEMBER and r.signed_at is None)
