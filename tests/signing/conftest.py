"""Fixtures for signing tests: a real PDF/A-3b from Typst and a development PKI on disk."""

from __future__ import annotations

from pathlib import Path

import pytest
import typst

from signing import (
    DevPki,
    EmptyField,
    IssuerKey,
    certify,
    ensure_dev_pki,
    load_pkcs12,
    read_passphrase,
)

FONTS = Path(__file__).resolve().parents[2] / "generator" / "fonts"
ORG = "Қазақстан Республикасы Оқу-ағарту министрлігі Білім беру сапасын бағалау орталығы"
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


@pytest.fixture(scope="session")
def pdfa() -> bytes:
    return compile_pdfa()


@pytest.fixture(scope="session")
def pki(tmp_path_factory: pytest.TempPathFactory) -> DevPki:
    return ensure_dev_pki(tmp_path_factory.mktemp("signing") / "keys", ORG)


@pytest.fixture(scope="session")
def issuer(pki: DevPki) -> IssuerKey:
    return load_pkcs12(pki.issuer_p12_path, read_passphrase(file=pki.issuer_passphrase_path))


@pytest.fixture(scope="session")
def certified(pdfa: bytes, issuer: IssuerKey) -> bytes:
    return certify(
        pdfa,
        issuer,
        reason="Issued",
        empty_fields=[EmptyField("Chair", box=(60, 60, 260, 110)), EmptyField("Secretary")],
    )
