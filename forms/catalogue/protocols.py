"""Protocols of the attestation commission and what derives from them (seed 002 §12, §17–§20,
§46–§47; App. 2, 3, 12, 13): the two protocols, their extracts, the attesting body's order on
categories and the published list of attested teachers.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from typing import Any, Literal, get_args

from pydantic import Field, ValidationError, model_validator
from pydantic_core import InitErrorDetails, PydanticCustomError

from forms.catalogue.categories import CATEGORIES
from forms.catalogue.certificates import Head, Organisation
from forms.catalogue.seeds import DEVIATIONS, SEED_LINES
from forms.dates import date_parts
from forms.errors import DetailCollector, ErrorDetail, FormDataInvalid
from forms.rules.categories import Category, check_requested_category, kind_of
from forms.rules.commission import Commission as RulesCommission
from forms.rules.commission import (
    Decision,
    Outcome,
    ProtocolType,
    check_decision,
    check_protocol,
)
from forms.spec import FormSpec, SignatureRole, SigningMode
from forms.types import CaseModel, Iin, LongText, Name, OrgName, ShortText

__all__ = [
    "ATTESTED_LIST",
    "CATEGORY_ORDER",
    "FORMS",
    "PROTOCOL_EXTRACT_HEADS",
    "PROTOCOL_EXTRACT_TEACHERS",
    "PROTOCOL_HEADS",
    "PROTOCOL_TEACHERS",
]

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

_ATTESTATION = {
    "kk": {"regular": "кезекті", "early": "мерзімінен бұрын"},
    "ru": {"regular": "очередная", "early": "досрочная"},
}
_HEAD_DECISION = {  # the «Комиссия шешімі» column of App. 12, in §46's words
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
_ORDER_DECISION = {
    "kk": {"awarded": "берілді", "confirmed": "расталды"},
    "ru": {"awarded": "присвоена", "confirmed": "подтверждена"},
}
# Kazakh locative of the month names (маусымдағы, сәуірдегі…), for the sentences of our own
# wording that cite a protocol "of 20 June".
_MONTH_LOCATIVE_KK = (
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


def _code(value: str | None) -> Category | None:
    return Category(value) if value is not None else None


# Where the rules' field names live in these models (the rules name people by IIN and count
# who came; the protocols nest the IIN under ``person`` and list who did not).
_RENAMES = {"present": "absent", "person_iin": "person.iin", "awarded": "awarded_category"}


def _loc(path: str) -> tuple[str | int, ...]:
    parts = re.findall(r"[^.\[\]]+", path)
    renamed = [q for p in parts for q in _RENAMES.get(p, p).split(".")]
    return tuple(int(p) if p.isdigit() else p for p in renamed)


def _as_validation_error(title: str, details: Sequence[ErrorDetail]) -> ValidationError:
    """The rules' details as pydantic errors at the fields they name (rule id = error type)."""
    line_errors = [
        InitErrorDetails(
            type=PydanticCustomError(
                d.rule,
                "{message}",
                {"message": d.message, **({"paragraph": d.paragraph} if d.paragraph else {})},
            ),
            loc=_loc(d.field),
            input=None,
        )
        for d in details
    ]
    return ValidationError.from_exception_data(title, line_errors)


def _check_commission_structure(c: Commission) -> None:
    strangers = [a for a in c.absent if a not in c.members]
    if strangers:
        raise _as_validation_error(
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


def _check_protocol(
    kind: ProtocolType, commission: Commission, decisions: Sequence[_Decided], title: str
) -> None:
    """Composition, quorum and every decision row, by the rules of ``forms.rules.commission``."""
    _check_commission_structure(commission)
    rules_commission = RulesCommission(
        members=tuple(commission.members),
        chair=commission.chair,
        secretary=commission.secretary,
        present=tuple(commission.present()),
    )
    try:
        check_protocol(kind, rules_commission, [_decision(d) for d in decisions])
    except FormDataInvalid as exc:
        raise _as_validation_error(title, exc.details) from None


def _check_extract(kind: ProtocolType, row: _Decided, title: str) -> None:
    errors = DetailCollector()
    check_decision(kind, _decision(row), "decision", errors)
    # App. 3 and App. 13 carry no reason; the protocol does (App. 2 «Себебі»).
    details = [d for d in errors.details if d.rule != "decision_reason_required"]
    if details:
        raise _as_validation_error(
            title,
            [
                ErrorDetail(d.field.removeprefix("decision."), d.rule, d.message, d.paragraph)
                for d in details
            ],
        )


def _decision(row: _Decided) -> Decision:
    """A row or an extract as the commission rules see it."""
    return Decision(
        person_iin=row.person.iin,
        declared=Category(row.declared_category),
        outcome=Outcome(row.outcome),
        awarded=_code(row.awarded_category),
        current=_code(row.current_category),
        reason=row.reason if isinstance(row, TeacherDecision) else None,
        early=isinstance(row, TeacherDecision) and row.attestation == "early",
    )


def _names(code: str | None, lang: str) -> str | None:
    if code is None:
        return None
    kk, ru, _ = CATEGORIES[code]
    return kk if lang == "kk" else ru


def _date_loc(value: date, lang: str) -> dict[str, str]:
    """Date parts for our own sentences: ``2025 жылғы «20» маусымдағы`` / ``«20» июня 2025``."""
    parts = date_parts(value, lang)
    if lang == "kk":
        parts["month"] = _MONTH_LOCATIVE_KK[value.month - 1]
    return parts


def _protocol_summary(number: str, when: date, commission: str, rows: int) -> dict[str, Any]:
    return {
        "protocol_number": number,
        "protocol_date": when.isoformat(),
        "commission": commission,
        "decisions": rows,
    }


_CATEGORY_NAMES = "printed by its kk/ru name"
_ROW_IIN = (
    "the protocol has no IIN column; kept to tie extracts, orders and certificates to the row"
)

# --- protocol-teachers (App. 2) ----------------------------------------------------------


class TeacherDecision(CaseModel):
    """One row of App. 2: the commission's decision on one teacher."""

    person: AttestedPerson
    position: ShortText = Field(description="Лауазымы / должность")
    attestation: Literal["regular", "early"] = Field(
        "regular", description="Кезекті / мерзімінен бұрын (очередная / досрочная)"
    )
    current_category: TeacherCurrentCategory | None = None
    declared_category: TeacherCategory
    outcome: TeacherOutcome
    awarded_category: TeacherCategory | None = None
    reason: LongText | None = Field(None, description="Себебі; required for «does-not-match»")


class TeachersProtocol(CaseModel):
    """Data of App. 2: the commission protocol on teachers, heads of departments, methodists."""

    number: ShortText
    date: date
    commission: Commission
    decisions: list[TeacherDecision] = Field(min_length=1, max_length=MAX_ROWS)

    @model_validator(mode="after")
    def _rules(self) -> TeachersProtocol:
        _check_protocol(ProtocolType.TEACHERS, self.commission, self.decisions, "TeachersProtocol")
        return self


def _commission_view(c: Commission) -> dict[str, Any]:
    present = c.present()
    return {
        "members": [m for m in c.members if m != c.chair],
        "absent": [m for m in c.members if m != c.chair and m not in present],
        "chair_signs": c.chair in present,
        "member_signers": [m for m in present if m != c.chair],
    }


def _teachers_protocol_view(case: TeachersProtocol, lang: str) -> dict[str, Any]:
    sections: dict[str, list[list[str | None]]] = {o: [] for o in get_args(TeacherOutcome)}
    for d in case.decisions:
        rows = sections[d.outcome]
        row = [
            str(len(rows) + 1),
            d.person.full_name,
            d.position,
            _ATTESTATION[lang][d.attestation],
            _names(d.current_category, lang),
            _names(d.declared_category, lang),
            _names(d.awarded_category, lang),
        ]
        rows.append([*row, d.reason] if d.outcome == "does-not-match" else row)
    return {
        "date": date_parts(case.date, lang),
        "sections": sections,
        **_commission_view(case.commission),
    }


_PROTOCOL_NOT_PRINTED = {
    "decisions.person.iin": _ROW_IIN,
    "decisions.outcome": "printed as the section the row stands in",
    "decisions.current_category": _CATEGORY_NAMES,
    "decisions.declared_category": _CATEGORY_NAMES,
    "decisions.awarded_category": _CATEGORY_NAMES,
    "commission.absent": "the form has no line for absence; absent members are listed among "
    "the members marked «(отырысқа қатыспады)» / «(на заседании отсутствовал(а))» and get no "
    "signature line",
}

_TEACHERS_COMMISSION = {
    "name": "«Қарағанды облысы білім басқармасының Қарағанды қаласы бойынша білім бөлімі» ММ "
    "жанындағы педагогтерді аттестаттау жөніндегі комиссия",
    "chair": "Құсайынова Бақыт Ержанқызы",
    "members": [
        "Құсайынова Бақыт Ержанқызы",
        "Әбдіғалиев Нұрлан Төлеуұлы",
        "Шайхина Роза Әміржанқызы",
        "Оспанов Ерлан Қуанышұлы",
        "Мұқанова Динара Сейітқызы",
        "Бекмағамбетов Арман Болатұлы",
        "Искакова Жанар Нұрғалиқызы",
    ],
    "secretary": "Темірбаева Мадина Алмасқызы",
    "absent": ["Оспанов Ерлан Қуанышұлы"],
}

PROTOCOL_TEACHERS = FormSpec(
    id="protocol-teachers",
    decisive="date",
    seed_lines=SEED_LINES["protocol-teachers"],
    deviations=DEVIATIONS["protocol-teachers"],
    title_kk="Педагогтің/бөлім басшысының (меңгерушісінің) және әдістемелік кабинеті (орталық) "
    "әдіскерінің біліктілік санатын беруге (растауға) арналған Комиссия отырысының хаттамасы",
    title_ru="Протокол заседания Комиссии по присвоению (подтверждению) квалификационной "
    "категории педагогу/руководителю отдела (заведующему) и методисту методического кабинета "
    "(центра)",
    source="seed 002, App. 2; §17–§20",
    model=TeachersProtocol,
    signing=SigningMode.COMMISSION,
    signature_roles=SIGNATURE_ROLES,
    holder_name=lambda _c: None,
    view=_teachers_protocol_view,
    not_printed={
        **_PROTOCOL_NOT_PRINTED,
        "decisions.attestation": "printed as кезекті / мерзімінен бұрын (очередная / досрочная)",
    },
    summary=lambda c: _protocol_summary(c.number, c.date, c.commission.name, len(c.decisions)),
    example={
        "number": "7",
        "date": "2024-11-22",
        "commission": _TEACHERS_COMMISSION,
        "decisions": [
            {
                "person": {"full_name": "Сәрсенбаева Гүлнұр Жұмабайқызы", "iin": "871008401427"},
                "position": "Қазақ тілі мен әдебиеті пәнінің мұғалімі",
                "current_category": "teacher-moderator",
                "declared_category": "teacher-expert",
                "outcome": "matches-declared",
                "awarded_category": "teacher-expert",
            },
            {
                "person": {"full_name": "Нұрланов Дәурен Серікұлы", "iin": "790922325714"},
                "position": "Физика пәнінің мұғалімі",
                "attestation": "early",
                "current_category": "teacher-moderator",
                "declared_category": "teacher-expert",
                "outcome": "matches-declared",
                "awarded_category": "teacher-expert",
            },
            {
                "person": {"full_name": "Ахметова Айжан Болатқызы", "iin": "950612460916"},
                "position": "Оқу-әдістемелік бөлімінің меңгерушісі",
                "current_category": "teacher-expert",
                "declared_category": "teacher-expert",
                "outcome": "matches-declared",
                "awarded_category": "teacher-expert",
            },
            {
                "person": {"full_name": "Ибраева Сәуле Маратқызы", "iin": "880705465683"},
                "position": "Бастауыш сынып мұғалімі",
                "attestation": "early",
                "current_category": "teacher-moderator",
                "declared_category": "teacher-expert",
                "outcome": "does-not-match",
                "awarded_category": "teacher-moderator",
                "reason": "Портфолио бойынша жинаған балы (74) «педагог-сарапшы» санаты үшін "
                "белгіленген шекті балдан (84) төмен",
            },
            {
                "person": {"full_name": "Жұмабекова Әсел Қайратқызы", "iin": "920418408918"},
                "position": "Математика пәнінің мұғалімі",
                "current_category": "teacher-moderator",
                "declared_category": "teacher-expert",
                "outcome": "matches-current",
                "awarded_category": "teacher-moderator",
            },
            {
                "person": {"full_name": "Төлегенов Бауыржан Асқарұлы", "iin": "830111312862"},
                "position": "Тарих пәнінің мұғалімі",
                "current_category": "teacher-expert",
                "declared_category": "teacher-expert",
                "outcome": "matches-lower-than-current",
                "awarded_category": "teacher-moderator",
            },
        ],
    },
)

# --- protocol-heads (App. 12) ------------------------------------------------------------


class HeadDecision(CaseModel):
    """One row of App. 12: the decision on a first head or deputy head."""

    person: AttestedPerson
    position: ShortText = Field(description="Лауазымы / должность")
    current_category: HeadCurrentCategory | None = None
    declared_category: HeadCategory
    outcome: HeadOutcome
    awarded_category: HeadCategory | None = None


class HeadsProtocol(CaseModel):
    """Data of App. 12: the protocol on first heads and deputies (seed 002 §46)."""

    number: ShortText
    date: date
    commission: Commission
    decisions: list[HeadDecision] = Field(min_length=1, max_length=MAX_ROWS)

    @model_validator(mode="after")
    def _rules(self) -> HeadsProtocol:
        _check_protocol(ProtocolType.HEADS, self.commission, self.decisions, "HeadsProtocol")
        return self


def check_heads_sequence(case: HeadsProtocol) -> None:
    """§44: a head or deputy at the initial attestation (no current category) may have
    declared any category of the ladder; at a later one, the current category or the next
    one only. Run on the validated protocol (:attr:`FormSpec.rules`)."""
    errors = DetailCollector()
    for i, d in enumerate(case.decisions):
        check_requested_category(
            _code(d.current_category),
            Category(d.declared_category),
            kind=kind_of(Category(d.declared_category)),
            field=f"decisions.{i}.declared_category",
            errors=errors,
        )
    errors.raise_if_any()


def _heads_protocol_view(case: HeadsProtocol, lang: str) -> dict[str, Any]:
    matches: list[list[str | None]] = []
    not_matching: list[list[str | None]] = []
    for d in case.decisions:
        rows = not_matching if d.outcome == "does-not-match" else matches
        rows.append(
            [
                str(len(rows) + 1),
                d.person.full_name,
                d.position,
                _names(d.current_category, lang),
                _names(d.declared_category, lang),
                _names(d.awarded_category, lang),
                _HEAD_DECISION[lang][d.outcome],
            ]
        )
    return {
        "date": date_parts(case.date, lang),
        "matches": matches,
        "not_matching": not_matching,
        **_commission_view(case.commission),
    }


PROTOCOL_HEADS = FormSpec(
    id="protocol-heads",
    decisive="date",
    seed_lines=SEED_LINES["protocol-heads"],
    deviations=DEVIATIONS["protocol-heads"],
    title_kk="Білім беру ұйымы (әдістемелік кабинет (орталық)) басшысының (басшы орынбасарының) "
    "біліктілік санатын беруге (растауға) арналған аттестаттау комиссиясы отырысының хаттамасы",
    title_ru="Протокол заседания аттестационной комиссии по присвоению (подтверждению) "
    "квалификационной категории руководителю (заместителю руководителя) организации "
    "образования (методического кабинета (центра))",
    source="seed 002, App. 12; §17–§18, §46–§47",
    model=HeadsProtocol,
    signing=SigningMode.COMMISSION,
    signature_roles=SIGNATURE_ROLES,
    holder_name=lambda _c: None,
    view=_heads_protocol_view,
    not_printed={
        **_PROTOCOL_NOT_PRINTED,
        "decisions.outcome": "printed as its section and in the «Комиссия шешімі» column",
    },
    summary=lambda c: _protocol_summary(c.number, c.date, c.commission.name, len(c.decisions)),
    rules=(check_heads_sequence,),
    example={
        "number": "3",
        "date": "2024-11-26",
        "commission": {
            "name": "Қарағанды облысы білім басқармасы жанындағы білім беру ұйымдарының "
            "басшыларын және басшы орынбасарларын аттестаттау жөніндегі комиссия",
            "chair": "Төлеубаева Айгүл Маратқызы",
            "members": [
                "Төлеубаева Айгүл Маратқызы",
                "Байжанов Серік Әділұлы",
                "Қалиева Гүлнар Бекқызы",
                "Есенов Нұржан Мұхтарұлы",
                "Рахымжанова Ботагөз Тілеубекқызы",
                "Жүнісов Қайрат Ерланұлы",
                "Смағұлова Индира Әсетқызы",
            ],
            "secretary": "Дүйсенова Айнұр Бақытжанқызы",
        },
        "decisions": [
            {
                "person": {"full_name": "Серікбаева Ләззат Оралқызы", "iin": "850314454059"},
                "position": "«Қарағанды қаласының № 12 жалпы білім беретін мектебі» КММ директоры",
                "current_category": "head-second",
                "declared_category": "head-first",
                "outcome": "matches-declared",
                "awarded_category": "head-first",
            },
            {
                "person": {"full_name": "Қасымов Талғат Мұратұлы", "iin": "760830316422"},
                "position": "«Теміртау қаласының № 5 мектеп-гимназиясы» КММ директоры",
                "declared_category": "head-first",
                "outcome": "matches-lower-than-declared",
                "awarded_category": "head-second",
            },
            {
                "person": {"full_name": "Жақыпова Гүлмира Сапарқызы", "iin": "680525484130"},
                "position": "Директордың оқу ісі жөніндегі орынбасары",
                "current_category": "deputy-second",
                "declared_category": "deputy-first",
                "outcome": "matches-current",
                "awarded_category": "deputy-second",
            },
            {
                "person": {"full_name": "Әлиев Марат Қанатұлы", "iin": "740216336178"},
                "position": "Балқаш қаласы әдістемелік кабинетінің басшысы",
                "current_category": "head-second",
                "declared_category": "head-first",
                "outcome": "does-not-match",
                "awarded_category": "head-second",
            },
        ],
    },
)

# --- extracts (App. 3, App. 13) ----------------------------------------------------------


class TeacherExtract(CaseModel):
    """Data of App. 3: the extract sent to the teacher within three working days (§20)."""

    protocol: ProtocolRef
    person: AttestedPerson
    current_category: TeacherCurrentCategory | None = None
    declared_category: TeacherCategory
    outcome: TeacherOutcome
    awarded_category: TeacherCategory | None = None
    secretary: Name

    @model_validator(mode="after")
    def _rules(self) -> TeacherExtract:
        _check_extract(ProtocolType.TEACHERS, self, "TeacherExtract")
        return self


class HeadExtract(CaseModel):
    """Data of App. 13: the extract placed in the head's personal cabinet (§47)."""

    protocol: ProtocolRef
    person: AttestedPerson
    current_category: HeadCurrentCategory | None = None
    declared_category: HeadCategory
    outcome: HeadOutcome
    awarded_category: HeadCategory | None = None
    secretary: Name

    @model_validator(mode="after")
    def _rules(self) -> HeadExtract:
        _check_extract(ProtocolType.HEADS, self, "HeadExtract")
        return self


def _extract_view(case: TeacherExtract | HeadExtract, lang: str) -> dict[str, Any]:
    return {
        "date": date_parts(case.protocol.date, lang),
        "matches_declared": case.outcome == "matches-declared",
        "category": _names(case.awarded_category, lang),
    }


def _extract_summary(case: TeacherExtract | HeadExtract) -> dict[str, Any]:
    return {
        "protocol_number": case.protocol.number,
        "protocol_date": case.protocol.date.isoformat(),
        "commission": case.protocol.commission,
        "outcome": case.outcome,
        "category": case.awarded_category,
        "category_kk": _names(case.awarded_category, "kk"),
        "category_ru": _names(case.awarded_category, "ru"),
        "iin": case.person.iin,
    }


_EXTRACT_NOT_PRINTED = {
    "person.iin": "the extract has no IIN line; kept for the registry and to match the protocol",
    "outcome": "printed as сәйкес келеді / сәйкес келмейді (соответствует / не соответствует) "
    "and by the category it leaves",
    "declared_category": "the form names only the category the person matches; the declared one "
    "decides «сәйкес келеді (сәйкес келмейді)»",
    "current_category": "the form has no line for it; needed to check a kept category (§42, §47)",
    "awarded_category": _CATEGORY_NAMES,
}

PROTOCOL_EXTRACT_TEACHERS = FormSpec(
    id="protocol-extract-teachers",
    decisive="protocol.date",
    seed_lines=SEED_LINES["protocol-extract-teachers"],
    deviations=DEVIATIONS["protocol-extract-teachers"],
    title_kk="Аттестаттау комиссиясы отырысының хаттамасынан үзінді",
    title_ru="Выписка из протокола заседания аттестационной комиссии",
    source="seed 002, App. 3; §20",
    model=TeacherExtract,
    signing=SigningMode.SECRETARY,
    signature_roles=SECRETARY_ROLE,
    holder_name=lambda c: c.person.full_name,
    view=_extract_view,
    not_printed=_EXTRACT_NOT_PRINTED,
    summary=_extract_summary,
    example={
        "protocol": {
            "commission": _TEACHERS_COMMISSION["name"],
            "number": "7",
            "date": "2024-11-22",
        },
        "person": {"full_name": "Сәрсенбаева Гүлнұр Жұмабайқызы", "iin": "871008401427"},
        "current_category": "teacher-moderator",
        "declared_category": "teacher-expert",
        "outcome": "matches-declared",
        "awarded_category": "teacher-expert",
        "secretary": "Темірбаева Мадина Алмасқызы",
    },
)

PROTOCOL_EXTRACT_HEADS = FormSpec(
    id="protocol-extract-heads",
    decisive="protocol.date",
    seed_lines=SEED_LINES["protocol-extract-heads"],
    deviations=DEVIATIONS["protocol-extract-heads"],
    title_kk="Аттестаттау комиссиясы отырысының хаттамасынан үзінді (басшылар)",
    title_ru="Выписка из протокола заседания аттестационной комиссии (руководители)",
    source="seed 002, App. 13; §47",
    model=HeadExtract,
    signing=SigningMode.SECRETARY,
    signature_roles=SECRETARY_ROLE,
    holder_name=lambda c: c.person.full_name,
    view=_extract_view,
    not_printed=_EXTRACT_NOT_PRINTED,
    summary=_extract_summary,
    example={
        "protocol": {
            "commission": "Қарағанды облысы білім басқармасы жанындағы білім беру ұйымдарының "
            "басшыларын және басшы орынбасарларын аттестаттау жөніндегі комиссия",
            "number": "3",
            "date": "2024-11-26",
        },
        "person": {"full_name": "Серікбаева Ләззат Оралқызы", "iin": "850314454059"},
        "current_category": "head-second",
        "declared_category": "head-first",
        "outcome": "matches-declared",
        "awarded_category": "head-first",
        "secretary": "Дүйсенова Айнұр Бақытжанқызы",
    },
)

# --- category-order (§12) ----------------------------------------------------------------


class OrderEntry(CaseModel):
    """One person the order awards or confirms a category to."""

    full_name: Name
    iin: Iin | None = None
    position: ShortText
    workplace: OrgName | None = Field(None, description="Жұмыс орны / место работы")
    category: CategoryCode
    decision: Literal["awarded", "confirmed"]


class CategoryOrder(CaseModel):
    """Data of the attesting body's order on categories (seed 002 §12; the wording is ours)."""

    organisation: Organisation = Field(description="The attesting body issuing the order")
    number: ShortText
    date: date
    place: ShortText | None = Field(None, description="Where issued, e.g. «Қарағанды қаласы»")
    protocol: ProtocolRef
    entries: list[OrderEntry] = Field(min_length=1, max_length=MAX_ROWS)
    head: Head

    @model_validator(mode="after")
    def _after_protocol(self) -> CategoryOrder:
        if self.date < self.protocol.date:
            raise PydanticCustomError(
                "order_before_protocol",
                "the order cannot precede the commission protocol it rests on",
                {"paragraph": "seed 002 §12"},
            )
        return self


def _entry_rows(entries: Sequence[OrderEntry | AttestedEntry], lang: str) -> list[list[str | None]]:
    return [
        [
            str(i),
            e.full_name,
            e.position,
            e.workplace,
            _names(e.category, lang),
            _ORDER_DECISION[lang][e.decision],
        ]
        for i, e in enumerate(entries, start=1)
    ]


def _order_view(case: CategoryOrder, lang: str) -> dict[str, Any]:
    return {
        "date": date_parts(case.date, lang),
        "protocol_date": _date_loc(case.protocol.date, lang),
        "rows": _entry_rows(case.entries, lang),
    }


_ENTRY_NOT_PRINTED = {
    "entries.category": _CATEGORY_NAMES,
    "entries.decision": "printed as берілді / расталды (присвоена / подтверждена)",
}

CATEGORY_ORDER = FormSpec(
    id="category-order",
    decisive="protocol.date",
    seed_lines=SEED_LINES["category-order"],
    deviations=DEVIATIONS["category-order"],
    title_kk="Біліктілік санатын беру (растау) туралы бұйрық",
    title_ru="Приказ о присвоении (подтверждении) квалификационной категории",
    source="seed 002, §12 (no form in the seed; the layout and wording are ours)",
    model=CategoryOrder,
    signing=SigningMode.ISSUER,
    holder_name=lambda _c: None,
    view=_order_view,
    not_printed={
        **_ENTRY_NOT_PRINTED,
        "entries.iin": "not printed; kept to tie certificates to the order",
        "organisation.bin": "an order names its body, not its BIN",
    },
    summary=lambda c: {
        "order_number": c.number,
        "order_date": c.date.isoformat(),
        "organisation": c.organisation.name,
        "protocol_number": c.protocol.number,
        "protocol_date": c.protocol.date.isoformat(),
        "commission": c.protocol.commission,
        "persons": len(c.entries),
    },
    example={
        "organisation": {
            "name": "«Қарағанды облысы білім басқармасының Қарағанды қаласы бойынша білім "
            "бөлімі» ММ",
        },
        "number": "241-Ж",
        "date": "2024-11-27",
        "place": "Қарағанды қаласы",
        "protocol": {
            "commission": _TEACHERS_COMMISSION["name"],
            "number": "7",
            "date": "2024-11-22",
        },
        "entries": [
            {
                "full_name": "Сәрсенбаева Гүлнұр Жұмабайқызы",
                "iin": "871008401427",
                "position": "Қазақ тілі мен әдебиеті пәнінің мұғалімі",
                "workplace": "«Қарағанды қаласының № 12 жалпы білім беретін мектебі» КММ",
                "category": "teacher-expert",
                "decision": "awarded",
            },
            {
                "full_name": "Нұрланов Дәурен Серікұлы",
                "iin": "790922325714",
                "position": "Физика пәнінің мұғалімі",
                "workplace": "«Қарағанды қаласының № 38 гимназиясы» КММ",
                "category": "teacher-expert",
                "decision": "awarded",
            },
            {
                "full_name": "Ахметова Айжан Болатқызы",
                "iin": "950612460916",
                "position": "Оқу-әдістемелік бөлімінің меңгерушісі",
                "workplace": "«Қарағанды қаласының № 12 жалпы білім беретін мектебі» КММ",
                "category": "teacher-expert",
                "decision": "confirmed",
            },
        ],
        "head": {"full_name": "Жанұзақова Гүлшат Амангелдіқызы", "position": "Бөлім басшысы"},
    },
)

# --- attested-list (§20) -----------------------------------------------------------------


class AttestedEntry(CaseModel):
    """One line of the published list; no IIN (it is published on the website)."""

    full_name: Name
    position: ShortText
    workplace: OrgName | None = Field(None, description="Жұмыс орны / место работы")
    category: CategoryCode
    decision: Literal["awarded", "confirmed"]


class AttestedList(CaseModel):
    """Data of the list of attested teachers published within 15 working days (seed 002 §20)."""

    organisation: Organisation = Field(description="The attesting body that publishes the list")
    protocol: ProtocolRef
    entries: list[AttestedEntry] = Field(min_length=1, max_length=MAX_ROWS)


ATTESTED_LIST = FormSpec(
    id="attested-list",
    decisive="protocol.date",
    seed_lines=SEED_LINES["attested-list"],
    deviations=DEVIATIONS["attested-list"],
    title_kk="Аттестаттаудан өткен педагогтердің тізімі",
    title_ru="Список педагогов, прошедших аттестацию",
    source="seed 002, §20 (no form in the seed)",
    model=AttestedList,
    signing=SigningMode.ISSUER,
    holder_name=lambda _c: None,
    view=lambda c, lang: {
        "protocol_date": _date_loc(c.protocol.date, lang),
        "rows": _entry_rows(c.entries, lang),
    },
    not_printed={**_ENTRY_NOT_PRINTED, "organisation.bin": "a published list names its body"},
    summary=lambda c: {
        "organisation": c.organisation.name,
        "commission": c.protocol.commission,
        "protocol_number": c.protocol.number,
        "protocol_date": c.protocol.date.isoformat(),
        "persons": len(c.entries),
    },
    example={
        "organisation": {
            "name": "«Қарағанды облысы білім басқармасының Қарағанды қаласы бойынша білім "
            "бөлімі» ММ",
        },
        "protocol": {
            "commission": _TEACHERS_COMMISSION["name"],
            "number": "7",
            "date": "2024-11-22",
        },
        "entries": [
            {
                "full_name": "Сәрсенбаева Гүлнұр Жұмабайқызы",
                "position": "Қазақ тілі мен әдебиеті пәнінің мұғалімі",
                "workplace": "«Қарағанды қаласының № 12 жалпы білім беретін мектебі» КММ",
                "category": "teacher-expert",
                "decision": "awarded",
            },
            {
                "full_name": "Нұрланов Дәурен Серікұлы",
                "position": "Физика пәнінің мұғалімі",
                "workplace": "«Қарағанды қаласының № 38 гимназиясы» КММ",
                "category": "teacher-expert",
                "decision": "awarded",
            },
            {
                "full_name": "Ахметова Айжан Болатқызы",
                "position": "Оқу-әдістемелік бөлімінің меңгерушісі",
                "workplace": "«Қарағанды қаласының № 12 жалпы білім беретін мектебі» КММ",
                "category": "teacher-expert",
                "decision": "confirmed",
            },
            {
                "full_name": "Жұмабекова Әсел Қайратқызы",
                "position": "Математика пәнінің мұғалімі",
                "workplace": "«Қарағанды қаласының № 61 мектеп-лицейі» КММ",
                "category": "teacher-moderator",
                "decision": "confirmed",
            },
            {
                "full_name": "Төлегенов Бауыржан Асқарұлы",
                "position": "Тарих пәнінің мұғалімі",
                "workplace": "«Қарағанды қаласының № 12 жалпы білім беретін мектебі» КММ",
                "category": "teacher-moderator",
                "decision": "awarded",
            },
        ],
    },
)

_Decided = TeacherDecision | HeadDecision | TeacherExtract | HeadExtract

FORMS: tuple[FormSpec, ...] = (
    PROTOCOL_TEACHERS,
    PROTOCOL_EXTRACT_TEACHERS,
    PROTOCOL_HEADS,
    PROTOCOL_EXTRACT_HEADS,
    CATEGORY_ORDER,
    ATTESTED_LIST,
)
"""The protocols, their extracts, the order on categories and the published list."""


PROTOCOL_FORM_IDS = frozenset({PROTOCOL_TEACHERS.id, PROTOCOL_HEADS.id})


def protocol_decisions(case: TeachersProtocol | HeadsProtocol) -> list[Decision]:
    """Every decision of a protocol as the rules see it (for extracts and certificates)."""
    return [_decision(row) for row in case.decisions]
