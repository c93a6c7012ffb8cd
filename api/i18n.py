"""Words of the public verification page in Kazakh, Russian and English."""

from __future__ import annotations

__all__ = ["LABELS", "PAGE_LANGS", "pick_lang"]

PAGE_LANGS = ("kk", "ru", "en")

LABELS: dict[str, dict[str, str]] = {
    "kk": {
        "page_title": "Құжаттың түпнұсқалығын тексеру",
        "valid": "Құжат жарамды",
        "expired": "Құжаттың мерзімі өткен",
        "revoked": "Құжат кері қайтарылған",
        "awaiting-signatures": "Құжат қолдарды күтуде",
        "unknown": "Мұндай құжат табылмады",
        "valid_note": "Құжат тізілімде бар және оның электрондық қолтаңбасы тексерілді.",
        "unknown_note": "Бұл сәйкестендіргіш бойынша тізілімде құжат жоқ. Сілтемені тексеріңіз.",
        "document": "Құжат",
        "holder": "Иесі",
        "iin": "ЖСН",
        "category": "Біліктілік санаты",
        "organisation": "Ұйым",
        "course_title": "Курс",
        "position": "Лауазымы",
        "registration_number": "Тіркеу нөмірі",
        "issued_at": "Берілген күні",
        "valid_until": "Жарамдылық мерзімі",
        "revoked_at": "Кері қайтарылған күні",
        "signatures": "Қолтаңбалар",
        "id": "Сәйкестендіргіш",
    },
    "ru": {
        "page_title": "Проверка подлинности документа",
        "valid": "Документ действителен",
        "expired": "Срок действия документа истёк",
        "revoked": "Документ отозван",
        "awaiting-signatures": "Документ ожидает подписей",
        "unknown": "Документ не найден",
        "valid_note": "Документ есть в реестре, его электронная подпись проверена.",
        "unknown_note": "В реестре нет документа с таким идентификатором. Проверьте ссылку.",
        "document": "Документ",
        "holder": "Владелец",
        "iin": "ИИН",
        "category": "Квалификационная категория",
        "organisation": "Организация",
        "course_title": "Курс",
        "position": "Должность",
        "registration_number": "Регистрационный номер",
        "issued_at": "Дата выдачи",
        "valid_until": "Действителен до",
        "revoked_at": "Дата отзыва",
        "signatures": "Подписи",
        "id": "Идентификатор",
    },
    "en": {
        "page_title": "Document verification",
        "valid": "The document is valid",
        "expired": "The document has expired",
        "revoked": "The document has been revoked",
        "awaiting-signatures": "The document is awaiting signatures",
        "unknown": "No such document",
        "valid_note": "The document is in the registry and its electronic signature was checked.",
        "unknown_note": "The registry holds no document with this id. Check the link.",
        "document": "Document",
        "holder": "Holder",
        "iin": "IIN",
        "category": "Qualification category",
        "organisation": "Organisation",
        "course_title": "Course",
        "position": "Position",
        "registration_number": "Registration number",
        "issued_at": "Issued",
        "valid_until": "Valid until",
        "revoked_at": "Revoked",
        "signatures": "Signatures",
        "id": "Id",
    },
}


def pick_lang(query: str | None, accept_language: str | None) -> str:
    """``?lang=`` wins; else the first supported language in Accept-Language; else kk."""
    if query in PAGE_LANGS:
        return query
    for part in (accept_language or "").split(","):
        tag = part.split(";")[0].strip().lower()[:2]
        if tag in PAGE_LANGS:
            return tag
    return "kk"
