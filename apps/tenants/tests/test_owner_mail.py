"""Mail to a tenant's owner (the set-password invitation, the demo's end) is in the
owner's language, else the tenant's; text and HTML, every link in the text."""

from datetime import timedelta

from django.core import mail
from django.utils import timezone

from apps.accounts.models import User
from apps.tenants.invites import demo_expiry_notice_send, owner_invite_send, owner_language
from apps.tenants.models import Tenant
from tests.emails import parts


def alpha(*, locale: str, owner_language: str = "") -> Tenant:
    Tenant.objects.filter(slug="alpha").update(locale=locale, demo_expires_at=timezone.now() + timedelta(days=3))
    User.objects.filter(email="owner@alpha.test").update(language=owner_language)
    return Tenant.objects.select_related("owner").get(slug="alpha")


def invite(tenant):
    mail.outbox.clear()
    owner_invite_send(user=tenant.owner, tenant=tenant)
    [message] = mail.outbox
    return message


def test_owner_language_is_the_owners_else_the_tenants(db):
    assert owner_language(alpha(locale="ko")) == "ko"
    assert owner_language(alpha(locale="ko", owner_language="en")) == "en"
    assert owner_language(alpha(locale="en", owner_language="ko")) == "ko"
    tenant = alpha(locale="en")
    tenant.owner = None  # not provisioned yet: the address's user, if any
    assert owner_language(tenant) == "en"
    User.objects.filter(email="owner@alpha.test").update(language="ko")
    assert owner_language(tenant) == "ko"


def test_owner_invite_in_korean(db):
    message = invite(alpha(locale="en", owner_language="ko"))
    text, html = parts(message)
    assert message.subject == "워크스페이스 Alpha Academy 준비가 완료되었습니다"
    assert "비밀번호를 설정하세요" in text and "비밀번호 설정" in html and 'lang="ko"' in html
    [link] = [link for link in text.split() if "/accounts/password/reset/key/" in link]
    assert f'href="{link}"' in html and "http://alpha.localhost/" in text


def test_owner_invite_in_english(db):
    message = invite(alpha(locale="ko", owner_language="en"))
    text, html = parts(message)
    assert message.subject == "Your workspace Alpha Academy is ready"
    assert "Set your password (this also confirms your email address):" in text
    assert ">Set your password</a>" in html and 'lang="en"' in html
    assert "/accounts/password/reset/key/" in text


def test_demo_notice_in_korean(db):
    mail.outbox.clear()
    demo_expiry_notice_send(tenant=alpha(locale="ko"))
    [message] = mail.outbox
    text, html = parts(message)
    assert "데모" in message.subject and "데모 기간" in text and "워크스페이스 열기" in html
    assert "http://alpha.localhost/" in text


def test_demo_notice_in_english(db):
    mail.outbox.clear()
    demo_expiry_notice_send(tenant=alpha(locale="ko", owner_language="en"))
    [message] = mail.outbox
    text, html = parts(message)
    assert message.subject.startswith("Your demo of Alpha Academy ends on ")
    assert "After that the workspace is suspended" in text and "Open your workspace" in html
