"""Rulebooks of the course providers' and the methodical councils' texts (seeds 001, 003, 004).

None of them states a period of force, so their periods are open: a case is never refused
for its date under them (declared in each rulebook's ``note``).
"""

from __future__ import annotations

from forms.rulebooks.model import Rulebook

__all__ = ["KEMEL_COURSE_2026", "TVET_DISSEMINATION_GUIDE", "ZIAT_COURSES_2025"]

KEMEL_COURSE_2026 = Rulebook(
    id="kemel-attestation-course",
    title_kk=(
        "«Педагогтерді аттестаттауға даярлау: біліктілік талаптарына сәйкес кәсіби құзыреттер, "
        "педагогикалық қызмет және даму» біліктілікті арттыру курсының білім беру бағдарламасы"
    ),
    title_ru=(
        "Образовательная программа курса повышения квалификации «Подготовка педагогов к "
        "аттестации: профессиональные компетенции, педагогическая деятельность и развитие в "
        "соответствии с квалификационными требованиями»"
    ),
    legal_source="«Кемел кәсіби даму орталығы», programme of 80 academic hours (Almaty, 2026)",
    valid_from=None,
    valid_until=None,
    seeds=("001_e7893f88801f5db5.txt",),
    note="The programme states no period of force; its period is open.",
)

TVET_DISSEMINATION_GUIDE = Rulebook(
    id="tvet-experience-dissemination-guide",
    title_kk=(
        "Техникалық және кәсіптік білім беру ұйымдарының педагогтері үшін инновациялық "
        "педагогикалық тәжірибені жинақтау және тарату бойынша нұсқаулық"
    ),
    title_ru=(
        "Инструкция по обобщению и распространению инновационного педагогического опыта "
        "для педагогов организаций технического и профессионального образования"
    ),
    legal_source="Guide under the Law «On Education» of 27 July 2007 (seed 003; undated)",
    valid_from=None,
    valid_until=None,
    seeds=("003_6b3b97e34aca483a.txt",),
    note="The guide is undated and states no period of force; its period is open.",
)

ZIAT_COURSES_2025 = Rulebook(
    id="ziat-courses-regulation-2025",
    title_kk="Біліктілікті арттыру курстарын ұйымдастыру және өткізу туралы ереже",
    title_ru=(
        "Положение о разработке образовательных программ курсов повышения квалификации, "
        "об организации и проведении курсов повышения квалификации, посткурсового "
        "сопровождения деятельности педагогов, мониторинге эффективности образовательных "
        "программ"
    ),
    legal_source="ТОО «Научно-методический центр «ZIAT»», regulation approved in 2025 (Astana)",
    valid_from=None,
    valid_until=None,
    seeds=("004_d7541f2ba605888b.txt",),
    note=(
        "Approved «2025 ж.» without a day and without a period of force; its period is read "
        "as open, so no course document is refused for its date."
    ),
)
