"""The token and name readers :mod:`signing` installs into pyHanko's parser answer as
pyHanko's own do: the same bytes, flag, object, stream position and errors, on any input."""

from __future__ import annotations

import subprocess
import sys
from io import BytesIO

from hypothesis import given, settings
from hypothesis import strategies as st
from pyhanko.pdf_utils import generic, misc
from pyhanko.pdf_utils.misc import PdfReadError

from signing._pdftokens import _ORIGINAL_NAME, _ORIGINAL_UNTIL, read_name, read_until_class

# bytes a PDF's tokens are made of, with whitespace, delimiters and the escape mark
# often enough that every branch is taken
_PDFISH = st.binary(max_size=300) | st.lists(
    st.sampled_from([b"/", b"#", b"#2F", b"#4", b" ", b"\n", b"\x00", b"<<", b">>", b"[",
                     b"(", b"%", b"Type", b"Font", b"12", b"R", b"\xd0\x9a", b"\x7f", b"~!"]),
    max_size=60,
).map(b"".join)  # fmt: skip
_CLASSES = st.sampled_from(
    [misc.PDF_WHITESPACE, misc.PDF_WHITESPACE + misc.PDF_DELIMITERS, b"#", b"\n\r", b"]-\\^"]
)


@settings(max_examples=600, deadline=None)
@given(_PDFISH, _CLASSES, st.none() | st.integers(1, 400), st.integers(0, 40))
def test_reading_until_a_class_matches_pyhankos(
    data: bytes, chars: bytes, maxchars: int | None, start: int
) -> None:
    start = min(start, len(data))
    ours, theirs = BytesIO(data), BytesIO(data)
    ours.seek(start)
    theirs.seek(start)
    assert read_until_class(chars, ours, maxchars) == _ORIGINAL_UNTIL(chars, theirs, maxchars)
    assert ours.tell() == theirs.tell()


def _outcome(read: object, data: bytes) -> tuple[object, ...]:
    stream = BytesIO(data)
    try:
        value = read(stream)  # type: ignore[operator]
    except PdfReadError as exc:
        return ("error", type(exc), str(exc), stream.tell())
    return ("ok", type(value), value, stream.tell())


@settings(max_examples=600, deadline=None)
@given(_PDFISH)
def test_reading_a_name_matches_pyhankos(data: bytes) -> None:
    for raw in (data, b"/" + data):
        assert _outcome(read_name, raw) == _outcome(_ORIGINAL_NAME, raw)


def test_names_plain_escaped_and_refused() -> None:
    assert read_name(BytesIO(b"/Type/Font")) == "/Type"
    assert isinstance(read_name(BytesIO(b"/Type")), generic.NameObject)
    assert read_name(BytesIO(b"/A#20B ")) == "/A B"  # an escape: pyHanko's decoder
    assert _outcome(read_name, b"/A\x7fB") == _outcome(_ORIGINAL_NAME, b"/A\x7fB")
    assert _outcome(read_name, b"/A\x7fB")[0] == "error"


def test_importing_signing_installs_them_in_pyhankos_parser() -> None:
    """In a fresh interpreter that imports only :mod:`signing` (the upgrader's case)."""
    probe = (
        "import signing; from pyhanko.pdf_utils import generic, misc; "
        "print(misc._read_until_class.__module__, generic.NameObject.read_from_stream.__module__)"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["signing._pdftokens", "signing._pdftokens"]
