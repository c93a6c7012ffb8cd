"""The commission's protocol on teachers, heads of departments and methodists (seed 002
App. 2; §17–§20).
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal, get_args

from pydantic import Field, model_validator

from forms.catalogue.protocol_parts import (
    ATTESTATION_NAMES,
    CATEGORY_NAMES_NOTE,
    MAX_ROWS,
    ROW_IIN_NOTE,
    SIGNATURE_ROLES,
    AttestedPerson,
    Commission,
    TeacherCategory,
    TeacherCurrentCategory,
    TeacherOutcome,
    category_names,
    check_protocol_rows,
    protocol_summary,
)
from forms.catalogue.seeds import DEVIATIONS, SEED_LINES
from forms.dates import date_parts
from forms.rules.commission import (
    ProtocolType,
)
from forms.spec import FormSpec, SigningMode
from forms.types import CaseModel, LongText, ShortText

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
        check_protocol_rows(
            ProtocolType.TEACHERS, self.commission, self.decisions, "TeachersProtocol"
        )
        return self


def commission_view(c: Commission) -> dict[str, Any]:
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
            ATTESTATION_NAMES[lang][d.attestation],
            category_names(d.current_category, lang),
            category_names(d.declared_category, lang),
            category_names(d.awarded_category, lang),
        ]
        rows.append([*row, d.reason] if d.outcome == "does-not-match" else row)
    return {
        "date": date_parts(case.date, lang),
        "sections": sections,
        **commission_view(case.commission),
    }


PROTOCOL_NOT_PRINTED = {
    "decisions.person.iin": ROW_IIN_NOTE,
    "decisions.outcome": "printed as the section the row stands in",
    "decisions.current_category": CATEGORY_NAMES_NOTE,
    "decisions.declared_category": CATEGORY_NAMES_NOTE,
    "decisions.awarded_category": CATEGORY_NAMES_NOTE,
    "commission.absent": "the form has no line for absence; absent members are listed among "
    "the members marked «(отырысқа қатыспады)» / «(на заседании отсутствовал(а))» and get no "
    "signature line",
}

TEACHERS_COMMISSION = {
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
        **PROTOCOL_NOT_PRINTED,
        "decisions.attestation": "printed as кезекті / мерзімінен бұрын (очередная / досрочная)",
    },
    summary=lambda c: protocol_summary(c.number, c.date, c.commission.name, len(c.decisions)),
    example={
        "number": "7",
        "date": "2024-11-22",
        "commission": TEACHERS_COMMISSION,
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
