"""Form + case data → an editable, unsigned DOCX copy, from the same template as the PDF.

The wording lives once, in the Typst templates. Typst compiles a template to HTML too;
``lib.typ``'s helpers then emit classed elements (``header``, ``title``, ``blank`` with its
``value`` and ``caption``, ``fill``, ``signature``, ``verify``, ``table``, ``grid``,
``align-*``) instead of page layout, and this module lays those out again with python-docx:
A4, Times New Roman 12 pt (metric twin of the PDF's Liberation Serif), fixed table widths,
rows that do not split, header rows repeated on each page.
"""

from __future__ import annotations

import io
from datetime import datetime, time

from pydantic import BaseModel

from forms import FormSpec
from generator.docx.layout import TEXT_WIDTH, UNSIGNED_NOTE
from generator.docx.ooxml import _fix_zip_dates, _new_document, _set_properties
from generator.docx.tree import _parse, _verify_node
from generator.docx.writer import _Sink, _Style, _Writer
from generator.render import DocumentMeta, Renderer

__all__ = ["UNSIGNED_NOTE", "render_docx"]


def render_docx(
    renderer: Renderer, spec: FormSpec, lang: str, case: BaseModel, meta: DocumentMeta
) -> bytes:
    """The DOCX copy of a validated ``case``: the PDF's content, editable and unsigned.

    The same input gives the same bytes (dates in the package are the issue date).
    """
    body = _parse(renderer.html(spec, lang, case, meta))
    document = _new_document(lang, meta.verify_url)
    writer = _Writer(document)
    writer.blocks(_Sink(document, TEXT_WIDTH), body.children, _Style())
    if not writer.verified:  # a template without qr-block: the id and URL still end the copy
        writer.blocks(_Sink(document, TEXT_WIDTH), [_verify_node(meta)], _Style())
    title = spec.title_kk if lang == "kk" else spec.title_ru
    _set_properties(document, spec, title, lang, meta)
    out = io.BytesIO()
    document.save(out)
    stamp = datetime.combine(meta.issued_on, time(0, 0))
    return _fix_zip_dates(out.getvalue(), stamp.timetuple()[:6])
