"""The commission's protocol on first heads and deputies (seed 002 App. 12; §17–§18,
§44, §46–§47).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import Field, model_validator

from forms.catalogue.protocol_parts import (
    HEAD_DECISION_NAMES,
    MAX_ROWS,
    SIGNATURE_ROLES,
    AttestedPerson,
    Commission,
    HeadCategory,
    HeadCurrentCategory,
    HeadOutcome,
    category_code,
    category_names,
    check_protocol_rows,
    protocol_summary,
)
from forms.catalogue.protocol_teachers import (
    PROTOCOL_NOT_PRINTED,
    commission_view,
)
from forms.catalogue.seeds import DEVIATIONS, SEED_LINES
from forms.dates import date_parts
from forms.errors import DetailCollector
from forms.rules.categories import Category, check_requested_category, kind_of
from forms.rules.commission import (
    ProtocolType,
)
from forms.spec import FormSpec, SigningMode
from forms.types import CaseModel, ShortText

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
        check_protocol_rows(ProtocolType.HEADS, self.commission, self.decisions, "HeadsProtocol")
        return self


def check_heads_sequence(case: HeadsProtocol) -> None:
    """§44: a head or deputy at the initial attestation (no current category) may have
    declared any category of the ladder; at a later one, the current category or the next
    one only. Run on the validated protocol (:attr:`FormSpec.rules`)."""
    errors = DetailCollector()
    for i, d in enumerate(case.decisions):
        check_requested_category(
            category_code(d.current_category),
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
                category_names(d.current_category, lang),
                category_names(d.declared_category, lang),
                category_names(d.awarded_category, lang),
                HEAD_DECISION_NAMES[lang][d.outcome],
            ]
        )
    return {
        "date": date_parts(case.date, lang),
        "matches": matches,
        "not_matching": not_matching,
        **commission_view(case.commission),
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
        **PROTOCOL_NOT_PRINTED,
        "decisions.outcome": "printed as its section and in the «Комиссия шешімі» column",
    },
    summary=lambda c: protocol_summary(c.number, c.date, c.commission.name, len(c.decisions)),
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
