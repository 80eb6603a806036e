"""The member check behind each token is cached (apps.accounts.selectors.member_for_token,
under the user's `user:<id>` scope and the tenant's): every change to the person or their
membership reaches the very next request. Each change runs with its on-commit callbacks
executed, as a real commit would (versions are bumped on commit), after a request that
provably answered from the cache."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context

from apps.accounts.models import Membership
from apps.accounts.services import membership_ensure
from tests.plugin import client_for, obtain_tokens
from tests.workspace import make_staff, tenant

EMAIL = "member-cache@alpha.test"


@pytest.fixture
def member(db, commit):
    """A staff member (teacher) of alpha with a token, and their user row."""
    with commit():
        user = make_staff("alpha", EMAIL, ["teacher"])
        access = obtain_tokens("alpha", EMAIL)["access"]
    connection.set_schema_to_public()
    return client_for("alpha", HTTP_AUTHORIZATION=f"Bearer {access}"), user


def me_from_cache(client) -> dict:
    """/me/ answered by the cached member check and access (no query at all)."""
    client.get("/api/v1/me/")
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/api/v1/me/")
    assert response.status_code == 200, response.content
    assert not queries.captured_queries, [q["sql"] for q in queries.captured_queries]
    return response.json()


def refused(response) -> bool:
    return response.status_code == 401 and response.json()["error"]["code"] == "membership_inactive"


def test_staff_deactivation_takes_effect_on_the_next_request(member, commit):
    from apps.staff.models import StaffProfile
    from apps.staff.services import staff_deactivate, staff_reactivate

    client, user = member
    me_from_cache(client)
    with commit(), schema_context("alpha"):
        staff_deactivate(profile=StaffProfile.objects.get(user_id=user.pk), actor=None)
    connection.set_schema_to_public()
    assert refused(client.get("/api/v1/me/"))
    assert refused(client.get("/api/v1/customers/"))
    with commit(), schema_context("alpha"):
        staff_reactivate(profile=StaffProfile.objects.get(user_id=user.pk), actor=None)
    connection.set_schema_to_public()
    assert me_from_cache(client)["memberships"] == ["staff"]


def test_a_user_deactivated_in_the_admin_is_refused_at_once_and_back_when_reactivated(member, commit):
    client, user = member
    me_from_cache(client)
    with commit():
        user.is_active = False
        user.save()  # the ops portal's user form
    assert client.get("/api/v1/me/").status_code == 401
    with commit():
        user.is_active = True
        user.save()
    me_from_cache(client)  # back at once, and cached again


def test_a_membership_changed_or_deleted_outside_the_services_is_seen_at_once(member, commit):
    client, user = member
    me_from_cache(client)
    membership = Membership.objects.get(user=user, tenant=tenant("alpha"), kind=Membership.Kind.STAFF)
    with commit():
        membership.status = Membership.Status.REMOVED
        membership.save()  # the ops portal's membership form
    assert refused(client.get("/api/v1/me/"))
    with commit():
        membership.status = Membership.Status.ACTIVE
        membership.save()
    me_from_cache(client)
    with commit():
        membership.delete()
    assert refused(client.get("/api/v1/me/"))


def test_a_new_membership_and_a_renamed_user_show_on_the_next_request(member, commit):
    client, user = member
    assert me_from_cache(client)["memberships"] == ["staff"]
    with commit():
        membership_ensure(user=user, tenant=tenant("alpha"), kind=Membership.Kind.CUSTOMER)
        user.full_name = "Renamed Member"
        user.save(update_fields=["full_name"])
    body = me_from_cache(client)
    assert body["memberships"] == ["customer", "staff"] and body["user"]["full_name"] == "Renamed Member"


def test_a_login_does_not_drop_the_cached_member_check(member, commit, django_assert_num_queries):
    """Logging in writes last_login (and resets the lockout counters): nothing the member
    check keeps, so other tokens of the person stay answered from the cache."""
    client, _user = member
    me_from_cache(client)
    with commit():
        obtain_tokens("alpha", EMAIL)
    with django_assert_num_queries(0):
        assert client.get("/api/v1/me/").status_code == 200
