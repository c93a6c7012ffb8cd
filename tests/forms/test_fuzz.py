"""Every form fuzzed: hostile strings in every text field either are refused with a
clear error or print literally — never a crash, never markup evaluated, never lost text."""

from __future__ import annotations

import copy
import unicodedata
from datetime import date
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from forms import FormDataInvalid, FormSpec, all_forms
from generator import DocumentMeta, Renderer
from tests.pdftools import squeeze, text_of

META = DocumentMeta(
    id="fuzzfuzzfuzzfuzzfuzzfuzzfuzzfuzz",
    verify_url="https://qujat.example.kz/v/fuzzfuzzfuzzfuzzfuzzfuzzfuzzfuzz",
    issuer="Fuzz",
    issued_on=date(2025, 6, 27),
)

MARKUP = [
    "#set page(width: 1pt)", "*bold* _it_ $x^2$", "<label> @ref", "\\", "#panic(\"x\")",
    "]) #{}", "// comment", "/* c */", "`raw`", "= Heading", "- item", "+ item", "#import \"x\"",
    '") #eval("1+1', "Әңғүқөұһі", "« » — №", "&lt;script&gt;", "<script>alert(1)</script>",
]  # fmt: skip

hostile = st.one_of(
    st.sampled_from(MARKUP),
    st.text(min_size=1, max_size=120),
    st.text(alphabet=st.characters(categories=["Lu", "Ll", "Nd", "P", "S", "Zs"]),
            min_size=1, max_size=300),
)  # fmt: skip


def string_paths(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in string_paths(v, (*path, k))]
    if isinstance(value, list):
        return [p for i, v in enumerate(value) for p in string_paths(v, (*path, i))]
    return [path] if isinstance(value, str) else []


def put(data: Any, path: tuple[Any, ...], value: str) -> None:
    for key in path[:-1]:
        data = data[key]
    data[path[-1]] = value


@pytest.fixture(scope="module")
def renderer() -> Renderer:
    return Renderer()


@pytest.mark.parametrize("spec", all_forms(), ids=lambda s: s.id)
@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_hostile_text_is_refused_or_printed_literally(
    renderer: Renderer, spec: FormSpec, data: st.DataObject
) -> None:
    case_data = copy.deepcopy(dict(spec.example))
    paths = string_paths(case_data)
    path = data.draw(st.sampled_from(paths), label="field")
    value = data.draw(hostile, label="value")
    put(case_data, path, value)
    try:
        case = spec.validate(case_data)
    except FormDataInvalid as exc:
        assert exc.details and all(d.field.startswith("data") and d.rule for d in exc.details)
        return
    for lang in spec.languages:
        pdf = renderer.render(spec, lang, case, META)
        printed = getattr_path(case.model_dump(mode="json"), path)
        if ".".join(str(p) for p in path if not isinstance(p, int)) in spec.not_printed:
            continue
        if isinstance(printed, str) and printed.strip() and _printable(printed):
            assert squeeze(printed) in _clean(text_of(pdf)), (spec.id, lang, path, printed)


def getattr_path(data: Any, path: tuple[Any, ...]) -> Any:
    for key in path:
        try:
            data = data[key]
        except (KeyError, IndexError, TypeError):
            return None
    return data


def _printable(value: str) -> bool:
    """Text a PDF extractor can give back as written: no codes the fonts cannot show."""
    return all(
        unicodedata.category(c)[0] in "LNPSZ" and ord(c) < 0x2000 and c not in "\u00ad"
        for c in value
    ) and value == unicodedata.normalize("NFC", value)


def _clean(text: str) -> str:
    return text.replace("\u200b", "").replace("\u2060", "").replace("\u00ad", "")
