"""Form + case data → PDF/A-3b bytes, with Typst."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from importlib import resources
from pathlib import Path
from typing import Any, Final

import typst
from pydantic import BaseModel

from forms import FormSpec, templates_dir
from generator.errors import RenderError
from generator.qr import qr_png

__all__ = ["DocumentMeta", "Renderer", "fonts_dir", "page_count"]

PDF_STANDARD: Final = "a-3b"
"""PDF/A-3b: archival, and it admits the embedded case JSON (PDF/A-2b refuses attachments)."""


def fonts_dir() -> Path:
    """The vendored Liberation Serif (SIL OFL 1.1)."""
    return Path(str(resources.files("generator") / "fonts"))


@dataclass(frozen=True)
class DocumentMeta:
    """What a template knows about the document besides its case data."""

    id: str
    """The registry id, printed beside the QR and stored in the PDF's keywords."""
    verify_url: str
    """Where the QR points: ``{public_base_url}/v/{id}``."""
    issuer: str
    """The issuing organisation, the PDF's author."""
    issued_on: date
    """Fixes the PDF's creation date, so the same input renders the same bytes."""
    qr_payload: str | None = None
    """What the QR code holds; default ``verify_url`` (issuing adds the offline token)."""
    rulebook: Mapping[str, Any] | None = None
    """The rulebook the document is made under, embedded in ``case.json`` as its
    ``rulebook`` member (id, title, source, period, whether issued outside it)."""


class Renderer:
    """Compiles forms with Typst; one warm compiler per template, built on first use.

    A reused ``typst.Compiler`` keeps its parsed fonts and templates (a new one costs ~8 ms,
    a warm compile of a certificate ~2 ms). A compiler is not shared between threads at the
    same moment: each has its own lock.

    Each template also keeps a guess of whether its next document fits one page: its last one
    did. A one-page guess compiles with the page count given as text, in one layout pass; a
    document that comes out longer is compiled again with the page counter. Both ways give the
    same bytes for a one-page document, so the guess changes the time of a render, never the
    document.
    """

    def __init__(
        self, templates: Path | None = None, fonts: Path | None = None, *, guess_pages: bool = True
    ) -> None:
        """``guess_pages=False`` always lays out the page counter (two passes): the bytes are
        the same, it is slower; the bench and the tests compare the two."""
        self._templates = templates or templates_dir()
        self._fonts = fonts or fonts_dir()
        self._guess_pages = guess_pages
        self._compilers: dict[str, tuple[typst.Compiler, threading.Lock]] = {}
        self._one_page: dict[str, bool] = {}
        self._guard = threading.Lock()

    def _compiler(self, template: str) -> tuple[typst.Compiler, threading.Lock]:
        with self._guard:
            if template not in self._compilers:
                path = self._templates / template
                if not path.is_file():
                    raise RenderError(f"template {template} is missing")
                compiler = typst.Compiler(
                    str(path),
                    root=str(self._templates),
                    font_paths=[str(self._fonts)],
                    ignore_system_fonts=True,
                )
                self._compilers[template] = (compiler, threading.Lock())
            return self._compilers[template]

    def warm(self, specs: list[FormSpec]) -> None:
        """Build every compiler now (server start), not on the first request."""
        for spec in specs:
            for lang in spec.languages:
                self._compiler(spec.template(lang))

    def render(self, spec: FormSpec, lang: str, case: BaseModel, meta: DocumentMeta) -> bytes:
        """Render validated ``case`` (the form's model instance) to PDF/A-3b bytes."""
        return self.compile(
            spec.template(lang), self.inputs(spec, lang, case, meta), meta.issued_on
        )

    def inputs(self, spec: FormSpec, lang: str, case: Any, meta: DocumentMeta) -> dict[str, str]:
        """What the template of ``spec`` reads from ``sys.inputs`` for this document: the
        case, its context and the QR drawing (the part of a render before Typst)."""
        return _inputs(spec, lang, case, meta, qr_png(meta.qr_payload or meta.verify_url))

    def compile(self, template: str, inputs: dict[str, str], issued_on: date) -> bytes:
        """Typst alone: ``template`` with ``inputs`` to PDF/A-3b (checked by Typst as it
        writes), dated ``issued_on`` at midnight UTC so the same input gives the same bytes."""
        stamp = datetime.combine(issued_on, time(0, 0), tzinfo=UTC)
        compiler, lock = self._compiler(template)
        with lock:
            if self._guess_pages and self._one_page.get(template, True):
                pdf = _pdf(compiler, template, {**inputs, "pages": "1"}, stamp)
                if page_count(pdf) == 1:
                    return pdf
            pdf = _pdf(compiler, template, inputs, stamp)
            self._one_page[template] = page_count(pdf) == 1
            return pdf

    def html(self, spec: FormSpec, lang: str, case: BaseModel, meta: DocumentMeta) -> str:
        """Render validated ``case`` to Typst's HTML, the source of the DOCX copy.

        Same template and warm compiler as :meth:`render`, told ``target: html`` in its
        ``sys.inputs``: the helpers of ``lib.typ`` then emit classed elements (header, title,
        blank, signature, verify…) instead of layout; ``qr-block`` prints the verification
        URL and id as text instead of the QR, so no QR is drawn for it (``qr`` is an empty
        image: ``lib.typ`` reads it only for the PDF).
        """
        template = spec.template(lang)
        inputs = _inputs(spec, lang, case, meta, b"")
        compiler, lock = self._compiler(template)
        try:
            with lock:
                html = compiler.compile(format="html", sys_inputs={**inputs, "target": "html"})
        except typst.TypstError as exc:
            raise RenderError(f"Typst could not render {template} as HTML: {exc.message}") from None
        if not isinstance(html, bytes):
            raise RenderError(f"Typst returned no HTML for {template}")
        return html.decode("utf-8")


def _pdf(compiler: typst.Compiler, template: str, inputs: dict[str, str], stamp: datetime) -> bytes:
    try:
        pdf = compiler.compile(sys_inputs=inputs, pdf_standards=PDF_STANDARD, timestamp=stamp)
    except typst.TypstError as exc:
        raise RenderError(f"Typst could not render {template}: {exc.message}") from None
    if not isinstance(pdf, bytes):
        raise RenderError(f"Typst returned no PDF for {template}")
    return pdf


_STARTXREF = re.compile(rb"startxref\s+(\d+)\s+%%EOF\s*$")
_XREF = re.compile(rb"xref\s+0 (\d+)\r?\n")
_TRAILER_ROOT = re.compile(rb"trailer\s*<<[^>]*?/Root (\d+) 0 R")
_CATALOG_PAGES = re.compile(rb"(\d+) 0 obj\s*<</Type/Catalog/Pages (\d+) 0 R")
_PAGES_COUNT = re.compile(rb"(\d+) 0 obj\s*<</Type/Pages/Count (\d+)/")


def page_count(pdf: bytes) -> int | None:
    """The page count of a PDF as Typst writes it (one xref table, no updates), read through
    its cross-reference table: the trailer's catalog, the catalog's page tree, the tree's
    ``/Count``. Each object is read at the offset the table gives, never searched for, so
    text in a stream (a name in the embedded case data) cannot pass for it. ``None`` when the
    file is not laid out so (the caller then assumes more than one page)."""
    end = _STARTXREF.search(pdf, max(0, len(pdf) - 64))
    if end is None:
        return None
    xref = int(end.group(1))
    header = _XREF.match(pdf, xref)
    if header is None:
        return None
    entries, size = header.end(), int(header.group(1))
    trailer = _TRAILER_ROOT.match(pdf, entries + 20 * size)

    def obj(number: int, pattern: re.Pattern[bytes]) -> re.Match[bytes] | None:
        if not 0 < number < size:
            return None
        entry = pdf[entries + 20 * number : entries + 20 * number + 18]
        found = pattern.match(pdf, int(entry[:10])) if entry[-1:] == b"n" else None
        return found if found is not None and int(found.group(1)) == number else None

    catalog = obj(int(trailer.group(1)), _CATALOG_PAGES) if trailer is not None else None
    pages = obj(int(catalog.group(2)), _PAGES_COUNT) if catalog is not None else None
    return int(pages.group(2)) if pages is not None else None


def _case_json(case: BaseModel, meta: DocumentMeta) -> str:
    """The case as the template reads it and the PDF embeds it (``case.json``), with the
    document's rulebook beside the case's own fields when it is known."""
    if meta.rulebook is None:
        return str(case.model_dump_json())
    embedded = {**case.model_dump(mode="json"), "rulebook": dict(meta.rulebook)}
    # compact and key order kept: the same case renders the same bytes
    return json.dumps(embedded, ensure_ascii=False, separators=(",", ":"))


def _inputs(
    spec: FormSpec, lang: str, case: BaseModel, meta: DocumentMeta, qr: bytes
) -> dict[str, str]:
    """What a template reads from ``sys.inputs``: the case, its context, and the QR's PNG
    as a JSON array of its bytes (inputs are strings; ``lib.typ`` turns it back into bytes)."""
    ctx = {
        "doc": {"id": meta.id, "verify_url": meta.verify_url, "issuer": meta.issuer},
        "view": spec.view(case, lang),
    }
    return {
        "case": _case_json(case, meta),
        "ctx": json.dumps(ctx, ensure_ascii=False, default=str),
        "qr": f"[{','.join(map(str, qr))}]",
    }
