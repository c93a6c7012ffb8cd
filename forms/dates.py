"""Dates written the way Kazakh and Russian official forms write them."""

from __future__ import annotations

from datetime import date

__all__ = ["date_parts", "format_date"]

_MONTHS_KK = (
    "қаңтар", "ақпан", "наурыз", "сәуір", "мамыр", "маусым",
    "шілде", "тамыз", "қыркүйек", "қазан", "қараша", "желтоқсан",
)  # fmt: skip
_MONTHS_RU = (
    "января", "февраля", "марта", "апреля", "мая", "июня",
    "июля", "августа", "сентября", "октября", "ноября", "декабря",
)  # fmt: skip


def date_parts(value: date, lang: str) -> dict[str, str]:
    """Day, month name and year, for templates that place them in the seed's blanks
    (``20__ жылғы « __ » _____``, ``« __ » _____ 20__ года``)."""
    months = _MONTHS_KK if lang == "kk" else _MONTHS_RU
    return {"day": f"{value.day:02d}", "month": months[value.month - 1], "year": str(value.year)}


def format_date(value: date | None, lang: str) -> str:
    """A whole date: ``2026 жылғы «22» қараша`` (kk) or ``«22» ноября 2026 года`` (ru)."""
    if value is None:
        return ""
    p = date_parts(value, lang)
    if lang == "kk":
        return f"{p['year']} жылғы «{p['day']}» {p['month']}"
    return f"«{p['day']}» {p['month']} {p['year']} года"
