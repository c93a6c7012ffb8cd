"""Refusal grounds of an application (seed 002 §22, App. 4 item 9, App. 7).

Which refusals of the application form are grounds for an App. 7 notice rather than bad
input, and how the notice words each ground in Kazakh and Russian. App. 7 lists only the
grounds of App. 4 item 9; a late application (item 10's window) is refused under 9.2 with
the window as its detail (:data:`forms.rules.applications.LATE_APPLICATION_RULE`).
"""

from __future__ import annotations

from typing import Any

from forms.rules.applications import LATE_APPLICATION_RULE, REFUSAL_GROUNDS, Finding, Requirement

__all__ = ["PROCEDURE_RULES", "is_refusal_ground", "notice_reason", "reason_line"]

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
    LATE_APPLICATION_RULE: (
        "өтініш ағымдағы оқу жылының 1 қыркүйегінен 31 желтоқсанына дейін қабылданады "
        "(App. 4 item 10)",
        "заявление принимается с 1 сентября по 31 декабря текущего учебного года "
        "(пункт 10 приложения 4 к Алгоритму)",
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
    if ground == "no-personal-data-consent":
        return {"ground": ground}
    kk, ru = _DETAIL.get(finding.rule, _DETAIL_OTHER)
    return {"ground": ground, "detail": kk if lang == "kk" else ru}


# What a document's line adds to its name: App. 7 asks for «жоқ немесе сәйкес келмейтін
# құжаттардың атауы» and closes the list with «… байланысты қабылданбады», so a missing
# document is named alone (the heading already says it is missing or non-compliant) and
# the other states stand in brackets before «байланысты», never «– жоқ байланысты».
_STATE = {
    "document-missing": ("", "отсутствует"),
    "unreliable-documents": ("дәйексіз", "недостоверны сведения"),
    "non-compliant-materials": ("талаптарға сәйкес келмейді", "не соответствует требованиям"),
}


def reason_line(
    ground: str,
    document: Requirement | None,
    detail: str | None,
    lang: str,
) -> str:
    """One numbered line of the App. 7 notice, in the seed's grammar.

    A document is named by its App. 4 item 8 wording (its state, if not merely missing, in
    brackets); a ground without a document by its item 9 wording; ``detail`` follows in
    brackets (kk) or after a dash (ru). The template closes the last line with
    «байланысты қабылданбады.».
    """
    if document is not None:
        kk, ru = _STATE.get(ground, ("", ""))
        line = (
            (f"{document.kk} ({kk})" if kk else document.kk)
            if lang == "kk"
            else (f"{ru}: {document.ru}" if ru else document.ru)
        )
    elif ground in REFUSAL_GROUNDS:
        g = REFUSAL_GROUNDS[ground]
        line = g.kk if lang == "kk" else g.ru
    else:
        line = ""
    if detail is not None:
        sep = f" ({detail})" if lang == "kk" else f" — {detail}"
        line = line + sep if line else detail
    return line
