"""The tree → python-docx: blocks, runs, headers, blanks, signatures, tables and grids."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace

from docx.document import Document
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm, Pt
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

from generator.docx.layout import (
    _ALIGN,
    _INLINE,
    _SKIP,
    _SPACE,
    _STRUCK,
    CORNER,
    SIGNATURE_LINE,
    TEXT_WIDTH,
)
from generator.docx.ooxml import _border, _cell_border, _fix_layout, _row_props
from generator.docx.tree import _find, _Node

__all__: list[str] = []


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
