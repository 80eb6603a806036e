"""Platform API keys' scopes, and introspection for platform services
(`POST /api/v1/platform/introspect/`): any workspace's token, judged as that workspace's own
introspection judges it, for a key with the `token:introspect` scope only."""

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError

from apps.accounts.hq import HQ_MASTER
from apps.accounts.models import User
from apps.audit.models import AuditEvent
from apps.market.models import PlatformApiKey
from apps.market.services import apikey_issue, apikey_revoke
from tests.plugin import PASSWORD, TENANTS, client_for, obtain_tokens

URL = "/api/v1/platform/introspect/"
S = PlatformApiKey.Scope


@pytest.fixture
def master(db):
    user = User.objects.create_user("master.keys@platform.test", "x", is_staff=True)
    user.groups.add(Group.objects.get(name=HQ_MASTER))
    return user


def _ask(raw_key: str, token: str, slug=None):
    return client_for(slug).post(URL, {"token": token}, content_type="application/json",
                                 HTTP_AUTHORIZATION=f"Api-Key {raw_key}")


def test_a_key_with_the_scope_introspects_any_workspaces_tokens(master):
    _key, raw = apikey_issue(name="Gateway", actor=master, scopes=[S.TOKEN_INTROSPECT])
    for slug in ("alpha", "beta"):
        pair = obtain_tokens(slug, TENANTS[slug]["owner_email"], PASSWORD)
        for kind in ("access", "refresh"):
            answer = _ask(raw, pair[kind])
            assert answer.status_code == 200, answer.content
            body = answer.json()
            assert body["active"] is True and body["tenant"] == slug and body["token_type"] == kind
            owner = User.objects.get(email=TENANTS[slug]["owner_email"])
            assert body["sub"] == str(owner.public_id)
    # what is not an active token of a live workspace says nothing more
    for junk in ("not-a-token", pair["access"][:-4] + "AAAA"):
        assert _ask(raw, junk).json() == {"active": False}
    client_for("beta").post("/api/v1/auth/logout/", {"refresh": pair["refresh"]}, content_type="application/json",
                            HTTP_AUTHORIZATION=f"Bearer {pair['access']}")
    assert _ask(raw, pair["refresh"]).json() == {"active": False}  # logged out


def test_a_token_is_decoded_once_per_introspection(master, monkeypatch):
    from rest_framework_simplejwt.tokens import UntypedToken

    _key, raw = apikey_issue(name="Gateway once", actor=master, scopes=[S.TOKEN_INTROSPECT])
    token = obtain_tokens("alpha", TENANTS["alpha"]["owner_email"], PASSWORD)["access"]
    decoded = []
    original = UntypedToken.__init__

    def counted(self, *args, **kwargs):
        decoded.append(1)
        original(self, *args, **kwargs)

    monkeypatch.setattr(UntypedToken, "__init__", counted)
    assert _ask(raw, token).json()["active"] is True
    assert len(decoded) == 1


def test_the_scope_is_required_and_a_revoked_key_is_refused(master):
    market_key, market_raw = apikey_issue(name="Market", actor=master)  # tenants:create only
    assert market_key.scopes == [S.TENANTS_CREATE]
    token = obtain_tokens("alpha", TENANTS["alpha"]["owner_email"], PASSWORD)["access"]
    refused = _ask(market_raw, token)
    assert refused.status_code == 403, refused.content
    assert refused.json()["error"]["code"] == "scope_missing"
    assert refused.json()["error"]["details"] == {"scope": "token:introspect"}

    gateway, raw = apikey_issue(name="Gateway", actor=master, scopes=[S.TOKEN_INTROSPECT])
    create = client_for(None).post("/api/v1/platform/tenants/", {"tenant_id": "x"}, content_type="application/json",
                                   HTTP_AUTHORIZATION=f"Api-Key {raw}")
    assert create.status_code == 403 and create.json()["error"]["code"] == "scope_missing"

    apikey_revoke(key=gateway, actor=master)
    assert _ask(raw, token).status_code == 401
    assert client_for(None).post(URL, {"token": token}, content_type="application/json").status_code == 401
    # a workspace's own API key is no platform key
    assert _ask("ak_whatever_secret", token).status_code == 401


def test_not_on_a_workspace_host(master):
    _key, raw = apikey_issue(name="Gateway", actor=master, scopes=[S.TOKEN_INTROSPECT])
    token = obtain_tokens("alpha", TENANTS["alpha"]["owner_email"], PASSWORD)["access"]
    assert _ask(raw, token, slug="alpha").status_code == 404


def test_a_key_needs_a_scope_and_says_which_in_the_audit(master):
    with pytest.raises(ValidationError) as error:
        apikey_issue(name="Nothing", actor=master, scopes=[])
    assert "scopes" in error.value.message_dict
    with pytest.raises(ValidationError):
        apikey_issue(name="Typo", actor=master, scopes=["tokens:everything"])
    key, _raw = apikey_issue(name="Both", actor=master, scopes=[S.TOKEN_INTROSPECT, S.TENANTS_CREATE])
    event = AuditEvent.objects.get(action="apikey.issued", target_id=str(key.pk))
    assert event.metadata["scopes"] == ["tenants:create", "token:introspect"]


def test_hq_issues_a_key_with_its_scopes_in_the_portal(master):
    client = client_for(None)
    client.force_login(master)
    session = client.session
    session["ops_mfa_user"] = master.pk
    session.save()
    form = client.get("/admin/market/platformapikey/add/").content.decode()
    assert 'value="token:introspect"' in form and "Introspect any workspace" in form
    empty = client.post("/admin/market/platformapikey/add/", {"name": "Gateway"})
    assert empty.status_code == 200 and not PlatformApiKey.objects.filter(name="Gateway").exists()
    made = client.post("/admin/market/platformapikey/add/", {"name": "Gateway", "scopes": ["token:introspect"]},
                       follow=True)
    assert made.status_code == 200 and 'id="new-api-key"' in made.content.decode()
    assert PlatformApiKey.objects.get(name="Gateway").scopes == ["token:introspect"]
    listing = client.get("/admin/market/platformapikey/").content.decode()
    assert "Introspect any workspace" in listing
