"""E-mail: the rendered subject and text, with an HTML alternative in the platform's mail
layout (apps.core.mail.text_mail: templates/email/text_message.html, the text escaped and
its links made clickable) headed by the workspace's name. Sent through Django's mail API:
the provider is EMAIL_BACKEND (any django-anymail backend in production)."""

from __future__ import annotations

from smtplib import SMTPRecipientsRefused

from anymail.exceptions import AnymailRecipientsRefused

from apps.core.mail import text_mail

from . import ChannelError


def send_email(*, to: str, subject: str, text: str, language: str, brand: str) -> str:
    """The provider's message id when it gives one (anymail's `anymail_status`), else ""."""
    if not to:
        raise ChannelError("no e-mail address", permanent=True)
    message = text_mail(to=to, subject=subject, text=text, language=language, brand=brand)
    try:
        message.send()
    except (SMTPRecipientsRefused, AnymailRecipientsRefused) as error:
        raise ChannelError(f"address refused: {error}", permanent=True) from None
    except Exception as error:  # noqa: BLE001 - any provider's failure (AnymailError, SMTP, network): retried
        raise ChannelError(f"{type(error).__name__}: {error}"[:500]) from None
    status = getattr(message, "anymail_status", None)
    return str(getattr(status, "message_id", "") or "")
