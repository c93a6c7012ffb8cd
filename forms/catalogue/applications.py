"""Applications and what answers them: the teacher's and the head's application (seed 002,
App. 5, 10), the acceptance and rejection notices (App. 6, 7), the list of basic requirements
for the state service (App. 4), the course-attendance note (seed 004 §3.9) and the
methodical council's conclusion on spreading a teacher's experience (seed 003 §1.1, §2.1, §3.1).

The procedure rules (category ladder, App. 4 documents and refusal grounds) live in
:mod:`forms.rules`; the models call them and turn their errors into field errors.
"""

from __future__ import annotations

from forms.catalogue.application_forms import (
    APPLICATION_HEAD,
    APPLICATION_TEACHER,
    Application,
    HeadApplication,
)
from forms.catalogue.application_parts import (
    GroundId,
    RequirementId,
)
from forms.catalogue.course_notes import (
    COURSE_ATTENDANCE_NOTE,
    CourseAttendanceNote,
)
from forms.catalogue.dissemination import (
    COUNCIL_NAMES,
    DISSEMINATION_SECTIONS,
    EXPERIENCE_DISSEMINATION_CONCLUSION,
    LEVEL_NAMES,
    DisseminationConclusion,
)
from forms.catalogue.notices import (
    APPLICATION_ACCEPTED_NOTICE,
    APPLICATION_REJECTED_NOTICE,
    NOTICE_DECISIVE,
    AcceptedNotice,
    RejectedNotice,
    RejectionReason,
)
from forms.catalogue.service_requirements import (
    SERVICE_REQUIREMENTS,
    ServiceRequirements,
)
from forms.spec import FormSpec

__all__ = [
    "APPLICATION_ACCEPTED_NOTICE",
    "APPLICATION_HEAD",
    "APPLICATION_REJECTED_NOTICE",
    "APPLICATION_TEACHER",
    "COUNCIL_NAMES",
    "COURSE_ATTENDANCE_NOTE",
    "DISSEMINATION_SECTIONS",
    "EXPERIENCE_DISSEMINATION_CONCLUSION",
    "FORMS",
    "LEVEL_NAMES",
    "NOTICE_DECISIVE",
    "SERVICE_REQUIREMENTS",
    "AcceptedNotice",
    "Application",
    "CourseAttendanceNote",
    "DisseminationConclusion",
    "GroundId",
    "HeadApplication",
    "RejectedNotice",
    "RejectionReason",
    "RequirementId",
    "ServiceRequirements",
]

FORMS: tuple[FormSpec, ...] = (
    SERVICE_REQUIREMENTS,
    APPLICATION_TEACHER,
    APPLICATION_ACCEPTED_NOTICE,
    APPLICATION_REJECTED_NOTICE,
    APPLICATION_HEAD,
    COURSE_ATTENDANCE_NOTE,
    EXPERIENCE_DISSEMINATION_CONCLUSION,
)
