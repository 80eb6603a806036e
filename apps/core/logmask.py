"""Personal data and secrets never reach the logs as they are: e-mail addresses, phone
numbers, Korean resident registration numbers, card numbers, bearer tokens and JWTs, and
secrets (webhook signing secrets, API keys, passwords in URLs) are replaced in every log
record, message, extra fields and traceback alike, by the filter below (LOGGING's
handlers). Identifiers that help correlate lines (an e-mail, a phone number) become a keyed
hash, the same for the same value in every line and process (`email:3f9a0c1d2b`);
the rest become a fixed marker.

The key (LOG_MASK_KEY, SECRET_KEY by default) makes the hashes useless without it: a
list of known addresses cannot be hashed and matched against the logs."""

from __future__ import annotations

import hashlib
import hmac
import logging
import re

_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
_JWT = re.compile(r"\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}")
_BEARER = re.compile(r"(?i)\b(bearer|token|api[_-]?key|authorization)"
                     r"([\"']?\s*[:=]?\s*[\"']?)([A-Za-z0-9._~+/=-]{12,})")
_SECRET = re.compile(r"\b(whsec_|sk_|pk_|rk_|plat_|key_)[A-Za-z0-9+/=_-]{8,}")
_URL_PASSWORD = re.compile(r"(?<=://)([^:/@\s]+):([^@/\s]+)@")
_DIGITS = re.compile(r"\d{3}")
_RRN = re.compile(r"(?<![\w-])\d{6}-?[1-8]\d{6}(?![\w-])")
_CARD = re.compile(r"(?<![\w-])(?:\d[ -]?){12,18}\d(?![\w-])")
_PHONE = re.compile(r"(?<![\w+])(?:\+?82[ -]?|0)1[016789][ -]?\d{3,4}[ -]?\d{4}(?!\w)"
                    r"|(?<![\w])\+\d{1,3}[ -]?\d{2,4}[ -]?\d{3,4}[ -]?\d{3,4}(?!\w)")


def _key() -> bytes:
    from django.conf import settings

    return (getattr(settings, "LOG_MASK_KEY", "") or settings.SECRET_KEY or "log-mask").encode()


def keyed_hash(value: str) -> str:
    return hmac.new(_key(), value.strip().lower().encode(), hashlib.sha256).hexdigest()[:10]


def _luhn(digits: str) -> bool:
    total, double = 0, False
    for char in reversed(digits):
        number = int(char) * (2 if double else 1)
        total += number - 9 if number > 9 else number
        double = not double
    return total % 10 == 0


def _card(match: re.Match) -> str:
    digits = re.sub(r"\D", "", match.group(0))
    return "[card]" if 13 <= len(digits) <= 19 and _luhn(digits) else match.group(0)


def mask(text: str) -> str:
    """`text` with personal data and secrets replaced."""
    if not text:
        return text
    if "@" in text:
        text = _URL_PASSWORD.sub(r"\1:[secret]@", text)
        text = _EMAIL.sub(lambda m: f"email:{keyed_hash(m.group(0))}", text)
    if "eyJ" in text:
        text = _JWT.sub("[token]", text)
    if "_" in text or "=" in text or ":" in text or " " in text:
        text = _BEARER.sub(lambda m: f"{m.group(1)}{m.group(2)}[secret]", text)
        text = _SECRET.sub(lambda m: f"{m.group(1)}[secret]", text)
    if _DIGITS.search(text):  # each number below has a run of 3 digits or more
        text = _RRN.sub("[rrn]", text)
        text = _CARD.sub(_card, text)
        text = _PHONE.sub(lambda m: f"phone:{keyed_hash(re.sub(r'[^0-9]', '', m.group(0))[-8:])}", text)
    return text


def _masked(value, depth: int = 0):
    """Texts inside `extra` values (Celery's task lines give dicts of arguments) masked."""
    if isinstance(value, str):
        return mask(value)
    if depth < 5 and isinstance(value, dict):
        return {key: _masked(item, depth + 1) for key, item in value.items()}
    if depth < 5 and isinstance(value, list | tuple):
        return type(value)(_masked(item, depth + 1) for item in value)
    return value


# Fields the platform itself sets, never personal data (ids, the tenant's schema, the
# user's public id): left as they are, so that a hex id is never taken for a number.
_OURS = {"request_id", "task_id", "task", "tenant", "user", "branch", "method", "status", "duration_ms", "state"}

# LogRecord's own attributes: everything else on a record came in `extra`.
_STANDARD = set(logging.LogRecord("", 0, "", 0, "", None, None).__dict__) | {"message", "asctime"}


class PiiMaskingFilter(logging.Filter):
    """Masks the message (formatted with its arguments), every text given in `extra`, and
    the traceback's text, before any formatter sees them."""

    _formatter = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string: keep what there is
            message = str(record.msg)
        record.msg, record.args = mask(message), None
        for name, value in list(record.__dict__.items()):
            if name not in _STANDARD and name not in _OURS:
                setattr(record, name, _masked(value))
        if record.exc_info and not record.exc_text:
            record.exc_text = self._formatter.formatException(record.exc_info)
        if record.exc_text:
            # Formatters print exc_text when exc_info is gone (the JSON one formats exc_info
            # again otherwise, unmasked)
            record.exc_text, record.exc_info = mask(record.exc_text), None
        if record.stack_info:
            record.stack_info = mask(record.stack_info)
        return True
