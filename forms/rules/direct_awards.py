"""Awards of a category without (full) attestation, as documented decision grounds.

Seed 002 §6 (TVET teachers from industry), §7 (presidential reserve, NU/Bolashak graduates,
CELTA/DELTA), §8–§9 (foreign-language certificates instead of the knowledge test), §10 (the
Special programme for regions short of teachers), §11 (the leaders-of-change programme).
"""

from __future__ import annotations

from dataclasses import dataclass

from forms.errors import DetailCollector
from forms.rules.categories import Category, next_allowed

__all__ = ["DIRECT_AWARD_GROUNDS", "DirectAwardGround", "direct_award_category"]


@dataclass(frozen=True)
class DirectAwardGround:
    """A documented ground for awarding a category without (full) attestation."""

    id: str
    """Stable id used in case data."""
    paragraph: str
    """Where the ground is written, e.g. ``seed 002 §7``."""
    kk: str
    """Short Kazakh wording."""
    ru: str
    """Short Russian wording."""
    category: Category | None
    """The category awarded; ``None`` when it depends on the certificate level or steps up."""
    without_knowledge_test_only: bool = False
    """True when only the knowledge test is waived and the portfolio is still assessed (§8, §9)."""


DIRECT_AWARD_GROUNDS: dict[str, DirectAwardGround] = {
    g.id: g
    for g in (
        DirectAwardGround(
            "tvet-industry-5-years",
            "seed 002 §6",
            "бейін бойынша өндірісте соңғы 5 жылдан кем емес жұмыс өтілі (ТжКБ)",
            "стаж работы на производстве по профилю не менее 5 последних лет (ТиПО)",
            Category.TEACHER_MODERATOR,
        ),
        DirectAwardGround(
            "tvet-specialty-10-years",
            "seed 002 §6",
            "мамандығы бойынша соңғы 10 жылдан астам жұмыс өтілі (ТжКБ)",
            "стаж работы по специальности более 10 последних лет (ТиПО)",
            Category.TEACHER_EXPERT,
        ),
        DirectAwardGround(
            "presidential-reserve",
            "seed 002 §7",
            "Президенттің кадр резервіне кірген тұлға",
            "лицо, включённое в Президентский кадровый резерв",
            Category.TEACHER_MODERATOR,
        ),
        DirectAwardGround(
            "nu-bolashak-graduate",
            "seed 002 §7",
            "Nazarbayev University, «Болашақ» түлегі (бітіргеннен кейін 5 жылдан кешіктірмей)",
            "выпускник Nazarbayev University, программы «Болашак» (не позднее 5 лет)",
            Category.TEACHER_MODERATOR,
        ),
        DirectAwardGround(
            "celta",
            "seed 002 §7",
            "CELTA сертификаты (Pass and above)",
            "сертификат CELTA (Pass and above)",
            Category.TEACHER_MODERATOR,
        ),
        DirectAwardGround(
            "delta",
            "seed 002 §7",
            "DELTA сертификаты (Pass and above)",
            "сертификат DELTA (Pass and above)",
            Category.TEACHER_EXPERT,
        ),
        DirectAwardGround(
            "foreign-language-certificate",
            "seed 002 §8",
            "ағылшын, неміс, француз тілін меңгеру деңгейі бойынша сертификат",
            "сертификат о владении английским, немецким, французским языком",
            None,
            without_knowledge_test_only=True,
        ),
        DirectAwardGround(
            "other-language-certificate-b2",
            "seed 002 §9",
            "B2 деңгейі (басқа шет тілдері)",
            "уровень B2 (другие иностранные языки)",
            Category.TEACHER_MODERATOR,
            without_knowledge_test_only=True,
        ),
        DirectAwardGround(
            "other-language-certificate-c1",
            "seed 002 §9",
            "C1 немесе C2 деңгейі (басқа шет тілдері)",
            "уровень C1 или C2 (другие иностранные языки)",
            Category.TEACHER_EXPERT,
            without_knowledge_test_only=True,
        ),
        DirectAwardGround(
            "special-programme-graduate",
            "seed 002 §10",
            "Арнайы бағдарлама бойынша жұмысқа қабылданған ЖОО түлегі",
            "выпускник вуза, принятый на работу по Специальной программе",
            Category.TEACHER_MODERATOR,
        ),
        DirectAwardGround(
            "special-programme-step-up",
            "seed 002 §10",
            "Арнайы бағдарлама: бір деңгейге жоғары санат",
            "Специальная программа: категория на один уровень выше",
            None,
        ),
        DirectAwardGround(
            "leaders-programme",
            "seed 002 §11",
            "білім беру саласындағы өзгерістер көшбасшыларын даярлау бағдарламасы",
            "программа подготовки лидеров изменений в сфере образования",
            Category.HEAD_FIRST,
        ),
    )
}
"""The grounds of §6–§11, by id."""


def direct_award_category(ground_id: str, current: Category | None = None) -> Category:
    """The category a direct-award ground gives (seed 002 §6–§11).

    ``special-programme-step-up`` (§10) is only for holders of "педагог-сарапшы" or
    "педагог-зерттеуші" and gives one rung higher. Refusals: ``direct_award_unknown_ground``,
    ``direct_award_not_applicable``, ``direct_award_level_required``.
    """
    errors = DetailCollector()
    ground = DIRECT_AWARD_GROUNDS.get(ground_id)
    if ground is None:
        errors.add(
            "ground",
            "direct_award_unknown_ground",
            f"Unknown ground {ground_id!r}.",
            "seed 002 §6–§11",
        )
        errors.raise_if_any()
        raise AssertionError("unreachable")  # pragma: no cover
    if ground.category is not None:
        return ground.category
    if ground_id == "special-programme-step-up":
        if current in (Category.TEACHER_EXPERT, Category.TEACHER_RESEARCHER):
            nxt = next_allowed(current)
            return nxt.pop()
        errors.add(
            "current_category",
            "direct_award_not_applicable",
            "The one-level step-up applies only to «педагог-сарапшы» and «педагог-зерттеуші».",
            ground.paragraph,
        )
    else:
        errors.add(
            "ground",
            "direct_award_level_required",
            "This ground's category depends on the certificate level; the commission decides it.",
            ground.paragraph,
        )
    errors.raise_if_any()
    raise AssertionError("unreachable")  # pragma: no cover
