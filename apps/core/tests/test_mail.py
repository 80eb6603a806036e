"""E-mail (apps.core.mail): every message rendered in the language given, as text with an
HTML alternative in the shared layout, sent now or on commit; and in development one
console line per message with its links, so the owner can click the set-password link,
instead of pages of raw MIME."""

from __future__ import annotations

import io
import subprocess
import sys

from django.conf import settings
from django.core import mail
from django.core.mail import EmailMultiAlternatives, get_connection
from django.test import override_settings

from apps.core.mail import mail_language, send_templated_mail, templated_mail
from tests.plugin import ROOT, TENANTS, subprocess_env

URL = "http://alpha.localhost:8000/reset/key/1-abc/?next=%2Fadmin%2F"


def test_each_message_is_one_line_with_its_links():
    stream = io.StringIO()
    message = EmailMultiAlternatives(
        "Set your\npassword", "Hello,\n\nSet it here: http://acme.localhost:8000/reset/key/1-abc/?next=%2Fadmin%2F.\n"
        "Or visit http://acme.localhost:8000/ (your workspace).\n", "no-reply@localhost", ["owner@acme.test"])
    message.attach_alternative('<p><a href="http://acme.localhost:8000/reset/key/1-abc/?next=%2Fadmin%2F">Set'
                               '</a> <a href="https://help.example.com/start?a=1&amp;b=2">Help</a></p>', "text/html")

    sent = get_connection("apps.core.mail.DevConsoleEmailBackend", stream=stream).send_messages(
        [message, EmailMultiAlternatives("Plain", "No links here.", "no-reply@localhost", ["a@x.test", "b@x.test"])])

    assert sent == 2
    assert stream.getvalue().splitlines() == [
        "E-mail to owner@acme.test: Set your password | http://acme.localhost:8000/reset/key/1-abc/?next=%2Fadmin%2F "
        "http://acme.localhost:8000/ https://help.example.com/start?a=1&b=2",
        "E-mail to a@x.test, b@x.test: Plain",
    ]


def test_development_settings_print_the_owner_invite_as_one_line_with_its_link():
    """The real set-password e-mail, sent with the development settings."""
    owner = TENANTS["alpha"]["owner_email"]
    code = ("from apps.accounts.models import User; from apps.tenants.models import Tenant; "
            "from apps.tenants.invites import owner_invite_send; "
            f"owner_invite_send(user=User.objects.get(email={owner!r}), tenant=Tenant.objects.get(slug='alpha'))")
    env = subprocess_env(DJANGO_SETTINGS_MODULE="platform_.settings.dev")
    env.pop("EMAIL_URL", None)  # the development default
    result = subprocess.run([sys.executable, "manage.py", "shell", "-c", code], cwd=ROOT, capture_output=True,
                            text=True, timeout=120, env=env)

    assert result.returncode == 0, result.stderr[-3000:]
    lines = [line for line in result.stdout.splitlines() if line.startswith("E-mail to ")]
    assert len(lines) == 1 and lines[0].startswith(f"E-mail to {owner}: "), result.stdout
    assert "Content-Type" not in result.stdout and "MIME-Version" not in result.stdout
    links = lines[0].split(" | ", 1)[1].split()
    assert [link for link in links if link.startswith("http://alpha.localhost:")
            and "/password/reset/key/" in link and "next=" in link], links


# --- templated_mail: every message the platform sends ------------------------------------

TEMPLATES = {
    "note/email/hello_subject.txt": "{% load i18n %}{% translate 'Reset your password' %}",
    "note/email/hello_message.txt": "{% autoescape off %}Open {{ url }} <now>{% endautoescape %}",
    "note/email/plain_subject.txt": "Plain",
    "note/email/plain_message.txt": "{% autoescape off %}Line one <b>\nSee {{ url }}.{% endautoescape %}",
}


def local_templates():
    return override_settings(TEMPLATES=[{
        "BACKEND": "django.template.backends.django.DjangoTemplates", "DIRS": [settings.BASE_DIR / "templates"],
        "OPTIONS": {"loaders": [("django.template.loaders.locmem.Loader", {
            **TEMPLATES, "note/email/hello_message.html": (
                '{% extends "email/base.html" %}{% block content %}<p><a href="{{ url }}">Open</a></p>'
                '{% endblock %}')}), "django.template.loaders.filesystem.Loader",
            "django.template.loaders.app_directories.Loader"]}}])


def test_mail_language_is_the_first_the_platform_speaks():
    assert mail_language("", None, "fr", "en-US", "ko") == "en"
    assert mail_language("ko-KR") == "ko"
    assert mail_language() == mail_language("xx") == settings.LANGUAGE_CODE


def test_a_templated_mail_is_text_and_html_in_the_language_given():
    with local_templates():
        korean = templated_mail(to="a@x.test", template="note/email/hello", context={"url": URL}, language="ko",
                                brand="Alpha Academy")
        english = templated_mail(to=["a@x.test"], template="note/email/hello", context={"url": URL},
                                 language="en")
    assert korean.subject == "비밀번호 재설정" and english.subject == "Reset your password"
    assert korean.body == f"Open {URL} <now>\n"  # the text part is not HTML-escaped
    [(html, mimetype)] = korean.alternatives
    assert mimetype == "text/html" and '<html lang="ko">' in html and f'<a href="{URL}">' in html
    assert ">Alpha Academy</td>" in html and "<title>비밀번호 재설정</title>" in html
    assert ">Platform</td>" in english.alternatives[0][0]  # the platform's name (DEFAULT_FROM_EMAIL)


def test_a_template_without_html_has_its_text_in_the_layout():
    with local_templates():
        message = templated_mail(to="a@x.test", template="note/email/plain", context={"url": URL}, language="en")
    [(html, _mimetype)] = message.alternatives
    assert "Line one &lt;b&gt;<br>" in html and f'<a href="{URL}" rel="nofollow">{URL}</a>' in html


def test_sent_now_or_once_the_transaction_commits(db, django_capture_on_commit_callbacks):
    mail.outbox.clear()
    with local_templates():
        send_templated_mail(to="now@x.test", template="note/email/plain", context={"url": URL}, language="en")
        assert [m.to for m in mail.outbox] == [["now@x.test"]]
        with django_capture_on_commit_callbacks(execute=True):
            send_templated_mail(to="later@x.test", template="note/email/plain", context={"url": URL},
                                language="en", on_commit=True)
            assert len(mail.outbox) == 1
    assert [m.to for m in mail.outbox] == [["now@x.test"], ["later@x.test"]]


def test_the_console_line_of_a_templated_mail_has_its_links():
    with local_templates():
        message = templated_mail(to="a@x.test", template="note/email/hello", context={"url": URL}, language="en")
    stream = io.StringIO()
    get_connection("apps.core.mail.DevConsoleEmailBackend", stream=stream).send_messages([message])
    assert stream.getvalue() == f"E-mail to a@x.test: Reset your password | {URL}\n"
