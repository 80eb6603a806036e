"""Checks the catalog's writes share: translations, option-group choices, uploaded images."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .errors import ImageInvalid, ImageTooLarge, OptionChoicesInvalid, TranslationInvalid

IMAGE_MAX_BYTES = 5 * 1024 * 1024
# Format -> (extension, content types a browser may declare for it).
IMAGE_FORMATS = {"JPEG": ("jpg", {"image/jpeg", "image/jpg", "image/pjpeg"}), "PNG": ("png", {"image/png"}),
                 "WEBP": ("webp", {"image/webp"})}
_GENERIC_TYPES = {"", "application/octet-stream"}


def language_codes() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def clean_translations(value, *, fields: dict[str, int | None]) -> dict:
    """{"en": {"name": "...", "description": "..."}} with only the workspace's languages
    (settings.LANGUAGES) and only `fields` (name -> max length, None: unlimited). Blank
    texts and languages left empty are dropped. Raises TranslationInvalid."""
    if value in (None, ""):
        return {}
    if not isinstance(value, dict):
        raise TranslationInvalid(details={"translations": [str(TranslationInvalid.message)]})
    languages, problems, cleaned = language_codes(), [], {}
    for language, texts in value.items():
        if language not in languages:
            problems.append(_("“%(language)s” is not one of the languages offered (%(languages)s).")
                            % {"language": language, "languages": ", ".join(languages)})
            continue
        if not isinstance(texts, dict):
            problems.append(_("Give the texts of “%(language)s” as an object, e.g. {\"name\": \"…\"}.")
                            % {"language": language})
            continue
        entry = {}
        for field, text in texts.items():
            if field not in fields:
                problems.append(_("“%(field)s” cannot be translated; only %(fields)s.")
                                % {"field": field, "fields": ", ".join(fields)})
            elif not isinstance(text, str):
                problems.append(_("The translation of “%(field)s” must be text.") % {"field": field})
            elif fields[field] is not None and len(text.strip()) > fields[field]:
                problems.append(_("The translation of “%(field)s” has more than %(max)s characters.")
                                % {"field": field, "max": fields[field]})
            elif text.strip():
                entry[field] = text.strip()
        if entry:
            cleaned[language] = entry
    if problems:
        raise TranslationInvalid(str(problems[0]), details={"translations": [str(p) for p in problems]})
    return cleaned


def check_choices(*, required: bool, min_choices: int, max_choices: int) -> None:
    """What the option group's check constraints say, as a person reads it."""
    if max_choices < 1:
        field, message = "max_choices", _("Allow at least one choice.")
    elif min_choices > max_choices:
        field, message = "min_choices", (_("The minimum (%(min)s) cannot be above the maximum (%(max)s).")
                                         % {"min": min_choices, "max": max_choices})
    elif required and min_choices < 1:
        field, message = "min_choices", _("A required group needs at least one choice.")
    else:
        return
    raise OptionChoicesInvalid(message, details={field: [str(message)]})


def _detect_format(upload) -> str | None:
    """The image format from the file's content (Pillow when installed, else the magic bytes)."""
    upload.seek(0)
    try:
        from PIL import Image
    except ImportError:  # pragma: no cover - Pillow comes with weasyprint
        head = upload.read(12)
        upload.seek(0)
        if head.startswith(b"\xff\xd8\xff"):
            return "JPEG"
        if head.startswith(b"\x89PNG\r\n\x1a\n"):
            return "PNG"
        if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
            return "WEBP"
        return None
    try:
        with Image.open(upload) as image:
            kind = image.format
            image.verify()  # a truncated or corrupt file fails here
    except Exception:  # Pillow raises many kinds (UnidentifiedImageError, SyntaxError, DecompressionBomb...)
        kind = None
    upload.seek(0)
    return kind


def check_image(upload) -> str:
    """A JPEG, PNG or WebP of at most 5 MB, judged by its content (the declared content type
    must not say otherwise). Returns the file extension to store it under."""
    size = getattr(upload, "size", None)
    if size is None or size > IMAGE_MAX_BYTES:
        raise ImageTooLarge(details={"image": [str(ImageTooLarge.message)], "size": size, "limit": IMAGE_MAX_BYTES})
    kind = _detect_format(upload)
    declared = (getattr(upload, "content_type", "") or "").split(";")[0].strip().lower()
    if kind not in IMAGE_FORMATS or (declared not in _GENERIC_TYPES and declared not in IMAGE_FORMATS[kind][1]):
        raise ImageInvalid(details={"image": [str(ImageInvalid.message)]})
    return IMAGE_FORMATS[kind][0]
