"""DOCX copies: the PDF's content from the same template, editable, deterministic, unsigned."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from forms import FormSpec, SigningMode, all_forms, get_form, templates_dir
from forms.types import CaseModel
from generator import DocumentMeta, Renderer, render_docx
from tests.formtext import expected_strings
from tests.pdftools import squeeze
from tests.support.docx import TEXT_WIDTH_MM, header_rows, open_docx
from tests.support.docx import docx_text as docx_text  # tests/forms still import it from here
from tests.support.docx import table_problems as table_problems

META = DocumentMeta(
    id="abcdefghijklmnopqrstuvwxyz234567",
    verify_url="https://qujat.example.kz/v/abcdefghijklmnopqrstuvwxyz234567",
    issuer="Test issuer",
    issued_on=date(2025, 6, 27),
)


# --- helpers the catalogue and API tests use too ---------------------------------------


# --- tests -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def renderer() -> Renderer:
    return Renderer()


CORE_FORMS = ["qualification-certificate", "course-certificate", "course-certificate-supplement"]


@pytest.mark.parametrize("lang", ["kk", "ru"])
@pytest.mark.parametrize("form", CORE_FORMS)
def test_docx_carries_every_value_and_fixed_tables(
    renderer: Renderer, form: str, lang: str
) -> None:
    spec = get_form(form)
    case = spec.validate(spec.example)
    data = render_docx(renderer, spec, lang, case, META)
    text = docx_text(data)
    for value in expected_strings(spec, lang, case):
        assert squeeze(value) in text, f"{value!r} missing from the {form}.{lang} DOCX"
    assert META.id in text and squeeze(META.verify_url) in text
    assert table_problems(data) == []
    section = open_docx(data).sections[0]
    assert section.page_width is not None and section.page_height is not None
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)


def test_docx_has_the_pdf_wording_from_the_template(renderer: Renderer) -> None:
    """No second copy of the wording: the fixed text of the template is in the DOCX."""
    spec = get_form("qualification-certificate")
    data = render_docx(renderer, spec, "kk", spec.validate(spec.example), META)
    text = docx_text(data)
    template = (templates_dir() / "qualification-certificate.kk.typ").read_text("utf-8")
    phrases = ["1-қосымша", "Басып шығару орны", "Т.А.Ә. (болған жағдайда), қолы",
               "лауазымы бойынша", "Түпнұсқалығын тексеру / Проверка подлинности:"]  # fmt: skip
    for phrase in phrases:
        assert phrase in template
        assert squeeze(phrase) in text, phrase


def test_same_input_gives_the_same_bytes(renderer: Renderer) -> None:
    for spec in all_forms():
        if spec.id not in CORE_FORMS:
            continue
        case = spec.validate(spec.example)
        for lang in spec.languages:
            first = render_docx(renderer, spec, lang, case, META)
            assert render_docx(renderer, spec, lang, case, META) == first
    other = DocumentMeta(
        **{**META.__dict__, "id": "b" * 32, "verify_url": "https://x/v/" + "b" * 32}
    )
    spec = get_form("course-certificate")
    case = spec.validate(spec.example)
    assert render_docx(renderer, spec, "kk", case, META) != render_docx(
        renderer, spec, "kk", case, other
    )


def test_docx_says_it_is_an_unsigned_copy_dated_the_issue_date(renderer: Renderer) -> None:
    spec = get_form("course-certificate")
    data = render_docx(renderer, spec, "ru", spec.validate(spec.example), META)
    props = open_docx(data).core_properties
    issued = datetime(2025, 6, 27, tzinfo=UTC)
    assert props.created == issued and props.modified == issued
    assert "Unsigned" in props.comments and META.id in props.comments
    assert META.verify_url in props.comments
    assert props.title == spec.title_ru and props.identifier == META.id
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        assert {i.date_time for i in package.infolist()} == {(2025, 6, 27, 0, 0, 0)}
        assert "word/signatures" not in " ".join(package.namelist())


def test_supplement_table_keeps_widths_and_repeats_its_header(renderer: Renderer) -> None:
    spec = get_form("course-certificate-supplement")
    case: Any = spec.validate(spec.example)
    document = open_docx(render_docx(renderer, spec, "kk", case, META))
    modules = [t for t in document.tables if "Баға" in t.rows[0].cells[-1].text]
    assert len(modules) == 1
    table = modules[0]
    widths = [round((col.w or 0) / Mm(1)) for col in table._tbl.tblGrid.gridCol_lst]
    assert widths[0] == 12 and widths[2:] == [28, 30] and sum(widths) == TEXT_WIDTH_MM
    assert header_rows(table) == [True] + [False] * (len(case.modules) + 1)
    assert [r.cells[1].text for r in table.rows[1:-1]] == [m.name for m in case.modules]
    assert table.rows[0].cells[1].paragraphs[0].runs[0].bold


def test_layout_of_title_blanks_signature(renderer: Renderer) -> None:
    spec = get_form("qualification-certificate")
    case: Any = spec.validate(spec.example)
    document = open_docx(render_docx(renderer, spec, "ru", case, META))
    paras = document.paragraphs
    title = next(p for p in paras if p.text.startswith("УДОСТОВЕРЕНИЕ"))
    assert title.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert all(r.bold for r in title.runs if r.text.strip())
    header = paras[0]
    assert header.paragraph_format.left_indent > Mm(70) and header.text.startswith("Приложение 1")
    value = next(p for p in paras if p.text == case.holder.full_name)
    p_pr = value._p.pPr
    assert p_pr is not None and p_pr.find(qn("w:pBdr")) is not None  # the blank's line
    caption = paras[paras.index(value) + 1]
    assert caption.text == "(Ф.И.О. (при его наличии), подпись)"
    assert caption.runs[0].font.size == Pt(9)
    filled = [r for p in paras for r in p.runs if r.text == case.order.number]
    assert filled and all(r.underline for r in filled)
    signature = next(t for t in document.tables if case.head.full_name in t.rows[0].cells[2].text)
    line = signature.rows[0].cells[1]._tc.get_or_add_tcPr().find(qn("w:tcBorders"))
    assert line is not None and line.find(qn("w:bottom")) is not None
    normal = document.styles["Normal"].font
    assert normal.name == "Times New Roman" and normal.size == Pt(12)


def test_markup_in_data_prints_literally(renderer: Renderer) -> None:
    hostile = r"#set page(width: 1pt) *x* $y$ <z> @w \ Әлихан & <b>bold</b>"
    spec = get_form("qualification-certificate")
    data = json.loads(json.dumps(spec.example))
    data["holder"]["full_name"] = hostile
    text = docx_text(render_docx(renderer, spec, "kk", spec.validate(data), META))
    assert squeeze(hostile) in text


def test_html_export_leaves_the_pdf_unchanged(renderer: Renderer) -> None:
    spec = get_form("course-certificate-supplement")
    case = spec.validate(spec.example)
    before = renderer.render(spec, "ru", case, META)
    assert 'class="table"' in renderer.html(spec, "ru", case, META)
    assert renderer.render(spec, "ru", case, META) == before


class _Probe(CaseModel):
    rows: list[str]


PROBE = """#import "lib.typ": *
#show: form-page.with(title: "Probe", lang: "ru")
#appendix-header[Шапка 1][Шапка 2]
#form-title[Заголовок]
#align(right)[Справа]
#grid(columns: (1fr, 30mm), [Ячейка А], grid.cell(rowspan: 1)[Ячейка Б],
  grid.cell(colspan: 2)[Широкая ячейка])
#stack(dir: ltr, [Стопка 1], [Стопка 2])
#pad(left: 5mm)[Отступ]
#rect[Рамка]
#place(top + right)[Плавающий]
- Пункт списка
+ Нумерованный пункт
#table(
  columns: (20mm, 1fr, 1fr),
  table.header(table.cell(colspan: 3)[Общая шапка], [№], [А], [Б]),
  table.cell(rowspan: 2)[1], ..case.rows, [Подвал],
)
#blank([Значение], caption: "подпись")
#signature-line([Роль], "Подписант")
#qr-block("Проверка:")
"""


def test_layout_elements_typst_html_drops_keep_their_text(tmp_path: Path) -> None:
    """align, grid, stack, pad, rect, place, spans: HTML export alone would lose their text."""
    (tmp_path / "lib.typ").write_text((templates_dir() / "lib.typ").read_text("utf-8"), "utf-8")
    (tmp_path / "probe.ru.typ").write_text(PROBE, "utf-8")
    spec = FormSpec(
        id="probe",
        title_kk="Probe",
        title_ru="Probe",
        source="test",
        model=_Probe,
        example={"rows": ["x1", "y1", "x2", "y2"]},
        signing=SigningMode.ISSUER,
        holder_name=lambda _c: None,
        languages=("ru",),
    )
    case: Any = spec.validate(spec.example)
    renderer = Renderer(templates=tmp_path)
    data = render_docx(renderer, spec, "ru", case, META)
    text = docx_text(data)
    for phrase in ["Шапка 1", "Шапка 2", "Заголовок", "Справа", "Ячейка А", "Ячейка Б",
                   "Широкая ячейка", "Стопка 1", "Стопка 2", "Отступ", "Рамка", "Плавающий",
                   "• Пункт списка", "1. Нумерованный пункт", "Общая шапка", "x1", "y2",
                   "Подвал", "Значение", "Роль", "Подписант", "Проверка:", META.id]:  # fmt: skip
        assert squeeze(phrase) in text, phrase
    assert table_problems(data) == []
    document = open_docx(data)
    right = next(p for p in document.paragraphs if p.text == "Справа")
    assert right.alignment == WD_ALIGN_PARAGRAPH.RIGHT
    table = next(t for t in document.tables if "Общая шапка" in t.rows[0].cells[0].text)
    assert header_rows(table) == [True, True, False, False, False]
    assert table.rows[0].cells[0]._tc is table.rows[0].cells[2]._tc  # colspan merged
    assert (
        table.rows[2].cells[0]._tc.get_or_add_tcPr().find(qn("w:vMerge")) is not None
    )  # rowspan merged
    assert renderer.render(spec, "ru", case, META).startswith(b"%PDF")


def _struck_and_plain(data: bytes) -> tuple[list[str], str]:
    doc = open_docx(data)
    runs = [r for p in doc.paragraphs for r in p.runs]
    for table in doc.tables:
        for row in table.rows:
            for cell in row.cells:
                runs += [r for p in cell.paragraphs for r in p.runs]
    struck = [r.text for r in runs if r.font.strike]
    plain = "".join(r.text for r in runs if not r.font.strike)
    return struck, plain


@pytest.mark.parametrize(
    ("form", "lang", "struck_word"),
    [
        ("qualification-certificate", "kk", "(расталды)"),
        ("application-teacher", "kk", "растау"),
        ("protocol-extract-teachers", "kk", "(сәйкес келмейді)"),
    ],
)
def test_struck_alternative_is_struck_in_the_docx(
    renderer: Renderer, form: str, lang: str, struck_word: str
) -> None:
    """``<s>`` of the HTML export (the alternative that does not apply) is a struck run,
    and nothing else is struck."""
    spec = get_form(form)
    case = spec.validate(spec.example)
    html = renderer.html(spec, lang, case, META)
    assert f"<s>{struck_word}</s>" in html  # the template strikes it
    struck, plain = _struck_and_plain(render_docx(renderer, spec, lang, case, META))
    assert struck == [struck_word]
    assert plain  # the rest of the copy is there, unstruck


def test_inline_markup_without_strike_stays_unstruck() -> None:
    """A template with no ``strike`` gives a copy with no struck run (the flag is not set
    by accident)."""
    spec = get_form("course-certificate")
    case = spec.validate(spec.example)
    struck, _ = _struck_and_plain(render_docx(Renderer(), spec, "kk", case, META))
    assert struck == []
