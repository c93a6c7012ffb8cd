"""Field types shared by the forms' data models."""

from __future__ import annotations

import re
import types
from collections.abc import Callable
from datetime import date, datetime
from enum import StrEnum
from functools import cache
from typing import Annotated, Union, get_args, get_origin

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from forms.charset import unsupported
from forms.rules.identity import NameInvalid, bin_is_valid, iin_is_valid, normalise_name

__all__ = [
    "ID_ALPHABET",
    "ID_BYTES",
    "ID_CHARS",
    "Bin",
    "CaseModel",
    "Clock",
    "Iin",
    "Lifecycle",
    "LongText",
    "Name",
    "OrgName",
    "Person",
    "ShortText",
    "id_from_number",
    "id_to_number",
]


class Lifecycle(StrEnum):
    """Where an issued document stands, as the registry stores it (``expired`` is never
    stored: it follows from the date)."""

    AWAITING_SIGNATURES = "awaiting-signatures"
    """Certified by the issuer, waiting for its countersignatures."""
    ISSUED = "issued"
    """Every signature it needs is on it."""
    REVOKED = "revoked"
    """Withdrawn by its issuer; the PDF is kept."""


MIN_YEAR, MAX_YEAR = 1900, 2200
"""The years a date in a form may have: a birth date to a validity's end, with room."""


class CaseModel(BaseModel):
    """Base of every form's data: unknown fields refused, strings bounded, values immutable."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        str_max_length=2000,
        str_strip_whitespace=True,
        # JSON's Infinity and NaN (and 1e400) are not numbers a document can state
        allow_inf_nan=False,
    )

    @field_validator("*", mode="before")
    @classmethod
    def _written_date(cls, value: object, info: ValidationInfo) -> object:
        # pydantic would read "0" or 0 as 1970-01-01 (a Unix time): a date is YYYY-MM-DD
        if not _date_field(cls, info.field_name or ""):
            return value
        if isinstance(value, str) and not _ISO_DATE.fullmatch(value.strip()):
            raise PydanticCustomError("date_format", "a date written YYYY-MM-DD")
        if isinstance(value, int | float):
            raise PydanticCustomError("date_format", "a date written YYYY-MM-DD")
        return value

    @field_validator("*", mode="after")
    @classmethod
    def _plausible_date(cls, value: object) -> object:
        # year 9999 is a date Python holds, but not one three years can be added to
        if isinstance(value, date) and not MIN_YEAR <= value.year <= MAX_YEAR:
            raise PydanticCustomError(
                "date_range", "a date between {low} and {high}", {"low": MIN_YEAR, "high": MAX_YEAR}
            )
        return value


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@cache
def _date_field(model: type[BaseModel], name: str) -> bool:
    """Whether the field ``name`` of ``model`` holds a date (or an optional one)."""
    field = model.model_fields.get(name)
    if field is None:
        return False
    annotation = field.annotation
    if get_origin(annotation) in (Union, types.UnionType):
        return date in get_args(annotation) and datetime not in get_args(annotation)
    return annotation is date


def _name(value: str) -> str:
    try:
        value = normalise_name(value)
    except NameInvalid as exc:
        raise PydanticCustomError("name_invalid", "name {reason}", {"reason": str(exc)}) from None
    missing = unsupported(value)
    if missing:
        raise PydanticCustomError(
            "unsupported_character",
            "the document font cannot print {chars}",
            {"chars": " ".join(f"U+{ord(c):04X}" for c in missing[:5])},
        )
    return value


def _iin(value: str) -> str:
    if not iin_is_valid(value):
        raise PydanticCustomError(
            "iin_checksum",
            "IIN must be 12 digits with a valid check digit and birth date",
            {"paragraph": "Law on national registers of identification numbers"},
        )
    return value


def _bin(value: str) -> str:
    if not bin_is_valid(value):
        raise PydanticCustomError(
            "bin_checksum",
            "BIN must be 12 digits with a valid check digit",
            {"paragraph": "Law on national registers of identification numbers"},
        )
    return value


Name = Annotated[str, Field(min_length=1, max_length=200), AfterValidator(_name)]
"""A person's full name (тегі, аты, әкесінің аты), NFC-normalised, no control characters."""
OrgName = Annotated[str, Field(min_length=1, max_length=500), AfterValidator(_name)]
"""The full name of an organisation or body."""
ShortText = Annotated[str, Field(min_length=1, max_length=200), AfterValidator(_name)]
"""A short free text (a position, a number)."""
LongText = Annotated[str, Field(min_length=1, max_length=2000), AfterValidator(_name)]
"""A longer free text (a course title, a reason)."""
Iin = Annotated[str, Field(pattern=r"^\d{12}$", examples=["871008401427"]), AfterValidator(_iin)]
"""Individual identification number (ЖСН/ИИН)."""
Bin = Annotated[str, Field(pattern=r"^\d{12}$", examples=["940140000385"]), AfterValidator(_bin)]
"""Business identification number (БСН/БИН)."""


class Person(CaseModel):
    """A person the document names."""

    full_name: Name
    iin: Iin | None = None


ID_ALPHABET = "abcdefghijklmnopqrstuvwxyz234567"
"""Lower-case RFC 4648 base32: the letters of every registry id."""
ID_CHARS = 32
"""A registry id's length: 160 random bits, 5 a character."""
ID_BYTES = ID_CHARS * 5 // 8
"""The 20 bytes an id encodes (how the offline token carries it)."""

Clock = Callable[[], datetime]
"""The time now, aware (UTC): passed in, so tests can fix it."""


def id_from_number(value: int, chars: int = ID_CHARS) -> str:
    """The id whose ``i``-th letter holds bits ``5i…5i+4`` of ``value``."""
    return "".join(ID_ALPHABET[(value >> (5 * i)) & 31] for i in range(chars))


def id_to_number(doc_id: str) -> int | None:
    """The number a well-formed id stands for; ``None`` for any other text."""
    if len(doc_id) != ID_CHARS or not set(doc_id) <= set(ID_ALPHABET):
        return None
    value = 0
    for i, ch in enumerate(doc_id):
        value |= ID_ALPHABET.index(ch) << (5 * i)
    return value
