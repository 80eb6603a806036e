"""Demo tenants: an end date, one notice to the owner N days before, then beat suspends
them through the lifecycle service (status history, audit event, routing refuses)."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.utils import timezone

from apps.accounts.hq import HQ_MASTER
from apps.accounts.models import User
from apps.audit.models import AuditEvent
from apps.core.errors import PlatformError
from apps.tenants import lifecycle
from apps.tenants.models import Tenant
from apps.tenants.schedules import BEAT_SCHEDULE
from apps.tenants.services import tenant_update_details
from apps.tenants.tasks import expire_demo_tenants
from tests.plugin import client_for

S = Tenant.Status


@pytest.fixture
def demo(tenant_alpha, settings):
    """alpha as an active demo ending in 10 days (rolled back after each test)."""
    settings.TENANT_DEMO_NOTICE_DAYS = 3
    Tenant.objects.filter(pk=tenant_alpha.pk).update(kind=Tenant.Kind.DEMO, locale="en",
                                                     demo_expires_at=timezone.now() + timedelta(days=10))
    return Tenant.objects.get(pk=tenant_alpha.pk)


def move_end(tenant, delta):
    Tenant.objects.filter(pk=tenant.pk).update(demo_expires_at=timezone.now() + delta)


def test_the_beat_task_is_scheduled():
    entry = BEAT_SCHEDULE["tenants.expire_demo_tenants"]
    assert entry["task"] == expire_demo_tenants.name


def test_nothing_happens_to_a_demo_far_from_its_end(demo, django_capture_on_commit_callbacks):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert expire_demo_tenants() == {"notified": [], "suspended": []}
    assert mail.outbox == []
    demo.refresh_from_db()
    assert demo.status == S.ACTIVE and demo.demo_expiry_notified_at is None


def test_owner_is_told_once_before_the_end(demo, django_capture_on_commit_callbacks):
    move_end(demo, timedelta(days=2, hours=12))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert expire_demo_tenants() == {"notified": ["alpha"], "suspended": []}
    assert [m.to for m in mail.outbox] == [["owner@alpha.test"]]
    message = mail.outbox[0]
    assert "Alpha Academy" in message.subject and "demo" in message.subject.lower()
    assert "http://alpha.localhost/" in message.body and "suspended" in message.body
    demo.refresh_from_db()
    assert demo.status == S.ACTIVE and demo.demo_expiry_notified_at is not None
    assert AuditEvent.objects.filter(action="tenant.demo_expiry_notified", tenant_slug="alpha").count() == 1
    # the next runs do not send it again
    with django_capture_on_commit_callbacks(execute=True):
        assert expire_demo_tenants() == {"notified": [], "suspended": []}
        expire_demo_tenants()
    assert len(mail.outbox) == 1


def test_notice_is_in_the_tenants_language(demo, django_capture_on_commit_callbacks):
    move_end(demo, timedelta(days=1))
    Tenant.objects.filter(pk=demo.pk).update(locale="ko")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        expire_demo_tenants()
    assert "데모" in mail.outbox[0].subject


def test_demo_is_suspended_through_the_lifecycle_when_its_end_passes(demo, django_capture_on_commit_callbacks):
    move_end(demo, timedelta(days=1))
    with django_capture_on_commit_callbacks(execute=True):
        expire_demo_tenants()  # the notice
    move_end(demo, -timedelta(minutes=1))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert expire_demo_tenants() == {"notified": [], "suspended": ["alpha"]}
    assert mail.outbox == []  # told already
    demo.refresh_from_db()
    assert demo.status == S.SUSPENDED and demo.suspended_reason.startswith("Demo period ended on ")
    change = demo.status_changes.first()
    assert (change.from_status, change.to_status, change.actor) == (S.ACTIVE, S.SUSPENDED, None)
    event = AuditEvent.objects.get(action="tenant.suspended", tenant_slug="alpha")
    assert event.actor is None and event.changes["status"] == [S.ACTIVE, S.SUSPENDED]
    response = client_for("alpha").get("/api/v1/me/", HTTP_ACCEPT="application/json")
    assert response.status_code == 403 and response.json()["error"]["code"] == "tenant_suspended"
    # idempotent: nothing more to do
    assert expire_demo_tenants() == {"notified": [], "suspended": []}


def test_customers_and_other_statuses_are_left_alone(demo, tenant_beta):
    Tenant.objects.filter(pk=tenant_beta.pk).update(demo_expires_at=timezone.now() - timedelta(days=1))
    move_end(demo, -timedelta(days=1))
    Tenant.objects.filter(pk=demo.pk).update(status=S.FAILED)
    assert expire_demo_tenants() == {"notified": [], "suspended": []}
    assert Tenant.objects.get(pk=tenant_beta.pk).status == S.ACTIVE


def test_an_expired_demo_is_not_reactivated_until_extended(demo, django_capture_on_commit_callbacks):
    master = User.objects.create_user("master@platform.test", "x", is_staff=True)
    master.groups.add(Group.objects.get(name=HQ_MASTER))
    move_end(demo, -timedelta(minutes=1))
    with django_capture_on_commit_callbacks(execute=True):
        expire_demo_tenants()
    tenant = Tenant.objects.get(pk=demo.pk)
    with pytest.raises(PlatformError) as exc:
        lifecycle.tenant_reactivate(tenant=tenant, actor=master)
    assert exc.value.code == "demo_expired" and "Alpha Academy" in str(exc.value.message)
    # HQ extends the demo: a new end date means a new notice later
    Tenant.objects.filter(pk=demo.pk).update(demo_expiry_notified_at=timezone.now())
    tenant = Tenant.objects.get(pk=demo.pk)
    tenant.demo_expires_at = timezone.now() + timedelta(days=14)
    tenant = tenant_update_details(tenant=tenant, actor=master, fields=["demo_expires_at"])
    assert tenant.demo_expiry_notified_at is None
    tenant = lifecycle.tenant_reactivate(tenant=tenant, actor=master)
    assert tenant.status == S.ACTIVE
    assert expire_demo_tenants() == {"notified": [], "suspended": []}


def test_a_customer_has_no_demo_end_and_a_new_demo_gets_one(tenant_beta, settings):
    settings.TENANT_DEMO_DAYS = 5
    master = User.objects.create_user("master@platform.test", "x", is_staff=True)
    master.groups.add(Group.objects.get(name=HQ_MASTER))
    tenant_beta.kind = Tenant.Kind.DEMO
    tenant = tenant_update_details(tenant=tenant_beta, actor=master, fields=["kind"])
    assert abs(tenant.demo_expires_at - (timezone.now() + timedelta(days=5))) < timedelta(minutes=1)
    tenant.kind = Tenant.Kind.CUSTOMER
    tenant = tenant_update_details(tenant=tenant, actor=master, fields=["kind"])
    assert tenant.demo_expires_at is None
    event = AuditEvent.objects.filter(action="tenant.updated", tenant_slug="beta").first()
    assert event.changes["kind"] == ["demo", "customer"] and event.changes["demo_expires_at"][1] is None
    tenant.kind = Tenant.Kind.INTERNAL
    with pytest.raises(Exception) as exc:
        tenant_update_details(tenant=tenant, actor=master, fields=["kind"])
    assert "kind" in exc.value.message_dict
