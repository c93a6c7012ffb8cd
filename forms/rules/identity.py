"""Identity numbers and personal names.

IIN (ЖСН/ИИН, individual identification number) and BIN (БСН/БИН, business
identification number) are twelve digits whose last digit is a check digit
(Law of the Republic of Kazakhstan "On national registers of identification
numbers"; algorithm as published by the State Revenue Committee).
"""

from __future__ import annotations

import unicodedata

__all__ = [
    "NameInvalid",
    "bin_is_valid",
    "check_digit",
    "iin_is_valid",
    "mask_iin",
    "normalise_name",
]

_WEIGHTS_1 = (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11)
_WEIGHTS_2 = (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2)


def check_digit(first11: str) -> int | None:
    """The control digit of an IIN/BIN's first eleven digits, or ``None`` if there is none.

    Weights 1–11 mod 11; a result of 10 retries with weights 3…11, 1, 2; a second 10
    means no valid number has these eleven digits.
    """
    digits = [int(c) for c in first11]
    for weights in (_WEIGHTS_1, _WEIGHTS_2):
        value = sum(d * w for d, w in zip(digits, weights, strict=True)) % 11
        if value != 10:
            return value
    return None


def _checksum_ok(number: str) -> bool:
    if len(number) != 12 or not number.isascii() or not number.isdigit():
        return False
    return check_digit(number[:11]) == int(number[11])


def iin_is_valid(iin: str) -> bool:
    """True when ``iin`` is twelve ASCII digits with a correct check digit and a plausible date.

    Digits 1–6 are the birth date YYMMDD; digit 7 encodes century and sex (1–6).
    """
    if not _checksum_ok(iin):
        return False
    month, day, century = int(iin[2:4]), int(iin[4:6]), int(iin[6])
    return 1 <= month <= 12 and 1 <= day <= 31 and 1 <= century <= 6


def bin_is_valid(bin_: str) -> bool:
    """True when ``bin_`` is twelve ASCII digits with a correct check digit.

    Digits 1–4 are the registration year and month (YYMM); digit 5 is the entity type (4–6).
    """
    if not _checksum_ok(bin_):
        return False
    return 1 <= int(bin_[2:4]) <= 12 and bin_[4] in "456"


def mask_iin(iin: str) -> str:
    """An IIN with every digit hidden: any part of it says something (birth date, sex,
    serial, check digit), so where an IIN must be mentioned, none of it is shown."""
    return "*" * 12 if len(iin) == 12 else "****"


class NameInvalid(ValueError):
    """Raised by :func:`normalise_name`; a ValueError so pydantic validators report it per field."""


def normalise_name(value: str) -> str:
    """NFC-normalise a person's or organisation's name and refuse control characters.

    Surrounding white space is stripped and inner runs of spaces are kept as written:
    names are legal text, not ours to reformat.
    """
    value = unicodedata.normalize("NFC", value).strip()
    if not value:
        raise NameInvalid("must not be empty")
    for ch in value:
        if unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Cn") and ch not in "\u200d":
            raise NameInvalid(f"contains a control or unassigned character U+{ord(ch):04X}")
    return value
