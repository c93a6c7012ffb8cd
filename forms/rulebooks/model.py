"""What a rulebook is: the legal text a form's rules and fixed wording come from, and when it
was in force; what a form declares where it departs from that text."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Generic, Literal, TypeVar

from forms.errors import UnknownRulebook

__all__ = [
    "OUTSIDE_PERIOD_POLICIES",
    "Deviation",
    "DeviationKind",
    "OutsidePeriod",
    "Rulebook",
    "SeedLines",
    "UnknownRulebook",
    "Validated",
]

OutsidePeriod = Literal["refuse", "issue"]
"""What validation does with a case dated outside its rulebook's period of force: ``refuse``
(the default) raises a forms error; ``issue`` lets it through and records the fact."""

OUTSIDE_PERIOD_POLICIES: tuple[OutsidePeriod, ...] = ("refuse", "issue")


DeviationKind = Literal[
    "seed-error-corrected",
    "arithmetic",
    "added",
    "no-seed-layout",
    "wording",
    "ambiguity",
    "not-yet-word-true",
]


@dataclass(frozen=True)
class Rulebook:
    """One legal text (or a provider's regulation) with its period of force.

    Forms belong to a rulebook; validation checks the case's decisive date against
    :attr:`valid_from`–:attr:`valid_until` (both inclusive; ``None`` is open-ended).
    """

    id: str
    """Stable public id, stored with every document (``kz-pilot-2024``)."""
    title_kk: str
    title_ru: str
    legal_source: str
    """The act: its issuer, number and date, as one line."""
    valid_from: date | None
    valid_until: date | None
    seeds: tuple[str, ...] = ()
    """File names of the seed texts (under ``tests/data/seeds``) the fixed wording comes from."""
    note: str = ""
    """How the period was read from the text, when it needs saying."""

    def covers(self, day: date) -> bool:
        """Whether ``day`` lies inside the period of force."""
        if self.valid_from is not None and day < self.valid_from:
            return False
        return self.valid_until is None or day <= self.valid_until

    def period_text(self) -> str:
        """The period for messages: ``from 2024-06-20 to 2024-12-31``."""
        start = self.valid_from.isoformat() if self.valid_from else "(no start)"
        end = self.valid_until.isoformat() if self.valid_until else "(open-ended)"
        return f"from {start} to {end}"

    def public(self) -> dict[str, Any]:
        """The JSON the API serves at ``GET /v1/rulebooks``."""
        return {
            "id": self.id,
            "title_kk": self.title_kk,
            "title_ru": self.title_ru,
            "legal_source": self.legal_source,
            "valid_from": self.valid_from.isoformat() if self.valid_from else None,
            "valid_until": self.valid_until.isoformat() if self.valid_until else None,
            "note": self.note,
        }


@dataclass(frozen=True)
class SeedLines:
    """A range of lines of a seed text (1-based, inclusive) holding a form's fixed wording."""

    seed: str
    """The seed's file name (``002_52bda4c2b2a2d5c4.txt``)."""
    first: int
    last: int
    skip: tuple[tuple[int, int], ...] = ()
    """Line ranges inside ``first``–``last`` that are not the form's fixed text (filled
    examples, other forms' headings), each inclusive."""
    lang: str = "kk"
    """The seed's language: the form is rendered in it to be compared."""


@dataclass(frozen=True)
class Deviation:
    """One place a form departs from its seed, declared rather than silent."""

    kind: DeviationKind
    seed: str
    """The seed's words (or ``—`` when the seed has no text for it)."""
    printed: str
    """What the form prints (or does) instead."""
    why: str
    where: str = ""
    """Seed line or paragraph, when it helps to find it."""

    def public(self) -> dict[str, str]:
        """The JSON served with the form (``GET /v1/forms/{form}``)."""
        return {
            "kind": self.kind,
            "seed": self.seed,
            "printed": self.printed,
            "why": self.why,
            "where": self.where,
        }


ModelT = TypeVar("ModelT")


@dataclass(frozen=True)
class Validated(Generic[ModelT]):
    """A validated case with the rulebook it falls under."""

    case: ModelT
    rulebook: Rulebook
    decisive_date: date | None
    """The date the rulebook's period is judged by (e.g. the commission's decision);
    ``None`` for a spec that names none (only test probes outside the catalogue)."""
    issued_outside_period: bool
    """True when the decisive date lies outside the period and policy ``issue`` let it
    through; the registry, ``case.json`` and the public page must say so."""

    def record(self) -> dict[str, Any]:
        """What a document stores about its legal basis (registry row, ``case.json``)."""
        return {
            "rulebook": self.rulebook.id,
            "decisive_date": self.decisive_date.isoformat() if self.decisive_date else None,
            "issued_outside_period": self.issued_outside_period,
        }
