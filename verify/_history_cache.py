"""Historical object reads remembered per file, installed into pyHanko's reader.

The difference analysis walks a protocol revision by revision; each revision's resolver
asks the reader for the objects as they stood then. PyHanko caches the current version of
an object but parses a historical one anew on every request ("never cache historical
refs"), so an object changed by a later signature (the form, a signature field) was parsed
once per revision that looked at it. Here the reader remembers what it parsed at each
position of the file: the same object number at the same offset is the same bytes, so the
parse is the same. Nothing is shared between files, and the objects handed to a revision's
resolver are still its own copies (pyHanko's resolver copies what it is given, as it does
for current objects, which it has always shared).
"""

from __future__ import annotations

from typing import Any

from pyhanko.pdf_utils.reader import PdfFileReader

__all__ = ["install"]

_ORIGINAL = PdfFileReader._read_object


def _read_object(
    self: PdfFileReader,
    ref: Any,
    marker: Any,
    never_decrypt: bool = False,
    as_metadata_stream: bool = False,
) -> Any:
    if marker is None:  # pyHanko's own answer (an error, or a null in non-strict mode)
        return _ORIGINAL(self, ref, marker, never_decrypt, as_metadata_stream)
    key = (ref.idnum, ref.generation, marker, never_decrypt, as_metadata_stream)
    parsed: dict[Any, Any] | None = self.__dict__.get("_qujat_parsed")
    if parsed is None:
        parsed = self.__dict__["_qujat_parsed"] = {}
    if key not in parsed:
        parsed[key] = _ORIGINAL(self, ref, marker, never_decrypt, as_metadata_stream)
    return parsed[key]


def install() -> None:
    """Make pyHanko's reader remember what it parsed at each position (idempotent)."""
    PdfFileReader._read_object = _read_object  # type: ignore[method-assign]
