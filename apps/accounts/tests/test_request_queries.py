"""What a person's request costs in the steady state (the request after the one that filled
the caches): the member check behind the token (apps.accounts.selectors.member_for_token)
and the access snapshot (apps.rbac.selectors.access_for) are cached, so /me/ costs no
query at all, whoever asks and whichever role they act as."""


from tests.plugin import client_for, obtain_tokens
from tests.workspace import make_branch, make_staff


def bearer(access: str):
    return client_for("alpha", HTTP_AUTHORIZATION=f"Bearer {access}")


def test_me_of_the_owner_costs_no_query(db, commit, django_assert_num_queries):
    with commit():
        client = bearer(obtain_tokens("alpha", "owner@alpha.test")["access"])
    first = client.get("/api/v1/me/")
    assert first.status_code == 200, first.content
    with django_assert_num_queries(0):
        again = client.get("/api/v1/me/")
    body = again.json()
    assert body == first.json()
    assert body["user"]["email"] == "owner@alpha.test" and body["tenant"]["slug"] == "alpha"
    assert body["memberships"] == ["staff"] and body["roles"] == [{"key": "owner", "name": "Owner"}]
    assert "customer:view" in body["permissions"] and body["active_role"] is None


def test_me_with_an_active_role_costs_no_query(db, commit, django_assert_num_queries):
    with commit():
        make_staff("alpha", "two-roles@alpha.test", ["teacher", "clerk"], [make_branch("alpha", "Me Queries")])
        pair = obtain_tokens("alpha", "two-roles@alpha.test")
        switched = bearer(pair["access"]).post("/api/v1/auth/switch-role/", {"role": "teacher"},
                                                content_type="application/json")
    assert switched.status_code == 200, switched.content
    client = bearer(switched.json()["access"])
    assert client.get("/api/v1/me/").status_code == 200
    with django_assert_num_queries(0):
        body = client.get("/api/v1/me/").json()
    assert body["active_role"] == "teacher" and [role["key"] for role in body["roles"]] == ["teacher"]
    with django_assert_num_queries(0):
        check = client.get("/api/v1/auth/check-permission/?perm=customer:view").json()
    assert check["allowed"] and check["scope"] == "branch" and check["active_role"] == "teacher"
