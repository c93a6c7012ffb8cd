"""Cases at their schema's largest: every list with a ``maxItems`` filled to it."""

from __future__ import annotations

import copy
from typing import Any

from forms import get_form
from forms.rules.identity import check_digit


def _valid_iins() -> list[str]:
    out = []
    for day in range(1, 29):
        for serial in range(100):
            first11 = f"8701{day:02d}3{serial:04d}"
            digit = check_digit(first11)
            if digit is not None:
                out.append(first11 + str(digit))
    return out


_IINS = _valid_iins()  # about 2,500 people born in January 1987


def iin(n: int) -> str:
    """The ``n``-th of those IINs."""
    return _IINS[n]


def _vary(item: Any, n: int) -> Any:
    """A copy of ``item`` with every IIN made the ``n``-th one (people must differ)."""
    if isinstance(item, dict):
        return {k: (iin(n) if k == "iin" else _vary(v, n)) for k, v in item.items()}
    if isinstance(item, list):
        return [_vary(v, n) for v in item]
    return item


def grow(data: dict[str, Any], key: str, size: int) -> dict[str, Any]:
    """``data`` with its list ``key`` grown to ``size`` items, each person another IIN."""
    items = data[key]
    return {**data, key: [_vary(items[i % len(items)], i) for i in range(size)]}


def largest_case(form: str, lists: dict[str, int]) -> dict[str, Any]:
    """The form's example with each top-level list in ``lists`` grown to that many items."""
    data = copy.deepcopy(dict(get_form(form).example))
    for key, size in lists.items():
        data = grow(data, key, size)
    if form == "application-rejected-notice":  # the same reason may not be given twice
        essay = next(r for r in data["reasons"] if r.get("detail"))
        data["reasons"] = [{**essay, "detail": f"эссе көлемі {100 + i} сөз"} for i in range(30)]
    return data
