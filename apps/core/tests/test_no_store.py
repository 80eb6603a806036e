"""Responses that carry tokens or secrets are never stored by caches (RFC 6749 5.1):
`Cache-Control: no-store` on log-in, refresh, role switch, API-key creation, invitation
accept (apps.core.api.NoStoreMixin) and on the ops portal page showing a new platform key."""

import re

from django.contrib.auth.models import Group

from apps.accounts.hq import HQ_MASTER
from apps.staff.tests.test_invitations import accept, invite, token_of
from tests.plugin import PASSWORD, client_for, hq_client, obtain_tokens
from tests.workspace import api


def assert_no_store(response, status):
    assert response.status_code == status, response.content[:300]
    assert "no-store" in [d.strip() for d in response["Cache-Control"].split(",")], response.headers


def post(slug, path, body, **extra):
    return client_for(slug, **extra).post(path, body, content_type="application/json")


def test_login_and_refresh(db):
    assert_no_store(post("alpha", "/api/v1/auth/token/", {"email": "owner@alpha.test", "password": PASSWORD}), 200)
    assert_no_store(post("alpha", "/api/v1/auth/token/", {"email": "owner@alpha.test", "password": "wrong"}), 401)
    refresh = obtain_tokens("alpha", "owner@alpha.test")["refresh"]
    assert_no_store(post("alpha", "/api/v1/auth/token/refresh/", {"refresh": refresh}), 200)


def test_role_switch(db):
    access = obtain_tokens("alpha", "owner@alpha.test")["access"]
    response = post("alpha", "/api/v1/auth/switch-role/", {"role": "owner"}, HTTP_AUTHORIZATION=f"Bearer {access}")
    assert_no_store(response, 200)


def test_api_key_creation(db):
    response = api("alpha", "owner@alpha.test").post("/api/v1/api-keys/", {"name": "Sync", "permissions": [
        "customer:view"]}, content_type="application/json")
    assert_no_store(response, 201)
    assert response.json()["key"]


def test_invitation_accept(db):
    created = invite(api("alpha", "owner@alpha.test"), "cache.me.not@example.com")
    assert_no_store(accept(token_of(created), full_name="No Cache"), 200)


def test_platform_key_creation_page(hq_user):
    hq_user.groups.add(Group.objects.get(name=HQ_MASTER))
    client = hq_client()
    created = client.post("/admin/market/platformapikey/add/", {"name": "Market", "scopes": ["tenants:create"]})
    assert_no_store(created, 302)
    shown = client.get(created["Location"])
    assert_no_store(shown, 200)
    assert re.search(r'id="new-api-key">pk_', shown.content.decode())
