"""Page, font and OOXML ordering constants of the DOCX copies (the PDF's page, ``lib.typ``)."""

from __future__ import annotations

import re

from docx.enum.text import WD_ALIGN_PARAGRAPH

__all__ = ["CORNER", "FONT", "MARGINS", "PAGE", "SIGNATURE_LINE", "TEXT_WIDTH", "UNSIGNED_NOTE"]

UNSIGNED_NOTE = (
    "Unsigned, editable copy of Qujat document {id}. It has no legal force: the original is "
    "the signed PDF, verifiable at {url}"
)
"""The DOCX's core-property comment (what the copy is, where the signed original is)."""

FONT = "Times New Roman"
PAGE = (210.0, 297.0)
MARGINS = {"left": 25.0, "right": 15.0, "top": 18.0, "bottom": 22.0}
"""Millimetres, as the PDF's page (``lib.typ``'s ``form-page``)."""
TEXT_WIDTH = PAGE[0] - MARGINS["left"] - MARGINS["right"]
CORNER = 0.48
"""The header block and corner blanks sit in the right 52 % of the line (``appendix-header``)."""
SIGNATURE_LINE = 40.0
"""Width of the signature's line, as in ``signature-line``."""

_ALIGN = {
    "left": WD_ALIGN_PARAGRAPH.LEFT,
    "start": WD_ALIGN_PARAGRAPH.LEFT,
    "center": WD_ALIGN_PARAGRAPH.CENTER,
    "right": WD_ALIGN_PARAGRAPH.RIGHT,
    "end": WD_ALIGN_PARAGRAPH.RIGHT,
}
_STRUCK = {"s", "del", "strike"}
"""Struck-through text: the alternative that does not apply (Typst's ``strike`` → ``<s>``)."""
_PHRASING = {"span", "strong", "b", "em", "i", "u", "a", "br", "sub", "sup", "code", "small"}
_INLINE = _PHRASING | _STRUCK
_VOID = {"br", "meta", "img", "hr", "col", "link", "input", "wbr", "source"}
_SKIP = {"head", "script", "style", "svg", "img", "hr"}
_SPACE = re.compile(r"[ \t\n\r\f]+")  # not \s: a no-break space must stay

# Child order the OOXML schema requires, for elements python-docx does not model.
_PPR_AFTER_PBDR = ("w:shd", "w:tabs", "w:suppressAutoHyphens", "w:spacing", "w:ind", "w:jc")
_TCPR_AFTER_BORDERS = ("w:shd", "w:noWrap", "w:tcMar", "w:textDirection", "w:vAlign")
_TRPR_AFTER_CANTSPLIT = ("w:trHeight", "w:tblHeader", "w:tblCellSpacing", "w:jc", "w:hidden")
_TRPR_AFTER_HEADER = ("w:tblCellSpacing", "w:jc", "w:hidden")
