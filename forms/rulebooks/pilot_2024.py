"""The rulebook of seed 002: the Algorithm of the Karaganda pilot of attestation through the
National Platform, approved by joint order No. 153 / No. 354/НҚ of 20 June 2024."""

from __future__ import annotations

from datetime import date

from forms.rulebooks.model import Rulebook

__all__ = ["PILOT_2024", "SEED_002"]

SEED_002 = "002_52bda4c2b2a2d5c4.txt"

PILOT_2024 = Rulebook(
    id="kz-attestation-pilot-2024",
    title_kk=(
        "Қарағанды облысы бойынша Педагогтің үздіксіз кәсіби дамуының Ұлттық платформасы "
        "арқылы педагогтерді аттестаттаудан өткізу жөніндегі пилоттық жобаны іске асыру алгоритмі"
    ),
    title_ru=(
        "Алгоритм реализации пилотного проекта по проведению аттестации педагогов через "
        "Национальную платформу непрерывного профессионального развития педагога "
        "по Карагандинской области"
    ),
    legal_source=(
        "Joint order of the acting Minister of Enlightenment No. 153 and the Minister of Digital "
        "Development, Innovation and Aerospace Industry No. 354/НҚ of 20 June 2024"
    ),
    valid_from=date(2024, 6, 20),
    valid_until=date(2024, 12, 31),
    seeds=(SEED_002,),
    note=(
        "Item 9 of the order: in force from the day the last of the two ministers signed it "
        "(both signatures are dated 20 June 2024) until 31 December 2024 inclusive."
    ),
)
