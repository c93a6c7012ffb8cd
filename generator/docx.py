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
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, time
from html.parser import HTMLParser
from typing import Any

import docx
from docx.document import Document
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

from forms import FormSpec
from generator.render import DocumentMeta, Renderer

__all__ = ["UNSIGNED_NOTE", "render_docx"]

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


def render_docx(
    renderer: Renderer, spec: FormSpec, lang: str, case: Any, meta: DocumentMeta
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


# --- HTML → a small tree ---------------------------------------------------------------


@dataclass
class _Node:
    tag: str
    attrs: dict[str, str]
    children: list[_Node | str]

    @property
    def classes(self) -> list[str]:
        return self.attrs.get("class", "").split()

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = _Node("root", {}, [])
        self._stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = _Node(tag, {k: v or "" for k, v in attrs}, [])
        self._stack[-1].children.append(node)
        if tag not in _VOID:
            self._stack.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._stack[-1].children.append(_Node(tag, {k: v or "" for k, v in attrs}, []))

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self._stack) - 1, 0, -1):
            if self._stack[depth].tag == tag:
                del self._stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        self._stack[-1].children.append(data)


def _parse(html: str) -> _Node:
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    return _find(builder.root, "body") or builder.root


def _find(node: _Node, tag: str) -> _Node | None:
    for child in node.children:
        if isinstance(child, _Node):
            if child.tag == tag:
                return child
            found = _find(child, tag)
            if found is not None:
                return found
    return None


def _verify_node(meta: DocumentMeta) -> _Node:
    return _Node(
        "div",
        {"class": "verify"},
        [_Node("p", {"class": "url"}, [meta.verify_url]), _Node("p", {"class": "id"}, [meta.id])],
    )


# --- the tree → python-docx ------------------------------------------------------------


@dataclass(frozen=True)
class _Style:
    """What an element passes down to the text inside it."""

    align: str = ""
    bold: bool = False
    italic: bool = False
    underline: bool = False
    strike: bool = False
    """Struck through: the alternative that does not apply (``<s>``, Typst's ``strike``)."""
    size: float | None = None
    indent: float = 0.0
    """Left indent in mm (the right-hand column of the header and corner blanks)."""


class _Sink:
    """Where blocks go: the document body or a table cell (whose first paragraph is reused)."""

    def __init__(self, container: Document | _Cell, width: float) -> None:
        self.container = container
        self.width = width
        self._fresh: Paragraph | None = (
            container.paragraphs[0] if isinstance(container, _Cell) else None
        )

    def paragraph(self) -> Paragraph:
        if self._fresh is not None:
            fresh, self._fresh = self._fresh, None
            return fresh
        para: Paragraph = self.container.add_paragraph()
        return para

    def table(self, rows: int, cols: int, widths: list[float]) -> Table:
        table = self.container.add_table(rows, cols)
        _fix_layout(table, widths)
        return table


class _Writer:
    def __init__(self, document: Document) -> None:
        self.document = document
        self.verified = False
        """True once the verification block (URL and id) was written."""

    def blocks(self, sink: _Sink, nodes: Iterable[_Node | str], style: _Style) -> None:
        """Lay out block-level ``nodes``; runs of inline content become one paragraph each."""
        pending: list[_Node | str] = []
        for node in nodes:
            if isinstance(node, str) or node.tag in _INLINE:
                pending.append(node)
                continue
            self._flush(sink, pending, style)
            pending = []
            self.block(sink, node, style)
        self._flush(sink, pending, style)

    def _flush(self, sink: _Sink, inline: list[_Node | str], style: _Style) -> None:
        if any(_has_content(n) for n in inline):
            self.paragraph(sink, inline, style)

    def paragraph(self, sink: _Sink, inline: Iterable[_Node | str], style: _Style) -> Paragraph:
        para = sink.paragraph()
        if style.align in _ALIGN:
            para.alignment = _ALIGN[style.align]
        if style.indent:
            para.paragraph_format.left_indent = Mm(style.indent)
        self.runs(para, inline, style, at_start=True)
        return para

    def runs(
        self, para: Paragraph, nodes: Iterable[_Node | str], style: _Style, at_start: bool = False
    ) -> bool:
        """Add ``nodes`` as runs; returns whether the paragraph still ends in white space."""
        for node in nodes:
            if isinstance(node, str):
                text = _SPACE.sub(" ", node)
                if at_start:
                    text = text.lstrip(" ")
                if text:
                    _run(para, text, style)
                    at_start = text.endswith(" ")
            elif node.tag == "br":
                para.add_run().add_break()
                at_start = True
            elif node.tag not in _SKIP:
                at_start = self.runs(para, node.children, _inline_style(node, style), at_start)
        return at_start

    def block(self, sink: _Sink, node: _Node, style: _Style) -> None:
        classes, tag = node.classes, node.tag
        if tag in _SKIP:
            return
        if "header" in classes:
            self._header(sink, node)
        elif "corner" in classes:  # a blank in the header's column
            self.blocks(sink, node.children, replace(style, indent=sink.width * CORNER))
        elif "title" in classes:
            para = self.paragraph(sink, node.children, replace(style, bold=True, size=13))
            para.alignment = WD_ALIGN_PARAGRAPH.CENTER
            para.paragraph_format.space_before = Pt(10)
            para.paragraph_format.space_after = Pt(8)
        elif "blank" in classes:
            self._blank(sink, node, style)
        elif "signature" in classes:
            self._signature(sink, node)
        elif "verify" in classes:
            self._verify(sink, node)
        elif "table" in classes or tag == "table":
            self._table(sink, node, style)
        elif "grid" in classes:
            self._grid(sink, node, style)
        elif "rule" in classes and all(
            isinstance(c, str) or c.tag in _INLINE for c in node.children
        ):
            para = self.paragraph(sink, node.children, style)  # a line to write on
            para.paragraph_format.space_after = Pt(0)
            _border(para, "bottom")
        elif tag == "div" and any(c.startswith("align-") for c in classes):
            align = next(c for c in classes if c.startswith("align-"))[len("align-") :]
            self.blocks(sink, node.children, replace(style, align=align or style.align))
        elif tag in {"p", "figcaption", "dd", "caption"}:
            figure = tag in {"figcaption", "caption"}
            self.paragraph(sink, node.children, replace(style, align="center") if figure else style)
        elif re.fullmatch(r"h[1-6]", tag) or tag == "dt":
            self.paragraph(sink, node.children, replace(style, bold=True))
        elif tag in {"ul", "ol"}:
            self._list(sink, node, style)
        else:  # div, figure, section, dl, li…: their children
            self.blocks(sink, node.children, style)

    def _header(self, sink: _Sink, node: _Node) -> None:
        lines = _children(node) or [node]
        for i, line in enumerate(lines, start=1):
            para = self.paragraph(sink, line.children, _Style(size=10, indent=sink.width * CORNER))
            para.paragraph_format.space_after = Pt(12 if i == len(lines) else 0)

    def _blank(self, sink: _Sink, node: _Node, style: _Style) -> None:
        for part in _children(node):
            if "caption" in part.classes:
                caption = _Style(align="center", size=9, indent=style.indent)
                para = self.paragraph(sink, part.children, caption)
                para.paragraph_format.space_before = Pt(0)
            else:
                para = self.paragraph(sink, part.children, replace(style, align="center"))
                para.paragraph_format.keep_with_next = True
                para.paragraph_format.space_after = Pt(0)
                _border(para, "bottom")

    def _signature(self, sink: _Sink, node: _Node) -> None:
        parts = {c: p for p in _children(node) for c in p.classes}
        side = (sink.width - SIGNATURE_LINE) / 2
        table = sink.table(1, 3, [side, SIGNATURE_LINE, side])
        _row_props(table.rows[0], header=False)
        for i, key in enumerate(("role", "line", "name")):
            cell = table.cell(0, i)
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.BOTTOM
            if key == "line":
                _cell_border(cell, "bottom")
            part = parts.get(key)
            if part is not None:
                self.paragraph(_Sink(cell, _column_width(table, i)), part.children, _Style())
        if "caption" in parts:
            para = self.paragraph(sink, parts["caption"].children, _Style(align="right", size=9))
            para.paragraph_format.space_before = Pt(0)

    def _verify(self, sink: _Sink, node: _Node) -> None:
        self.verified = True
        for i, part in enumerate(_children(node)):
            para = self.paragraph(sink, part.children, _Style(size=8))
            para.paragraph_format.space_after = Pt(0)
            if i == 0:
                para.paragraph_format.space_before = Pt(12)

    def _list(self, sink: _Sink, node: _Node, style: _Style) -> None:
        items = [c for c in _children(node) if c.tag == "li"]
        for number, item in enumerate(items, start=int(node.attrs.get("start") or 1)):
            marker = f"{number}. " if node.tag == "ol" else "• "
            self.paragraph(sink, [marker, *item.children], style)

    def _table(self, sink: _Sink, node: _Node, style: _Style) -> None:
        html_table = node if node.tag == "table" else _find(node, "table")
        if html_table is None:
            return
        rows = _table_rows(html_table)
        count = max((sum(span for _, _, span, _ in row) for row, _ in rows), default=0)
        tracks = node.attrs.get("data-columns", "").split() or ["auto"] * count
        count = max(count, len(tracks))
        if not rows or count == 0:
            return
        widths = _widths(tracks, count, sink.width)
        table = sink.table(len(rows), count, widths)
        table.style = self.document.styles["Table Grid"]
        aligns = node.attrs.get("data-align", "").split()
        self._fill(table, rows, widths, aligns, style)

    def _grid(self, sink: _Sink, node: _Node, style: _Style) -> None:
        cells = [c for c in _children(node) if "cell" in c.classes]
        tracks = node.attrs.get("data-columns", "").split() or ["auto"]
        count = len(tracks)
        rows: list[tuple[list[tuple[_Node, int, int, int]], bool]] = []
        row: list[tuple[_Node, int, int, int]] = []
        used = 0
        for cell in cells:
            span = min(int(cell.attrs.get("data-colspan") or 1), count)
            if used + span > count:
                rows.append((row, False))
                row, used = [], 0
            row.append((cell, 1, span, 1))
            used += span
        if row:
            rows.append((row, False))
        if not rows:
            return
        widths = _widths(tracks, count, sink.width)
        table = sink.table(len(rows), count, widths)
        self._fill(table, rows, widths, [], style)

    def _fill(
        self,
        table: Table,
        rows: list[tuple[list[tuple[_Node, int, int, int]], bool]],
        widths: list[float],
        aligns: list[str],
        style: _Style,
    ) -> None:
        count = len(widths)
        taken = [[False] * count for _ in rows]
        # The cells before any merge; table.cell() would rebuild the whole grid every call.
        grid = [list(tr.tc_lst) for tr in table._tbl.tr_lst]
        for r, (row, header) in enumerate(rows):
            _row_props(table.rows[r], header)
            c = 0
            for node, rowspan, colspan, _ in row:
                while c < count and taken[r][c]:
                    c += 1
                if c >= count:
                    break
                colspan = min(colspan, count - c)
                rowspan = min(rowspan, len(rows) - r)
                for rr in range(r, r + rowspan):
                    for cc in range(c, c + colspan):
                        taken[rr][cc] = True
                cell = _Cell(grid[r][c], table)
                if (rowspan, colspan) != (1, 1):
                    last = grid[r + rowspan - 1][c + colspan - 1]
                    cell = cell.merge(_Cell(last, table))
                align = aligns[c] if c < len(aligns) and aligns[c] else style.align
                width = sum(widths[c : c + colspan])
                self.blocks(_Sink(cell, width - 4), node.children, replace(style, align=align))
                for para in cell.paragraphs:
                    para.paragraph_format.space_after = Pt(0)
                c += colspan


def _column_width(table: Table, column: int) -> float:
    """Width in mm of ``column`` as the grid says."""
    width = table.columns[column].width
    return width.mm if width is not None else TEXT_WIDTH


def _children(node: _Node) -> list[_Node]:
    return [c for c in node.children if isinstance(c, _Node)]


def _has_content(node: _Node | str) -> bool:
    if isinstance(node, str):
        return bool(_SPACE.sub("", node))
    return node.tag == "br" or any(_has_content(c) for c in node.children)


def _inline_style(node: _Node, style: _Style) -> _Style:
    tag, css = node.tag, node.attrs.get("style", "")
    if tag in {"strong", "b"} or "bold" in css:
        style = replace(style, bold=True)
    if tag in {"em", "i"} or "italic" in css:
        style = replace(style, italic=True)
    if tag == "u" or "fill" in node.classes or "underline" in css:
        style = replace(style, underline=True)
    if tag in _STRUCK or "line-through" in css:
        style = replace(style, strike=True)
    return style


def _run(para: Paragraph, text: str, style: _Style) -> None:
    run = para.add_run(text)
    if style.bold:
        run.bold = True
    if style.italic:
        run.italic = True
    if style.underline:
        run.underline = True
    if style.strike:
        run.font.strike = True
    if style.size is not None:
        run.font.size = Pt(style.size)


def _table_rows(table: _Node) -> list[tuple[list[tuple[_Node, int, int, int]], bool]]:
    """Rows of an HTML table: (cells as (node, rowspan, colspan, 1), is a header row)."""
    out: list[tuple[list[tuple[_Node, int, int, int]], bool]] = []

    def walk(node: _Node, header: bool) -> None:
        for child in _children(node):
            if child.tag == "tr":
                cells = [
                    (c, _int(c.attrs.get("rowspan")), _int(c.attrs.get("colspan")), 1)
                    for c in _children(child)
                    if c.tag in {"td", "th"}
                ]
                out.append((cells, header))
            elif child.tag in {"thead", "tbody", "tfoot"}:
                walk(child, child.tag == "thead")

    walk(table, False)
    return out


def _int(value: str | None) -> int:
    return int(value) if value and value.isdigit() and int(value) > 0 else 1


def _widths(tracks: list[str], count: int, total: float) -> list[float]:
    """Column widths in mm from Typst tracks (``12mm``, ``1fr``, ``20%``, ``auto``)."""
    tracks = (tracks + ["auto"] * count)[:count]
    fixed: list[float | None] = []
    shares: list[float] = []
    for track in tracks:
        number = re.match(r"[\d.]+", track)
        value = float(number.group()) if number else 1.0
        if track.endswith("mm"):
            fixed.append(value)
            shares.append(0.0)
        elif track.endswith("%"):
            fixed.append(total * value / 100)
            shares.append(0.0)
        else:  # fr, or auto (content-sized in the PDF): an equal share of the rest
            fixed.append(None)
            shares.append(value if track.endswith("fr") else 1.0)
    used = sum(f for f in fixed if f is not None)
    rest = max(total - used, 0.0)
    if used > total:  # wider than the page: scale the fixed columns down
        fixed = [f * total / used if f is not None else None for f in fixed]
    share_total = sum(shares) or 1.0
    return [
        f if f is not None else rest * s / share_total for f, s in zip(fixed, shares, strict=True)
    ]


# --- OOXML details python-docx does not model --------------------------------------------


def _fix_layout(table: Table, widths: list[float]) -> None:
    """Fixed layout: w:tblLayout fixed, the grid's and every cell's width, the table's width."""
    table.autofit = False
    tbl_pr = table._tbl.tblPr
    tbl_w = tbl_pr.find(qn("w:tblW"))
    if tbl_w is None:
        tbl_w = OxmlElement("w:tblW")
        tbl_pr.append(tbl_w)
    tbl_w.set(qn("w:type"), "dxa")
    tbl_w.set(qn("w:w"), str(round(sum(widths) * 1440 / 25.4)))
    for i, width in enumerate(widths):
        table.columns[i].width = Mm(width)
    for tr in table._tbl.tr_lst:  # a new table: one w:tc per grid column
        for tc, width in zip(tr.tc_lst, widths, strict=True):
            tc.width = Mm(width)


def _row_props(row: Any, header: bool) -> None:
    """Every row keeps together (w:cantSplit); header rows repeat on each page (w:tblHeader)."""
    tr_pr = row._tr.get_or_add_trPr()
    if tr_pr.find(qn("w:cantSplit")) is None:
        tr_pr.insert_element_before(OxmlElement("w:cantSplit"), *_TRPR_AFTER_CANTSPLIT)
    if header and tr_pr.find(qn("w:tblHeader")) is None:
        tr_pr.insert_element_before(OxmlElement("w:tblHeader"), *_TRPR_AFTER_HEADER)


def _border_element(tag: str, side: str) -> Any:
    box = OxmlElement(tag)
    line = OxmlElement(f"w:{side}")
    for key, value in (("val", "single"), ("sz", "4"), ("space", "1"), ("color", "auto")):
        line.set(qn(f"w:{key}"), value)
    box.append(line)
    return box


def _border(para: Paragraph, side: str) -> None:
    p_pr = para._p.get_or_add_pPr()
    p_pr.insert_element_before(_border_element("w:pBdr", side), *_PPR_AFTER_PBDR)


def _cell_border(cell: _Cell, side: str) -> None:
    tc_pr = cell._tc.get_or_add_tcPr()
    tc_pr.insert_element_before(_border_element("w:tcBorders", side), *_TCPR_AFTER_BORDERS)


def _new_document(lang: str, verify_url: str) -> Document:
    document = docx.Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(PAGE[0]), Mm(PAGE[1])
    section.left_margin, section.right_margin = Mm(MARGINS["left"]), Mm(MARGINS["right"])
    section.top_margin, section.bottom_margin = Mm(MARGINS["top"]), Mm(MARGINS["bottom"])
    normal = document.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(12)
    r_pr = normal.element.get_or_add_rPr()
    fonts = r_pr.get_or_add_rFonts()
    for attr in ("w:eastAsia", "w:cs"):
        fonts.set(qn(attr), FONT)
    language = OxmlElement("w:lang")
    language.set(qn("w:val"), {"kk": "kk-KZ", "ru": "ru-RU"}.get(lang, lang))
    r_pr.append(language)
    normal.paragraph_format.space_after = Pt(6)
    normal.paragraph_format.line_spacing = 1.0
    footer = section.footer.paragraphs[0]
    footer.text = verify_url
    for run in footer.runs:
        run.font.size = Pt(7.5)
    return document


def _set_properties(
    document: Document, spec: FormSpec, title: str, lang: str, meta: DocumentMeta
) -> None:
    stamp = datetime.combine(meta.issued_on, time(0, 0), tzinfo=UTC)
    props = document.core_properties
    props.title = title
    props.subject = spec.id
    props.author = meta.issuer
    props.last_modified_by = meta.issuer
    props.identifier = meta.id
    props.language = lang
    props.keywords = f"qujat:{meta.id}"
    props.category = "unsigned copy"
    props.comments = UNSIGNED_NOTE.format(id=meta.id, url=meta.verify_url)
    props.created = props.modified = props.last_printed = stamp
    props.revision = 1


def _fix_zip_dates(package: bytes, stamp: tuple[int, ...]) -> bytes:
    """python-docx stamps zip entries with the current time; stamp them with the issue date."""
    source = zipfile.ZipFile(io.BytesIO(package))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            entry = zipfile.ZipInfo(item.filename, date_time=stamp[:6])  # type: ignore[arg-type]
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o600 << 16
            target.writestr(entry, source.read(item.filename))
    return out.getvalue()
