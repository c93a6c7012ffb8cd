"""The list of basic requirements of the state service (seed 002 App. 4)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from pydantic import Field

from forms.catalogue.seeds import DEVIATIONS, SEED_LINES
from forms.dates import date_parts
from forms.rules.applications import REFUSAL_GROUNDS, REQUIREMENTS
from forms.spec import FormSpec, SigningMode
from forms.types import CaseModel, OrgName

# --- App. 4: the list of basic requirements of the state service ----------------------------


class ServiceRequirements(CaseModel):
    """Data of the printable App. 4: its content is fixed, the case names who prints it."""

    provider: OrgName = Field(description="Көрсетілетін қызметті беруші")
    as_of: date = Field(description="The date the list is printed for")


def _requirements_view(case: ServiceRequirements, lang: str) -> dict[str, Any]:
    """App. 4 items 8 and 9 from :mod:`forms.rules.applications`, the one source of both lists."""
    text: Callable[[Any], str] = (lambda x: x.kk) if lang == "kk" else (lambda x: x.ru)
    return {
        "as_of": date_parts(case.as_of, lang),
        "documents": [text(r) for r in REQUIREMENTS if r.number is not None],
        "grounds": [
            text(g) for g in REFUSAL_GROUNDS.values() if g.paragraph.endswith(("9.1", "9.2", "9.3"))
        ],
    }


SERVICE_REQUIREMENTS = FormSpec(
    id="service-requirements",
    decisive="as_of",
    seed_lines=SEED_LINES["service-requirements"],
    deviations=DEVIATIONS["service-requirements"],
    title_kk="«Педагогтерді аттестаттаудан өту үшін құжаттарды қабылдау» мемлекеттік қызмет "
    "көрсетуге қойылатын негізгі талаптардың тізімі",
    title_ru="Перечень основных требований к оказанию государственной услуги «Приём "
    "документов для прохождения аттестации педагогов»",
    source="seed 002, App. 4",
    model=ServiceRequirements,
    signing=SigningMode.ISSUER,
    holder_name=lambda _c: None,
    view=_requirements_view,
    summary=lambda c: {"provider": c.provider},
    extra={"requirements": "forms.rules.applications.REQUIREMENTS, REFUSAL_GROUNDS"},
    example={
        "provider": "Қарағанды облысы білім басқармасы",
        "as_of": "2024-09-02",
    },
)
