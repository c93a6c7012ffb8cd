"""App. 11's portfolio sheets (seed 002): heads and deputy heads of education organisations
and of methodical cabinets (centres)."""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import Field

from forms.catalogue.sheets_portfolio import PortfolioEvaluation, portfolio_spec
from forms.errors import DetailCollector

DeputyDirection = Literal["academic", "profile", "methodical", "digital", "upbringing", "other"]
"""The deputy head's direction of work (оқу ісі, бейіндік оқыту, әдістемелік жұмыс,
цифрландыру, тәрбие ісі, other)."""

Indicator21 = Literal["quality", "special-needs", "preschool"]
"""Which of the deputy's 2.1 alternatives is scored: knowledge quality / mastering of the
programme, the skills of children with special needs under their individual programmes, or
mastering the preschool standard curriculum (МДТО ҰОБ)."""

_HEAD_23 = {
    "budget": (
        "Бағаланды: бюджеттік негізде оқуға түскен түлектер саны (орта білім беру ұйымдары)",
        "Оценено: количество выпускников, поступивших на бюджетной основе (организации "
        "среднего образования)",
    ),
    "employment": (
        "Бағаланды: жұмысқа орналастырылған түлектер үлесі (техникалық және кәсіптік, орта "
        "білімнен кейінгі білім беру ұйымдары)",
        "Оценено: доля трудоустроенных выпускников (организации технического и "
        "профессионального, послесреднего образования)",
    ),
}
_DEPUTY_21 = {
    "quality": (
        "Бағаланды: білім сапасы / білім беру бағдарламасын меңгеру динамикасы",
        "Оценено: качество знаний / динамика освоения образовательной программы",
    ),
    "special-needs": (
        "Бағаланды: мүмкіндігі шектеулі балалардың дағдыларын қалыптастыру динамикасы",
        "Оценено: динамика формирования навыков детей с ограниченными возможностями",
    ),
    "preschool": (
        "Бағаланды: МДТО ҰОБ мазмұнын игеру динамикасы (мониторинг)",
        "Оценено: динамика освоения содержания ТУП ДВО (мониторинг)",
    ),
}

__all__ = ["CABINET_DEPUTY_SHEET", "CABINET_HEAD_SHEET", "DEPUTY_SHEET", "HEAD_SHEET"]


class HeadPortfolioEvaluation(PortfolioEvaluation):
    """«Білім беру ұйымы басшысының материалдары (портфолио) бойынша бағалау парағы»."""

    SHEET: ClassVar[str] = "portfolio-evaluation-head"

    variant: Literal["default", "tvet-head", "preschool-head"] = Field(
        default="default",
        description="default: heads of schools; tvet-head: heads of TVET organisations (item "
        "2.2 does not apply); preschool-head: heads of preschool organisations (2.2, 2.3 do not "
        "apply). The seed's two unlabelled rows are printed but cannot be chosen. Derived "
        "from ``organisation_type``.",
    )

    def threshold_row(self) -> str:
        return {"tvet": "tvet-head", "preschool": "preschool-head"}.get(
            self.organisation_type or "", "default"
        )

    def item_note(self, item: str, lang: str) -> str | None:
        """2.3 names the alternative scored: TVET heads are scored on the share of employed
        graduates, other heads on graduates admitted on a state grant."""
        if item != "2.3" or self.organisation_type == "preschool":
            return None
        kk, ru = _HEAD_23["employment" if self.organisation_type == "tvet" else "budget"]
        return kk if lang == "kk" else ru


HEAD_SHEET = portfolio_spec(
    HeadPortfolioEvaluation,
    id="portfolio-evaluation-head",
    title_kk="Білім беру ұйымы басшысының материалдары (портфолио) бойынша бағалау парағы",
    title_ru="Лист оценивания материалов (портфолио) руководителя организации образования",
    source="seed 002, App. 11 (sheet 1)",
    example={
        "holder": {"full_name": "Жұмабеков Серік Әділұлы", "iin": "760504310004"},
        "position": "Директор",
        "organisation": "Қарағанды облысы білім басқармасының «Балқаш қаласының № 4 "
        "мектеп-лицейі» КММ",
        "declared_category": "head-second",
        "items": {
            "1.1": 2,
            "1.2": 3,
            "1.3": 4,
            "1.4": 3,
            "1.5": 2,
            "1.6": 3,
            "2.1": 2,
            "2.2": 3,
            "2.3": 3,
            "2.4": 5,
            "3.1": 3,
            "3.2": 3,
            "3.3": 3,
            "4.1": 3,
            "4.2": 3,
            "4.3": 2,
            "5.1": 3,
        },
        "evaluator": {"full_name": "Байжанова Ләззат Оралқызы"},
        "evaluation_date": "2024-10-16",
    },
)


class CabinetHeadPortfolioEvaluation(PortfolioEvaluation):
    """«Әдістемелік кабинет (орталық) басшысының материалдарын (портфолиосын) бағалау парағы»."""

    SHEET: ClassVar[str] = "portfolio-evaluation-cabinet-head"

    variant: Literal["default"] = "default"


CABINET_HEAD_SHEET = portfolio_spec(
    CabinetHeadPortfolioEvaluation,
    id="portfolio-evaluation-cabinet-head",
    title_kk="Әдістемелік кабинет (орталық) басшысының материалдарын (портфолиосын) бағалау парағы",
    title_ru="Лист оценивания материалов (портфолио) руководителя методического кабинета (центра)",
    source="seed 002, App. 11 (sheet 2)",
    not_printed={"variant": "the sheet has one threshold row"},
    example={
        "holder": {"full_name": "Мұқанова Айнұр Қайратқызы", "iin": "770315410005"},
        "position": "Әдістемелік кабинеттің басшысы",
        "organisation": "Қарағанды облысы білім басқармасының Жезқазған қаласы білім бөлімінің "
        "әдістемелік кабинеті",
        "declared_category": "head-first",
        "items": {
            "1.1": 2,
            "1.2": 2,
            "1.3": 2,
            "2.1": 3,
            "3.1": 4,
            "3.2": 4,
            "3.3": 4,
            "3.4": 3,
            "4.1": 3,
        },
        "remarks": "Әдістемелік кабинет сайтын жүйелі жаңартып отыру ұсынылады.",
        "evaluator": {"full_name": "Ермеков Дәурен Сейітұлы"},
        "evaluation_date": "2024-10-16",
    },
)


class DeputyPortfolioEvaluation(PortfolioEvaluation):
    """«Білім беру ұйымы басшысы орынбасарының материалдары (портфолио) бойынша бағалау
    парағы»."""

    SHEET: ClassVar[str] = "portfolio-evaluation-deputy"

    variant: Literal["default", "preschool-deputy"] = Field(
        default="default",
        description="default: deputy heads; preschool-deputy: deputy heads of preschool "
        "organisations (item 2.2 does not apply); derived from ``organisation_type``",
    )

    direction: DeputyDirection | None = Field(
        default=None,
        description="The deputy's direction of work: academic (оқу ісі), profile (бейіндік "
        "оқыту), methodical (әдістемелік жұмыс), digital (цифрландыру), upbringing (тәрбие "
        "ісі), other. Item 2.2 applies to the deputy for profile education only; none "
        "(unknown) scores the sheet as printed",
    )
    indicator_2_1: Indicator21 | None = Field(
        default=None,
        description="Which 2.1 alternative is scored: quality, special-needs or preschool; "
        "derived from organisation_type when absent (a preschool scores «preschool»)",
    )

    def threshold_row(self) -> str:
        return "preschool-deputy" if self.organisation_type == "preschool" else "default"

    def scored_2_1(self) -> Indicator21:
        """The 2.1 alternative the sheet scores for this deputy."""
        if self.indicator_2_1 is not None:
            return self.indicator_2_1
        return "preschool" if self.organisation_type == "preschool" else "quality"

    def not_applicable(self) -> frozenset[str]:
        # «Ескерту: … бейіндік оқыту жөніндегі орынбасары үшін»: 2.2 is the profile deputy's
        if self.direction is not None and self.direction != "profile":
            return frozenset({"2.2"})
        return frozenset()

    def item_note(self, item: str, lang: str) -> str | None:
        if item != "2.1":
            return None
        kk, ru = _DEPUTY_21[self.scored_2_1()]
        return kk if lang == "kk" else ru


def check_deputy_items(case: DeputyPortfolioEvaluation) -> None:
    """The deputy's direction and organisation decide which items and alternatives apply
    (seed 002 App. 11 sheet 3, read as declared on the form): 2.2 is scored only for the
    deputy for profile education; a preschool deputy is scored on 2.1's preschool
    alternative and no other deputy on it. Run on the validated model (FormSpec.rules)."""
    errors = DetailCollector()
    para = "seed 002 App. 11 sheet 3"
    for item in sorted(case.not_applicable()):
        if case.items.get(item, 0):
            errors.add(
                f"items.{item}",
                "item_not_for_direction",
                f"Item {item} applies to the deputy for profile education only; this deputy's "
                f"direction is {case.direction}.",
                para + f" item {item}",
            )
    preschool = case.organisation_type == "preschool"
    if case.indicator_2_1 is not None and (case.indicator_2_1 == "preschool") != preschool:
        errors.add(
            "indicator_2_1",
            "alternative_not_for_organisation",
            "The preschool alternative of 2.1 (МДТО ҰОБ) is the preschool deputy's, and only "
            "theirs.",
            para + " item 2.1",
        )
    errors.raise_if_any()


DEPUTY_SHEET = portfolio_spec(
    DeputyPortfolioEvaluation,
    id="portfolio-evaluation-deputy",
    title_kk="Білім беру ұйымы басшысы орынбасарының материалдары (портфолио) бойынша бағалау "
    "парағы",
    title_ru="Лист оценивания материалов (портфолио) заместителя руководителя организации "
    "образования",
    source="seed 002, App. 11 (sheet 3)",
    rules=(check_deputy_items,),
    not_printed={
        "direction": "decides which items apply (2.2 printed «—» when not)",
        "indicator_2_1": "printed as the note under 2.1",
    },
    example={
        "holder": {"full_name": "Нұрланова Гүлмира Бекенқызы", "iin": "860712410002"},
        "position": "Меңгерушінің әдістемелік жұмыс жөніндегі орынбасары",
        "organisation": "Қарағанды облысы білім басқармасының Сәтбаев қаласы «Балбөбек» "
        "бөбекжай-бақшасы» КМҚК",
        "declared_category": "deputy-second",
        "organisation_type": "preschool",
        "direction": "methodical",
        "items": {
            "1.1": 2,
            "1.2": 3,
            "2.1": 4,
            "2.3": 3,
            "3.1": 3,
            "3.2": 3,
            "3.3": 3,
            "3.4": 3,
            "3.5": 2,
            "4.1": 3,
            "4.2": 3,
            "4.3": 5,
            "4.4": 3,
            "4.5": 2,
            "5.1": 3,
        },
        "evaluator": {"full_name": "Смағұлов Ерболат Жанатұлы"},
        "evaluation_date": "2024-10-18",
    },
)


class CabinetDeputyPortfolioEvaluation(PortfolioEvaluation):
    """«Әдістемелік кабинет (орталық) басшысының орынбасары материалдарын бағалау парағы»."""

    SHEET: ClassVar[str] = "portfolio-evaluation-cabinet-deputy"

    variant: Literal["default"] = "default"


CABINET_DEPUTY_SHEET = portfolio_spec(
    CabinetDeputyPortfolioEvaluation,
    id="portfolio-evaluation-cabinet-deputy",
    title_kk="Әдістемелік кабинет (орталық) басшысының орынбасары материалдарын бағалау парағы "
    "(портфолиосы)",
    title_ru="Лист оценивания материалов (портфолио) заместителя руководителя методического "
    "кабинета (центра)",
    source="seed 002, App. 11 (sheet 4)",
    not_printed={"variant": "the sheet has one threshold row"},
    example={
        "holder": {"full_name": "Оспанов Бауыржан Талғатұлы", "iin": "830511310008"},
        "position": "Әдістемелік кабинет басшысының орынбасары",
        "organisation": "Қарағанды облысы білім басқармасының Шахтинск қаласы білім бөлімінің "
        "әдістемелік кабинеті",
        "declared_category": "deputy-third",
        "items": {"1.1": 2, "1.2": 2, "2.1": 2, "2.2": 3, "2.4": 2, "2.5": 2, "3.1": 3},
        "evaluator": {"full_name": "Байжанова Ләззат Оралқызы"},
        "evaluation_date": "2024-10-18",
    },
)
