"""Protocols of the attestation commission and what derives from them (seed 002 §12, §17–§20,
§46–§47; App. 2, 3, 12, 13): the two protocols, their extracts, the attesting body's order on
categories and the published list of attested teachers.
"""

from __future__ import annotations

from forms.catalogue.extracts import (
    PROTOCOL_EXTRACT_HEADS,
    PROTOCOL_EXTRACT_TEACHERS,
    HeadExtract,
    TeacherExtract,
)
from forms.catalogue.orders import ATTESTED_LIST, CATEGORY_ORDER, AttestedList, CategoryOrder
from forms.catalogue.protocol_heads import PROTOCOL_HEADS, HeadDecision, HeadsProtocol
from forms.catalogue.protocol_parts import CategoryCode, decision_of
from forms.catalogue.protocol_teachers import PROTOCOL_TEACHERS, TeacherDecision, TeachersProtocol
from forms.rules.commission import Decision
from forms.spec import FormSpec

__all__ = [
    "ATTESTED_LIST",
    "CATEGORY_ORDER",
    "FORMS",
    "PROTOCOL_EXTRACT_HEADS",
    "PROTOCOL_EXTRACT_TEACHERS",
    "PROTOCOL_FORM_IDS",
    "PROTOCOL_HEADS",
    "PROTOCOL_TEACHERS",
    "AttestedList",
    "CategoryCode",
    "CategoryOrder",
    "HeadDecision",
    "HeadExtract",
    "HeadsProtocol",
    "TeacherDecision",
    "TeacherExtract",
    "TeachersProtocol",
    "protocol_decisions",
]


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
    return [decision_of(row) for row in case.decisions]
