"""Per-tenant daily usage (apps.billing.usage) and last activity (apps.core.activity,
apps.tenants.activity): the rows the daily task writes equal the activity made in each
workspace, through real requests, rows and files; re-running gives the same rows."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import connection
from django.test import TestCase
from django.utils import timezone
from django_tenants.utils import schema_context

from apps.billing.models import UsageDay
from apps.billing.tasks import collect_usage
from apps.core.activity import forget_process_memo
from apps.core.tasks_inline import tasks_in_process
from apps.events import catalogue
from apps.events.catalogue import INTEGER, EventType, event_type_register, obj
from apps.tenants.models import Tenant
from tests.plugin import forget
from tests.workspace import api, api_key_client

_numbers = itertools.count(70000)
USAGE_EVENT = EventType(name="test.usage", description="A test event.", schema=obj({"n": INTEGER}),
                        example={"n": 1}, group="tests")


@pytest.fixture(autouse=True)
def fresh_activity(settings, tmp_path):
    """Activity keys and this process's memo start empty; files go to a folder of this test."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    forget("activity:*")
    forget_process_memo()
    yield
    forget("activity:*")
    forget_process_memo()


def make_orders(slug: str, count: int) -> None:
    from apps.orders.models import Order

    with schema_context(slug):
        for _ in range(count):
            Order.objects.create(number=next(_numbers), total=1000, subtotal=1000, status="placed")
    connection.set_schema_to_public()


def sent_notification(slug: str) -> None:
    from apps.notifications.models import Delivery

    with schema_context(slug):
        Delivery.objects.create(event_name="test.usage", channel="email", language="ko", audience="customer",
                                address="someone@example.test", status=Delivery.Status.SENT, sent_at=timezone.now())
    connection.set_schema_to_public()


def webhook_delivered(slug: str, receiver) -> None:
    """A real delivery: an endpoint on the receiver process, an event, its attempt."""
    from apps.events.services import event_record
    from apps.webhooks import services
    from apps.webhooks.models import Delivery

    event_type_register(USAGE_EVENT)
    try:
        with schema_context(slug):
            _endpoint, secret = services.endpoint_create(url=receiver.url, events=["test.usage"], actor=None)
        receiver.reset(secrets=[secret])
        with tasks_in_process(), TestCase.captureOnCommitCallbacks(execute=True):
            with schema_context(slug):
                event_record("test.usage", {"n": 1})
        with schema_context(slug):
            assert Delivery.objects.get().status == Delivery.Status.SUCCEEDED
    finally:
        catalogue._catalogue.pop(USAGE_EVENT.name, None)
        connection.set_schema_to_public()


def upload(slug: str, size: int) -> None:
    from apps.workspace.storage import tenant_media_storage

    tenant_media_storage().save(f"{slug}/usage/test.bin", ContentFile(b"x" * size))


def row(tenant, day) -> dict:
    usage = UsageDay.objects.get(tenant=tenant, day=day)
    return {name: getattr(usage, name) for name in ("active_users", "orders", "api_calls", "notifications",
                                                     "webhook_deliveries", "media_bytes")}


def test_daily_rows_equal_the_activity_of_each_workspace(tenant_alpha, tenant_beta, webhook_receiver_process,
                                                         settings):
    settings.WEBHOOKS_ALLOW_PRIVATE_TARGETS = True  # the receiver listens on loopback
    webhook_receiver_process.reset()
    today = timezone.localdate()
    # alpha: the owner (JWT) and an API key, 3 + 2 API calls and the token request; 2 orders,
    # a notification sent, a webhook delivered, a 1234-byte upload
    owner = api("alpha", "owner@alpha.test")  # the token request: an API call and a login
    for _ in range(3):
        assert owner.get("/api/v1/me/").status_code == 200
    key_client, _key = api_key_client("alpha", ["customer:view"])
    for _ in range(2):
        assert key_client.get("/api/v1/customers/").status_code == 200
    make_orders("alpha", 2)
    sent_notification("alpha")
    webhook_delivered("alpha", webhook_receiver_process)
    upload("alpha", 1234)
    # beta: its owner, one token request and one call; one order; nothing else
    beta_owner = api("beta", "owner@beta.test")
    assert beta_owner.get("/api/v1/me/").status_code == 200
    make_orders("beta", 1)

    with tasks_in_process():  # the beat task, its per-tenant tasks run here
        result = collect_usage.delay(day=today.isoformat()).get()

    assert result["queued"] >= 2
    assert row(tenant_alpha, today) == {"active_users": 2, "orders": 2, "api_calls": 6, "notifications": 1,
                                        "webhook_deliveries": 1, "media_bytes": 1234}
    assert row(tenant_beta, today) == {"active_users": 1, "orders": 1, "api_calls": 2, "notifications": 0,
                                       "webhook_deliveries": 0, "media_bytes": 0}
    database = UsageDay.objects.get(tenant=tenant_alpha, day=today).database_bytes
    assert database > 0  # the schema's tables, measured

    # Re-run: the same rows, not new ones
    with tasks_in_process():
        collect_usage.delay(day=today.isoformat())
    assert UsageDay.objects.filter(tenant__in=[tenant_alpha, tenant_beta], day=today).count() == 2
    assert row(tenant_alpha, today)["api_calls"] == 6 and row(tenant_beta, today)["orders"] == 1


def test_backfill_command_collects_a_given_day(tenant_alpha):
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    start = timezone.make_aware(dt.datetime.combine(yesterday, dt.time(12)))
    make_orders("alpha", 3)
    with schema_context("alpha"):
        from apps.orders.models import Order

        Order.objects.update(created_at=start)  # made yesterday
    connection.set_schema_to_public()

    call_command("collect_usage", "--day", yesterday.isoformat(), "--tenant", "alpha", stdout=open("/dev/null", "w"))
    call_command("collect_usage", "--day", yesterday.isoformat(), "--tenant", "alpha", stdout=open("/dev/null", "w"))

    assert UsageDay.objects.filter(tenant=tenant_alpha).count() == 1
    assert UsageDay.objects.get(tenant=tenant_alpha, day=yesterday).orders == 3
    assert not UsageDay.objects.filter(day=yesterday).exclude(tenant=tenant_alpha).exists()


def test_last_activity_moves_on_a_jwt_request_without_a_login(tenant_alpha, owner_alpha):
    from apps.tenants.activity import last_activity_flush, tenant_last_activity
    from apps.tenants.tasks import flush_last_activity

    client = api("alpha", "owner@alpha.test")  # the login happens here, before the clock starts
    owner_alpha.refresh_from_db()
    last_login = owner_alpha.last_login
    forget("activity:*")
    forget_process_memo()
    Tenant.objects.filter(pk=tenant_alpha.pk).update(last_activity_at=None)
    tenant_alpha.refresh_from_db()
    assert tenant_last_activity(tenant_alpha) is None
    before = timezone.now().replace(microsecond=0)

    assert client.get("/api/v1/me/").status_code == 200

    seen = tenant_last_activity(tenant_alpha)
    assert seen is not None and before <= seen <= timezone.now()
    owner_alpha.refresh_from_db()
    assert owner_alpha.last_login == last_login  # no login: the request itself moved it
    assert flush_last_activity() >= 1  # beat copies it to the tenant row
    tenant_alpha.refresh_from_db()
    assert tenant_alpha.last_activity_at == seen
    assert last_activity_flush() == 0  # nothing newer: no write
    # beta saw nothing of it
    assert Tenant.objects.get(slug="beta").last_activity_at != seen


def test_anonymous_and_outsiders_requests_are_no_activity(tenant_alpha, alpha_client):
    from apps.core.activity import active_identities
    from apps.tenants.activity import tenant_last_activity
    from tests.plugin import client_for, obtain_tokens

    beta_token = obtain_tokens("beta", "owner@beta.test")["access"]  # beta's activity, not alpha's
    Tenant.objects.filter(pk=tenant_alpha.pk).update(last_activity_at=None)
    tenant_alpha.refresh_from_db()
    assert alpha_client.get("/api/v1/me/").status_code == 401
    outsider = client_for("alpha", HTTP_AUTHORIZATION=f"Bearer {beta_token}")
    assert outsider.get("/api/v1/me/").status_code == 401  # a token works on its own tenant only
    assert tenant_last_activity(tenant_alpha) is None
    assert active_identities(tenant_id=tenant_alpha.pk, day=timezone.localdate()) == 0
    assert active_identities(tenant_id=Tenant.objects.get(slug="beta").pk, day=timezone.localdate()) == 1


def test_recollecting_an_old_day_keeps_what_redis_no_longer_holds(tenant_alpha):
    old = timezone.localdate() - dt.timedelta(days=50)
    UsageDay.objects.create(tenant=tenant_alpha, day=old, api_calls=5, active_users=2, database_bytes=777,
                            collected_at=timezone.now())

    call_command("collect_usage", "--day", old.isoformat(), "--tenant", "alpha", stdout=open("/dev/null", "w"))

    kept = UsageDay.objects.get(tenant=tenant_alpha, day=old)
    assert (kept.api_calls, kept.active_users, kept.database_bytes) == (5, 2, 777)
