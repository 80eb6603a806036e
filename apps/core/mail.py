"""E-mail, one way for every sender: `templated_mail` renders a message in the
recipient's language from three templates, `<template>_subject.txt`,
`<template>_message.txt` and `<template>_message.html` (the names allauth uses too), and
makes it plain text with an HTML alternative in the shared layout
(templates/email/base.html); `send_templated_mail` sends it now or once the caller's
transaction commits. `text_mail` does the same for a subject and text written already
(a workspace's own message template, say): the text shown in the layout. Who speaks
which language is each app's rule (the facts live there); `mail_language` turns their
candidates into a language the platform speaks.

Also the development e-mail backend (platform_/settings/dev.py): one console line per
message, who it is for, its subject and the links in it (the owner's set-password link,
say), in place of the raw MIME text Django's console backend prints."""

from __future__ import annotations

import re
from contextlib import nullcontext
from email.utils import parseaddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.mail.backends.console import EmailBackend as ConsoleEmailBackend
from django.db import transaction
from django.template import TemplateDoesNotExist
from django.template.loader import get_template, render_to_string
from django.utils import timezone, translation

_LINK = re.compile(r"""https?://[^\s<>"']+""")


def mail_language(*candidates: str | None) -> str:
    """The first candidate language the platform speaks ("ko", "en-US" -> "en"), else
    settings.LANGUAGE_CODE."""
    for code in candidates:
        if code:
            try:
                return translation.get_supported_language_variant(str(code))
            except LookupError:
                continue
    return settings.LANGUAGE_CODE


def default_brand() -> str:
    """The platform's name, as its mail is signed (the name in DEFAULT_FROM_EMAIL)."""
    return parseaddr(settings.DEFAULT_FROM_EMAIL)[0] or settings.BASE_DOMAIN


def templated_mail(*, to: str | list[str], template: str, context: dict, language: str | None,
                   time_zone: str | None = None, brand: str = "", from_email: str | None = None,
                   headers: dict | None = None) -> EmailMultiAlternatives:
    """The message `template` (a prefix, e.g. "billing/email/receipt") to `to`, rendered
    with `language` (and `time_zone`, for dates) active. `brand` heads the HTML layout:
    the workspace's name when the mail is about a workspace, else the platform's. A
    template without an HTML part of its own has its text shown in the layout."""
    context = {"brand": brand or default_brand(), **context}
    with translation.override(mail_language(language)), \
            (timezone.override(time_zone) if time_zone else nullcontext()):
        subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
        context["subject"] = subject
        text = render_to_string(f"{template}_message.txt", context).strip() + "\n"
        try:
            html = get_template(f"{template}_message.html").render(context)
        except TemplateDoesNotExist:
            html = None
    if html is None:
        return text_mail(to=to, subject=subject, text=text, language=language, brand=context["brand"],
                         from_email=from_email, headers=headers)
    return _message(to=to, subject=subject, text=text, html=html, from_email=from_email, headers=headers)


def text_mail(*, to: str | list[str], subject: str, text: str, language: str | None, brand: str = "",
              from_email: str | None = None, headers: dict | None = None) -> EmailMultiAlternatives:
    """`subject` and `text` as they are (written already), with an HTML alternative
    showing the text, its links clickable, in the shared layout
    (templates/email/text_message.html) headed by `brand`, in `language`."""
    subject = " ".join(str(subject).split())  # one line: a header may not hold a line break
    text = str(text).strip() + "\n"
    with translation.override(mail_language(language)):
        html = render_to_string("email/text_message.html",
                                {"brand": brand or default_brand(), "subject": subject, "text": text})
    return _message(to=to, subject=subject, text=text, html=html, from_email=from_email, headers=headers)


def _message(*, to, subject: str, text: str, html: str, from_email, headers) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(subject, text, from_email, [to] if isinstance(to, str) else list(to),
                                     headers=headers)
    message.attach_alternative(html, "text/html")
    return message


def send_templated_mail(*, on_commit: bool = False, **kwargs) -> EmailMultiAlternatives:
    """`templated_mail(**kwargs)`, sent now or, `on_commit`, once the caller's
    transaction commits (rendered now either way, with the facts as they are now)."""
    message = templated_mail(**kwargs)
    if on_commit:
        transaction.on_commit(message.send)
    else:
        message.send()
    return message


def message_links(message) -> list[str]:
    """The links of the plain-text body, then any other link of its HTML alternatives."""
    bodies = [message.body or ""]
    bodies += [content for content, mimetype in getattr(message, "alternatives", []) if mimetype == "text/html"]
    links = []
    for body in bodies:
        for link in _LINK.findall(str(body)):
            link = link.rstrip(".,;:)]").replace("&amp;", "&")
            if link not in links:
                links.append(link)
    return links


def message_summary(message) -> str:
    subject = " ".join(str(message.subject).split())  # one line, whatever the subject holds
    line = f"E-mail to {', '.join(message.recipients())}: {subject}"
    links = message_links(message)
    return f"{line} | {' '.join(links)}" if links else line


class DevConsoleEmailBackend(ConsoleEmailBackend):
    def write_message(self, message):
        self.stream.write(message_summary(message) + "\n")
