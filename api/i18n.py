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
        "level": "Қолтаңба деңгейі (PAdES)",
        "level_pending": "мұрағаттық уақыт белгісі жақында қосылады",
        "proven_by": "уақыт белгісімен расталған",
        "archive_renewed": "Мұрағаттық уақыт белгісі соңғы рет",
        "id": "Сәйкестендіргіш",
        "rulebook": "Құқықтық негізі",
        "rulebook_period": "Қолданылу мерзімі",
        "outside_period": (
            "Құжат құқықтық негізінің қолданылу мерзімінен тыс күнге берілген "
            "(ұйымның шешімі бойынша)."
        ),
        "verdict_since": "Күні",
        "check_title": "PDF файлын тексеру",
        "check_hint": (
            "Сізге жіберілген PDF файлын жүктеңіз: ол тізілімдегі құжатпен салыстырылады "
            "және оның қолтаңбалары тексеріледі."
        ),
        "file_label": "PDF файл",
        "check_button": "Тексеру",
        "lookup_title": "Нөмірі мен ЖСН бойынша тексеру",
        "lookup_hint": (
            "QR-код оқылмаса: құжаттың тіркеу нөмірін (немесе сәйкестендіргішін) "
            "және иесінің ЖСН-ін енгізіңіз."
        ),
        "number_label": "Тіркеу нөмірі",
        "iin_label": "Иесінің ЖСН",
        "lookup_button": "Табу",
        "lookup_not_found": "Мұндай нөмірі мен ЖСН бар құжат табылмады.",
        "genuine": "Файл түпнұсқа: берілген құжатпен дәл сәйкес, қолтаңбалары жарамды",
        "verdict-revoked": "Файл берілген құжатпен сәйкес, бірақ құжат кері қайтарылған",
        "verdict-expired": "Файл берілген құжатпен сәйкес, бірақ құжаттың мерзімі өткен",
        "verdict-awaiting-signatures": "Құжат әлі барлық қолтаңбаны күтуде",
        "verdict-modified": "Файл қол қойылғаннан кейін өзгертілген",
        "verdict-not-issued-by-us": "Файлды бұл тізілім шығармаған",
        "verdict-unknown": "Тізілімде мұндай файл жоқ",
        "verdict-unreadable": "Файлды тексеру мүмкін емес",
        "reasons": "Себебі",
        "identical": "Берілген файлмен дәл сәйкес",
        "signatures_ok": "Барлық қолтаңба бүтін, жарамды және сенімді",
        "modified": "Қол қойылғаннан кейін өзгертілген",
        "registry_status": "Тізілімдегі мәртебесі",
        "yes": "Иә",
        "no": "Жоқ",
        "not_in_registry": "Тізілімде мұндай мазмұнды құжат жоқ.",
        "signer": "Қол қоюшы",
        "signed_at": "Қол қойылған уақыты",
        "signature_state": "Тексеру нәтижесі",
        "sig_good": "жарамды",
        "sig_bad": "жарамсыз",
        "another": "Басқа файлды тексеру",
        "unreadable_pdf": "Файлды PDF ретінде оқу мүмкін емес.",
        "pdf_too_complex": "Файл тексеру үшін тым күрделі.",
        "verification_busy": "Сервер бос емес, сәлден соң қайталап көріңіз.",
        "payload_too_large": "Файл тым үлкен.",
        "error_title": "Сұрау орындалмады",
        "session_expired": (
            "Бұл сілтеменің мерзімі өтті немесе ол пайдаланылған. Жаңа сілтеме сұраңыз."
        ),
        "not_found": "Мұндай құжат немесе сілтеме табылмады.",
        "error_generic": "Сұрауды орындау мүмкін болмады. Кейінірек қайталаңыз.",
        "validation_failed": "Файл таңдалмаған.",
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
        "level": "Уровень подписи (PAdES)",
        "level_pending": "архивная метка времени будет добавлена вскоре",
        "proven_by": "подтверждено меткой времени от",
        "archive_renewed": "Архивная метка времени последний раз",
        "id": "Идентификатор",
        "rulebook": "Правовое основание",
        "rulebook_period": "Срок действия",
        "outside_period": (
            "Документ выдан на дату вне срока действия его правового основания "
            "(по решению организации)."
        ),
        "verdict_since": "Дата",
        "check_title": "Проверка PDF-файла",
        "check_hint": (
            "Загрузите полученный PDF-файл: он будет сверен с реестром, а его подписи проверены."
        ),
        "file_label": "PDF-файл",
        "check_button": "Проверить",
        "lookup_title": "Проверка по номеру и ИИН",
        "lookup_hint": (
            "Если QR-код не читается: введите регистрационный номер документа (или "
            "его идентификатор) и ИИН владельца."
        ),
        "number_label": "Регистрационный номер",
        "iin_label": "ИИН владельца",
        "lookup_button": "Найти",
        "lookup_not_found": "Документ с таким номером и ИИН не найден.",
        "genuine": "Файл подлинный: совпадает с выданным документом, подписи действительны",
        "verdict-revoked": "Файл совпадает с выданным документом, но документ отозван",
        "verdict-expired": "Файл совпадает с выданным документом, но срок его действия истёк",
        "verdict-awaiting-signatures": "Документ ещё ожидает подписей",
        "verdict-modified": "Файл изменён после подписания",
        "verdict-not-issued-by-us": "Файл выдан не этим реестром",
        "verdict-unknown": "В реестре нет такого файла",
        "verdict-unreadable": "Файл невозможно проверить",
        "reasons": "Причина",
        "identical": "Совпадает с выданным файлом байт в байт",
        "signatures_ok": "Все подписи целы, действительны и доверенные",
        "modified": "Изменён после подписания",
        "registry_status": "Статус в реестре",
        "yes": "Да",
        "no": "Нет",
        "not_in_registry": "В реестре нет документа с таким содержимым.",
        "signer": "Подписант",
        "signed_at": "Время подписи",
        "signature_state": "Результат проверки",
        "sig_good": "действительна",
        "sig_bad": "недействительна",
        "another": "Проверить другой файл",
        "unreadable_pdf": "Файл не читается как PDF.",
        "pdf_too_complex": "Файл слишком сложен для проверки.",
        "verification_busy": "Сервер занят, повторите попытку немного позже.",
        "payload_too_large": "Файл слишком большой.",
        "error_title": "Запрос не выполнен",
        "session_expired": (
            "Срок действия ссылки истёк, или она уже использована. Запросите новую ссылку."
        ),
        "not_found": "Такой документ или ссылка не найдены.",
        "error_generic": "Не удалось выполнить запрос. Повторите позже.",
        "validation_failed": "Файл не выбран.",
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
        "level": "Signature level (PAdES)",
        "level_pending": "the archive timestamp is added shortly",
        "proven_by": "proven by a timestamp of",
        "archive_renewed": "Archive timestamp last renewed",
        "id": "Id",
        "rulebook": "Legal basis",
        "rulebook_period": "In force",
        "outside_period": (
            "Issued for a date outside the period of force of its legal basis "
            "(by the issuer's decision)."
        ),
        "verdict_since": "Date",
        "check_title": "Check a PDF file",
        "check_hint": (
            "Upload the PDF you received: it is compared with the registry and its signatures "
            "are checked."
        ),
        "file_label": "PDF file",
        "check_button": "Check",
        "lookup_title": "Check by number and IIN",
        "lookup_hint": (
            "Where the QR code cannot be read: enter the document's registration "
            "number (or id) and the holder's IIN."
        ),
        "number_label": "Registration number",
        "iin_label": "Holder's IIN",
        "lookup_button": "Find",
        "lookup_not_found": "No document with this number and IIN.",
        "genuine": "The file is genuine: identical to the issued document, signatures valid",
        "verdict-revoked": "The file matches an issued document, but the document is revoked",
        "verdict-expired": "The file matches an issued document, but the document has expired",
        "verdict-awaiting-signatures": "The document still awaits signatures",
        "verdict-modified": "The file was changed after it was signed",
        "verdict-not-issued-by-us": "The file was not issued by this registry",
        "verdict-unknown": "The registry has no such file",
        "verdict-unreadable": "The file cannot be checked",
        "reasons": "Why",
        "identical": "Byte-identical to the issued file",
        "signatures_ok": "Every signature intact, valid and trusted",
        "modified": "Changed after signing",
        "registry_status": "Registry status",
        "yes": "Yes",
        "no": "No",
        "not_in_registry": "No document in the registry has this file's content.",
        "signer": "Signer",
        "signed_at": "Signed at",
        "signature_state": "Result",
        "sig_good": "valid",
        "sig_bad": "not valid",
        "another": "Check another file",
        "unreadable_pdf": "The file cannot be read as a PDF.",
        "pdf_too_complex": "The file is too complex to check.",
        "verification_busy": "The server is busy; try again shortly.",
        "payload_too_large": "The file is too large.",
        "error_title": "The request could not be completed",
        "session_expired": "This link has expired or was used already. Ask for a new one.",
        "not_found": "No such document or link.",
        "error_generic": "The request could not be completed. Try again later.",
        "validation_failed": "No file was chosen.",
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
