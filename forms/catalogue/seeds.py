"""Where each form's fixed wording lies in its seed, and every place the form departs from it.

The line ranges are 1-based and inclusive, in the copies under ``tests/data/seeds`` (the
fidelity check reads them). A form the seeds give no layout for has no range and declares so.
"""

from __future__ import annotations

from forms.catalogue.deviations import DEVIATIONS
from forms.rulebooks.model import SeedLines
from forms.rulebooks.pilot_2024 import SEED_002

__all__ = ["DEVIATIONS", "SEED_001", "SEED_004", "SEED_LINES"]

SEED_001 = "001_e7893f88801f5db5.txt"
SEED_004 = "004_d7541f2ba605888b.txt"

_NOTES_APP8 = SeedLines(SEED_002, 898, 927)
"""«Портфолионы бағалау парағына түсініктеме»: printed with both App. 8 sheets."""

SEED_LINES: dict[str, tuple[SeedLines, ...]] = {
    "qualification-certificate": (SeedLines(SEED_002, 532, 567),),
    "protocol-teachers": (SeedLines(SEED_002, 568, 627),),
    "protocol-extract-teachers": (SeedLines(SEED_002, 628, 657),),
    "service-requirements": (SeedLines(SEED_002, 658, 695),),
    "application-teacher": (SeedLines(SEED_002, 696, 733),),
    "application-accepted-notice": (SeedLines(SEED_002, 734, 753),),
    "application-rejected-notice": (SeedLines(SEED_002, 754, 779),),
    "portfolio-evaluation-teacher": (SeedLines(SEED_002, 780, 845), _NOTES_APP8),
    "portfolio-evaluation-methodist": (
        SeedLines(SEED_002, 780, 788),
        SeedLines(SEED_002, 846, 897),
        _NOTES_APP8,
    ),
    "lesson-observation-school": (SeedLines(SEED_002, 928, 1012),),
    "lesson-observation-preschool": (
        SeedLines(SEED_002, 928, 936),
        SeedLines(SEED_002, 1013, 1086),
    ),
    "lesson-observation-special": (SeedLines(SEED_002, 928, 936), SeedLines(SEED_002, 1087, 1162)),
    "application-head": (SeedLines(SEED_002, 1163, 1204),),
    "portfolio-evaluation-head": (SeedLines(SEED_002, 1205, 1281),),
    "portfolio-evaluation-cabinet-head": (
        SeedLines(SEED_002, 1205, 1213),
        SeedLines(SEED_002, 1282, 1323),
    ),
    "portfolio-evaluation-deputy": (
        SeedLines(SEED_002, 1205, 1213),
        SeedLines(SEED_002, 1324, 1392),
    ),
    "portfolio-evaluation-cabinet-deputy": (
        SeedLines(SEED_002, 1205, 1213),
        SeedLines(SEED_002, 1393, 1431),
    ),
    "protocol-heads": (SeedLines(SEED_002, 1432, 1481),),
    "protocol-extract-heads": (SeedLines(SEED_002, 1482, 1499),),
    "category-order": (),
    "attested-list": (),
    "course-certificate": (SeedLines(SEED_004, 113, 122, lang="ru"),),
    "course-certificate-supplement": (SeedLines(SEED_004, 123, 127, lang="ru"),),
    "course-attendance-note": (),
    "course-final-project-evaluation": (SeedLines(SEED_001, 797, 805),),
    "experience-dissemination-conclusion": (),
}

assert set(DEVIATIONS) == set(SEED_LINES), "every form declares its deviations"
