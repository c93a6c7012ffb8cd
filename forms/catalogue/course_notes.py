"""The course-attendance note for listeners who did not pass (seed 004 §3.9; free form)."""

from __future__ import annotations

from datetime import date

from pydantic import Field, model_validator
from pydantic_core import PydanticCustomError

from forms.catalogue.certificates import (
    CourseResult,
    Head,
    Organisation,
    check_course_dates,
    course_result_outcome,
)
from forms.catalogue.seeds import DEVIATIONS, SEED_LINES
from forms.dates import date_parts
from forms.rulebooks import ZIAT_COURSES_2025
from forms.spec import FormSpec, SigningMode
from forms.types import CaseModel, LongText, Person, ShortText

# --- seed 004 §3.9: the course-attendance note ----------------------------------------------


class CourseAttendanceNote(CaseModel):
    """Data of «Справка о прослушивании курса повышения квалификации» (seed 004 §3.9; free
    form, for listeners who did not pass the final assessment)."""

    organisation: Organisation
    listener: Person
    course_title: LongText = Field(description="Наименование программы курса")
    hours: int = Field(ge=36, le=2000, description="Academic hours (seed 004 §3.5)")
    start_date: date
    end_date: date
    result: CourseResult | None = Field(default=None, description="None: the test not taken")
    head: Head
    registration_number: ShortText
    issue_date: date

    @model_validator(mode="after")
    def _not_passed_and_dates(self) -> CourseAttendanceNote:
        check_course_dates(self.start_date, self.end_date, self.issue_date)
        if self.result is not None and course_result_outcome(self.result) == "certificate":
            raise PydanticCustomError(
                "course_passed",
                "the listener passed the final assessment; issue a course-certificate",
                {"paragraph": "seed 004 §3.6, §3.7, §3.9"},
            )
        return self


COURSE_ATTENDANCE_NOTE = FormSpec(
    id="course-attendance-note",
    decisive="issue_date",
    seed_lines=SEED_LINES["course-attendance-note"],
    deviations=DEVIATIONS["course-attendance-note"],
    rulebook=ZIAT_COURSES_2025,
    title_kk="Біліктілікті арттыру курсын тыңдағаны туралы анықтама",
    title_ru="Справка о прослушивании курса повышения квалификации",
    source="seed 004, §3.9 (free form; the wording is Qujat's)",
    model=CourseAttendanceNote,
    signing=SigningMode.ISSUER,
    holder_name=lambda c: c.listener.full_name,
    view=lambda c, lang: {
        "start_date": date_parts(c.start_date, lang),
        "end_date": date_parts(c.end_date, lang),
        "issue_date": date_parts(c.issue_date, lang),
    },
    not_printed={
        "listener.iin": "the note has no IIN line",
        "result.score": "the note states that the assessment was not passed, not the score",
        "result.max_score": "the note states that the assessment was not passed, not the score",
    },
    summary=lambda c: {
        "organisation": c.organisation.name,
        "course_title": c.course_title,
        "hours": c.hours,
        "registration_number": c.registration_number,
        "iin": c.listener.iin,
    },
    example={
        "organisation": {"name": "ТОО «Научно-методический центр «ZIAT»"},
        "listener": {"full_name": "Тоқтаров Ғалымжан Серікұлы", "iin": "890925384023"},
        "course_title": "Жаратылыстану пәндерін оқытуда зерттеушілік тәсілді қолдану",
        "hours": 80,
        "start_date": "2025-10-06",
        "end_date": "2025-10-17",
        "result": {"score": 19, "max_score": 50},
        "head": {"full_name": "Жұманова Бақыт Асқарқызы", "position": "Директор"},
        "registration_number": "ZIAT-2025-0412",
        "issue_date": "2025-10-20",
    },
)
