"""allauth's mails go out like all of ours (apps.core.mail): in the person's saved
language, else the language of the page they used; text and HTML, the link in both;
headed by the workspace's name on its host."""

import re

import pytest
from django.core import mail
from django.core.cache import cache

from apps.accounts.models import User
from tests.emails import parts
from tests.plugin import PASSWORD, client_for


@pytest.fixture(autouse=True)
def _fresh_allauth_limits():
    cache.delete_pattern("allauth:*")  # one confirmation mail per address per 3 minutes


def speaks(user, language: str) -> None:
    User.objects.filter(pk=user.pk).update(language=language)


def reset(slug, email, **headers):
    mail.outbox.clear()
    assert client_for(slug).post("/accounts/password/reset/", {"email": email}, **headers).status_code == 302
    [message] = mail.outbox
    return message


def reset_link(text: str) -> str:
    return re.search(r"https?://\S+/accounts/password/reset/key/\S+/", text).group(0)


def test_password_reset_in_korean(owner_beta):
    speaks(owner_beta, "ko")
    message = reset("beta", owner_beta.email, HTTP_ACCEPT_LANGUAGE="en")  # theirs, not the page's
    text, html = parts(message)
    assert message.subject.endswith("비밀번호 재설정")
    assert "새 비밀번호를 정하세요" in text and "비밀번호 재설정" in html and 'lang="ko"' in html
    assert f'href="{reset_link(text)}"' in html
    assert ">Beta Bistro</td>" in html  # the workspace's name heads it on the workspace's host


def test_password_reset_in_english(owner_beta):
    speaks(owner_beta, "en")
    message = reset("beta", owner_beta.email, HTTP_ACCEPT_LANGUAGE="ko")
    text, html = parts(message)
    assert message.subject.endswith("Reset your password")
    assert "Choose a new password here:" in text and ">Reset your password</a>" in html
    assert f'href="{reset_link(text)}"' in html


def test_without_a_saved_language_the_page_language_is_used(owner_beta):
    speaks(owner_beta, "")
    assert "새 비밀번호" in reset("beta", owner_beta.email, HTTP_ACCEPT_LANGUAGE="ko").body
    assert "Choose a new password" in reset("beta", owner_beta.email, HTTP_ACCEPT_LANGUAGE="en").body


def test_unknown_address_in_the_page_language(db):
    message = reset(None, "nobody@example.com", HTTP_ACCEPT_LANGUAGE="ko")
    text, html = parts(message)
    assert "등록된 계정이 없습니다" in message.subject and "nobody@example.com" in text
    assert ">Platform</td>" in html  # the platform's name on the public host
    message = reset(None, "nobody@example.com", HTTP_ACCEPT_LANGUAGE="en")
    assert "there is no account with this email address" in parts(message)[0]


def confirmation(user):
    mail.outbox.clear()
    response = client_for(None).post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert "/accounts/confirm-email/" in response["Location"]
    [message] = mail.outbox
    return message


@pytest.mark.parametrize(("language", "subject", "phrase", "button"), [
    ("ko", "이메일 주소 확인", "본인의 이메일 주소인지 확인해 주세요", ">이메일 주소 확인</a>"),
    ("en", "Confirm your email address", "is your email address", ">Confirm your email address</a>"),
])
def test_email_confirmation(owner_alpha, language, subject, phrase, button):
    speaks(owner_alpha, language)
    message = confirmation(owner_alpha)
    text, html = parts(message)
    assert message.subject.endswith(subject) and phrase in text and phrase in html and button in html
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", text).group(0)
    assert f'href="{link}"' in html


@pytest.mark.parametrize(("language", "subject", "phrase"), [
    ("ko", "이미 계정이 있습니다", "새 비밀번호를 정하세요"),
    ("en", "You already have an account", "If you forgot your password, choose a new one here:"),
])
def test_signing_up_again_tells_the_owner_of_the_address(owner_alpha, settings, language, subject, phrase):
    settings.ACCOUNT_SIGNUP_OPEN = True
    speaks(owner_alpha, language)
    mail.outbox.clear()
    client_for("alpha").post("/accounts/signup/", {"email": owner_alpha.email, "password1": "A-new-pass-2026!",
                                                   "password2": "A-new-pass-2026!"})
    [message] = mail.outbox
    text, html = parts(message)
    assert message.subject.endswith(subject) and phrase in text
    assert "http://alpha.localhost/accounts/password/reset/" in text and ">Alpha Academy</td>" in html
