"""Checks every e-mail the platform sends passes (apps.core.mail): plain text with one
HTML alternative, and every link of the HTML also in the text (people whose mail shows
only the text can follow each of them)."""

from __future__ import annotations

from django.core import mail

from apps.core.mail import message_links


def parts(message) -> tuple[str, str]:
    """The message's text and HTML, once checked: both there, every link in the text."""
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html" and html.lstrip().startswith("<!doctype html>")
    text = message.body
    assert text.strip() and "<p" not in text and "</a>" not in text, text  # no markup in the text part
    missing = [link for link in message_links(message) if link not in text]
    assert not missing, f"links only in the HTML part: {missing}"
    return text, html


def last_to(address: str):
    return next(message for message in reversed(mail.outbox) if address in message.to)
