"""``/v1/rulebooks``: the legal texts the forms belong to, each with its period of force."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from workflow.rulebooks import find_rulebook, known_rulebooks

router = APIRouter(prefix="/v1/rulebooks", tags=["forms"])


@router.get("")
def list_rulebooks() -> dict[str, Any]:
    """Every rulebook: id, titles kk/ru, legal source, period of force (public)."""
    items = [r.public() for r in known_rulebooks()]
    return {"rulebooks": items, "count": len(items)}


@router.get("/{rulebook_id}")
def read_rulebook(rulebook_id: str) -> dict[str, Any]:
    """One rulebook; 404 ``unknown_rulebook`` for an id Qujat does not know."""
    return find_rulebook(rulebook_id[:200]).public()
