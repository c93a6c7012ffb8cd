"""What the protocols, their extracts, the order and the list share (seed 002 §17–§20, §46–§47):
the commission, the category types and names, and the bridge to ``forms.rules.commission``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from typing import Any, Literal, Protocol

from pydantic import Field, ValidationError
from pydantic_core import InitErrorDetails, PydanticCustomError

from forms.catalogue.categories import CATEGORIES
from forms.dates import date_parts
from forms.errors import DetailCollector, ErrorDetail, FormDataInvalid
from forms.rules.categories import Category
from forms.rules.commission import Commission as RulesCommission
from forms.rules.commission import (
    Decision,
    Outcome,
    ProtocolType,
    check_decision,
    check_protocol,
)
from forms.spec import SignatureRole
from forms.types import CaseModel, Iin, Name, OrgName, ShortText

MAX_ROWS = 1000
"""Rows one protocol, order or list may hold; far above a commission's sitting."""
MAX_MEMBERS = 51
"""Members one commission may have; §17 sets only the floor (seven) and oddness."""

TeacherCategory = Literal[
    "teacher-trainee",
    "teacher",
    "teacher-moderator",
    "teacher-expert",
    "teacher-researcher",
    "teacher-master",
]
"""Categories of teachers, heads of departments and methodists (seed 002 §31; App. 2)."""
HeadCategory = Literal[
    "head-first", "head-second", "head-third", "deputy-first", "deputy-second", "deputy-third"
]
"""Categories of first heads and deputies (seed 002 §43; App. 12)."""
CategoryCode = Literal[TeacherCategory, HeadCategory]
"""Every category a commission awards or confirms today (``AWARDABLE``)."""
TeacherCurrentCategory = Literal[TeacherCategory, "legacy-second", "legacy-first", "legacy-higher"]
"""A teacher's category held before: today's or a pre-2020 one (seed 002 §32)."""
HeadCurrentCategory = Literal[HeadCategory, "head-organiser", "head-manager", "head-leader"]
"""A head's category held before: today's or an earlier name of it (seed 002 §48)."""
TeacherOutcome = Literal[
    "matches-declared", "does-not-match", "matches-current", "matches-lower-than-current"
]
"""The four decisions of App. 2, in the order of its sections (seed 002 §19)."""
HeadOutcome = Literal[
    "matches-declared", "matches-current", "matches-lower-than-declared", "does-not-match"
]
"""The decisions on heads and deputies (seed 002 §46; App. 12)."""

SIGNATURE_ROLES = (
    SignatureRole("chair", "Комиссия төрағасы", "Председатель комиссии"),
    SignatureRole("member", "Комиссия мүшесі", "Член комиссии", many=True),
    SignatureRole("secretary", "Хатшы", "Секретарь"),
)
"""Who signs a protocol (seed 002 §17, §23): the chair, every member present, the secretary."""
SECRETARY_ROLE = (SignatureRole("secretary", "Комиссия хатшысы", "Секретарь комиссии"),)

ATTESTATION_NAMES = {
    "kk": {"regular": "кезекті", "early": "мерзімінен бұрын"},
    "ru": {"regular": "очередная", "early": "досрочная"},
}
HEAD_DECISION_NAMES = {  # the «Комиссия шешімі» column of App. 12, in §46's words
    "kk": {
        "matches-declared": "мәлімделген біліктілік санатына сәйкес келеді",
        "matches-current": "қолданыстағы біліктілік санатына сәйкес келеді",
        "matches-lower-than-declared": "мәлімделген біліктілік санатынан төмен біліктілік "
        "санатына сәйкес келеді",
        "does-not-match": "мәлімделген біліктілік санатына сәйкес емес",
    },
    "ru": {
        "matches-declared": "соответствует заявленной квалификационной категории",
        "matches-current": "соответствует действующей квалификационной категории",
        "matches-lower-than-declared": "соответствует квалификационной категории ниже заявленной",
        "does-not-match": "не соответствует заявленной квалификационной категории",
    },
}
ORDER_DECISION_NAMES = {
    "kk": {"awarded": "берілді", "confirmed": "расталды"},
    "ru": {"awarded": "присвоена", "confirmed": "подтверждена"},
}
# Kazakh locative of the month names (маусымдағы, сәуірдегі…), for the sentences of our own
# wording that cite a protocol "of 20 June".
MONTH_LOCATIVE_KK = (
    "қаңтардағы", "ақпандағы", "наурыздағы", "сәуірдегі", "мамырдағы", "маусымдағы",
    "шілдедегі", "тамыздағы", "қыркүйектегі", "қазандағы", "қарашадағы", "желтоқсандағы",
)  # fmt: skip


# --- shared parts ------------------------------------------------------------------------


class Commission(CaseModel):
    """The commission as a protocol prints it (seed 002 §17)."""

    name: OrgName = Field(description="Full name of the commission (комиссияның толық атауы)")
    chair: Name = Field(description="The chair, elected from the members")
    members: list[Name] = Field(
        min_length=1,
        max_length=MAX_MEMBERS,
        description="Every member, the chair included; the secretary is not a member",
    )
    secretary: Name
    absent: list[Name] = Field(
        default_factory=list,
        max_length=MAX_MEMBERS,
        description="Members who did not attend the meeting; they do not sign (§18 quorum)",
    )

    def present(self) -> list[str]:
        """The members who attended, in the order listed."""
        return [m for m in self.members if m not in self.absent]


class ProtocolRef(CaseModel):
    """The protocol a document rests on."""

    commission: OrgName = Field(description="Full name of the commission")
    number: ShortText
    date: date


class AttestedPerson(CaseModel):
    """The person a decision is about."""

    full_name: Name
    iin: Iin


def category_code(value: str | None) -> Category | None:
    return Category(value) if value is not None else None


# Where the rules' field names live in these models (the rules name people by IIN and count
# who came; the protocols nest the IIN under ``person`` and list who did not).
RULE_FIELD_RENAMES = {
    "present": "absent",
    "person_iin": "person.iin",
    "awarded": "awarded_category",
}


def rule_location(path: str) -> tuple[str | int, ...]:
    parts = re.findall(r"[^.\[\]]+", path)
    renamed = [q for p in parts for q in RULE_FIELD_RENAMES.get(p, p).split(".")]
    return tuple(int(p) if p.isdigit() else p for p in renamed)


def as_validation_error(title: str, details: Sequence[ErrorDetail]) -> ValidationError:
    """The rules' details as pydantic errors at the fields they name (rule id = error type)."""
    line_errors = [
        InitErrorDetails(
            type=PydanticCustomError(
                d.rule,
                "{message}",
                {"message": d.message, **({"paragraph": d.paragraph} if d.paragraph else {})},
            ),
            loc=rule_location(d.field),
            input=None,
        )
        for d in details
    ]
    return ValidationError.from_exception_data(title, line_errors)


def check_commission_structure(c: Commission) -> None:
    strangers = [a for a in c.absent if a not in c.members]
    if strangers:
        raise as_validation_error(
            "Commission",
            [
                ErrorDetail(
                    "commission.absent",
                    "commission_absent_not_member",
                    f"{len(strangers)} name(s) listed as absent are not among the members.",
                    "seed 002 §17, §18",
                )
            ],
        )


def check_protocol_rows(
    kind: ProtocolType, commission: Commission, decisions: Sequence[Decided], title: str
) -> None:
    """Composition, quorum and every decision row, by the rules of ``forms.rules.commission``."""
    check_commission_structure(commission)
    rules_commission = RulesCommission(
        members=tuple(commission.members),
        chair=commission.chair,
        secretary=commission.secretary,
        present=tuple(commission.present()),
    )
    try:
        check_protocol(kind, rules_commission, [decision_of(d) for d in decisions])
    except FormDataInvalid as exc:
        raise as_validation_error(title, exc.details) from None


def check_extract_row(kind: ProtocolType, row: Decided, title: str) -> None:
    errors = DetailCollector()
    check_decision(kind, decision_of(row), "decision", errors)
    # App. 3 and App. 13 carry no reason; the protocol does (App. 2 «Себебі»).
    details = [d for d in errors.details if d.rule != "decision_reason_required"]
    if details:
        raise as_validation_error(
            title,
            [
                ErrorDetail(d.field.removeprefix("decision."), d.rule, d.message, d.paragraph)
                for d in details
            ],
        )


def decision_of(row: Decided) -> Decision:
    """A row or an extract as the commission rules see it."""
    return Decision(
        person_iin=row.person.iin,
        declared=Category(row.declared_category),
        outcome=Outcome(row.outcome),
        awarded=category_code(row.awarded_category),
        current=category_code(row.current_category),
        # only App. 2's rows carry a reason and the regular / early mark
        reason=getattr(row, "reason", None),
        early=getattr(row, "attestation", "regular") == "early",
    )


def category_names(code: str | None, lang: str) -> str | None:
    if code is None:
        return None
    kk, ru, _ = CATEGORIES[code]
    return kk if lang == "kk" else ru


def date_locative(value: date, lang: str) -> dict[str, str]:
    """Date parts for our own sentences: ``2025 жылғы «20» маусымдағы`` / ``«20» июня 2025``."""
    parts = date_parts(value, lang)
    if lang == "kk":
        parts["month"] = MONTH_LOCATIVE_KK[value.month - 1]
    return parts


def protocol_summary(number: str, when: date, commission: str, rows: int) -> dict[str, Any]:
    return {
        "protocol_number": number,
        "protocol_date": when.isoformat(),
        "commission": commission,
        "decisions": rows,
    }


CATEGORY_NAMES_NOTE = "printed by its kk/ru name"
ROW_IIN_NOTE = (
    "the protocol has no IIN column; kept to tie extracts, orders and certificates to the row"
)


class Decided(Protocol):
    """A protocol row or an extract, as the commission rules read it."""

    @property
    def person(self) -> AttestedPerson: ...

    @property
    def declared_category(self) -> str: ...

    @property
    def outcome(self) -> str: ...

    @property
    def awarded_category(self) -> str | None: ...

    @property
    def current_category(self) -> str | None: ...
