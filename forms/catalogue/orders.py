"""The attesting body's order on categories (seed 002 §12) and the published list of attested
teachers (§20); the seed gives neither a form, the wording is Qujat's.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any, Literal

from pydantic import Field, model_validator
from pydantic_core import PydanticCustomError

from forms.catalogue.certificates import Head, Organisation
from forms.catalogue.protocol_parts import (
    CATEGORY_NAMES_NOTE,
    MAX_ROWS,
    ORDER_DECISION_NAMES,
    CategoryCode,
    ProtocolRef,
    category_names,
    date_locative,
)
from forms.catalogue.protocol_teachers import (
    TEACHERS_COMMISSION,
)
from forms.catalogue.seeds import DEVIATIONS, SEED_LINES
from forms.dates import date_parts
from forms.spec import FormSpec, SigningMode
from forms.types import CaseModel, Iin, Name, OrgName, ShortText

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
            category_names(e.category, lang),
            ORDER_DECISION_NAMES[lang][e.decision],
        ]
        for i, e in enumerate(entries, start=1)
    ]


def _order_view(case: CategoryOrder, lang: str) -> dict[str, Any]:
    return {
        "date": date_parts(case.date, lang),
        "protocol_date": date_locative(case.protocol.date, lang),
        "rows": _entry_rows(case.entries, lang),
    }


_ENTRY_NOT_PRINTED = {
    "entries.category": CATEGORY_NAMES_NOTE,
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
            "commission": TEACHERS_COMMISSION["name"],
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
        "protocol_date": date_locative(c.protocol.date, lang),
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
            "commission": TEACHERS_COMMISSION["name"],
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
