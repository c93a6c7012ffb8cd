"""Every place a form departs from its seed, declared: the seed's words, what the form prints
instead, and why (served with the form at ``GET /v1/forms/{form}``).

A sheet whose full wording were not printed would carry a ``not-yet-word-true`` deviation
listing the seed phrases it lacks (``pending_wording.json``, written by
``scripts/fidelity --write-pending``); every sheet is word-true now, the file is empty and the
fidelity test keeps it so: a phrase a form stops printing must be declared here with a reason.
"""

from __future__ import annotations

import json
from importlib import resources

from forms.rulebooks.model import Deviation

__all__ = ["DEVIATIONS", "PENDING"]

PENDING: dict[str, list[str]] = json.loads(
    (resources.files("forms.catalogue") / "pending_wording.json").read_text("utf-8")
)
"""Seed phrases a form does not print yet, by form id."""

_QR = Deviation(
    "added",
    "—",
    "a block with the QR code, the document id and the verification address "
    "(«Түпнұсқалығын тексеру / Проверка подлинности»)",
    "the paper forms have no verification mark; Qujat's documents are checked online and "
    "offline by it",
)
_ALTERNATIVES = Deviation(
    "wording",
    "alternatives printed side by side: «берілді (расталды)», «сәйкес келеді (сәйкес "
    "келмейді)», «беру/ растау»",
    "both alternatives, the one that does not apply struck through",
    "the seed's words stay whole and the reader still sees which applies",
)
_ABSENT = Deviation(
    "added",
    "Комиссия мүшелері: 1. _____ 2. _____",
    "an absent member is listed with «(отырысқа қатыспады)» and gets no signature line",
    "without the mark the printed protocol reads as if a signature were missing (§18 quorum)",
)
_HEADER = Deviation(
    "added",
    "—",
    "a header table: the person's name, position, organisation and declared category",
    "the seed's sheets name the person only in the platform; a signed sheet must say whom it "
    "is about",
)
_TOTAL = Deviation(
    "added",
    "—",
    "«Жиынтық балл: N (ең жоғары балл – M)» and the recommendation line",
    "the total and the category it supports, computed by the rules, not typed in",
)


def _pending(form: str) -> tuple[Deviation, ...]:
    phrases = PENDING.get(form, [])
    if not phrases:
        return ()
    return (
        Deviation(
            "not-yet-word-true",
            " | ".join(phrases),
            "the criterion titles (shortened), the points and the threshold rows",
            "the full indicators, level descriptors, evidence lines and notes are not printed "
            "yet; listed here phrase by phrase until they are",
        ),
    )


def _arithmetic(seed: str, rule: str) -> Deviation:
    return Deviation("arithmetic", seed, rule, "the seed's figures disagree with each other")


_CAP_RULE = (
    "the printed maximum governs: the total counts as the printed maximum and the plain sum of "
    "the items is printed beside it («Барлығы»); the category follows the printed threshold row"
)

_LEVELS = Deviation(
    "added",
    "Бағалау критерийлері | деңгейі",
    "a column «Ең жоғары балл» (3 per indicator) and the criterion's points on its own row, "
    "above its indicators' level cells; the indicators' levels are printed when the case "
    "gives them (``levels``), else the observer's points per criterion (``items``) stand on "
    "the criterion row and the level cells stay blank",
    "the platform may record either the level of each indicator or the criterion's sum; the "
    "sheet says which and how the total is reached",
)

_NO_LAYOUT = "the seed prescribes the document but gives no form; layout and wording are Qujat's"

DEVIATIONS: dict[str, tuple[Deviation, ...]] = {
    "qualification-certificate": (
        _QR,
        _ALTERNATIVES,
        Deviation(
            "added",
            "Білім беру ұйымының/ білім беруді басқару органының басшысы",
            "the issuing organisation's name under the head's title; the order's body "
            "(``order.body``) in the line «білім беру ұйымының немесе білім басқармасы "
            "органының толық атауы»",
            "§12: the attesting body issues the order, the education organisation issues the "
            "certificate; the certificate names both",
            "seed 002 §12, App. 1",
        ),
    ),
    "protocol-teachers": (_QR, _ABSENT),
    "protocol-extract-teachers": (_QR, _ALTERNATIVES),
    "protocol-heads": (_QR, _ABSENT),
    "protocol-extract-heads": (_QR, _ALTERNATIVES),
    "category-order": (_QR, Deviation("no-seed-layout", "—", "the whole order", _NO_LAYOUT, "§12")),
    "attested-list": (_QR, Deviation("no-seed-layout", "—", "the whole list", _NO_LAYOUT, "§20")),
    "service-requirements": (
        _QR,
        Deviation(
            "seed-error-corrected",
            "1) Алгоритмге 9 қосымшаға сәйкес өтініш",
            "1) Алгоритмге 5-қосымшаға (басшылар үшін 10-қосымшаға) сәйкес өтініш",
            "App. 9 is the lesson observation sheet; the application forms are App. 5 and App. 10",
            "seed 002 App. 4 item 8.1",
        ),
    ),
    "application-teacher": (_QR, _ALTERNATIVES),
    "application-accepted-notice": (_QR,),
    "application-rejected-notice": (_QR,),
    "application-head": (_QR, _ALTERNATIVES),
    "course-certificate": (_QR,),
    "course-certificate-supplement": (_QR,),
    "course-attendance-note": (
        _QR,
        Deviation("no-seed-layout", "—", "the whole note («справка»)", _NO_LAYOUT, "seed 004 §3.9"),
    ),
    "course-final-project-evaluation": (_QR,),
    "experience-dissemination-conclusion": (
        _QR,
        Deviation(
            "no-seed-layout", "—", "the whole conclusion", _NO_LAYOUT, "seed 003 §1.1, §2.1, §3.1"
        ),
    ),
    "portfolio-evaluation-teacher": (
        _QR,
        _HEADER,
        _TOTAL,
        _arithmetic(
            "item maxima (with the winner bonuses) sum to 149; «барлығы … 134 (148)»", _CAP_RULE
        ),
        Deviation(
            "ambiguity",
            "4.4 сынып жетекшілер мен кураторлар үшін … 3 жыл ішінде / 3-8 жыл ішінде / 9-15 "
            "жыл ішінде / 16 жылдан астам",
            "row 4.4 printed after the threshold rows as the seed places it, with its evidence "
            "line and year columns, and no points",
            "the seed gives 4.4 no points and no place in either total (134 (148), 130 (144)); "
            "scoring it would change the printed thresholds",
            "seed 002 App. 8 sheet 1",
        ),
        *_pending("portfolio-evaluation-teacher"),
    ),
    "portfolio-evaluation-methodist": (
        _QR,
        _HEADER,
        _TOTAL,
        *_pending("portfolio-evaluation-methodist"),
    ),
    "lesson-observation-school": (_QR, _HEADER, _LEVELS),
    "lesson-observation-preschool": (_QR, _HEADER, _LEVELS),
    "lesson-observation-special": (
        _QR,
        _HEADER,
        _LEVELS,
        _arithmetic(
            "36 indicators of 0–3 points (108) under «қорытынды (max 102)»",
            "a lesson with full marks is accepted: the total counts as 102 (the printed maximum "
            "governs, as App. 8 item 1.2 takes means of 0–102) and «Барлығы» prints the plain sum",
        ),
    ),
    "portfolio-evaluation-head": (
        _QR,
        _HEADER,
        _TOTAL,
        _arithmetic(
            "1.5 «Ескерту: … 1 балл қосылады» on top of its 2 points; maximum 65",
            "1.5 scores up to 3; " + _CAP_RULE,
        ),
        Deviation(
            "ambiguity",
            "2.3 … бюджеттік негізде оқуға түскен түлектер саны Ескерту: орта білім беру "
            "ұйымдары үшін / … жұмысқа орналастырылған түлектер үлесі Ескерту: техникалық және "
            "кәсіптік, орта білімнен кейінгі білім беру ұйымдары үшін",
            "one item scored on the alternative of the head's organisation (TVET: the share of "
            "employed graduates; others: admissions on a state grant), named under 2.3 "
            "(«Бағаланды: …»); the preschool row leaves 2.3 out",
            "the seed lists both under one number and one point scale",
            "seed 002 App. 11 sheet 1 item 2.3",
        ),
        *_pending("portfolio-evaluation-head"),
    ),
    "portfolio-evaluation-cabinet-head": (
        _QR,
        _HEADER,
        _TOTAL,
        _arithmetic(
            "1.2 «Ескерту: … 1 балл қосылады» on top of its 2 points; maximum 31",
            "1.2 scores up to 3; " + _CAP_RULE,
        ),
        *_pending("portfolio-evaluation-cabinet-head"),
    ),
    "portfolio-evaluation-deputy": (
        _QR,
        _HEADER,
        _TOTAL,
        _arithmetic(
            "columns sum to 30 / 48 / 64 and the item maxima to 69; the row prints 30 / 47 / 62 "
            "(67), the preschool deputy 28 / 44 / 58 (67)",
            "the printed threshold rows govern the category; " + _CAP_RULE,
        ),
        Deviation(
            "ambiguity",
            "2.1 «(басшының оқу ісі жөніндегі орынбасары үшін)»; 2.2 «Ескерту: орта білім беру "
            "ұйымы басшысының бейіндік оқыту жөніндегі орынбасары үшін»; 3.1 «(басшының "
            "әдістемелік жұмыс жөніндегі орынбасары үшін)»; 3.2 «(цифрландыру жөніндегі "
            "басшының орынбасары үшін)»",
            "2.2, restricted by an «Ескерту» as the head's 2.3 is, applies to the deputy for "
            "profile education only: for a deputy of another declared ``direction`` it prints "
            "«—» and points given for it are refused (``item_not_for_direction``); 2.1, 3.1 "
            "and 3.2, whose direction is a parenthesis in the title, apply to every deputy; "
            "without a declared direction the sheet is scored as printed",
            "read as exclusive, the four items would leave any deputy at most 69 − 12 = 57 "
            "points, below the printed first-category threshold 62; without 2.2 alone a "
            "deputy can still reach 65 (the preschool row already leaves 2.2 out)",
            "seed 002 App. 11 sheet 3",
        ),
        Deviation(
            "ambiguity",
            "2.1: Білім сапасы / … меңгеру динамикасы / Жеке даму бағдарламасын … / МДТО ҰОБ "
            "… мазмұнын игеру динамикасы (мониторинг)",
            "one item scored on one alternative, named under 2.1 («Бағаланды: …»): the "
            "preschool deputy's is МДТО ҰОБ (and no other deputy's), otherwise knowledge "
            "quality unless ``indicator_2_1`` names the special-needs alternative",
            "the seed lists three indicators under one number and one point scale",
            "seed 002 App. 11 sheet 3 item 2.1",
        ),
    ),
    "portfolio-evaluation-cabinet-deputy": (
        _QR,
        _HEADER,
        _TOTAL,
        *_pending("portfolio-evaluation-cabinet-deputy"),
    ),
}
