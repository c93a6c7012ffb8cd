"""A real PDF/A-3b from Typst, as the generator makes them, for the signing tests."""

from __future__ import annotations

from pathlib import Path

import typst

FONTS = Path(__file__).resolve().parents[2] / "generator" / "fonts"


SOURCE = """
#set page(paper: "a4")
#set text(font: "Liberation Serif", lang: "kk")
= Біліктілік санатын беру (растау) туралы куәлік
Осы куәлік Әбілқайыров Нұрсұлтан Ғалымұлына берілді: педагог-шебер біліктілік санаты.
#for i in range(25) [ Жол #i: Қазақстан Республикасы Оқу-ағарту министрлігі. \\ ]
"""


def compile_pdfa(source: str = SOURCE) -> bytes:
    """A PDF/A-3b document, as the generator makes them."""
    fonts = [str(FONTS)]
    # the stub's Input type variable cannot be solved here
    compiler = typst.Compiler(source.encode(), font_paths=fonts, ignore_system_fonts=True)  # type: ignore[misc]
    pdf = compiler.compile(pdf_standards="a-3b", timestamp=1700000000)
    assert isinstance(pdf, bytes)
    return pdf
