"""Every form of the catalogue is complete: spec, schema, example, kk and ru templates, and it
renders to PDF and DOCX with its title and every filled value.

The ids are FORMS.md's catalogue table (a copy kept in ``tests/data/FORMS.md``, so no test reads
outside the repository) and the literal list below must agree.
A form that is not written yet fails here, by name; nothing is skipped.
"""

from __future__ import annotations

import html
import io
import re
from datetime import date
from pathlib import Path

import pytest
from pydantic import BaseModel
from pypdf import PdfReader

from forms import FormSpec, all_forms, templates_dir
from generator import DocumentMeta, Renderer, render_docx
from tests.formtext import expected_strings
from tests.generator.test_docx import docx_text, table_problems
from tests.pdftools import squeeze, text_of

CATALOGUE_IDS = (
    "qualification-certificate",
    "protocol-teachers",
    "protocol-extract-teachers",
    "service-requirements",
    "application-teacher",
    "application-accepted-notice",
    "application-rejected-notice",
    "portfolio-evaluation-teacher",
    "portfolio-evaluation-methodist",
    "lesson-observation-school",
    "lesson-observation-preschool",
    "lesson-observation-special",
    "application-head",
    "portfolio-evaluation-head",
    "portfolio-evaluation-cabinet-head",
    "portfolio-evaluation-deputy",
    "portfolio-evaluation-cabinet-deputy",
    "protocol-heads",
    "protocol-extract-heads",
    "category-order",
    "attested-list",
    "course-certificate",
    "course-certificate-supplement",
    "course-attendance-note",
    "course-final-project-evaluation",
    "experience-dissemination-conclusion",
)
"""FORMS.md's catalogue table, first column (26 forms)."""

FORMS_MD = Path(__file__).resolve().parents[1] / "data" / "FORMS.md"
LANGS = ("kk", "ru")
META = DocumentMeta(
    id="catalogueidcatalogueidcatalogue2",
    verify_url="https://qujat.example.kz/v/catalogueidcatalogueidcatalogue2",
    issuer="Catalogue test",
    issued_on=date(2025, 6, 27),
)


def ids_in_forms_md() -> list[str]:
    """The ids in FORMS.md's catalogue table (the repository's copy)."""
    return re.findall(r"^\|\s*`([a-z0-9-]+)`\s*\|", FORMS_MD.read_text("utf-8"), re.MULTILINE)


FORM_IDS = list(dict.fromkeys([*CATALOGUE_IDS, *ids_in_forms_md()]))

INVISIBLE = dict.fromkeys(map(ord, "\u200b\u00ad\u2060"))
"""Break opportunities a template may put inside a long value (``wrap-long``): not text."""


def visible(text: str) -> str:
    return text.translate(INVISIBLE)


@pytest.fixture(scope="module")
def renderer() -> Renderer:
    return Renderer()


def spec_of(form_id: str) -> FormSpec:
    specs = {s.id: s for s in all_forms()}
    if form_id not in specs:
        pytest.fail(f"{form_id}: not in forms.all_forms() (FORMS.md lists it)")
    return specs[form_id]


def test_literal_list_is_the_forms_md_table() -> None:
    assert len(set(CATALOGUE_IDS)) == len(CATALOGUE_IDS) == 26
    assert sorted(ids_in_forms_md()) == sorted(CATALOGUE_IDS)


@pytest.mark.parametrize("form_id", FORM_IDS)
def test_form_has_spec_schema_example_and_templates(form_id: str) -> None:
    spec = spec_of(form_id)
    schema = spec.json_schema()
    assert schema.get("type") == "object" and schema.get("properties"), f"{form_id}: no schema"
    assert schema.get("additionalProperties") is False, f"{form_id}: schema admits unknown fields"
    spec.validate(spec.example)
    assert set(LANGS) <= set(spec.languages), f"{form_id}: languages {spec.languages}"
    for lang in LANGS:
        path = templates_dir() / spec.template(lang)
        assert path.is_file(), f"{form_id}: {path.name} is missing"
    assert spec.title_kk.strip() and spec.title_ru.strip()


def printed_heading(renderer: Renderer, spec: FormSpec, lang: str, case: BaseModel) -> str:
    """The text of the form's ``form-title`` (from the HTML the DOCX is made of)."""
    found = re.search(r'<p class="title">(.*?)</p>', renderer.html(spec, lang, case, META), re.S)
    return html.unescape(re.sub(r"<[^>]+>", "", found.group(1))) if found else ""


def title_printed(title: str, text: str, pdf_title: str | None, heading: str) -> bool:
    """Whether ``title`` is printed: squeezed and case-insensitive, its words in order with
    room for filled blanks between them («№ 7», a date); a trailing «(…)» that tells two
    forms apart, or a short heading that is part of the title («СЕРТИФИКАТ»), only when
    the PDF's own title is the full title."""
    text = text.lower()

    def words_in_order(t: str) -> bool:
        words = [re.escape(w) for w in t.lower().split()]
        return re.search(r".{0,60}?".join(words), text) is not None

    if words_in_order(title):
        return True
    if pdf_title != title:
        return False
    bare = re.sub(r"\s*\([^()]*\)$", "", title)
    short = squeeze(heading).lower()
    return (bare != title and words_in_order(bare)) or bool(
        short and short in squeeze(title).lower()
    )


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("form_id", FORM_IDS)
def test_form_renders_pdf_with_title_and_values(
    renderer: Renderer, form_id: str, lang: str
) -> None:
    spec = spec_of(form_id)
    case = spec.validate(spec.example)
    pdf = renderer.render(spec, lang, case, META)
    text = visible(text_of(pdf))
    title = spec.title_kk if lang == "kk" else spec.title_ru
    info = PdfReader(io.BytesIO(pdf)).metadata
    pdf_title = info.title if info is not None else None
    heading = printed_heading(renderer, spec, lang, case)
    assert title_printed(title, text, pdf_title, heading), (
        f"{form_id}.{lang}: title {title!r} not printed (heading {heading!r}, PDF title "
        f"{pdf_title!r})"
    )
    missing = [v for v in expected_strings(spec, lang, case) if squeeze(v) not in text]
    assert not missing, f"{form_id}.{lang}: values missing from the PDF text: {missing}"


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("form_id", FORM_IDS)
def test_form_renders_docx_with_values_and_fixed_tables(
    renderer: Renderer, form_id: str, lang: str
) -> None:
    spec = spec_of(form_id)
    case = spec.validate(spec.example)
    data = render_docx(renderer, spec, lang, case, META)
    text = visible(docx_text(data))
    missing = [v for v in expected_strings(spec, lang, case) if squeeze(v) not in text]
    assert not missing, f"{form_id}.{lang}: values missing from the DOCX text: {missing}"
    heading = squeeze(printed_heading(renderer, spec, lang, case))
    assert heading and heading.lower() in text.lower(), f"{form_id}.{lang}: no title in the DOCX"
    assert META.id in text, f"{form_id}.{lang}: document id missing from the DOCX"
    assert table_problems(data) == [], f"{form_id}.{lang}: tables not fixed"
