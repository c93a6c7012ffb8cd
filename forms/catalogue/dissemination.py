"""The methodical council's conclusion on spreading a teacher's experience (seed 003 §1.1,
§2.1, §3.1; the form's wording is Qujat's).
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import Field, model_validator
from pydantic_core import PydanticCustomError

from forms.catalogue.application_parts import (
    category_label,
)
from forms.catalogue.seeds import DEVIATIONS, SEED_LINES
from forms.dates import date_parts
from forms.rulebooks import TVET_DISSEMINATION_GUIDE
from forms.rules.categories import (
    Category,
)
from forms.spec import FormSpec, SignatureRole, SigningMode
from forms.types import CaseModel, LongText, Name, OrgName, Person, ShortText

# --- seed 003: the methodical council's conclusion ------------------------------------------

Council = Literal["oak", "oab", "roak"]
Level = Literal["district", "oblast", "republic"]

DISSEMINATION_SECTIONS: dict[str, tuple[frozenset[str], frozenset[tuple[str, str]]]] = {
    "§1.1": (
        frozenset(
            {"teacher-researcher", "head-second", "head-third", "deputy-second", "deputy-third"}
        ),
        frozenset({("oak", "oblast"), ("oab", "republic")}),
    ),
    "§2.1": (
        frozenset({"teacher-master", "head-first", "deputy-first"}),
        frozenset({("roak", "republic")}),
    ),
    "§3.1": (frozenset({"teacher-expert"}), frozenset({("oab", "district")})),
}
"""Seed 003: for each section, the categories it serves and the (council, level) pairs it
allows: ОӘК → oblast, ОӘБ → republic (§1.1, republican subordinate organisations) or
district/city (§3.1), РОӘК → republic (§2.1)."""

COUNCIL_NAMES = {
    "oak": ("оқу-әдістемелік кеңес (ОӘК)", "учебно-методический совет (УМС)"),
    "oab": ("оқу-әдістемелік бірлестік (ОӘБ)", "учебно-методическое объединение (УМО)"),
    "roak": (
        "республикалық оқу-әдістемелік кеңес (РОӘК)",
        "республиканский учебно-методический совет (РУМС)",
    ),
}
LEVEL_NAMES = {
    "district": (
        "аудан/қала деңгейінде (кемінде үш аудан/қаланы қамту)",
        "на уровне района/города (с охватом не менее трёх районов/городов)",
    ),
    "oblast": (
        "облыс (кемінде үш аудан/қаланы қамту), республикалық маңызы бар қалалар мен астана "
        "деңгейінде",
        "на уровне области (с охватом не менее трёх районов/городов), городов "
        "республиканского значения и столицы",
    ),
    "republic": ("республикалық деңгейде", "на республиканском уровне"),
}


class CouncilProtocol(CaseModel):
    """The protocol of the council's meeting the conclusion rests on (seed 003 §1.1)."""

    number: ShortText
    date: date


class CouncilOfficer(CaseModel):
    """The council's chair or secretary."""

    full_name: Name


class DisseminationConclusion(CaseModel):
    """Data of «Оқу-әдістемелік кеңес (бірлестік) қорытындысы» (seed 003 §1.1, §2.1, §3.1)."""

    council: Council = Field(description="oak: ОӘК, oab: ОӘБ, roak: РОӘК")
    council_name: OrgName = Field(description="Full name of the council (association)")
    protocol: CouncilProtocol
    teacher: Person
    position: ShortText
    organisation: OrgName = Field(description="The teacher's education organisation")
    referred_by: OrgName = Field(description="Who sent the materials (§1.1, §2.1, §3.1)")
    category: Category = Field(description="The category the teacher is attested for")
    materials: LongText = Field(description="The teaching materials considered")
    decision: Literal["recommended", "not-recommended"]
    level: Level | None = Field(default=None, description="Level of dissemination, if recommended")
    supporting_documents: list[LongText] = Field(
        min_length=1, max_length=50, description="Растайтын құжаттар (seed 003 §1.3, §2.3, §3.3)"
    )
    chair: CouncilOfficer
    secretary: CouncilOfficer
    issue_date: date

    @model_validator(mode="after")
    def _level_fits(self) -> DisseminationConclusion:
        if self.decision == "not-recommended":
            if self.level is not None:
                raise PydanticCustomError(
                    "dissemination_level_without_decision",
                    "a level is set only when dissemination is recommended",
                    {"paragraph": "seed 003 §1.1, §2.1, §3.1"},
                )
        elif self.level is None:
            raise PydanticCustomError(
                "dissemination_level_missing",
                "a recommendation names the level of dissemination",
                {"paragraph": "seed 003 §1.1, §2.1, §3.1"},
            )
        section = next((s for s, (cats, _) in DISSEMINATION_SECTIONS.items() if self.category
                        in cats), None)  # fmt: skip
        if section is None:
            raise PydanticCustomError(
                "dissemination_not_required",
                "seed 003 sets no council review for this category",
                {"paragraph": "seed 003 introduction"},
            )
        pairs = DISSEMINATION_SECTIONS[section][1]
        if self.level is not None and (self.council, self.level) not in pairs:
            raise PydanticCustomError(
                "dissemination_level_mismatch",
                "this council cannot decide this level for this category",
                {"paragraph": f"seed 003 {section}"},
            )
        if self.level is None and self.council not in {c for c, _ in pairs}:
            raise PydanticCustomError(
                "dissemination_level_mismatch",
                "this council does not review materials for this category",
                {"paragraph": f"seed 003 {section}"},
            )
        if self.issue_date < self.protocol.date:
            raise PydanticCustomError(
                "conclusion_before_protocol",
                "the conclusion is drawn up on the basis of the protocol, not before it",
                {"paragraph": "seed 003 §1.1, §2.1, §3.1"},
            )
        return self


def _conclusion_view(case: DisseminationConclusion, lang: str) -> dict[str, Any]:
    i = 0 if lang == "kk" else 1
    return {
        "council": COUNCIL_NAMES[case.council][i],
        "level": LEVEL_NAMES[case.level][i] if case.level else None,
        "category": category_label(case.category, lang),
        "protocol_date": date_parts(case.protocol.date, lang),
        "issue_date": date_parts(case.issue_date, lang),
    }


EXPERIENCE_DISSEMINATION_CONCLUSION = FormSpec(
    id="experience-dissemination-conclusion",
    decisive="protocol.date",
    seed_lines=SEED_LINES["experience-dissemination-conclusion"],
    deviations=DEVIATIONS["experience-dissemination-conclusion"],
    rulebook=TVET_DISSEMINATION_GUIDE,
    title_kk="Оқу-әдістемелік кеңес (бірлестік) қорытындысы",
    title_ru="Заключение учебно-методического совета (объединения)",
    source="seed 003, §1.1, §2.1, §3.1 (the form's wording is Qujat's, from the seed's phrases)",
    model=DisseminationConclusion,
    signing=SigningMode.ISSUER,
    signature_roles=(
        SignatureRole("chair", "Төраға", "Председатель"),
        SignatureRole("secretary", "Хатшы", "Секретарь"),
    ),
    holder_name=lambda c: c.teacher.full_name,
    view=_conclusion_view,
    not_printed={
        "teacher.iin": "the conclusion has no IIN line",
        "council": "printed by its kk/ru name",
        "category": "printed by its kk/ru name",
        "decision": "printed as the decision sentence",
        "level": "printed by its kk/ru wording",
    },
    summary=lambda c: {
        "council_name": c.council_name,
        "protocol_number": c.protocol.number,
        "decision": c.decision,
        "level": c.level,
        "category": c.category.value,
        "iin": c.teacher.iin,
    },
    example={
        "council": "oak",
        "council_name": "Қарағанды облысы білім басқармасының әдістемелік кабинеті жанындағы "
        "оқу-әдістемелік кеңес",
        "protocol": {"number": "4", "date": "2025-11-20"},
        "teacher": {"full_name": "Исаев Арман Төлегенұлы", "iin": "800619393200"},
        "position": "Физика пәнінің оқытушысы",
        "organisation": "Қарағанды облысы білім басқармасының «Қарағанды политехникалық "
        "колледжі» КМҚК",
        "referred_by": "«Қарағанды политехникалық колледжі» КМҚК",
        "category": "teacher-researcher",
        "materials": "«Физиканы оқытуда цифрлық зертханаларды қолдану» оқу-әдістемелік "
        "құралы және зертханалық жұмыстар жинағы",
        "decision": "recommended",
        "level": "oblast",
        "supporting_documents": [
            "Әзірлемелерді енгізу туралы актілер (3 білім беру ұйымы)",
            "Облыстық семинар бағдарламасының көшірмесі",
            "Білім басқармасының бұйрығынан үзінді",
            "Семинарға қатысу сертификаты",
        ],
        "chair": {"full_name": "Ғабдуллина Жанар Әміржанқызы"},
        "secretary": {"full_name": "Нұрпейісова Әсем Болатқызы"},
        "issue_date": "2025-11-24",
    },
)
