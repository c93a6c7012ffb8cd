"""Extracts from a protocol (seed 002 App. 3, §20; App. 13, §47)."""

from __future__ import annotations

from typing import Any

from pydantic import model_validator

from forms.catalogue.protocol_parts import (
    CATEGORY_NAMES_NOTE,
    SECRETARY_ROLE,
    AttestedPerson,
    HeadCategory,
    HeadCurrentCategory,
    HeadOutcome,
    ProtocolRef,
    TeacherCategory,
    TeacherCurrentCategory,
    TeacherOutcome,
    category_names,
    check_extract_row,
)
from forms.catalogue.protocol_teachers import (
    TEACHERS_COMMISSION,
)
from forms.catalogue.seeds import DEVIATIONS, SEED_LINES
from forms.dates import date_parts
from forms.rules.commission import (
    ProtocolType,
)
from forms.spec import FormSpec, SigningMode
from forms.types import CaseModel, Name

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
        check_extract_row(ProtocolType.TEACHERS, self, "TeacherExtract")
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
        check_extract_row(ProtocolType.HEADS, self, "HeadExtract")
        return self


def _extract_view(case: TeacherExtract | HeadExtract, lang: str) -> dict[str, Any]:
    return {
        "date": date_parts(case.protocol.date, lang),
        "matches_declared": case.outcome == "matches-declared",
        "category": category_names(case.awarded_category, lang),
    }


def _extract_summary(case: TeacherExtract | HeadExtract) -> dict[str, Any]:
    return {
        "protocol_number": case.protocol.number,
        "protocol_date": case.protocol.date.isoformat(),
        "commission": case.protocol.commission,
        "outcome": case.outcome,
        "category": case.awarded_category,
        "category_kk": category_names(case.awarded_category, "kk"),
        "category_ru": category_names(case.awarded_category, "ru"),
        "iin": case.person.iin,
    }


_EXTRACT_NOT_PRINTED = {
    "person.iin": "the extract has no IIN line; kept for the registry and to match the protocol",
    "outcome": "printed as сәйкес келеді / сәйкес келмейді (соответствует / не соответствует) "
    "and by the category it leaves",
    "declared_category": "the form names only the category the person matches; the declared one "
    "decides «сәйкес келеді (сәйкес келмейді)»",
    "current_category": "the form has no line for it; needed to check a kept category (§42, §47)",
    "awarded_category": CATEGORY_NAMES_NOTE,
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
            "commission": TEACHERS_COMMISSION["name"],
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
