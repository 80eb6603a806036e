"""Names and descriptions in the reader's language.

A catalog object keeps its text in the workspace's language in its own fields and the
other languages in `translations` ({"en": {"name": "...", "description": "..."}});
`localized` picks the reader's."""

from __future__ import annotations

from django.utils import translation

TRANSLATABLE_FIELDS = ("name", "description")


def _language_candidates(language: str | None) -> list[str]:
    language = (language or translation.get_language() or "").lower()
    if not language:
        return []
    candidates = [language]
    base = language.split("-", 1)[0]
    if base != language:
        candidates.append(base)
    return candidates


def localized(obj, field: str, language: str | None = None) -> str:
    """`obj.translations[language][field]` when set (a regional code such as "en-us" falls
    back to "en"), else the field itself."""
    translations = getattr(obj, "translations", None) or {}
    if isinstance(translations, dict):
        for code in _language_candidates(language):
            entry = translations.get(code)
            if isinstance(entry, dict):
                value = entry.get(field)
                if isinstance(value, str) and value.strip():
                    return value
    value = getattr(obj, field, "")
    return value if value is not None else ""
