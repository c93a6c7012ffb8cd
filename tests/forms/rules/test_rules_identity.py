"""Boundary tests for IIN/BIN checksums and names (forms/rules/identity.py)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from forms.rules.identity import (
    NameInvalid,
    _checksum_ok,
    bin_is_valid,
    check_digit,
    iin_is_valid,
    mask_iin,
    normalise_name,
)


@pytest.mark.parametrize("iin", ["871008401427", "760212350620"])
def test_public_iins_pass(iin: str) -> None:
    assert iin_is_valid(iin)


def test_public_bin_passes() -> None:
    assert bin_is_valid("940140000385")


@pytest.mark.parametrize("iin", ["871008401420", "871008401428", "760212350621"])
def test_wrong_check_digit_fails(iin: str) -> None:
    assert not iin_is_valid(iin)


@pytest.mark.parametrize(
    "value", ["87100840142", "8710084014271", "", "87100840142a", "８７１００８４０１４２７"]
)
def test_length_and_ascii_digits(value: str) -> None:
    assert not iin_is_valid(value)
    assert not bin_is_valid(value)


def test_second_weights_used_when_first_gives_ten() -> None:
    # 87100840030: weights 1..11 give 10, weights 3..11,1,2 give 6.
    assert check_digit("87100840030") == 6
    assert iin_is_valid("871008400306")


def test_no_valid_number_when_both_rounds_give_ten() -> None:
    assert check_digit("87100840032") is None
    assert not any(iin_is_valid("87100840032" + str(d)) for d in range(10))


@given(st.text(alphabet="0123456789", min_size=11, max_size=11))
def test_exactly_one_check_digit_or_none(prefix: str) -> None:
    cd = check_digit(prefix)
    valid = [d for d in range(10) if _checksum_ok(prefix + str(d))]
    assert valid == ([] if cd is None else [cd])


def _complete(head: str) -> str:
    """A twelve-digit number starting with ``head`` and a correct check digit."""
    for serial in range(10 ** (11 - len(head))):
        first11 = head + str(serial).zfill(11 - len(head))
        cd = check_digit(first11)
        if cd is not None:
            return first11 + str(cd)
    raise AssertionError(head)


@pytest.mark.parametrize(
    ("head", "ok"),
    [
        ("8710014", True),  # month 10 day 01
        ("8700104", False),  # month 00
        ("8713104", False),  # month 13
        ("8712314", True),  # day 31
        ("8712324", False),  # day 32
        ("8712010", False),  # century digit 0
        ("8712017", False),  # century digit 7
        ("8712016", True),  # century digit 6
    ],
)
def test_iin_date_and_century_boundaries(head: str, ok: bool) -> None:
    assert iin_is_valid(_complete(head)) is ok


@pytest.mark.parametrize(
    ("head", "ok"),
    [
        ("94013", False),
        ("94014", True),
        ("94016", True),
        ("94017", False),
        ("94004", False),
        ("94134", False),
        ("94124", True),
    ],
)
def test_bin_month_and_entity_type(head: str, ok: bool) -> None:
    assert bin_is_valid(_complete(head)) is ok


def test_mask_iin() -> None:
    assert mask_iin("871008401427") == "************"
    assert mask_iin("123") == "****"


def test_names_nfc_normalised() -> None:
    assert normalise_name("  И\u0306са  ") == "Йса"
    assert normalise_name("Е\u0308ркін  Әлиұлы") == "Ёркін  Әлиұлы"


@pytest.mark.parametrize("bad", ["", "   ", "Ali\x00", "Ali\u200bya", "Ali\nya", "\ue000"])
def test_names_control_characters_refused(bad: str) -> None:
    with pytest.raises(NameInvalid):
        normalise_name(bad)


def test_zero_width_joiner_allowed() -> None:
    assert normalise_name("a\u200db") == "a\u200db"
