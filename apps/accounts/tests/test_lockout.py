"""Failed logins: the per-address limit next to the per-account lock, the lock's end in
the host's time zone, a password reset ending a lock, and last_login for token logins."""

import re
import time
import zoneinfo
from datetime import timedelta

from django.core import mail
from django.db import connection
from django.test import override_settings
from django.utils import timezone
from django_tenants.utils import schema_context

from apps.accounts.models import User
from apps.audit.models import AuditEvent
from tests.plugin import PASSWORD, client_for, hq_client, obtain_tokens

ALPHA_OWNER = "owner@alpha.test"


def token_login(email, password, ip="198.51.100.7", slug="alpha", **extra):
    return client_for(slug).post("/api/v1/auth/token/", {"email": email, "password": password},
                                 content_type="application/json", REMOTE_ADDR=ip, **extra)


def security_events(action):
    return list(AuditEvent.objects.filter(category="security", action=action).order_by("id"))


# --- Per address ---------------------------------------------------------------------------


def test_five_failures_from_one_address_refuse_it_with_429(db, owner_alpha):
    for n in range(5):  # five different accounts: no account reaches its own lock
        response = token_login(f"nobody{n}@alpha.test", "wrong")
        assert response.status_code == 401 and response.json()["error"]["code"] == "invalid_credentials"
    refused = token_login(ALPHA_OWNER, PASSWORD)  # even the right password, from that address
    assert refused.status_code == 429
    error = refused.json()["error"]
    assert error["code"] == "too_many_failed_logins"
    assert "Try again in 30 minutes" in error["message"]
    assert 1700 < error["details"]["retry_after"] <= 1800
    assert refused["Retry-After"] == str(error["details"]["retry_after"])
    # another address is not affected, and the account is not locked
    assert token_login(ALPHA_OWNER, PASSWORD, ip="198.51.100.8").status_code == 200
    owner_alpha.refresh_from_db()
    assert owner_alpha.locked_until is None

    blocked = security_events("auth.ip_blocked")
    assert len(blocked) == 1 and blocked[0].ip == "198.51.100.7"
    assert blocked[0].metadata["failures"] == 5 and blocked[0].metadata["address"] == "198.51.100.7"
    refusals = [e for e in security_events("auth.login_failed") if e.metadata.get("reason") == "ip_blocked"]
    assert [(e.actor_email, e.ip) for e in refusals] == [(ALPHA_OWNER, "198.51.100.7")]


def test_the_address_may_try_again_when_its_window_ends(db):
    with override_settings(LOGIN_IP_WINDOW_SECONDS=1):
        for _n in range(5):
            token_login("ghost@alpha.test", "wrong")
        assert token_login(ALPHA_OWNER, PASSWORD).status_code == 429
        time.sleep(2.1)
        assert token_login(ALPHA_OWNER, PASSWORD).status_code == 200


def test_the_per_account_lock_still_applies_across_addresses(db, owner_alpha):
    for n in range(5):
        token_login(ALPHA_OWNER, "wrong", ip=f"203.0.113.{n + 1}")
    owner_alpha.refresh_from_db()
    assert owner_alpha.is_locked
    response = token_login(ALPHA_OWNER, PASSWORD, ip="203.0.113.99")
    assert response.status_code == 403 and response.json()["error"]["code"] == "account_locked"
    assert len(security_events("auth.account_locked")) == 1


def test_ipv6_addresses_count_per_64(db):
    for n in range(5):
        token_login("ghost@alpha.test", "wrong", ip=f"2001:db8:1:2::{n + 1}")
    assert token_login(ALPHA_OWNER, PASSWORD, ip="2001:db8:1:2:ffff::9").status_code == 429
    assert token_login(ALPHA_OWNER, PASSWORD, ip="2001:db8:1:3::1").status_code == 200
    assert security_events("auth.ip_blocked")[-1].metadata["address"] == "2001:db8:1:2::/64"


def test_a_forged_forwarded_header_does_not_reset_the_count(db):
    for n in range(5):
        token_login("ghost@alpha.test", "wrong", HTTP_X_FORWARDED_FOR=f"192.0.2.{n + 1}")
    response = token_login(ALPHA_OWNER, PASSWORD, HTTP_X_FORWARDED_FOR="192.0.2.77")
    assert response.status_code == 429


@override_settings(TRUSTED_PROXIES=["10.0.0.0/8"])
def test_behind_a_trusted_proxy_the_forwarded_client_counts(db):
    for _n in range(5):
        token_login("ghost@alpha.test", "wrong", ip="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 192.0.2.10")
    # the same client through another proxy of ours is still refused; its neighbour is not
    blocked = token_login(ALPHA_OWNER, PASSWORD, ip="10.0.0.3", HTTP_X_FORWARDED_FOR="192.0.2.10")
    assert blocked.status_code == 429
    assert token_login(ALPHA_OWNER, PASSWORD, ip="10.0.0.2", HTTP_X_FORWARDED_FOR="192.0.2.11").status_code == 200
    assert security_events("auth.ip_blocked")[-1].ip == "192.0.2.10"


def test_admin_and_allauth_login_forms_show_the_address_refusal(db):
    for _n in range(5):
        token_login("ghost@alpha.test", "wrong", ip="127.0.0.1")
    admin = client_for("alpha").post("/admin/login/", {"username": ALPHA_OWNER, "password": PASSWORD})
    assert admin.status_code == 200 and "Too many failed logins from your network address" in admin.content.decode()
    allauth = client_for("alpha").post("/accounts/login/", {"login": ALPHA_OWNER, "password": PASSWORD})
    assert allauth.status_code == 200
    assert "Too many failed logins from your network address" in allauth.content.decode()
    korean = client_for("alpha").post("/admin/login/", {"username": ALPHA_OWNER, "password": PASSWORD},
                                      HTTP_ACCEPT_LANGUAGE="ko")
    assert "이 네트워크 주소에서 로그인 실패가 너무 많습니다. 30분 후에 다시 시도하세요." in korean.content.decode()


# --- The lock's end, in the host's time zone ---------------------------------------------------


def lock(user, minutes=90):
    until = timezone.now() + timedelta(minutes=minutes)
    User.objects.filter(pk=user.pk).update(locked_until=until)
    return until


def shown(moment, zone: str) -> str:
    """How the lock's end should read in `zone`: the time, with the date when not today."""
    local, today = moment.astimezone(zoneinfo.ZoneInfo(zone)), timezone.now().astimezone(zoneinfo.ZoneInfo(zone))
    return f"{local:%H:%M} ({zone})" if local.date() == today.date() else f"{local:%Y-%m-%d %H:%M} ({zone})"


def test_lock_message_names_the_workspace_time_zone(db, owner_alpha):
    from apps.workspace.services import workspace_settings_get

    with schema_context("alpha"):
        row = workspace_settings_get()
        row.timezone = "America/New_York"
        row.save()
    connection.set_schema_to_public()
    until = lock(owner_alpha)
    response = token_login(ALPHA_OWNER, PASSWORD)
    error = response.json()["error"]
    assert f"Try again after {shown(until, 'America/New_York')}, or reset" in error["message"]
    assert error["details"]["timezone"] == "America/New_York"


def test_lock_message_falls_back_to_the_tenant_zone_without_a_workspace_reader(db, owner_alpha, monkeypatch):
    from apps.accounts import lockout
    from apps.tenants.models import Tenant
    from apps.workspace.services import workspace_settings_get

    with schema_context("alpha"):
        row = workspace_settings_get()
        row.timezone = "America/New_York"
        row.save()
    connection.set_schema_to_public()
    monkeypatch.setattr(lockout, "_workspace_zone", None)  # apps.workspace registers it in ready()
    zone = Tenant.objects.get(schema_name="alpha").timezone
    assert zone and zone != "America/New_York"
    until = lock(owner_alpha)
    error = token_login(ALPHA_OWNER, PASSWORD).json()["error"]
    assert f"Try again after {shown(until, zone)}, or reset" in error["message"]
    assert error["details"]["timezone"] == zone


def test_lock_message_in_korean_with_the_default_workspace_zone(db, owner_alpha):
    until = lock(owner_alpha, minutes=30)
    response = client_for("alpha").post("/admin/login/", {"username": ALPHA_OWNER, "password": PASSWORD},
                                        HTTP_ACCEPT_LANGUAGE="ko")
    assert f"{shown(until, 'Asia/Seoul')} 이후에 다시 시도하거나" in response.content.decode()


def test_lock_message_on_the_public_host_uses_the_platform_zone(db, hq_user):
    until = lock(hq_user)
    with override_settings(TIME_ZONE="Europe/Berlin"):
        response = client_for(None).post("/admin/login/", {"username": hq_user.email, "password": PASSWORD})
        expected = shown(until, "Europe/Berlin")
    assert f"Try again after {expected}, or reset" in response.content.decode()


# --- A new password ends the lock ---------------------------------------------------------------


def test_password_reset_unlocks_the_account(db, owner_beta):
    User.objects.filter(pk=owner_beta.pk).update(locked_until=timezone.now() + timedelta(hours=2),
                                                 failed_login_count=3)
    client = client_for("beta")
    client.post("/accounts/password/reset/", {"email": owner_beta.email})
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/[^\s]+)", mail.outbox[-1].body).group(1)
    form_url = client.get(link).url
    response = client.post(form_url, {"password1": "A-new-pass-2026!", "password2": "A-new-pass-2026!"})
    assert response.status_code == 302
    owner_beta.refresh_from_db()
    assert owner_beta.locked_until is None and owner_beta.failed_login_count == 0
    assert obtain_tokens("beta", owner_beta.email, "A-new-pass-2026!")["access"]
    changed = security_events("auth.password_changed")[-1]
    unlocked = security_events("auth.account_unlocked")[-1]
    assert changed.metadata == {"via": "password_reset"} and changed.actor_email == owner_beta.email
    assert unlocked.metadata == {"reason": "password_reset"} and unlocked.target_id == str(owner_beta.pk)


def test_hq_setting_a_password_in_the_portal_unlocks_the_account(db, owner_beta, hq_user):
    lock(owner_beta)
    client = hq_client()
    response = client.post(f"/admin/accounts/user/{owner_beta.pk}/password/",
                           {"password1": "Portal-pass-2026!", "password2": "Portal-pass-2026!",
                            "set_usable_password": "true"})
    assert response.status_code == 302, response.content[:2000]
    owner_beta.refresh_from_db()
    assert not owner_beta.is_locked and owner_beta.check_password("Portal-pass-2026!")
    unlocked = security_events("auth.account_unlocked")[-1]
    assert unlocked.actor_email == hq_user.email and unlocked.metadata == {"reason": "admin"}


# --- last_login -------------------------------------------------------------------------------


def test_token_login_sets_last_login(db, owner_alpha):
    User.objects.filter(pk=owner_alpha.pk).update(last_login=None)
    before = timezone.now()
    obtain_tokens("alpha", ALPHA_OWNER)
    owner_alpha.refresh_from_db()
    assert owner_alpha.last_login is not None and owner_alpha.last_login >= before


def test_refused_token_login_does_not_set_last_login(db, owner_beta):
    User.objects.filter(pk=owner_beta.pk).update(last_login=None)
    response = token_login(owner_beta.email, PASSWORD)  # not a member of alpha
    assert response.status_code == 403
    owner_beta.refresh_from_db()
    assert owner_beta.last_login is None
