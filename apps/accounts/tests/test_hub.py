"""The identity hub's answers to other services (apps.accounts.hub_apis): userinfo,
check-permission (the caller, or a person for a key with identity:check) and RFC 7662
introspection (a key with token:introspect, its own workspace's tokens only)."""

import pytest

from tests.plugin import client_for, obtain_tokens
from tests.workspace import api_key_client, make_branch, make_staff

OWNER = "owner@alpha.test"


def bearer(slug: str, email: str):
    return client_for(slug, HTTP_AUTHORIZATION=f"Bearer {obtain_tokens(slug, email)['access']}")


def post(client, path, data, **extra):
    return client.post(path, data, content_type="application/json", **extra)


def code(response):
    return response.json()["error"]["code"]


# --- userinfo ------------------------------------------------------------------------------


def test_userinfo_has_the_oidc_shape_and_the_workspace_claims(db, owner_alpha):
    response = bearer("alpha", OWNER).get("/api/v1/auth/userinfo/")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["sub"] == str(owner_alpha.public_id) and body["email"] == OWNER
    assert body["tenant"] == "alpha" and body["roles"] == ["owner"] and body["memberships"] == ["staff"]
    assert isinstance(body["email_verified"], bool) and body["name"]
    assert "customer:view" in body["permissions"] and body["branch"] is None and body["branches"] == []


def test_userinfo_of_a_teacher_names_their_branch(db):
    branch = make_branch("alpha", "Hub Branch")
    make_staff("alpha", "teacher-hub@alpha.test", ["teacher"], [branch])
    body = bearer("alpha", "teacher-hub@alpha.test").get("/api/v1/auth/userinfo/").json()
    assert body["roles"] == ["teacher"] and body["branch"] == branch.pk and body["branches"] == [branch.pk]
    assert "role:change" not in body["permissions"]


def test_userinfo_is_for_people_only(db):
    assert client_for("alpha").get("/api/v1/auth/userinfo/").status_code == 401
    key_client, _key = api_key_client("alpha", ["customer:view"])
    assert key_client.get("/api/v1/auth/userinfo/").status_code == 403


# --- check-permission ------------------------------------------------------------------------


def test_check_permission_for_the_caller(db, owner_alpha):
    owner = bearer("alpha", OWNER)
    response = post(owner, "/api/v1/auth/check-permission/", {"permission": "customer:view", "branch": 1})
    assert response.status_code == 200, response.content
    assert response.json() == {"allowed": True, "reason": "granted", "permission": "customer:view",
                               "user": str(owner_alpha.public_id), "scope": "tenant", "branches": None,
                               "active_role": None}
    unknown = post(owner, "/api/v1/auth/check-permission/", {"permission": "nothing:here"})
    assert unknown.status_code == 400 and code(unknown) == "unknown_permission"
    # the GET of before answers as it did
    legacy = owner.get("/api/v1/auth/check-permission/?perm=customer:view")
    assert legacy.status_code == 200 and legacy.json()["allowed"] is True and legacy.json()["perm"] == "customer:view"


def test_check_permission_by_branch(db):
    here, there = make_branch("alpha", "Here"), make_branch("alpha", "There")
    make_staff("alpha", "teacher-check@alpha.test", ["teacher"], [here])
    teacher = bearer("alpha", "teacher-check@alpha.test")
    answer = post(teacher, "/api/v1/auth/check-permission/", {"permission": "customer:view", "branch": here.pk})
    assert answer.json()["allowed"] is True and answer.json()["branches"] == [here.pk]
    answer = post(teacher, "/api/v1/auth/check-permission/", {"permission": "customer:view", "branch": there.pk})
    assert answer.json()["allowed"] is False and answer.json()["reason"] == "other_branch"
    answer = post(teacher, "/api/v1/auth/check-permission/", {"permission": "role:change"})
    assert answer.json()["allowed"] is False and answer.json()["reason"] == "not_granted"


def test_a_service_with_the_scope_asks_about_a_person(db, owner_alpha, owner_beta):
    here = make_branch("alpha", "Service Branch")
    teacher = make_staff("alpha", "teacher-svc@alpha.test", ["teacher"], [here])
    service, _key = api_key_client("alpha", ["identity:check"])
    ask = lambda **data: post(service, "/api/v1/auth/check-permission/", data)  # noqa: E731
    answer = ask(user=str(owner_alpha.public_id), permission="customer:view")
    assert answer.status_code == 200, answer.content
    assert answer.json()["allowed"] is True and answer.json()["user"] == str(owner_alpha.public_id)
    answer = ask(user=str(teacher.public_id), permission="customer:view", branch=here.pk + 1000)
    assert answer.json()["reason"] == "other_branch"
    assert ask(user=str(teacher.public_id), permission="customer:view", branch=here.pk).json()["allowed"] is True
    # a person of another workspace is nobody here
    answer = ask(user=str(owner_beta.public_id), permission="customer:view")
    assert answer.json() == {"allowed": False, "reason": "not_a_member", "permission": "customer:view",
                             "user": str(owner_beta.public_id), "scope": None, "branches": None,
                             "active_role": None}
    # the key's own answer (no user): it holds identity:check only
    assert ask(permission="customer:view").json()["allowed"] is False


@pytest.mark.parametrize("who", ["key_without_scope", "teacher"])
def test_asking_about_others_needs_the_scope(db, owner_alpha, who):
    if who == "teacher":
        make_staff("alpha", "teacher-nosvc@alpha.test", ["teacher"], [make_branch("alpha", "B")])
        client = bearer("alpha", "teacher-nosvc@alpha.test")
    else:
        client, _key = api_key_client("alpha", ["customer:view"])
    response = post(client, "/api/v1/auth/check-permission/",
                    {"user": str(owner_alpha.public_id), "permission": "customer:view"})
    assert response.status_code == 403 and code(response) == "scope_missing"


def test_a_service_key_of_another_workspace_gets_nothing(db, owner_alpha):
    beta_service, _key = api_key_client("beta", ["identity:check"])
    beta_key_on_alpha = client_for("alpha", HTTP_AUTHORIZATION=beta_service.defaults["HTTP_AUTHORIZATION"])
    response = post(beta_key_on_alpha, "/api/v1/auth/check-permission/",
                    {"user": str(owner_alpha.public_id), "permission": "customer:view"})
    assert response.status_code == 401
    # on its own host it learns that alpha's owner is nobody there
    answer = post(beta_service, "/api/v1/auth/check-permission/",
                  {"user": str(owner_alpha.public_id), "permission": "customer:view"})
    assert answer.status_code == 200 and answer.json()["reason"] == "not_a_member"


# --- introspection -------------------------------------------------------------------------


def introspect(client, token, *, form=False):
    if form:
        return client.post("/api/v1/auth/introspect/", {"token": token})
    return post(client, "/api/v1/auth/introspect/", {"token": token})


def test_introspection_of_this_workspaces_tokens(db, owner_alpha):
    service, _key = api_key_client("alpha", ["token:introspect"])
    pair = obtain_tokens("alpha", OWNER)
    response = introspect(service, pair["access"])
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    body = response.json()
    assert body["active"] is True and body["sub"] == str(owner_alpha.public_id) and body["tenant"] == "alpha"
    assert body["token_type"] == "access" and body["exp"] > body["iat"] and "customer:view" in body["scope"].split()
    assert introspect(service, pair["refresh"], form=True).json()["token_type"] == "refresh"
    # logged out: the refresh token is no longer active
    assert post(client_for("alpha"), "/api/v1/auth/logout/", {"refresh": pair["refresh"]}).status_code == 204
    assert introspect(service, pair["refresh"]).json() == {"active": False}
    assert introspect(service, "not-a-token").json() == {"active": False}


def test_a_tenant_key_learns_nothing_about_another_workspaces_tokens(db, owner_beta):
    service, _key = api_key_client("alpha", ["token:introspect"])
    beta = obtain_tokens("beta", "owner@beta.test")
    for token in beta.values():
        assert introspect(service, token).json() == {"active": False}
    # beta's own key sees it
    beta_service, _key = api_key_client("beta", ["token:introspect"])
    assert introspect(beta_service, beta["access"]).json()["active"] is True


def test_introspection_needs_the_scope(db):
    pair = obtain_tokens("alpha", OWNER)
    plain_key, _key = api_key_client("alpha", ["customer:view"])
    response = introspect(plain_key, pair["access"])
    assert response.status_code == 403 and code(response) == "scope_missing"
    assert introspect(client_for("alpha"), pair["access"]).status_code == 401
