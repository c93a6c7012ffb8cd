"""The full printed wording of a portfolio sheet's rows (seed 002 App. 8, App. 11).

The rules (:data:`forms.rules.scoring_data.PORTFOLIO_SHEETS`) hold each criterion's points
and a short title; a :class:`Row` here holds what the sheet prints around them: the full
title with its notes («Ескерту»), the evidence line («дәлелдемелердің болуы: …») and the
level lines (level descriptors, the level columns, counts, hour bands). Every text is a
``(kk, ru)`` pair: kk as the seed has it (extraction slips mended), ru in the official
terminology. :func:`row_view` turns a row into what the templates print.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

__all__ = ["KR", "Layout", "Line", "Row", "row_view"]

KR = tuple[str, str]
"""A text in Kazakh and in Russian."""

POINTS: KR = ("балл", "балл")
POINTS_CAP: KR = ("Балл", "Балл")


@dataclass(frozen=True)
class Line:
    """A line under a criterion: a label in the criteria column and one cell per category
    column (an empty string leaves the cell blank)."""

    label: KR
    cells: tuple[KR, ...] = ()


@dataclass(frozen=True)
class Row:
    """A criterion's printed rows (or, with ``scored=False``, a row the sheet prints without
    points, such as App. 8's 4.4)."""

    title: KR
    evidence: KR | None = None
    notes: tuple[KR, ...] = ()
    lines: tuple[Line, ...] = ()
    points_label: KR = POINTS
    points: tuple[KR, ...] | None = None
    """The points cells as the seed prints them, where they say more than the figures
    (``6 (1 үшін 2 ұпай)``); ``None`` prints the rules' points."""
    scored: bool = True


@dataclass(frozen=True)
class Layout:
    """A sheet's full wording: its rows by criterion number, section evidence lines, the
    threshold rows' full labels, rows printed after the thresholds, and the notes."""

    rows: dict[str, Row]
    categories: tuple[KR, ...] = ()
    """The category columns' headings where the seed words them otherwise than the
    categories' names (App. 11: «Үшінші санатты басшы»); empty keeps the names."""
    section_evidence: dict[str, KR] = field(default_factory=dict)
    variant_labels: dict[str, KR] = field(default_factory=dict)
    after_thresholds: tuple[tuple[str, Row], ...] = ()
    explanation: tuple[tuple[str, KR], ...] = ()
    """Notes printed under the sheet: ``(kind, text)`` with kind ``title``, ``para`` or
    ``item`` (a dash item)."""


def _pick(text: KR, lang: str) -> str:
    return text[0] if lang == "kk" else text[1]


def row_view(row: Row, lang: str, points: Sequence[str], columns: int) -> dict[str, Any]:
    """What the template prints for ``row``: title, notes, evidence, lines and the points
    cells (``points`` are the rules' cells, used unless the row gives its own)."""

    def cells(values: Sequence[KR]) -> list[str]:
        out = [_pick(v, lang) for v in values]
        return out + [""] * (columns - len(out))

    lines = [{"label": _pick(li.label, lang), "cells": cells(li.cells)} for li in row.lines]
    shown = list(points) if row.points is None else cells(row.points)
    return {
        "text": _pick(row.title, lang),
        "notes": [_pick(n, lang) for n in row.notes],
        "evidence": None if row.evidence is None else _pick(row.evidence, lang),
        "lines": lines,
        "points_label": _pick(row.points_label, lang),
        "points": shown if row.scored else [],
    }
