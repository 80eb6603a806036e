"""Invitation lifecycle: invite, accept (new and existing accounts), reuse, expiry,
revoke, resend; deactivation; plan limits; no escalation."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test import TestCase
from django.utils import timezone
from django_tenants.utils import schema_context

from apps.accounts.models import Membership, User
from apps.staff.models import Invitation
from tests.plugin import PASSWORD, client_for, obtain_tokens
from tests.workspace import api, make_branch, make_staff


def invite(client, email, roles=("teacher",), branches=()):
    """Invite through the API; the link is emailed (on commit), never in the response."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post("/api/v1/invitations/", {"email": email, "roles": list(roles),
                                                        "branches": list(branches)}, content_type="application/json")
    assert "accept_url" not in response.json() and "token" not in response.json()
    return response


def token_of(response) -> str:
    """The token from the last invitation email to the invited address."""
    email = response.json()["email"]
    message = next(m for m in reversed(mail.outbox) if email in m.to)
    return re.search(r"/invite/([\w-]+)/", message.body).group(1)


def accept(token, password="Fresh-pass-2026!", **extra):
    return client_for("alpha").post("/api/v1/invitations/accept/", {"token": token, "password": password, **extra},
                                    content_type="application/json")


@pytest.fixture
def owner(db):
    return api("alpha", "owner@alpha.test")


def test_invite_and_accept_as_new_person(owner):
    branch = make_branch("alpha", "Gangnam")
    created = invite(owner, "New.Teacher@Example.com", branches=[branch.pk])
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["email"] == "new.teacher@example.com" and body["status"] == "pending"
    assert body["roles"] == ["teacher"] and body["branches"] == [branch.pk]
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["new.teacher@example.com"]
    token = token_of(created)
    assert token not in created.content.decode()

    accepted = accept(token, full_name="New Teacher")
    assert accepted.status_code == 200, accepted.content
    user = User.objects.get(email="new.teacher@example.com")
    assert user.check_password("Fresh-pass-2026!") and user.full_name == "New Teacher"
    assert Membership.objects.get(user=user, tenant__slug="alpha").status == Membership.Status.ACTIVE
    tokens = obtain_tokens("alpha", "new.teacher@example.com", "Fresh-pass-2026!")
    from rest_framework_simplejwt.tokens import AccessToken

    assert AccessToken(tokens["access"])["roles"] == ["teacher"]
    assert AccessToken(tokens["access"])["branch"] == branch.pk

    reused = accept(token)
    assert reused.status_code == 410 and reused.json()["error"]["code"] == "invitation_used"
    staff = owner.get("/api/v1/staff/?search=new.teacher").json()["results"]
    assert staff[0]["roles"] == [{"key": "teacher", "name": staff[0]["roles"][0]["name"], "branches": [branch.pk]}]


def test_existing_account_accepts_with_its_password(owner):
    User.objects.create_user("known@example.com", PASSWORD)
    token = token_of(invite(owner, "known@example.com", roles=["clerk"]))
    wrong = accept(token, password="not-it")
    assert wrong.status_code == 401 and wrong.json()["error"]["code"] == "invalid_credentials"
    assert accept(token, password=PASSWORD).status_code == 200
    assert User.objects.get(email="known@example.com").check_password(PASSWORD)


def test_weak_password_is_refused_with_field_errors(owner):
    token = token_of(invite(owner, "weak@example.com"))
    response = accept(token, password="123")
    assert response.status_code == 400 and "password" in response.json()["error"]["details"]
    assert accept(token).status_code == 200  # the invitation is still usable


def test_expired_revoked_and_resent_tokens(owner):
    created = invite(owner, "late@example.com")
    token, pk = token_of(created), created.json()["id"]
    with schema_context("alpha"):
        Invitation.objects.filter(pk=pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    connection.set_schema_to_public()
    expired = accept(token)
    assert expired.status_code == 410 and expired.json()["error"]["code"] == "invitation_expired"
    assert owner.get(f"/api/v1/invitations/{pk}/").json()["status"] == "expired"

    with TestCase.captureOnCommitCallbacks(execute=True):
        resent = owner.post(f"/api/v1/invitations/{pk}/resend/")
    assert resent.status_code == 200 and resent.json()["sent_count"] == 2
    assert "accept_url" not in resent.json()
    assert accept(token).json()["error"]["code"] in ("invitation_invalid",)  # old link dead
    new_token = token_of(resent)

    assert owner.delete(f"/api/v1/invitations/{pk}/").status_code == 204
    revoked = accept(new_token)
    assert revoked.status_code == 410 and revoked.json()["error"]["code"] == "invitation_revoked"
    assert accept("made-up").json()["error"]["code"] == "invitation_invalid"


def test_accept_page_sets_password_and_logs_in(owner):
    token = token_of(invite(owner, "page@example.com"))
    browser = client_for("alpha")
    page = browser.get(f"/invite/{token}/")
    assert page.status_code == 200 and "page@example.com" in page.content.decode()
    mismatch = browser.post(f"/invite/{token}/", {"password": "Fresh-pass-2026!", "password_again": "other"})
    assert mismatch.status_code == 200 and "differ" in mismatch.content.decode()
    done = browser.post(f"/invite/{token}/", {"password": "Fresh-pass-2026!", "password_again": "Fresh-pass-2026!"})
    assert done.status_code == 302 and done["Location"] == "/admin/"
    assert browser.get("/admin/").status_code == 200
    assert client_for("alpha").get(f"/invite/{token}/").status_code == 410  # used: gone, with a login link


def test_no_escalation_and_duplicates(db):
    north = make_branch("alpha", "North")
    south = make_branch("alpha", "South")
    make_staff("alpha", "mgr@alpha.test", ["manager"], [north])
    manager = api("alpha", "mgr@alpha.test")
    too_wide = invite(manager, "x@example.com", roles=["owner"], branches=[north.pk])
    assert too_wide.status_code == 403 and too_wide.json()["error"]["code"] == "grant_too_wide"
    other_branch = invite(manager, "x@example.com", roles=["clerk"], branches=[south.pk])
    assert other_branch.status_code == 403 and other_branch.json()["error"]["code"] == "grant_too_wide"
    assert invite(manager, "x@example.com", roles=["clerk"], branches=[north.pk]).status_code == 201
    again = invite(manager, "x@example.com", roles=["clerk"], branches=[north.pk])
    assert again.status_code == 409 and again.json()["error"]["code"] == "invitation_pending"
    member = invite(api("alpha", "owner@alpha.test"), "owner@alpha.test", roles=["clerk"])
    assert member.status_code == 409 and member.json()["error"]["code"] == "already_member"


def test_staff_limit_from_plan(owner, tenant_alpha):
    from apps.billing.models import Plan
    from apps.billing.tests.factories import active_subscription

    active_subscription(tenant_alpha, Plan.objects.create(code="tiny-staff", name="Tiny", max_staff_users=1))
    response = invite(owner, "over@example.com")
    assert response.status_code == 403 and response.json()["error"]["code"] == "plan_limit_reached"


def test_deactivate_and_reactivate(owner):
    user = make_staff("alpha", "leaver@alpha.test", ["clerk"])
    tokens = obtain_tokens("alpha", "leaver@alpha.test")
    staff_id = owner.get("/api/v1/staff/?search=leaver").json()["results"][0]["id"]
    assert owner.post(f"/api/v1/staff/{staff_id}/deactivate/").json()["is_active"] is False
    gone = client_for("alpha", HTTP_AUTHORIZATION=f"Bearer {tokens['access']}").get("/api/v1/me/")
    assert gone.status_code == 401
    assert Membership.objects.get(user=user, tenant__slug="alpha").status == Membership.Status.SUSPENDED
    assert owner.post(f"/api/v1/staff/{staff_id}/reactivate/").json()["is_active"] is True
    assert obtain_tokens("alpha", "leaver@alpha.test")["access"]
    with schema_context("alpha"):
        from apps.staff.models import StaffProfile

        owner_profile = StaffProfile.objects.get(email="owner@alpha.test")
    refused = owner.post(f"/api/v1/staff/{owner_profile.pk}/deactivate/")
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "owner_protected"


def test_staff_roles_replace_with_branches(owner):
    north = make_branch("alpha", "North")
    make_staff("alpha", "mover@alpha.test", ["clerk"])
    staff_id = owner.get("/api/v1/staff/?search=mover").json()["results"][0]["id"]
    response = owner.put(f"/api/v1/staff/{staff_id}/roles/", {"roles": [{"role": "teacher", "branches": [north.pk]}]},
                         content_type="application/json")
    assert response.status_code == 200, response.content
    assert [(r["key"], r["branches"]) for r in response.json()["roles"]] == [("teacher", [north.pk])]


def test_existing_account_without_password_is_not_taken_over(owner):
    """Another tenant's owner (or an HQ account) created without a password: whoever
    invites that email must not be able to set its password through the invitation."""
    from apps.accounts.services import user_get_or_create

    victim, _created = user_get_or_create(email="pending-owner@beta.test")
    token = token_of(invite(owner, "pending-owner@beta.test"))
    refused = accept(token, password="Attacker-pass-2026!")
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "account_exists"
    victim.refresh_from_db()
    assert not victim.has_usable_password() and not victim.check_password("Attacker-pass-2026!")
    assert not Membership.objects.filter(user=victim, tenant__slug="alpha").exists()
    page = client_for("alpha").post(f"/invite/{token}/", {"password": "Attacker-pass-2026!"})
    assert page.status_code == 200 and "password_again" not in page.content.decode()
    victim.refresh_from_db()
    assert not victim.has_usable_password()

    victim.set_password(PASSWORD)  # after the password reset email
    victim.save()
    assert accept(token, password="Attacker-pass-2026!").json()["error"]["code"] == "invalid_credentials"
    assert accept(token, password=PASSWORD).status_code == 200
    victim.refresh_from_db()
    assert victim.check_password(PASSWORD)


def test_admin_messages_do_not_show_the_link(owner):
    from apps.rbac.models import Role

    with schema_context("alpha"):
        teacher = Role.objects.get(key="teacher").pk
    connection.set_schema_to_public()
    browser = client_for("alpha")
    browser.post("/admin/login/", {"username": "owner@alpha.test", "password": PASSWORD})
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = browser.post("/admin/staff/invitation/add/", {"email": "admin-invite@example.com",
                                                                 "roles": [teacher]}, follow=True)
    assert response.status_code == 200
    token = re.search(r"/invite/([\w-]+)/", mail.outbox[-1].body).group(1)
    page = response.content.decode()
    assert "admin-invite@example.com" in page and token not in page and "/invite/" not in page
    with schema_context("alpha"):
        pk = Invitation.objects.get(email="admin-invite@example.com").pk
    connection.set_schema_to_public()
    with TestCase.captureOnCommitCallbacks(execute=True):
        resent = browser.post("/admin/staff/invitation/", {"action": "resend", "_selected_action": [pk]},
                              follow=True)
    new_token = re.search(r"/invite/([\w-]+)/", mail.outbox[-1].body).group(1)
    assert new_token != token and new_token not in resent.content.decode()
    assert "/invite/" not in resent.content.decode()


def test_plan_limit_counts_under_a_tenant_row_lock(owner):
    """Concurrent invitations/acceptances cannot both take the last slot: the tenant row
    is locked (SELECT ... FOR UPDATE) before the staff count, in the same transaction."""
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert invite(owner, "locked@example.com").status_code == 201
    sqls = [q["sql"] for q in queries.captured_queries]
    lock = next(i for i, sql in enumerate(sqls) if "FOR UPDATE" in sql and '"tenants_tenant"' in sql)
    count = next(i for i, sql in enumerate(sqls) if "COUNT(" in sql and '"accounts_membership"' in sql)
    assert lock < count
    token = token_of(invite(owner, "locked2@example.com"))
    with CaptureQueriesContext(connection) as queries:
        assert accept(token).status_code == 200
    sqls = [q["sql"] for q in queries.captured_queries]
    lock = max(i for i, sql in enumerate(sqls) if "FOR UPDATE" in sql and '"tenants_tenant"' in sql)
    count = max(i for i, sql in enumerate(sqls) if "COUNT(" in sql and '"accounts_membership"' in sql)
    assert lock < count


def test_used_and_expired_links_are_gone_with_a_login_link(owner):
    token = token_of(invite(owner, "gone@example.com"))
    assert accept(token).status_code == 200
    used = client_for("alpha").get(f"/invite/{token}/")
    page = used.content.decode()
    assert used.status_code == 410 and "already been used" in page and 'href="/admin/login/"' in page
    assert 'rel="icon"' in page
    reused = accept(token)
    assert reused.status_code == 410 and reused.json()["error"]["code"] == "invitation_used"

    created = invite(owner, "late-page@example.com")
    late, pk = token_of(created), created.json()["id"]
    with schema_context("alpha"):
        Invitation.objects.filter(pk=pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    connection.set_schema_to_public()
    expired = client_for("alpha").get(f"/invite/{late}/", HTTP_ACCEPT_LANGUAGE="ko")
    page = expired.content.decode()
    assert expired.status_code == 410 and "이 초대 링크는 더 이상 사용할 수 없습니다" in page and "/admin/login/" in page
    posted = client_for("alpha").post(f"/invite/{late}/", {"password": "x"})
    assert posted.status_code == 410
    api_expired = accept(late)
    assert api_expired.status_code == 410 and api_expired.json()["error"]["code"] == "invitation_expired"
    assert client_for("alpha").get("/invite/made-up/").status_code == 404


def test_password_guessing_through_an_invitation_is_limited_per_address(owner):
    User.objects.create_user("guessed@example.com", PASSWORD)
    token = token_of(invite(owner, "guessed@example.com", roles=["clerk"]))
    for _n in range(5):
        assert accept(token, password="not-it").status_code == 401
    refused = accept(token, password=PASSWORD)
    assert refused.status_code == 429 and refused.json()["error"]["code"] == "too_many_failed_logins"
