"""Essay length 250–300 words (seed 002 §27)."""

from __future__ import annotations

import pytest

from forms.errors import FormDataInvalid
from forms.rules.essay import check_essay_length, count_words


def words(n: int) -> str:
    return " ".join(f"сөз{i}," for i in range(n))


def test_counting() -> None:
    assert count_words("Ата-ана — мектептің серіктесі. O'Neil, 2024 ж.") == 6
    assert count_words("  ") == 0
    assert count_words("a\u0301b c") == 2


@pytest.mark.parametrize("n", [250, 251, 299, 300])
def test_length_accepted(n: int) -> None:
    assert check_essay_length(words(n)) == n


@pytest.mark.parametrize(
    ("n", "rule"), [(0, "essay_too_short"), (249, "essay_too_short"), (301, "essay_too_long")]
)
def test_length_refused(n: int, rule: str) -> None:
    with pytest.raises(FormDataInvalid) as exc:
        check_essay_length(words(n))
    (d,) = exc.value.details
    assert (d.rule, d.field, d.paragraph) == (rule, "essay", "seed 002 §27")
