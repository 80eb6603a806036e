"""The invitation e-mail is in the invitee's language: theirs when the address already
has an account, else the workspace's; text and HTML, the accept link in both."""

import re

import pytest
from django.test import TestCase

from apps.accounts.models import User
from apps.tenants.models import Tenant
from tests.emails import last_to, parts
from tests.workspace import api


def invite(email: str):
    owner = api("alpha", "owner@alpha.test")
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = owner.post("/api/v1/invitations/", {"email": email, "roles": ["teacher"]},
                              content_type="application/json")
    assert response.status_code == 201, response.content
    return last_to(email.lower())


def accept_link(text: str) -> str:
    [link] = re.findall(r"https?://\S+/invite/[\w-]+/", text)
    return link


@pytest.fixture
def alpha_in(db):
    def set_locale(locale: str):
        Tenant.objects.filter(slug="alpha").update(locale=locale)
    return set_locale


def test_a_new_address_is_invited_in_the_workspaces_language_korean(alpha_in):
    alpha_in("ko")
    message = invite("new.teacher@example.com")
    text, html = parts(message)
    assert message.subject == "Alpha Academy에 초대되었습니다"
    assert "Alpha Academy 팀에 초대했습니다" in text and "여기에서 초대를 수락하세요" in text
    assert "초대 수락" in html and "Alpha Academy" in html and 'lang="ko"' in html
    assert accept_link(text) in html and "invited" not in text


def test_a_new_address_is_invited_in_the_workspaces_language_english(alpha_in):
    alpha_in("en")
    message = invite("new.teacher@example.com")
    text, html = parts(message)
    assert message.subject == "You are invited to Alpha Academy"
    assert "has invited you to join the team of Alpha Academy" in text and "Accept the invitation here:" in text
    assert "Accept the invitation" in html and 'lang="en"' in html
    assert accept_link(text) in html


def test_a_known_person_is_invited_in_their_own_language(alpha_in):
    alpha_in("ko")
    User.objects.create_user("known@example.com", "x-Pass-2026!", language="en")
    text, _html = parts(invite("known@example.com"))
    assert "Accept the invitation here:" in text and "초대" not in text
    alpha_in("en")
    User.objects.create_user("kim@example.com", "x-Pass-2026!", language="ko")
    message = invite("Kim@Example.com")
    assert "초대" in message.subject and "여기에서 초대를 수락하세요" in parts(message)[0]
