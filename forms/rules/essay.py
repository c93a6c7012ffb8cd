"""The essay attached to the portfolio: 250–300 words (seed 002 §27; App. 4 item 8 sub-item 7)."""

from __future__ import annotations

import re
import unicodedata

from forms.errors import DetailCollector

__all__ = ["ESSAY_MAX_WORDS", "ESSAY_MIN_WORDS", "check_essay_length", "count_words"]

ESSAY_MIN_WORDS = 250
"""Fewest words allowed (seed 002 §27)."""
ESSAY_MAX_WORDS = 300
"""Most words allowed (seed 002 §27)."""

# A word is a run of letters or digits; hyphens and apostrophes inside it join its parts
# ("ата-ана", "бір-бірімен", "O'Neil" are one word each). Punctuation and dashes between
# words are not words.
_WORD = re.compile(r"[^\W_]+(?:[-'’ʼ][^\W_]+)*")


def count_words(text: str) -> int:
    """The number of words in ``text`` after NFC normalisation (seed 002 §27)."""
    return len(_WORD.findall(unicodedata.normalize("NFC", text)))


def check_essay_length(text: str, field: str = "essay") -> int:
    """Refuse an essay outside 250–300 words, bounds included; return its word count.

    Seed 002 §27 ("эсседегі сөздердің саны 250-300 сөзден құралу керек"); App. 4 item 8
    sub-item 7. Rules: ``essay_too_short``, ``essay_too_long``.
    """
    n = count_words(text)
    e = DetailCollector()
    if n < ESSAY_MIN_WORDS:
        e.add(
            field,
            "essay_too_short",
            f"The essay has {n} words; it must have {ESSAY_MIN_WORDS}–{ESSAY_MAX_WORDS}.",
            "seed 002 §27",
        )
    elif n > ESSAY_MAX_WORDS:
        e.add(
            field,
            "essay_too_long",
            f"The essay has {n} words; it must have {ESSAY_MIN_WORDS}–{ESSAY_MAX_WORDS}.",
            "seed 002 §27",
        )
    e.raise_if_any()
    return n
