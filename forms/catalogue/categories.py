"""Names of the qualification categories a certificate can carry (seed 002 §31, §44, §48)."""

from __future__ import annotations

# code → (kk, ru, holder kind). The holder kind decides the validity term (§3, §43).
CATEGORIES: dict[str, tuple[str, str, str]] = {
    "teacher": ("педагог", "педагог", "teacher"),
    "teacher-moderator": ("педагог-модератор", "педагог-модератор", "teacher"),
    "teacher-expert": ("педагог-сарапшы", "педагог-эксперт", "teacher"),
    "teacher-researcher": ("педагог-зерттеуші", "педагог-исследователь", "teacher"),
    "teacher-master": ("педагог-шебер", "педагог-мастер", "teacher"),
    "head-first": ("бірінші санаттағы басшы", "руководитель первой категории", "head"),
    "head-second": ("екінші санаттағы басшы", "руководитель второй категории", "head"),
    "head-third": ("үшінші санаттағы басшы", "руководитель третьей категории", "head"),
    "deputy-first": (
        "бірінші санаттағы басшының орынбасары",
        "заместитель руководителя первой категории",
        "deputy",
    ),
    "deputy-second": (
        "екінші санаттағы басшының орынбасары",
        "заместитель руководителя второй категории",
        "deputy",
    ),
    "deputy-third": (
        "үшінші санаттағы басшының орынбасары",
        "заместитель руководителя третьей категории",
        "deputy",
    ),
}
