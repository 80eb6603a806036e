"""/api/v1/me/ names permissions as resource:action, like the token does."""

import uuid
from types import SimpleNamespace

import pytest
from rest_framework import serializers as drf
from rest_framework_simplejwt.tokens import AccessToken

from apps.accounts.serializers import MeOutput
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


@pytest.mark.parametrize("active_role", [None, "teacher"])
def test_the_written_out_answer_is_what_drf_makes_of_the_fields(active_role):
    """MeOutput writes its answer out by hand for speed: it must stay what DRF's fields give
    (a field added to the serializer and not to the hand-written answer fails here)."""
    payload = {
        "user": SimpleNamespace(public_id=uuid.uuid4(), email="lee@acme.test", full_name="", language="ko"),
        "tenant": SimpleNamespace(slug="acme", name="에이크미 학원", business_type="academy", locale="ko",
                                  timezone="Asia/Seoul"),
        "memberships": ["customer", "staff"],
        "roles": [{"key": "teacher", "name": "Teacher"}, {"key": "desk", "name": "안내"}],
        "active_role": active_role,
        "permissions": ["customer:view", "order:change"],
    }
    fast = MeOutput(payload).data
    assert fast == drf.Serializer.to_representation(MeOutput(), payload)
    assert set(fast) == set(MeOutput().fields) and fast["user"]["id"] == str(payload["user"].public_id)
