"""The rulebook a document was made under: how it is chosen at issuance, recorded, shown,
and how a stored document is validated again by the edition it was made under.

Issuance picks the edition whose rulebook covers the case's decisive date
(``forms.catalogue.EDITIONS.check``) under the deployment's policy; a stored document is
re-validated by its own edition (``EDITIONS.spec(form, rulebook_id)``) with
``outside_period="issue"``, so adding a rulebook never changes what an earlier document
renders or verifies as.
"""

from __future__ import annotations

from typing import Any

import forms.catalogue as catalogue
from forms import FormSpec, QujatError
from forms.rulebooks import OutsidePeriod, Rulebook, Validated, all_rulebooks, get_rulebook
from registry import DocumentRecord

__all__ = [
    "check_new",
    "embedded_rulebook",
    "find_rulebook",
    "known_rulebooks",
    "rulebook_of",
    "rulebook_public",
    "stored_case",
    "stored_spec",
]


def check_new(
    form: str, data: Any, policy: OutsidePeriod, prefix: str = "data"
) -> tuple[FormSpec, Validated[Any]]:
    """The edition a new case falls under and the validated case (issuance, applications)."""
    # read the module attribute on each call: a deployment (or a test) adding a rulebook
    # replaces the catalogue's editions, and new cases must see it at once
    return catalogue.EDITIONS.check(form, data, prefix, outside_period=policy)


def stored_spec(record: DocumentRecord) -> FormSpec:
    """The edition ``record`` was made under."""
    return catalogue.EDITIONS.spec(record.form, record.rulebook_id)


def stored_case(record: DocumentRecord) -> Any:
    """``record``'s case validated again by its own edition; its period was judged when it
    was issued, so it is not judged again (``outside_period="issue"``)."""
    return stored_spec(record).validate(record.case_data, outside_period="issue")


def known_rulebooks() -> list[Rulebook]:
    """Every rulebook: the ones ``forms.rulebooks`` holds, then any an edition adds."""
    seen = {r.id: r for r in all_rulebooks()}
    for rulebook in catalogue.EDITIONS.rulebooks():
        seen.setdefault(rulebook.id, rulebook)
    return list(seen.values())


def find_rulebook(rulebook_id: str) -> Rulebook:
    """The rulebook ``rulebook_id``; :class:`forms.rulebooks.UnknownRulebook` (404) if none."""
    for rulebook in known_rulebooks():
        if rulebook.id == rulebook_id:
            return rulebook
    return get_rulebook(rulebook_id)  # raises, listing the known ones


def _period(rulebook: Rulebook) -> dict[str, str | None]:
    return {
        "from": rulebook.valid_from.isoformat() if rulebook.valid_from else None,
        "until": rulebook.valid_until.isoformat() if rulebook.valid_until else None,
    }


def rulebook_of(record: DocumentRecord) -> Rulebook:
    """The rulebook ``record`` was made under (its edition's, so a rulebook added at run
    time is found too)."""
    try:
        return stored_spec(record).rulebook
    except QujatError:  # the form lost that edition: the rulebook itself is still known
        return get_rulebook(record.rulebook_id)


def rulebook_public(rulebook: Rulebook) -> dict[str, Any]:
    """``{id, title: {kk, ru}, source, period: {from, until}}`` of a rulebook."""
    return {
        "id": rulebook.id,
        "title": {"kk": rulebook.title_kk, "ru": rulebook.title_ru},
        "source": rulebook.legal_source,
        "period": _period(rulebook),
    }


def embedded_rulebook(validated: Validated[Any]) -> dict[str, Any]:
    """The ``rulebook`` object embedded in a document's ``case.json``: the rulebook, the
    date judged against its period, and whether the document was issued outside it."""
    return {
        **rulebook_public(validated.rulebook),
        "decisive_date": (validated.decisive_date.isoformat() if validated.decisive_date else None),
        "issued_outside_period": validated.issued_outside_period,
    }
