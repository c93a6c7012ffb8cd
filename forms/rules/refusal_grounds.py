"""Refusal grounds of an application (seed 002 §22, App. 4 item 9.2, App. 7).

Which refusals of the application form are grounds for an App. 7 notice rather than bad
input, and how the notice words each ground in Kazakh and Russian.
"""

from __future__ import annotations

from typing import Any

from forms.rules.applications import Finding

__all__ = ["PROCEDURE_RULES", "is_refusal_ground", "notice_reason"]

PROCEDURE_RULES = frozenset(
    {
        "category_sequence",
        "category_kind_mismatch",
        "category_legacy_not_awardable",
        "confirmation_of_category_not_held",
        "award_of_category_held",
        "personal_data_consent_missing",
    }
)
"""Refusals of the application form that are grounds for an App. 7 notice, not bad input."""

# What the notice prints for a non-compliance found by a rule (App. 4 item 9.2).
_DETAIL: dict[str, tuple[str, str]] = {
    "category_sequence": (
        "мәлімделген біліктілік санаты санаттарды берудің реттілік қағидатына сәйкес келмейді "
        "(Алгоритмнің 31, 44-тармақтары)",
        "заявленная квалификационная категория не соответствует принципу последовательности "
        "присвоения категорий (пункты 31, 44 Алгоритма)",
    ),
    "category_kind_mismatch": (
        "мәлімделген біліктілік санаты өтініш берушінің лауазымына сәйкес келмейді",
        "заявленная квалификационная категория не соответствует должности заявителя",
    ),
    "essay_too_short": (
        "эссенің көлемі 250 сөзден кем (Алгоритмнің 27-тармағы)",
        "объём эссе менее 250 слов (пункт 27 Алгоритма)",
    ),
    "essay_too_long": (
        "эссенің көлемі 300 сөзден асады (Алгоритмнің 27-тармағы)",
        "объём эссе превышает 300 слов (пункт 27 Алгоритма)",
    ),
}
_DETAIL_OTHER = (
    "ұсынылған материалдар мемлекеттік қызмет көрсету талаптарына сәйкес келмейді",
    "представленные материалы не соответствуют требованиям оказания государственной услуги",
)


def is_refusal_ground(rule: str) -> bool:
    """Whether a failed rule of the application form is a ground on the notice."""
    return rule in PROCEDURE_RULES


def notice_reason(finding: Finding, lang: str) -> dict[str, Any]:
    """How the App. 7 notice states one ground, in the notice's language."""
    ground = finding.ground.id
    if ground == "unreliable-documents":
        return {"ground": ground, "document": finding.field.removeprefix("documents.")}
    if ground in ("no-personal-data-consent", "outside-application-window"):
        return {"ground": ground}
    kk, ru = _DETAIL.get(finding.rule, _DETAIL_OTHER)
    return {"ground": ground, "detail": kk if lang == "kk" else ru}
