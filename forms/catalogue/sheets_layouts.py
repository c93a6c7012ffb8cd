"""Which portfolio sheets print their full seed wording (:mod:`forms.catalogue.sheets_layout`)
and how it joins the view the rules produce."""

from __future__ import annotations

from typing import Any

from forms.catalogue.sheets_layout import Layout, row_view
from forms.catalogue.sheets_layout_app8 import METHODIST, TEACHER
from forms.catalogue.sheets_layout_app11 import HEAD
from forms.catalogue.sheets_layout_app11b import CABINET_DEPUTY, CABINET_HEAD, DEPUTY
from forms.rules.scoring_data import PORTFOLIO_SHEETS

__all__ = ["LAYOUTS", "decorate"]

LAYOUTS: dict[str, Layout] = {
    "portfolio-evaluation-teacher": TEACHER,
    "portfolio-evaluation-methodist": METHODIST,
    "portfolio-evaluation-head": HEAD,
    "portfolio-evaluation-cabinet-head": CABINET_HEAD,
    "portfolio-evaluation-deputy": DEPUTY,
    "portfolio-evaluation-cabinet-deputy": CABINET_DEPUTY,
}
"""The full wording of each sheet, by sheet id."""


def decorate(view: dict[str, Any], sheet_id: str, lang: str) -> dict[str, Any]:
    """``view`` (sections of rows with ``id`` and ``points``, threshold rows in the order of
    the sheet's variants)
    with every row's full wording, the sections' evidence lines, the threshold rows' full
    labels, the rows printed after them and the explanatory notes."""
    layout = LAYOUTS.get(sheet_id)
    columns = len(view["categories"])
    pick = 0 if lang == "kk" else 1
    for section in view["sections"]:
        evidence = None if layout is None else layout.section_evidence.get(section["number"])
        section["evidence"] = None if evidence is None else evidence[pick]
        for row in section["rows"]:
            wording = None if layout is None else layout.rows.get(row["id"])
            if wording is None:
                row.update(notes=[], evidence=None, lines=[], points_label="")
            else:
                row.update(row_view(wording, lang, row["points"], columns))
    after: list[dict[str, Any]] = []
    explanation: list[dict[str, str]] = []
    """Each entry ``{kind: text}``: the kind is a key, so the view holds only printed text."""
    if layout is not None:
        if layout.categories:
            view["categories"] = [c[pick] for c in layout.categories]
        for key, t in zip(PORTFOLIO_SHEETS[sheet_id].variants, view["threshold_rows"], strict=True):
            label = layout.variant_labels.get(key)
            if label is not None:
                t["label"] = label[pick]
        for number_, row in layout.after_thresholds:
            shown = row_view(row, lang, [], columns)
            after.append({"id": number_, "note": None, "score": "", **shown})
        explanation = [{kind: text[pick]} for kind, text in layout.explanation]
    view["after_rows"] = after
    view["explanation"] = explanation
    return view
