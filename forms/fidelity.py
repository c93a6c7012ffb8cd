"""Fidelity of a form to its seed: which of the seed's fixed phrases the printed form holds.

A form spec records where its fixed wording lies in the seed (:attr:`FormSpec.seed_lines`).
:func:`seed_phrases` cuts those lines into phrases at every blank (``_____``, ``" __ "``,
``20__``), table cell and markup; :func:`measure` looks each phrase up in the text of the
rendered form. Comparison ignores white space, case, quote marks and dash variants, because
Typst's line breaks, the PDF text layer and the seed's extraction differ in exactly those.
A phrase the form does not print must be named by one of the spec's deviations (its
``seed`` words), or the form is not word-true. This module is pure: rendering the form and
extracting its text are the caller's (``scripts/fidelity``, ``tests/forms/test_fidelity.py``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from forms.rulebooks.model import SeedLines
from forms.spec import FormSpec

__all__ = [
    "MENDS",
    "Fidelity",
    "measure",
    "normalise",
    "seed_phrases",
]

MIN_LETTERS = 3
"""A fragment with fewer letters (``1.``, ``№``, ``20``) is not a phrase."""

_BLANK = re.compile(r"_{2,}|\"\s*_+\s*\"|«\s*_+\s*»|\b20\s*_+|\b20\s+(?=жыл)")
_MARKUP = re.compile(r"</?[pb]>|\*\*|^#+\s*|^-\s+|\\")
_RULER = re.compile(r"^[\s\-|:]+$")
_QUOTES = dict.fromkeys(map(ord, "«»\"“”„'’‘`()"), None)
_DASHES = dict.fromkeys(map(ord, "-–—‒−‐"), None)
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u00ad\u2060\ufeff"), None)

MENDS: Mapping[str, str] = {
    # seed 002's PDF-extraction slips, mended before comparison (the form prints the mended word)
    "КУӘЛК": "КУӘЛІК",
    "менгерушісінің": "меңгерушісінің",
    "жылығы": "жылғы",
    "кызмет алушының": "қызмет алушының",  # App. 6
    "ЭЦК қойылған": "ЭЦҚ қойылған",  # App. 4 item 5: ЭЦҚ, the digital signature
    "(бар болған жағдайда)/": "(бар болған жағдайда)",  # App. 6: a stray slash
    # App. 1: the caption «(лауазымның атауы)» was pulled into the sentence by the extraction
    "берілді (расталды). (лауазымның": "берілді (расталды).",
    # App. 9: «қ» read as «к»; «ресурстарды» for the izafet «ресурстарын» (as in 2.2's heading
    # of the other sheets' Russian and in App. 8)
    "Сабактың": "Сабақтың",
    "Сабак (оқу": "Сабақ (оқу",
    "білім беру ресурстарды және": "білім беру ресурстарын және",
    # App. 9 sheet 3, 2.4: a page break cut the fourth indicator's first words onto the third
    "икемді жауап береді жеке қажеттіліктерге": "икемді жауап береді",
    "\tсәйкес уақыт ұтымды бөлінеді": "\tжеке қажеттіліктерге сәйкес уақыт ұтымды бөлінеді",
    # App. 8: letters lost or swapped in the extraction
    "институтынд,": "институтында,",
    "одна жоғары": "одан жоғары",
    # App. 11: «органы» for «ортаны» (environment), «менгеру» for «меңгеру», stray commas
    "қауіпсіз органы құру": "қауіпсіз ортаны құру",
    "менгеру динамикасы": "меңгеру динамикасы",
    "мектепке дейінгі, ұйымның, басшысы": "мектепке дейінгі ұйымның басшысы",
    "облыстық (республикалық (республикалық маңызы бар қала) деңгей": "облыстық "
    "(республикалық маңызы бар қала) деңгей",
    # App. 11 sheet 2, 3.3: two cells run together by the extraction
    "облыс (республикалық(халықаралық) республикалық маңызы бар қала және астана)": "облыс "
    "(республикалық маңызы бар қала және астана)\tреспубликалық (халықаралық)",
    "к е н е с)": "кеңес)",
    "тәрбиеленушілердін": "тәрбиеленушілердің",
    "жұлдегер": "жүлдегер",
    # seed 004's tables were cut through words at column borders
    "Регистраци\tонный": "Регистрационный",
    "показал(а)\tремя обучения на соответствующие з": "показал(а) во время обучения на\t"
    "соответствующие знания",
}
"""Extraction slips of the seeds and their mended spelling; reported with every measure."""


def normalise(text: str) -> str:
    """Text reduced for comparison: no white space, quotes, dashes (a hyphenated line break) or
    invisible breaks; case folded."""
    text = text.translate(_INVISIBLE).translate(_QUOTES).translate(_DASHES)
    return re.sub(r"\s+", "", text).casefold()


def _letters(text: str) -> int:
    return sum(ch.isalpha() for ch in text)


def _lines(text: str, where: SeedLines) -> Iterable[str]:
    lines = text.splitlines()
    for number in range(where.first, where.last + 1):
        if any(a <= number <= b for a, b in where.skip):
            continue
        if number <= len(lines):
            yield lines[number - 1]


def seed_phrases(where: Iterable[SeedLines], seeds: Mapping[str, str]) -> list[str]:
    """The fixed phrases of the seed lines ``where``, in order, each once, slips mended."""
    out: dict[str, None] = {}
    for rng in where:
        for line in _lines(seeds[rng.seed], rng):
            if _RULER.match(line):
                continue
            for wrong, right in MENDS.items():
                line = line.replace(wrong, right)
            for cell in re.split(r"\t|<p>|</p>", line):
                cell = _MARKUP.sub(" ", cell.strip())
                for fragment in _BLANK.split(cell):
                    phrase = " ".join(fragment.split()).strip(" .,;:")
                    if _letters(phrase) >= MIN_LETTERS:
                        out.setdefault(phrase, None)
    return list(out)


@dataclass(frozen=True)
class Fidelity:
    """How much of its seed's fixed wording one form prints."""

    form: str
    phrases: int
    present: int
    declared: tuple[str, ...] = ()
    """Phrases not printed that a deviation of the spec names."""
    missing: tuple[str, ...] = field(default=())
    """Phrases neither printed nor declared: the form is not word-true."""

    @property
    def share(self) -> float:
        """Share of the seed's phrases printed (1.0 when the form has no seed layout)."""
        return self.present / self.phrases if self.phrases else 1.0

    def row(self) -> dict[str, Any]:
        """One row of the fidelity table."""
        return {
            "form": self.form,
            "phrases": self.phrases,
            "present": self.present,
            "share": f"{100 * self.share:.1f} %",
            "declared": len(self.declared),
            "missing": len(self.missing),
        }


def measure(spec: FormSpec[Any], printed_text: str, seeds: Mapping[str, str]) -> Fidelity:
    """Which of ``spec``'s seed phrases ``printed_text`` (the rendered kk form) holds."""
    printed = normalise(printed_text)
    declared_words = [normalise(d.seed) for d in spec.deviations if d.seed.strip("—- ")]
    present = 0
    declared: list[str] = []
    missing: list[str] = []
    phrases = seed_phrases(spec.seed_lines, seeds)
    for phrase in phrases:
        key = normalise(phrase)
        if key in printed:
            present += 1
        elif any(key in words for words in declared_words):
            declared.append(phrase)
        else:
            missing.append(phrase)
    return Fidelity(spec.id, len(phrases), present, tuple(declared), tuple(missing))


def load_seeds(folder: Path) -> dict[str, str]:
    """Every seed text in ``folder`` by file name."""
    return {p.name: p.read_text("utf-8") for p in sorted(folder.glob("*.txt"))}
