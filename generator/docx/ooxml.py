"""OOXML details python-docx does not model: fixed table layout, row properties, borders,
the new document's page and styles, core properties, reproducible zip dates."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, datetime, time
from typing import Any

import docx
from docx.document import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

from forms import FormSpec
from generator.docx.layout import (
    _PPR_AFTER_PBDR,
    _TCPR_AFTER_BORDERS,
    _TRPR_AFTER_CANTSPLIT,
    _TRPR_AFTER_HEADER,
    FONT,
    MARGINS,
    PAGE,
    UNSIGNED_NOTE,
)
from generator.render import DocumentMeta

__all__: list[str] = []


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
