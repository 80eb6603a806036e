"""Which language a person is written to in: their saved language (User.language) when
the address belongs to a known user, else the fallbacks the sender knows (a workspace's
locale, the page the person was on), else settings.LANGUAGE_CODE (apps.core.mail)."""

from __future__ import annotations

from apps.core.mail import mail_language

from .models import User


def user_language(user, *fallbacks: str | None) -> str:
    return mail_language(getattr(user, "language", ""), *fallbacks)


def address_language(email: str, *fallbacks: str | None) -> str:
    user = User.objects.filter(email__iexact=User.objects.normalize_email(email)).only("language").first()
    return user_language(user, *fallbacks)
