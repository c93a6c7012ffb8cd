"""Reading a DOCX copy back: its text, its tables and their faults."""

from __future__ import annotations

import io
from collections.abc import Iterator

import docx
from docx.document import Document
from docx.oxml.ns import qn
from docx.shared import Mm
from docx.table import Table

from tests.pdftools import squeeze

TEXT_WIDTH_MM = 170


def open_docx(data: bytes) -> Document:
    return docx.Document(io.BytesIO(data))


def tables_of(document: Document) -> Iterator[Table]:
    """Every table, nested ones included."""
    stack = list(document.tables)
    while stack:
        table = stack.pop(0)
        yield table
        for row in table.rows:
            for cell in row.cells:
                stack.extend(cell.tables)


def docx_text(data: bytes) -> str:
    """Paragraphs and table cells, white space removed (as ``tests.pdftools.text_of``)."""
    document = open_docx(data)
    parts = [p.text for p in document.paragraphs]
    for table in tables_of(document):
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return squeeze("".join(parts))


def table_problems(data: bytes) -> list[str]:
    """What keeps a table from being fixed: layout, grid widths, rows that may split."""
    problems = []
    for n, table in enumerate(tables_of(open_docx(data)), start=1):
        tbl = table._tbl
        layout = tbl.tblPr.find(qn("w:tblLayout"))
        if layout is None or layout.get(qn("w:type")) != "fixed":
            problems.append(f"table {n}: layout is not fixed")
        widths = [int(col.w or 0) for col in tbl.tblGrid.gridCol_lst]
        if not widths or any(w <= 0 for w in widths):
            problems.append(f"table {n}: grid column without a width: {widths}")
        elif sum(widths) > Mm(TEXT_WIDTH_MM + 0.5):
            problems.append(f"table {n}: wider than the text ({sum(widths) / Mm(1):.1f} mm)")
        for r, tr in enumerate(tbl.tr_lst, start=1):
            if tr.trPr is None or tr.trPr.find(qn("w:cantSplit")) is None:
                problems.append(f"table {n}, row {r}: may split across pages")
    return problems


def header_rows(table: Table) -> list[bool]:
    return [
        tr.trPr is not None and tr.trPr.find(qn("w:tblHeader")) is not None
        for tr in table._tbl.tr_lst
    ]
