"""Category names for templates, derived from the rules (seed 002 §31, §44, §48).

``CATEGORIES`` maps a category code to (kk name, ru name, kind); the single source is
:mod:`forms.rules.categories`.
"""

from __future__ import annotations

from forms.rules.categories import Category, CategoryKind, kind_of, name_of

__all__ = ["AWARDABLE", "CATEGORIES"]

AWARDABLE: frozenset[Category] = frozenset(
    c
    for c in Category
    if kind_of(c) in (CategoryKind.TEACHER, CategoryKind.HEAD, CategoryKind.DEPUTY)
)
"""Categories a commission awards or confirms today; the legacy ones only map onto these."""

CATEGORIES: dict[str, tuple[str, str, str]] = {
    c.value: (name_of(c).kk, name_of(c).ru, kind_of(c).value) for c in Category
}
