"""/api/v1/me/ names permissions as resource:action, like the token does."""

from rest_framework_simplejwt.tokens import AccessToken

from tests.plugin import client_for, obtain_tokens
from tests.workspace import make_branch, make_staff


def test_me_lists_permissions_like_the_token(db):
    for email, roles in [("owner@alpha.test", None), ("teacher-me@alpha.test", ["teacher"])]:
        if roles:
            make_staff("alpha", email, roles, [make_branch("alpha", "Me Branch")])
        access = obtain_tokens("alpha", email)["access"]
        me = client_for("alpha").get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {access}")
        assert me.status_code == 200, me.content
        permissions = me.json()["permissions"]
        assert permissions and permissions == sorted(AccessToken(access)["permissions"])
        assert all(":" in name and "." not in name for name in permissions)
        assert "customer:view" in permissions
