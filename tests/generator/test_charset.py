"""forms.charset still describes what the vendored fonts can print."""

from __future__ import annotations

from fontTools.ttLib import TTFont

from forms.charset import RANGES, unsupported
from generator import fonts_dir


def test_charset_matches_the_fonts() -> None:
    maps = [
        set(TTFont(fonts_dir() / f"LiberationSerif-{style}.ttf").getBestCmap())
        for style in ("Regular", "Bold", "Italic", "BoldItalic")
    ]
    covered = set.intersection(*maps)
    listed = {cp for a, b in RANGES for cp in range(a, b + 1)}
    assert listed == covered


def test_every_kazakh_letter_is_printable() -> None:
    assert unsupported("ӘәҒғҚқҢңӨөҰұҮүҺһІі «»№—") == []
    assert unsupported("Ali 🫠 中") == ["🫠", "中"]
