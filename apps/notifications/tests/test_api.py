"""/api/v1/my/notifications/ and /my/notification-preferences/: a person's own, in this
workspace only; never another person's, never through an API key."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context

from apps.notifications.models import Notification, Preference
from tests.plugin import TENANTS, client_for, obtain_tokens
from tests.workspace import api_key_client

from .conftest import JSON, PASSWORD, make_consumer


def bearer(slug: str, email: str, password: str = PASSWORD):
    tokens = obtain_tokens(slug, email, password)
    return client_for(slug, HTTP_AUTHORIZATION=f"Bearer {tokens['access']}")


def notify(slug: str, user, count: int, **fields) -> list[Notification]:
    with schema_context(slug):
        return [Notification.objects.create(user_id=user.pk, event_name="test.notified", title=f"#{n}",
                                            body="body", **fields) for n in range(count)]


def test_own_notifications_newest_first_with_unread_count(db):
    minji, _customer = make_consumer("alpha", "minji@example.com")
    other, _customer = make_consumer("alpha", "other@example.com")
    mine = notify("alpha", minji, 3)
    notify("alpha", other, 2)
    client = bearer("alpha", "minji@example.com")
    body = client.get("/api/v1/my/notifications/").json()
    assert [n["id"] for n in body["results"]] == [n.pk for n in reversed(mine)]
    assert body["unread"] == 3
    assert body["results"][0]["event"] == "test.notified" and body["results"][0]["read"] is False
    page = client.get("/api/v1/my/notifications/?page_size=2").json()
    assert len(page["results"]) == 2 and page["next"]
    assert len(client.get(page["next"]).json()["results"]) == 1
    # a constant number of queries, whatever the page size
    with CaptureQueriesContext(connection) as small:
        client.get("/api/v1/my/notifications/?page_size=1")
    with CaptureQueriesContext(connection) as large:
        client.get("/api/v1/my/notifications/?page_size=3")
    assert len(small) == len(large)


def test_mark_read_and_read_all(db):
    minji, _customer = make_consumer("alpha", "minji@example.com")
    other, _customer = make_consumer("alpha", "other@example.com")
    first, second = notify("alpha", minji, 2)
    (theirs,) = notify("alpha", other, 1)
    client = bearer("alpha", "minji@example.com")
    response = client.post(f"/api/v1/my/notifications/{first.pk}/read/")
    assert response.status_code == 200 and response.json()["read"] is True
    assert client.get("/api/v1/my/notifications/").json()["unread"] == 1
    response = client.post(f"/api/v1/my/notifications/{theirs.pk}/read/")
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"
    assert client.post("/api/v1/my/notifications/999999/read/").status_code == 404
    assert client.post("/api/v1/my/notifications/read-all/").json() == {"marked": 1, "unread": 0}
    with schema_context("alpha"):
        assert Notification.objects.get(pk=theirs.pk).read_at is None


def test_staff_have_their_own_too(db, owner_alpha):
    notify("alpha", owner_alpha, 1)
    client = bearer("alpha", TENANTS["alpha"]["owner_email"], password="Test-pass-2026!")
    assert client.get("/api/v1/my/notifications/").json()["unread"] == 1


def test_isolation_between_workspaces(db):
    """One person, a customer of alpha and of beta: each host shows that workspace's only;
    a token of one workspace is refused on the other."""
    person, _customer = make_consumer("alpha", "both@example.com")
    make_consumer("beta", "both@example.com")
    notify("alpha", person, 2)
    beta = bearer("beta", "both@example.com")
    body = beta.get("/api/v1/my/notifications/").json()
    assert body["results"] == [] and body["unread"] == 0
    alpha_token = obtain_tokens("alpha", "both@example.com", PASSWORD)["access"]
    stolen = client_for("beta", HTTP_AUTHORIZATION=f"Bearer {alpha_token}")
    assert stolen.get("/api/v1/my/notifications/").status_code == 401
    assert client_for("alpha").get("/api/v1/my/notifications/").status_code == 401


def test_api_keys_are_not_people(db):
    client, _key = api_key_client("alpha", ["customer:view"])
    response = client.get("/api/v1/my/notifications/")
    assert response.status_code == 403 and response.json()["error"]["code"] == "notification_person_required"


def test_preferences(db):
    minji, _customer = make_consumer("alpha", "minji@example.com")
    client = bearer("alpha", "minji@example.com")
    assert client.get("/api/v1/my/notification-preferences/").json() == {
        "email": True, "sms": True, "alimtalk": True, "in_app": True}
    response = client.put("/api/v1/my/notification-preferences/", {"sms": False}, content_type=JSON)
    assert response.json() == {"email": True, "sms": False, "alimtalk": True, "in_app": True}
    response = client.put("/api/v1/my/notification-preferences/", {"sms": "maybe"}, content_type=JSON)
    assert response.status_code == 400 and "sms" in response.json()["error"]["details"]
    with schema_context("alpha"):
        assert Preference.objects.get(user_id=minji.pk).sms is False
    assert bearer("beta", TENANTS["beta"]["owner_email"], password="Test-pass-2026!").get(
        "/api/v1/my/notification-preferences/").json()["sms"] is True  # alpha's choice is alpha's
