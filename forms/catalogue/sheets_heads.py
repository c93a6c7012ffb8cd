"""App. 11's portfolio sheets (seed 002): heads and deputy heads of education organisations
and of methodical cabinets (centres)."""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import Field

from forms.catalogue.sheets_portfolio import PortfolioEvaluation, portfolio_spec

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

    def threshold_row(self) -> str:
        return "preschool-deputy" if self.organisation_type == "preschool" else "default"


DEPUTY_SHEET = portfolio_spec(
    DeputyPortfolioEvaluation,
    id="portfolio-evaluation-deputy",
    title_kk="Білім беру ұйымы басшысы орынбасарының материалдары (портфолио) бойынша бағалау "
    "парағы",
    title_ru="Лист оценивания материалов (портфолио) заместителя руководителя организации "
    "образования",
    source="seed 002, App. 11 (sheet 3)",
    example={
        "holder": {"full_name": "Нұрланова Гүлмира Бекенқызы", "iin": "860712410002"},
        "position": "Меңгерушінің әдістемелік жұмыс жөніндегі орынбасары",
        "organisation": "Қарағанды облысы білім басқармасының Сәтбаев қаласы «Балбөбек» "
        "бөбекжай-бақшасы» КМҚК",
        "declared_category": "deputy-second",
        "organisation_type": "preschool",
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
