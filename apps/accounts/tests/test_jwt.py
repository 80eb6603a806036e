from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework_simplejwt.tokens import AccessToken, RefreshToken

from apps.accounts.models import Membership, User
from apps.accounts.services import membership_status_set
from tests.plugin import PASSWORD, client_for, obtain_tokens

ALPHA_OWNER = "owner@alpha.test"


def post(slug, path, data, **extra):
    return client_for(slug).post(path, data, content_type="application/json", **extra)


def error_code(response):
    return response.json()["error"]["code"]


def test_login_returns_tenant_bound_tokens_with_claims(db, owner_alpha):
    pair = obtain_tokens("alpha", ALPHA_OWNER)
    access, refresh = AccessToken(pair["access"]), RefreshToken(pair["refresh"])
    assert access["tenant"] == refresh["tenant"] == "alpha"
    assert access["sub"] == str(owner_alpha.public_id)
    assert access["type"] == "access" and refresh["type"] == "refresh"
    assert access["roles"] == ["owner"]
    assert "admin:access" in access["permissions"]  # resource:action names
    assert set(access.payload) >= {"sub", "tenant", "roles", "active_role", "branch", "permissions", "type"}
    assert timedelta(minutes=14) < timedelta(seconds=access["exp"] - access["iat"]) <= timedelta(minutes=15)
    assert timedelta(days=7) - timedelta(seconds=refresh["exp"] - refresh["iat"]) < timedelta(minutes=1)


def test_login_is_case_insensitive_on_email(db):
    assert obtain_tokens("alpha", "OWNER@Alpha.Test")["access"]


def test_wrong_password_is_401_with_clear_error(db):
    response = post("alpha", "/api/v1/auth/token/", {"email": ALPHA_OWNER, "password": "nope"})
    assert response.status_code == 401
    assert error_code(response) == "invalid_credentials"
    assert "incorrect" in response.json()["error"]["message"]


def test_unknown_email_gets_the_same_answer(db):
    response = post("alpha", "/api/v1/auth/token/", {"email": "ghost@alpha.test", "password": "x"})
    assert response.status_code == 401
    assert error_code(response) == "invalid_credentials"


def test_bad_input_is_a_validation_error(db):
    response = post("alpha", "/api/v1/auth/token/", {"email": "not-an-email"})
    assert response.status_code == 400
    body = response.json()["error"]
    assert body["code"] == "validation_error"
    assert set(body["details"]) == {"email", "password"}


def test_malformed_json_is_a_clear_400(db):
    response = client_for("alpha").post("/api/v1/auth/token/", "{nope", content_type="application/json")
    assert response.status_code == 400
    assert error_code(response) == "parse_error"


def test_other_tenants_owner_cannot_log_in_here(db):
    response = post("alpha", "/api/v1/auth/token/", {"email": "owner@beta.test", "password": PASSWORD})
    assert response.status_code == 403
    assert error_code(response) == "not_a_member"


def test_token_endpoints_do_not_exist_on_the_public_host(db):
    response = post(None, "/api/v1/auth/token/", {"email": ALPHA_OWNER, "password": PASSWORD})
    assert response.status_code == 404


def test_me_returns_user_tenant_roles_and_permissions(db, owner_alpha):
    access = obtain_tokens("alpha", ALPHA_OWNER)["access"]
    body = client_for("alpha").get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {access}").json()
    assert body["user"] == {"id": str(owner_alpha.public_id), "email": ALPHA_OWNER, "full_name": "",
                            "language": ""}
    assert body["tenant"]["slug"] == "alpha"
    assert body["memberships"] == ["staff"]
    assert body["roles"] == [{"key": "owner", "name": "Owner"}]
    assert "role:change" in body["permissions"]  # resource:action, as in the token


def test_me_requires_a_token(db):
    response = client_for("alpha").get("/api/v1/me/")
    assert response.status_code == 401
    assert error_code(response) == "not_authenticated"


def test_garbage_token_is_401(db):
    response = client_for("alpha").get("/api/v1/me/", HTTP_AUTHORIZATION="Bearer abc.def.ghi")
    assert response.status_code == 401
    assert error_code(response) == "token_not_valid"


def test_refresh_token_is_not_an_access_token(db):
    refresh = obtain_tokens("alpha", ALPHA_OWNER)["refresh"]
    response = client_for("alpha").get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {refresh}")
    assert response.status_code == 401


def test_alpha_tokens_are_refused_on_beta(db):
    pair = obtain_tokens("alpha", ALPHA_OWNER)
    me = client_for("beta").get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {pair['access']}")
    assert me.status_code == 401 and error_code(me) == "token_tenant_mismatch"
    for path, body in [("/api/v1/auth/token/refresh/", {"refresh": pair["refresh"]}),
                       ("/api/v1/auth/token/verify/", {"token": pair["access"]}),
                       ("/api/v1/auth/logout/", {"refresh": pair["refresh"]})]:
        response = post("beta", path, body)
        assert response.status_code == 401, path
        assert error_code(response) == "token_tenant_mismatch"
    # the refused logout at beta did not revoke anything at alpha
    assert post("alpha", "/api/v1/auth/token/refresh/", {"refresh": pair["refresh"]}).status_code == 200


def test_refresh_rotates_and_old_refresh_token_is_single_use(db):
    pair = obtain_tokens("alpha", ALPHA_OWNER)
    first = post("alpha", "/api/v1/auth/token/refresh/", {"refresh": pair["refresh"]})
    assert first.status_code == 200
    new = first.json()
    assert new["refresh"] != pair["refresh"]
    assert AccessToken(new["access"])["tenant"] == "alpha"
    again = post("alpha", "/api/v1/auth/token/refresh/", {"refresh": pair["refresh"]})
    assert again.status_code == 401 and error_code(again) == "token_not_valid"
    assert post("alpha", "/api/v1/auth/token/refresh/", {"refresh": new["refresh"]}).status_code == 200


def test_verify_accepts_good_tokens_and_refuses_revoked_ones(db):
    pair = obtain_tokens("alpha", ALPHA_OWNER)
    ok = post("alpha", "/api/v1/auth/token/verify/", {"token": pair["access"]})
    assert ok.status_code == 200
    assert ok.json()["valid"] is True and ok.json()["type"] == "access"
    assert post("alpha", "/api/v1/auth/logout/", {"refresh": pair["refresh"]}).status_code == 204
    revoked = post("alpha", "/api/v1/auth/token/verify/", {"token": pair["refresh"]})
    assert revoked.status_code == 401


def test_logout_revokes_the_refresh_token(db):
    pair = obtain_tokens("alpha", ALPHA_OWNER)
    assert post("alpha", "/api/v1/auth/logout/", {"refresh": pair["refresh"]}).status_code == 204
    response = post("alpha", "/api/v1/auth/token/refresh/", {"refresh": pair["refresh"]})
    assert response.status_code == 401
    assert post("alpha", "/api/v1/auth/logout/", {"refresh": pair["refresh"]}).status_code == 401


def test_expired_access_token_is_refused(db, owner_alpha):
    pair = obtain_tokens("alpha", ALPHA_OWNER)
    token = AccessToken(pair["access"])
    token.set_exp(from_time=timezone.now() - timedelta(hours=1), lifetime=timedelta(minutes=15))
    response = client_for("alpha").get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 401 and error_code(response) == "token_not_valid"


def test_tokens_stop_working_when_membership_ends(db, owner_alpha, tenant_alpha):
    pair = obtain_tokens("alpha", ALPHA_OWNER)
    membership_status_set(user_id=owner_alpha.pk, tenant=tenant_alpha, kind=Membership.Kind.STAFF,
                          status=Membership.Status.SUSPENDED)  # (its cached member check goes with it)
    me = client_for("alpha").get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {pair['access']}")
    assert me.status_code == 401 and error_code(me) == "membership_inactive"
    refresh = post("alpha", "/api/v1/auth/token/refresh/", {"refresh": pair["refresh"]})
    assert refresh.status_code == 401 and error_code(refresh) == "membership_inactive"


def test_deactivated_user_is_refused(db, owner_alpha):
    pair = obtain_tokens("alpha", ALPHA_OWNER)
    owner_alpha.is_active = False
    owner_alpha.save(update_fields=["is_active"])  # as the admin does (its cached member check goes with it)
    assert client_for("alpha").get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {pair['access']}").status_code == 401
    login = post("alpha", "/api/v1/auth/token/", {"email": ALPHA_OWNER, "password": PASSWORD})
    assert login.status_code == 403 and error_code(login) == "account_inactive"


# --- Lockout ----------------------------------------------------------------------------


def test_five_failures_lock_the_account_for_two_hours(db, owner_alpha):
    for _ in range(4):
        response = post("alpha", "/api/v1/auth/token/", {"email": ALPHA_OWNER, "password": "wrong"})
        assert error_code(response) == "invalid_credentials"
    fifth = post("alpha", "/api/v1/auth/token/", {"email": ALPHA_OWNER, "password": "wrong"})
    assert fifth.status_code == 403
    assert error_code(fifth) == "account_locked"
    owner_alpha.refresh_from_db()
    assert timedelta(minutes=119) < owner_alpha.locked_until - timezone.now() <= timedelta(hours=2)
    # even the right password is refused while locked, with the same clear error (from another
    # address: this one has used up its own failures, apps.accounts.tests.test_lockout)
    right = post("alpha", "/api/v1/auth/token/", {"email": ALPHA_OWNER, "password": PASSWORD}, REMOTE_ADDR="10.9.9.9")
    assert right.status_code == 403
    assert "locked" in right.json()["error"]["message"]
    assert right.json()["error"]["details"]["locked_until"]


def test_lock_expires_and_success_resets_the_counter(db, owner_alpha):
    User.objects.filter(pk=owner_alpha.pk).update(locked_until=timezone.now() - timedelta(seconds=1),
                                                  failed_login_count=3)
    assert obtain_tokens("alpha", ALPHA_OWNER)["access"]
    owner_alpha.refresh_from_db()
    assert owner_alpha.failed_login_count == 0 and owner_alpha.locked_until is None


def test_lockout_applies_to_admin_login_too(db, owner_alpha):
    client = client_for("alpha")
    for _ in range(5):
        client.post("/admin/login/", {"username": ALPHA_OWNER, "password": "wrong"})
    response = client.post("/admin/login/", {"username": ALPHA_OWNER, "password": PASSWORD}, REMOTE_ADDR="10.9.9.9")
    assert response.status_code == 200
    assert "locked" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("email", ["Owner@Alpha.test", "OWNER@ALPHA.TEST"])
def test_emails_are_unique_case_insensitively(db, email):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.bulk_create([User(email=email)])  # bypasses normalisation on purpose


def test_logins_and_lockouts_are_security_events(db, owner_alpha):
    from apps.audit.models import AuditEvent

    post("alpha", "/api/v1/auth/token/", {"email": ALPHA_OWNER, "password": "wrong"})
    post("alpha", "/api/v1/auth/token/", {"email": "ghost@x.test", "password": "wrong"})
    pair = obtain_tokens("alpha", ALPHA_OWNER)
    post("alpha", "/api/v1/auth/token/refresh/", {"refresh": pair["refresh"]})
    events = list(AuditEvent.objects.filter(category="security").order_by("id"))
    assert [(e.action, e.actor_email, e.metadata.get("reason")) for e in events[-4:]] == [
        ("auth.login_failed", ALPHA_OWNER, "bad_password"),
        ("auth.login_failed", "ghost@x.test", "unknown_email"),
        ("auth.login_succeeded", ALPHA_OWNER, None),
        ("auth.token_refreshed", ALPHA_OWNER, None),
    ]
    assert events[-1].request_id and events[-1].ip == "127.0.0.1"


def test_a_token_is_verified_once_per_process_until_it_expires(db, owner_alpha, monkeypatch):
    """The signature check is memoised per token (apps.accounts.authentication); the
    expiry is still enforced on the memoised token, and a token differing by one byte is
    checked (and refused) on its own."""
    import time_machine

    from apps.accounts import authentication
    from apps.accounts.keys import KeyringBackend

    authentication.forget_verified_tokens()
    decoded = []
    original = KeyringBackend.decode
    monkeypatch.setattr(KeyringBackend, "decode", lambda self, *a, **k: decoded.append(1) or original(self, *a, **k))
    access = obtain_tokens("alpha", ALPHA_OWNER)["access"]
    me = [client_for("alpha").get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {access}") for _ in range(3)]
    assert [r.status_code for r in me] == [200, 200, 200] and me[0].json() == me[2].json()
    assert len(decoded) == 1
    forged = access[:-2] + ("A" if access[-2] != "A" else "B") + access[-1]
    refused = client_for("alpha").get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {forged}")
    assert refused.status_code == 401 and error_code(refused) == "token_not_valid"
    with time_machine.travel(timezone.now() + timedelta(minutes=16), tick=False):
        late = client_for("alpha").get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {access}")
    assert late.status_code == 401 and error_code(late) == "token_not_valid"


def test_the_verified_token_memo_is_bounded(db, owner_alpha, monkeypatch):
    from apps.accounts import authentication

    authentication.forget_verified_tokens()
    monkeypatch.setattr(authentication, "VERIFIED_TOKENS_KEPT", 2)
    for _ in range(5):
        access = obtain_tokens("alpha", ALPHA_OWNER)["access"]
        assert client_for("alpha").get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {access}").status_code == 200
        assert len(authentication._verified) <= 2
