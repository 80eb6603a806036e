"""Platform API keys in the ops portal: issued with the key shown once, revoked with the
"revoke" action (audited, the key stops working), and only by HQ staff allowed to."""

import re

import pytest

from apps.accounts.hq import HQ_MASTER, SECURITY_OFFICER
from apps.audit.models import AuditEvent
from apps.market.errors import InvalidApiKey
from apps.market.models import PlatformApiKey
from apps.market.services import apikey_authenticate, apikey_issue
from tests.admin_pages import offered_actions, portal_user, run_action, texts
from tests.plugin import hq_client

LIST_URL = "/admin/market/platformapikey/"


def _master_user():
    from django.contrib.auth.models import Group

    from apps.accounts.models import User

    user = User.objects.create_user("master@platform.test", "x-Pass-2026!", is_staff=True)
    user.groups.add(Group.objects.get(name=HQ_MASTER))
    return User.objects.get(pk=user.pk)


def test_security_officer_issues_a_key_shown_once(db):
    client, officer = portal_user(SECURITY_OFFICER)
    response = client.post(f"{LIST_URL}add/", {"name": "Service market", "scopes": ["tenants:create"]})
    assert response.status_code == 302, response.content.decode()[:2000]
    shown = [text for text in texts(response) if "Copy the new key now" in text]
    raw = re.search(r'id="new-api-key">([^<]+)<', shown[0]).group(1)
    key = PlatformApiKey.objects.get(name="Service market")
    assert raw.startswith(f"pk_{key.prefix}") and raw not in key.key_hash and key.created_by_id == officer.pk
    assert apikey_authenticate(raw=raw).pk == key.pk
    assert AuditEvent.objects.get(action="apikey.issued", target_id=str(key.pk)).actor_id == officer.pk
    assert raw in client.get(response["Location"]).content.decode()  # the page shown next, once
    for page in (LIST_URL, f"{LIST_URL}{key.pk}/change/"):
        assert raw not in client.get(page).content.decode()


def test_security_officer_revokes_a_key(db):
    key, raw = apikey_issue(name="Service market", actor=_master_user())
    client, officer = portal_user(SECURITY_OFFICER)
    assert "revoke" in offered_actions(client.get(LIST_URL))
    response = run_action(client, LIST_URL, "revoke", [key.pk])
    assert response.status_code == 200 and texts(response) == ["The selected keys are revoked."]
    key.refresh_from_db()
    assert key.revoked_at is not None and key.revoked_by_id == officer.pk
    event = AuditEvent.objects.get(action="apikey.revoked", target_id=str(key.pk))
    assert event.actor_id == officer.pk and event.changes["revoked_at"][0] is None
    with pytest.raises(InvalidApiKey):
        apikey_authenticate(raw=raw)

    run_action(client, LIST_URL, "revoke", [key.pk])  # once revoked, stays as it was
    assert PlatformApiKey.objects.get(pk=key.pk).revoked_at == key.revoked_at
    assert AuditEvent.objects.filter(action="apikey.revoked", target_id=str(key.pk)).count() == 1


def test_hq_admin_may_look_but_not_revoke(db):
    key, raw = apikey_issue(name="Service market", actor=_master_user())
    client = hq_client()  # HQ_ADMIN: view only
    page = client.get(LIST_URL)
    assert page.status_code == 200 and "revoke" not in offered_actions(page)
    run_action(client, LIST_URL, "revoke", [key.pk])
    key.refresh_from_db()
    assert key.revoked_at is None and apikey_authenticate(raw=raw).pk == key.pk
    assert not AuditEvent.objects.filter(action="apikey.revoked").exists()
    assert client.post(f"{LIST_URL}add/", {"name": "Mine"}).status_code == 403
