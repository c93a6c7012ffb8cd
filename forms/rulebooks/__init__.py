"""The rulebooks: each legal text the forms' rules and fixed wording belong to, with its period.

A form spec names its rulebook (:attr:`forms.spec.FormSpec.rulebook`); validation judges the
case's decisive date against the rulebook's period (:meth:`forms.spec.FormSpec.check`). A new
rulebook is a new data module here plus its forms' specs and templates beside the old ones
(:class:`forms.catalogue.editions.Editions` picks the edition by date); nothing of an existing
rulebook changes.
"""

from __future__ import annotations

from forms.rulebooks.model import (
    OUTSIDE_PERIOD_POLICIES,
    Deviation,
    DeviationKind,
    OutsidePeriod,
    Rulebook,
    SeedLines,
    UnknownRulebook,
    Validated,
)
from forms.rulebooks.pilot_2024 import PILOT_2024
from forms.rulebooks.providers import KEMEL_COURSE_2026, TVET_DISSEMINATION_GUIDE, ZIAT_COURSES_2025

__all__ = [
    "KEMEL_COURSE_2026",
    "OUTSIDE_PERIOD_POLICIES",
    "PILOT_2024",
    "RULEBOOKS",
    "TVET_DISSEMINATION_GUIDE",
    "ZIAT_COURSES_2025",
    "Deviation",
    "DeviationKind",
    "OutsidePeriod",
    "Rulebook",
    "SeedLines",
    "UnknownRulebook",
    "Validated",
    "all_rulebooks",
    "get_rulebook",
]

RULEBOOKS: tuple[Rulebook, ...] = (
    PILOT_2024,
    KEMEL_COURSE_2026,
    TVET_DISSEMINATION_GUIDE,
    ZIAT_COURSES_2025,
)
"""Every rulebook Qujat knows, oldest text first."""


def all_rulebooks() -> list[Rulebook]:
    """Every rulebook, for ``GET /v1/rulebooks``."""
    return list(RULEBOOKS)


def get_rulebook(rulebook_id: str) -> Rulebook:
    """The rulebook with ``rulebook_id``; :class:`UnknownRulebook` if there is none."""
    for rulebook in RULEBOOKS:
        if rulebook.id == rulebook_id:
            return rulebook
    raise UnknownRulebook(rulebook_id, [r.id for r in RULEBOOKS])
