"""Criteria tables of the evaluation sheets, as data.

Seed 002 App. 8 (portfolio of teachers, sheet 1; of heads of departments and methodists,
sheet 2, with the notes that follow), App. 9 (lesson observation, three sheets, max 102),
App. 11 (portfolio of heads, cabinet heads, deputies, cabinet deputies); seed 001 §8
(final project: five criteria × 10). Titles are shortened from the seed's kk wording.
"""

from __future__ import annotations

from dataclasses import dataclass

from forms.rules.categories import Category

__all__ = [
    "FINAL_PROJECT_CRITERIA",
    "FINAL_PROJECT_CRITERION_MAX",
    "OBSERVATION_LEVEL_MAX",
    "OBSERVATION_SHEETS",
    "PORTFOLIO_SHEETS",
    "Criterion",
    "ObservationSheet",
    "PortfolioSheet",
    "Variant",
]


@dataclass(frozen=True)
class Criterion:
    """One row of a portfolio sheet."""

    id: str
    """Its number on the sheet, e.g. ``"1.1"``."""
    kk: str
    """Its (shortened) Kazakh title."""
    points: tuple[int | None, ...]
    """Points in each category column, lowest category first; ``None`` for "-"."""
    winner_bonus: bool = False
    """True where the top column shows "4 (5)": one point added for at least one winner."""
    mean_of_observations: bool = False
    """True for App. 8 item 1.2: the mean of at least five observation sheets (0–102)."""

    @property
    def cap(self) -> int:
        """The most this item can score."""
        if self.mean_of_observations:
            return 102
        return max(p for p in self.points if p is not None) + (1 if self.winner_bonus else 0)


@dataclass(frozen=True)
class Variant:
    """A row of thresholds for a sub-group of positions."""

    kk: str | None
    """The sheet's label of the row; ``None`` where the seed lost it."""
    thresholds: tuple[int, ...]
    """Minimum total per category column, lowest first."""
    max_total: int
    """The bracketed maximum as printed on the sheet."""
    excluded: frozenset[str] | None
    """Items that do not apply to this group; ``None`` when the seed does not say."""


@dataclass(frozen=True)
class PortfolioSheet:
    """A portfolio evaluation sheet."""

    id: str
    """Stable id (matches the form catalogue)."""
    paragraph: str
    """Where it is in the seed."""
    kk: str
    """Kazakh title."""
    categories: tuple[Category, ...]
    """The category columns, lowest first."""
    criteria: tuple[Criterion, ...]
    """The rows."""
    variants: dict[str, Variant]
    """Threshold rows by id; ``"default"`` is the sheet's main "барлығы" row."""


def _c(id_: str, kk: str, *pts: int | None, bonus: bool = False) -> Criterion:
    return Criterion(id_, kk, tuple(pts), winner_bonus=bonus)


_T = (
    Category.TEACHER_MODERATOR,
    Category.TEACHER_EXPERT,
    Category.TEACHER_RESEARCHER,
    Category.TEACHER_MASTER,
)
_H = (Category.HEAD_THIRD, Category.HEAD_SECOND, Category.HEAD_FIRST)
_D = (Category.DEPUTY_THIRD, Category.DEPUTY_SECOND, Category.DEPUTY_FIRST)

_DISSEMINATION = "Авторлық материалдар негізінде тәжірибені тарату"
_SPEECHES = "Семинарларда, конференцияларда, форумдарда, тренингтерде сөз сөйлеу"
_PUBLICATION = "Зерттеу қызметі негізінде баспасөздегі жарияланым"
_MATERIALS = "Ұсынылған оқу-әдістемелік материалдар"
_COURSES = "Біліктілікті арттыру курстары (жалпы сағат саны)"
_MGMT_COURSES = "Менеджмент саласындағы біліктілікті арттыру курстары"
_OPENNESS = "Білім беру ұйымының ашықтығы"
_COOPERATION = "Білім беру ұйымдарымен, әлеуметтік серіктестермен ынтымақтастық"
_STAFF = "«Педагог-сарапшы», «педагог-зерттеуші», «педагог-шебер» санатты педагогтер (динамика)"
_GROUPS = "Жұмыс/шығармашылық топтарға, сараптамалық кеңестерге, конкурстық комиссияларға қатысу"
_INNOVATION = "Инновациялық іс-шараларға, әлеуметтік (білім беру) жобаларға қатысу"
_PROGRAMMES = "Басшы әзірлеген бағдарламалар, оқу-әдістемелік материалдар"

PORTFOLIO_SHEETS: dict[str, PortfolioSheet] = {
    s.id: s
    for s in (
        PortfolioSheet(
            "portfolio-evaluation-teacher",
            "seed 002 App. 8 sheet 1",
            "Педагог материалдарын бағалау парағы (портфолио)",
            _T,
            (
                _c("1.1", "Білім сапасы (динамика)", 1, 2, 3, 4),
                Criterion(
                    "1.2",
                    "Оқыту сапасы (ұйымдастыру, өткізу)",
                    (61, 71, 81, 91),
                    mean_of_observations=True,
                ),
                _c(
                    "2.1",
                    "Білім алушылардың конкурстарға, олимпиадаларға қатысуы",
                    1,
                    2,
                    3,
                    4,
                    bonus=True,
                ),
                _c("2.2", "Кәсіптік конкурстарға, олимпиадаларға қатысу", 1, 2, 3, 4, bonus=True),
                _c("3.1", _DISSEMINATION, None, None, 6, 9),
                _c("3.2", _SPEECHES, 1, 2, 3, 4, bonus=True),
                _c("3.3", _PUBLICATION, None, None, 5, 6),
                _c(
                    "3.4",
                    "Шығармашылық (сараптамалық, жұмыс) топтарға, жобаларға қатысу",
                    1,
                    2,
                    3,
                    4,
                    bonus=True,
                ),
                _c("3.5", _MATERIALS, 1, 2, 3, 4),
                _c("4.1", _COURSES, 1, 1, 3, 4),
            ),
            {
                "default": Variant("барлығы", (68, 84, 113, 134), 148, frozenset()),
                "roles-4.2": Variant(
                    "тәлімгерлер, педагог-психологтар, әлеуметтік педагогтер, бөлім "
                    "меңгерушілері, білім беру ұйымдарының әдіскерлері және т.б. (4.2)",
                    (67, 82, 110, 130),
                    144,
                    frozenset({"1.1"}),
                ),
            },
        ),
        PortfolioSheet(
            "portfolio-evaluation-methodist",
            "seed 002 App. 8 sheet 2",
            "Бөлім меңгерушісінің, білім беру ұйымы әдіскерінің, әдістемелік кабинет "
            "(орталық) әдіскерінің материалдарын (портфолиосын) бағалау парағы",
            _T,
            (
                _c("1.1", "Сабақты бақылау бойынша сындарлы кері байланыс беру", 3, 3, 6, 9),
                _c("2.1", "Зерттеу (инновациялық, шығармашылық) қызметіне қатысу", 1, 2, 3, 4),
                _c(
                    "2.2",
                    "Кәсіптік конкурстарға немесе олимпиадаларға қатысу",
                    1,
                    2,
                    3,
                    4,
                    bonus=True,
                ),
                _c("3.1", _DISSEMINATION, None, None, 6, 9),
                _c("3.2", _SPEECHES, 1, 2, 3, 4, bonus=True),
                _c("3.3", _PUBLICATION, None, None, 5, 6),
                _c("3.4", _GROUPS, 1, 2, 3, 4, bonus=True),
                _c("3.5", _MATERIALS, 1, 2, 3, 4),
                _c("4.1", _COURSES, 2, 2, 3, 4),
            ),
            {
                "default": Variant("барлығы", (10, 15, 35, 48), 51, frozenset()),
                "cabinet-methodist": Variant(
                    "әдістемелік кабинеттердің (орталықтардың) әдіскерлері үшін",
                    (9, 13, 32, 44),
                    46,
                    frozenset({"2.2"}),
                ),
            },
        ),
        PortfolioSheet(
            "portfolio-evaluation-head",
            "seed 002 App. 11 sheet 1",
            "Білім беру ұйымы басшысының материалдары (портфолио) бойынша бағалау парағы",
            _H,
            (
                _c("1.1", _OPENNESS, 2, 2, 2),
                _c("1.2", "ЕББҚ бар балалар контингентіне сәйкес арнайы жағдайлар", 3, 3, 3),
                _c("1.3", "Ыңғайлы жағдайлар мен қауіпсіз орта құру", 4, 4, 4),
                _c("1.4", "Ғимаратқа кіруді бақылауды ұйымдастыру", 3, 3, 3),
                # Ескерту: +1 when extra-budget funds improved the base (cap 3; total ≤ 65)
                _c("1.5", "Материалдық-техникалық базаны жақсарту", 2, 2, 2, bonus=True),
                _c("1.6", "Қосымша білім берумен қамтылған білім алушылар (динамика)", 2, 3, 4),
                _c("2.1", "Білім сапасы / білім беру бағдарламасын меңгеру динамикасы", 2, 2, 4),
                _c("2.2", "«Алтын белгі» және ҰБТ-да 120+ балл жинаған түлектер", 2, 3, 4),
                _c("2.3", "Бюджеттік негізде оқуға түскен түлектер", 2, 3, 4),
                _c(
                    "2.4",
                    "Конкурстарға, олимпиадаларға қатысушы білім алушылар",
                    2,
                    3,
                    4,
                    bonus=True,
                ),
                _c("3.1", _STAFF, 2, 3, 4),
                _c("3.2", "Кәсіптік конкурстарға қатысқан педагогтер", 2, 3, 4, bonus=True),
                _c("3.3", "Инклюзивті білім беру курстарынан өткен педагогтер үлесі", 2, 3, 4),
                _c("4.1", _PROGRAMMES, 2, 3, 4),
                _c("4.2", _INNOVATION, 2, 3, 4, bonus=True),
                _c("4.3", _GROUPS, 2, 3, 4),
                _c("5.1", _MGMT_COURSES, 2, 3, 4),
            ),
            {
                "default": Variant("барлығы", (38, 49, 62), 65, frozenset()),
                "tvet-head": Variant(
                    "Техникалық және кәсіптік білім беру ұйымдарының басшысы",
                    (36, 46, 58),
                    61,
                    frozenset({"2.2"}),
                ),
                "preschool-head": Variant(
                    "мектепке дейінгі ұйымның басшысы", (34, 43, 54), 57, frozenset({"2.2", "2.3"})
                ),
                "row-4": Variant(None, (32, 40, 50), 53, None),
                "row-5": Variant(None, (30, 37, 46), 49, None),
            },
        ),
        PortfolioSheet(
            "portfolio-evaluation-cabinet-head",
            "seed 002 App. 11 sheet 2",
            "Әдістемелік кабинет (орталық) басшысының материалдарын (портфолиосын) бағалау парағы",
            _H,
            (
                _c("1.1", _OPENNESS, 2, 2, 2),
                # Ескерту: +1 when extra-budget funds improved the base (cap 3; total ≤ 31)
                _c("1.2", "Материалдық-техникалық базаны жақсарту", 2, 2, 2, bonus=True),
                _c("1.3", _COOPERATION, 2, 2, 2),
                _c("2.1", _STAFF, 2, 3, 4),
                _c("3.1", _PROGRAMMES, 2, 3, 4),
                _c("3.2", _INNOVATION, 2, 3, 4, bonus=True),
                _c("3.3", _GROUPS, 2, 3, 4),
                _c("3.4", _PROGRAMMES, 2, 3, 4),
                _c("4.1", _MGMT_COURSES, 2, 3, 4),
            ),
            {"default": Variant("барлығы", (18, 24, 30), 31, frozenset())},
        ),
        PortfolioSheet(
            "portfolio-evaluation-deputy",
            "seed 002 App. 11 sheet 3",
            "Білім беру ұйымы басшысы орынбасарының материалдары (портфолио) бойынша бағалау "
            "парағы",
            _D,
            (
                _c("1.1", _OPENNESS, 2, 2, 2),
                _c("1.2", _COOPERATION, 2, 3, 4),
                _c("2.1", "Білім сапасы / білім беру бағдарламасын меңгеру динамикасы", 2, 2, 4),
                _c("2.2", "Бюджеттік негізде оқуға түскен түлектер", 2, 3, 4),
                _c(
                    "2.3",
                    "Конкурстарға, олимпиадаларға қатысушы білім алушылар",
                    2,
                    3,
                    4,
                    bonus=True,
                ),
                _c("3.1", _STAFF, 2, 3, 4),
                _c("3.2", "Өзінің цифрлық білім беру ресурстарын әзірлейтін педагогтер", 2, 3, 4),
                _c("3.3", "Кәсіптік конкурстарға қатысқан педагогтер", 2, 3, 4, bonus=True),
                _c("3.4", "Инклюзивті білім беру курстарынан өткен педагогтер үлесі", 2, 3, 4),
                _c("3.5", "Конкурстарға немесе олимпиадаларға қатысуы", 2, 3, 4),
                _c("4.1", "Басшы орынбасары әзірлеген бағдарлама, материалдар", 2, 3, 4),
                _c("4.2", _SPEECHES, 2, 3, 4, bonus=True),
                _c("4.3", _PUBLICATION, None, 5, 6),
                _c("4.4", _INNOVATION, 2, 3, 4, bonus=True),
                _c("4.5", _GROUPS, 2, 3, 4, bonus=True),
                _c("5.1", _MGMT_COURSES, 2, 3, 4),
            ),
            {
                "default": Variant("қорытынды", (30, 47, 62), 67, frozenset()),
                "preschool-deputy": Variant(
                    "мектепке дейінгі білім беру ұйымы басшысының орынбасарына",
                    (28, 44, 58),
                    67,
                    frozenset({"2.2"}),
                ),
            },
        ),
        PortfolioSheet(
            "portfolio-evaluation-cabinet-deputy",
            "seed 002 App. 11 sheet 4",
            "Әдістемелік кабинет (орталық) басшысының орынбасары материалдарын бағалау парағы",
            _D,
            (
                _c("1.1", _OPENNESS, 2, 2, 2),
                _c("1.2", _COOPERATION, 2, 3, 4),
                _c("2.1", "Басшы орынбасары әзірлеген бағдарлама, материалдар", 2, 3, 4),
                _c("2.2", _SPEECHES, 2, 3, 4, bonus=True),
                _c("2.3", _PUBLICATION, None, 5, 6),
                _c("2.4", _INNOVATION, 2, 3, 4, bonus=True),
                _c("2.5", _GROUPS, 2, 3, 4, bonus=True),
                _c("3.1", "Менеджмент немесе әдістемелік жұмыс бойынша курстар", 2, 3, 4),
            ),
            {"default": Variant("қорытынды", (14, 25, 32), 35, frozenset())},
        ),
    )
}
"""App. 8 (two sheets) and App. 11 (four sheets), by id."""


@dataclass(frozen=True)
class ObservationSheet:
    """A lesson observation sheet of App. 9."""

    id: str
    """Stable id (matches the form catalogue)."""
    kk: str
    """Kazakh title."""
    indicators: dict[str, int]
    """Number of indicators ("деңгейі" rows) per criterion id."""
    max_total: int = 102
    """The printed maximum ("қорытынды (max 102)")."""


OBSERVATION_LEVEL_MAX = 3
"""Points per indicator: 34 indicators × 3 = 102 on the school and preschool sheets."""

_OBS_COMMON = {
    "1.1": 2,
    "1.2": 4,
    "1.3": 4,
    "2.2": 2,
    "2.3": 4,
    "2.5": 2,
    "2.6": 2,
    "4.1": 1,
    "4.2": 1,
}

OBSERVATION_SHEETS: dict[str, ObservationSheet] = {
    s.id: s
    for s in (
        ObservationSheet(
            "lesson-observation-school",
            "Орта, техникалық және кәсіптік білім беру ұйымы педагогінің сабағын бақылау парағы",
            {**_OBS_COMMON, "2.1": 3, "2.4": 3, "3.1": 6},
        ),
        ObservationSheet(
            "lesson-observation-preschool",
            "Мектепке дейінгі ұйым педагогінің ұйымдастырылған қызметін бақылау парағы",
            {**_OBS_COMMON, "2.1": 4, "2.4": 3, "2.5": 3, "3.1": 4},
        ),
        ObservationSheet(
            "lesson-observation-special",
            "Білім беру ұйымдарының арнайы педагогтері сабақтарын бақылау парағы",
            {**_OBS_COMMON, "2.1": 4, "2.4": 4, "3.1": 6},
        ),
    )
}
"""App. 9's three sheets, by id."""

FINAL_PROJECT_CRITERIA: dict[str, str] = {
    "relevance": "Өзектілігі және кәсіби салаға сәйкестігі",
    "practical-value": "Практикалық маңыздылығы және іске асырылу мүмкіндігі",
    "structure": "Құрылымдық логикасы, толықтығы, нормативтік дұрыстығы",
    "methodology": "Әдістемелік сауаттылығы, үлгілерді (шаблондарды) қолдануы",
    "creativity": "Креативтілігі, педагогикалық икемділігі, бірегейлігі",
}
"""Seed 001 §8: five criteria, at most 10 points each, 50 in all."""
FINAL_PROJECT_CRITERION_MAX = 10
