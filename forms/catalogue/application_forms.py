"""The teacher's and the head's application to take part in attestation (seed 002 App. 5,
App. 10).
"""

from __future__ import annotations

from datetime import date
from typing import Any, ClassVar, Literal

from pydantic import Field, ValidationInfo, field_validator, model_validator
from pydantic_core import PydanticCustomError

from forms.catalogue.application_parts import (
    EMAIL_PATTERN,
    PHONE_PATTERN,
    category_label,
    rule_error,
)
from forms.catalogue.seeds import DEVIATIONS, SEED_LINES
from forms.dates import date_parts
from forms.errors import FormDataInvalid
from forms.rules.categories import (
    Category,
    CategoryKind,
    check_requested_category,
    equivalent_category,
    kind_of,
)
from forms.spec import FormSpec, SignatureRole, SigningMode
from forms.types import CaseModel, Iin, Name, OrgName, ShortText

# --- App. 5 and App. 10: applications -------------------------------------------------------


class Applicant(CaseModel):
    """The applicant and the personal data the consent lists (App. 5, 10)."""

    full_name: Name
    iin: Iin
    email: str = Field(max_length=254, pattern=EMAIL_PATTERN, description="Электрондық пошта")
    phone: str = Field(pattern=PHONE_PATTERN, description="Телефон нөмірі (collected, not printed)")


class HeldCategory(CaseModel):
    """The category the applicant holds now, with its valid-until date."""

    category: Category
    valid_until: date


class Application(CaseModel):
    """Data of an application to take part in attestation (seed 002, App. 5 and App. 10).

    ``current`` precedes ``requested_category`` so the ladder check can see it.
    """

    applicant: Applicant
    position: ShortText = Field(description="Лауазымы (мамандығы)")
    workplace: OrgName = Field(description="Жұмыс орны")
    organisation: OrgName = Field(description="Білім беру ұйымының атауы")
    year: int = Field(ge=2024, le=2100, description="The year of the attestation (20__ жылы)")
    current: HeldCategory | None = Field(default=None, description="None: no category yet")
    decision: Literal["award", "confirmation"] = Field(description="беру / растау")
    requested_category: Category
    personal_data_consent: bool = Field(description="The consent printed on the form")
    signed_on: date

    kinds: ClassVar[frozenset[CategoryKind]] = frozenset({CategoryKind.TEACHER})
    """The ladders the form is for: App. 5 teachers, App. 10 heads and deputies."""

    @field_validator("requested_category")
    @classmethod
    def _category_allowed(cls, value: Category, info: ValidationInfo) -> Category:
        requested = value
        if kind_of(requested) not in cls.kinds:
            raise PydanticCustomError(
                "category_kind_mismatch",
                "this application form is not for a {kind} category",
                {"kind": kind_of(requested).value, "paragraph": "seed 002 §13, §31, §43"},
            )
        if "current" not in info.data or "decision" not in info.data:
            return value  # reported on their own fields
        held = info.data["current"]
        current = held.category if held is not None else None
        try:
            check_requested_category(current, requested, kind=kind_of(requested))
        except FormDataInvalid as exc:
            raise rule_error(exc) from None
        # §32: a former teachers' category is not held as its equivalent, it leads to an award.
        holds_it = (
            current is not None
            and kind_of(current) != CategoryKind.LEGACY_TEACHER
            and equivalent_category(current) == requested
        )
        if info.data["decision"] == "confirmation" and not holds_it:
            raise PydanticCustomError(
                "confirmation_of_category_not_held",
                "only the category one holds can be confirmed; choose award",
                {"paragraph": "seed 002 §31, §33"},
            )
        if info.data["decision"] == "award" and holds_it:
            raise PydanticCustomError(
                "award_of_category_held",
                "the applicant already holds this category; choose confirmation",
                {"paragraph": "seed 002 §31, §33"},
            )
        return value

    @field_validator("personal_data_consent")
    @classmethod
    def _consent_given(cls, value: bool) -> bool:
        if not value:
            raise PydanticCustomError(
                "personal_data_consent_missing",
                "the application needs the consent to the processing of personal data",
                {"paragraph": "seed 002 App. 4 item 9.3; App. 5, 10"},
            )
        return value

    @model_validator(mode="after")
    def _year_follows_signing(self) -> Application:
        if self.year not in (self.signed_on.year, self.signed_on.year + 1):
            raise PydanticCustomError(
                "attestation_year_mismatch",
                "the attestation year is the year of the application or the next one",
                {"paragraph": "seed 002 App. 4 item 10"},
            )
        return self


class HeadApplication(Application):
    """Data of the heads' and deputy heads' application (seed 002, App. 10)."""

    kinds: ClassVar[frozenset[CategoryKind]] = frozenset({CategoryKind.HEAD, CategoryKind.DEPUTY})


def _application_view(case: Application, lang: str) -> dict[str, Any]:
    return {
        "requested_category": category_label(case.requested_category, lang),
        "current_category": category_label(case.current.category, lang) if case.current else None,
        "current_valid_until": date_parts(case.current.valid_until, lang) if case.current else None,
        "signed_on": date_parts(case.signed_on, lang),
    }


def _application_summary(case: Application) -> dict[str, Any]:
    return {
        "requested_category": case.requested_category.value,
        "requested_category_kk": category_label(case.requested_category, "kk"),
        "requested_category_ru": category_label(case.requested_category, "ru"),
        "decision": case.decision,
        "year": case.year,
        "organisation": case.organisation,
        "iin": case.applicant.iin,
    }


_APPLICATION_NOT_PRINTED = {
    "applicant.phone": "the form has no phone line; the consent lists it among the data collected",
    "current.category": "printed by its kk/ru name",
    "requested_category": "printed by its kk/ru name",
    "decision": "printed as беру/растау (присвоение/подтверждение)",
}
_APPLICANT_SIGNS = SignatureRole("applicant", "Өтініш беруші", "Заявитель")

APPLICATION_TEACHER = FormSpec(
    id="application-teacher",
    decisive="signed_on",
    seed_lines=SEED_LINES["application-teacher"],
    deviations=DEVIATIONS["application-teacher"],
    title_kk="Педагогті, бөлім басшысын (меңгерушісін), әдістемелік кабинет (орталық) "
    "әдіскерін аттестаттау рәсіміне қатысуға өтініш",
    title_ru="Заявление на участие в процедуре аттестации педагога, руководителя "
    "(заведующего) отдела, методиста методического кабинета (центра)",
    source="seed 002, App. 5",
    model=Application,
    signing=SigningMode.ISSUER,
    signature_roles=(_APPLICANT_SIGNS,),
    holder_name=lambda c: c.applicant.full_name,
    view=_application_view,
    summary=_application_summary,
    not_printed=_APPLICATION_NOT_PRINTED,
    example={
        "applicant": {
            "full_name": "Ахметова Динара Қайратқызы",
            "iin": "880315463059",
            "email": "d.akhmetova@sch12.krg.edu.kz",
            "phone": "+7 701 524 18 36",
        },
        "position": "Математика пәнінің мұғалімі",
        "workplace": "Қарағанды қаласы, «№ 12 жалпы білім беретін мектеп» КММ",
        "organisation": "Қарағанды облысы білім басқармасының «Қарағанды қаласының № 12 "
        "жалпы білім беретін мектебі» КММ",
        "year": 2025,
        "current": {"category": "teacher-moderator", "valid_until": "2025-05-31"},
        "decision": "award",
        "requested_category": "teacher-expert",
        "personal_data_consent": True,
        "signed_on": "2024-10-15",
    },
)

APPLICATION_HEAD = FormSpec(
    id="application-head",
    decisive="signed_on",
    seed_lines=SEED_LINES["application-head"],
    deviations=DEVIATIONS["application-head"],
    title_kk="Білім беру ұйымдары басшыларының, басшы орынбасарларының, әдістемелік "
    "кабинеттердің (орталықтардың) басшыларының, басшы орынбасарларының аттестаттау "
    "рәсіміне қатысуға өтініш",
    title_ru="Заявление на участие в процедуре аттестации руководителей, заместителей "
    "руководителей организаций образования, руководителей, заместителей руководителей "
    "методических кабинетов (центров)",
    source="seed 002, App. 10",
    model=HeadApplication,
    signing=SigningMode.ISSUER,
    signature_roles=(_APPLICANT_SIGNS,),
    holder_name=lambda c: c.applicant.full_name,
    view=_application_view,
    summary=_application_summary,
    not_printed=_APPLICATION_NOT_PRINTED,
    example={
        "applicant": {
            "full_name": "Сейітқалиев Нұрлан Ерболұлы",
            "iin": "751130384115",
            "email": "n.seitkaliyev@temirtau-lyceum.kz",
            "phone": "+7 775 301 42 09",
        },
        "position": "Директор",
        "workplace": "Теміртау қаласы, «№ 3 мамандандырылған лицей» КММ",
        "organisation": "Қарағанды облысы білім басқармасының «Теміртау қаласының № 3 "
        "мамандандырылған лицейі» КММ",
        "year": 2025,
        "current": {"category": "head-second", "valid_until": "2025-08-31"},
        "decision": "award",
        "requested_category": "head-first",
        "personal_data_consent": True,
        "signed_on": "2024-11-04",
    },
)
