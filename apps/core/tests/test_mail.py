"""Development e-mail (apps.core.mail): one console line per message with its links, so
the owner can click the set-password link, instead of pages of raw MIME."""

from __future__ import annotations

import io
import subprocess
import sys

from django.core.mail import EmailMultiAlternatives, get_connection

from tests.plugin import ROOT, TENANTS, subprocess_env


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
