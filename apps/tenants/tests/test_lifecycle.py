"""The tenant lifecycle state machine: every legal and illegal transition, who/when/why,
permissions per HQ role, routing of closed tenants, purge only after retention."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_exists

from apps.accounts.hq import HQ_ADMIN, HQ_MASTER, SECURITY_OFFICER, SUPPORT
from apps.accounts.models import User
from apps.audit.models import AuditEvent
from apps.core.errors import PlatformError
from apps.tenants import lifecycle
from apps.tenants.errors import IllegalTransition
from apps.tenants.models import Tenant, TenantStatusChange
from apps.tenants.services import tenant_create, tenant_start_provisioning
from apps.tenants.states import TRANSITIONS, check_transition
from tests.plugin import client_for, create_provisioned

S = Tenant.Status


@pytest.fixture
def master(db):
    user = User.objects.create_user("master@platform.test", "x", is_staff=True)
    user.groups.add(Group.objects.get(name=HQ_MASTER))
    return user


def staff(db, group):
    user = User.objects.create_user(f"{group.lower()}@platform.test", "x", is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def active_tenant(tenant_alpha):
    """The session tenant alpha: every change here is rolled back (DDL included)."""
    return tenant_alpha


@pytest.fixture
def requested_tenant(db):
    return tenant_create(slug="life-req", name="Life Requested", business_type="food",
                         owner_email="owner@life-req.test", provision=False)


@pytest.mark.parametrize("current", list(S))
@pytest.mark.parametrize("target", list(S))
def test_transition_table_allows_only_the_lifecycle(current, target):
    tenant = Tenant(status=current)
    if target in TRANSITIONS[current]:
        check_transition(tenant, target)
    else:
        with pytest.raises(IllegalTransition) as exc:
            check_transition(tenant, target)
        assert exc.value.code == "invalid_status" and exc.value.status == 409
        assert "cannot become" in str(exc.value.message)


def test_suspend_reactivate_records_who_when_why(active_tenant, master):
    tenant = lifecycle.tenant_suspend(tenant=active_tenant, actor=master, reason="unpaid invoices")
    assert tenant.status == S.SUSPENDED and tenant.suspended_reason == "unpaid invoices"
    assert tenant.suspended_at is not None
    change = tenant.status_changes.first()
    assert (change.from_status, change.to_status, change.actor, change.reason) == (
        S.ACTIVE, S.SUSPENDED, master, "unpaid invoices")
    event = AuditEvent.objects.filter(action="tenant.suspended").first()
    assert event.actor == master and event.tenant_slug == "alpha"
    assert event.changes["status"] == [S.ACTIVE, S.SUSPENDED] and event.metadata["reason"] == "unpaid invoices"
    # refused on its host
    response = client_for("alpha").get("/api/v1/me/", HTTP_ACCEPT="application/json")
    assert response.status_code == 403 and response.json()["error"]["code"] == "tenant_suspended"

    tenant = lifecycle.tenant_reactivate(tenant=tenant, actor=master)
    assert tenant.status == S.ACTIVE and tenant.suspended_at is None and tenant.suspended_reason == ""
    assert client_for("alpha").get("/", HTTP_ACCEPT="text/html").status_code == 200


def test_a_reason_is_required_to_suspend_or_delete(active_tenant, master):
    for service in (lifecycle.tenant_suspend, lifecycle.tenant_soft_delete):
        with pytest.raises(PlatformError) as exc:
            service(tenant=active_tenant, actor=master, reason="  ")
        assert exc.value.code == "reason_required"
    active_tenant.refresh_from_db()
    assert active_tenant.status == S.ACTIVE


@pytest.mark.parametrize("service,kwargs", [
    (lifecycle.tenant_reactivate, {}), (lifecycle.tenant_restore, {}),
    (lifecycle.tenant_approve, {}), (lifecycle.tenant_purge, {}),
])
def test_illegal_transitions_from_active_change_nothing(active_tenant, master, service, kwargs):
    with pytest.raises(IllegalTransition):
        service(tenant=active_tenant, actor=master, **kwargs)
    active_tenant.refresh_from_db()
    assert active_tenant.status == S.ACTIVE
    assert not active_tenant.status_changes.exclude(to_status__in=[S.PROVISIONING, S.ACTIVE]).exists()


def test_soft_delete_then_restore_returns_to_previous_status(active_tenant, master):
    lifecycle.tenant_suspend(tenant=active_tenant, actor=master, reason="fraud check")
    tenant = lifecycle.tenant_soft_delete(tenant=active_tenant, actor=master, reason="customer left")
    assert tenant.status == S.DELETED and tenant.deleted_reason == "customer left"
    response = client_for("alpha").get("/api/v1/me/", HTTP_ACCEPT="application/json")
    assert response.status_code == 404 and response.json()["error"]["code"] == "tenant_not_found"
    tenant = lifecycle.tenant_restore(tenant=tenant, actor=master)
    assert tenant.status == S.SUSPENDED and tenant.deleted_at is None
    assert schema_exists("alpha")


def test_restore_refused_after_retention(active_tenant, master, settings):
    tenant = lifecycle.tenant_soft_delete(tenant=active_tenant, actor=master, reason="gone")
    Tenant.objects.filter(pk=tenant.pk).update(deleted_at=timezone.now() - timedelta(days=31))
    with pytest.raises(PlatformError) as exc:
        lifecycle.tenant_restore(tenant=tenant, actor=master)
    assert exc.value.code == "retention"


def test_purge_only_for_deleted_tenants_after_retention(active_tenant, master):
    with pytest.raises(IllegalTransition):
        lifecycle.tenant_purge(tenant=active_tenant)
    tenant = lifecycle.tenant_soft_delete(tenant=active_tenant, actor=master, reason="gone")
    with pytest.raises(PlatformError) as exc:
        lifecycle.tenant_purge(tenant=tenant)
    assert exc.value.code == "retention"
    assert lifecycle.tenants_purge_expired() == []  # the beat task leaves it alone within retention
    assert schema_exists("alpha")

    Tenant.objects.filter(pk=tenant.pk).update(deleted_at=timezone.now() - timedelta(days=30, minutes=1))
    assert lifecycle.tenants_purge_expired() == ["alpha"]
    tenant.refresh_from_db()
    assert tenant.status == S.PURGED and tenant.purged_at is not None
    assert not schema_exists("alpha") and not tenant.domains.exists()
    assert AuditEvent.objects.filter(action="tenant.purged", tenant_slug="alpha").exists()
    assert connection.schema_name == "public"


def test_purge_never_touches_active_or_suspended(tenant_alpha):
    Tenant.objects.filter(pk=tenant_alpha.pk).update(deleted_at=timezone.now() - timedelta(days=400))
    assert lifecycle.tenants_purge_expired() == []
    assert schema_exists("alpha")


def test_requested_tenant_can_be_approved_then_provisioned(requested_tenant, master,
                                                          django_capture_on_commit_callbacks):
    tenant = lifecycle.tenant_approve(tenant=requested_tenant, actor=master)
    assert tenant.status == S.APPROVED and tenant.approved_at is not None
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        tenant = tenant_start_provisioning(tenant=tenant, actor=master)
    queued = [cb for cb in callbacks if "_queue_provisioning" in cb.__qualname__]
    assert tenant.status == S.PROVISIONING and len(queued) == 1
    statuses = list(tenant.status_changes.order_by("created_at", "id").values_list("to_status", flat=True))
    assert statuses == [S.REQUESTED, S.APPROVED, S.PROVISIONING]


def test_failed_tenant_is_retryable_and_deletable(requested_tenant, master, django_capture_on_commit_callbacks):
    """A failure itself is recorded by the worker path (tests/test_provisioning_worker.py)."""
    from apps.tenants.services import tenant_retry_provisioning
    from apps.tenants.states import transition

    with django_capture_on_commit_callbacks(execute=False):
        tenant = tenant_start_provisioning(tenant=requested_tenant, actor=master)
    transition(tenant, S.FAILED, action="tenant.provisioning_failed", fields={"provisioning_error": "boom"})
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        tenant = tenant_retry_provisioning(tenant=tenant, actor=master)
    assert tenant.status == S.PROVISIONING and tenant.provisioning_error == ""
    assert any("_queue_provisioning" in cb.__qualname__ for cb in callbacks)
    with pytest.raises(IllegalTransition):
        tenant_retry_provisioning(tenant=tenant, actor=master)


@pytest.mark.parametrize("group,allowed", [
    (HQ_MASTER, {"approve", "suspend", "delete", "invite"}),
    (HQ_ADMIN, {"approve", "suspend", "invite"}),
    (SECURITY_OFFICER, {"suspend"}),
    (SUPPORT, {"invite"}),
])
def test_permission_matrix_in_the_services(db, group, allowed, requested_tenant, active_tenant):
    from django.db import transaction

    user = staff(db, group)
    attempts = {
        "approve": lambda: lifecycle.tenant_approve(tenant=requested_tenant, actor=user),
        "suspend": lambda: lifecycle.tenant_suspend(tenant=active_tenant, actor=user, reason="r"),
        "delete": lambda: lifecycle.tenant_soft_delete(tenant=requested_tenant, actor=user, reason="r"),
        "invite": lambda: lifecycle.tenant_resend_invite(tenant=active_tenant, actor=user),
    }
    for name, attempt in attempts.items():
        sid = transaction.savepoint()
        try:
            if name in allowed:
                attempt()
            else:
                with pytest.raises(PlatformError) as exc:
                    attempt()
                assert exc.value.code == "permission_denied" and exc.value.status == 403
                assert AuditEvent.objects.filter(action="auth.permission_denied", actor=user,
                                                 category="security").exists()
        finally:
            transaction.savepoint_rollback(sid)


def test_resend_invite_emails_a_set_password_link(active_tenant, master, django_capture_on_commit_callbacks):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.tenant_resend_invite(tenant=active_tenant, actor=master)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["owner@alpha.test"]
    assert "http://alpha.localhost/accounts/password/reset/key/" in message.body
    assert AuditEvent.objects.filter(action="tenant.invite_resent", actor=master).exists()


def test_new_owner_gets_the_invite_when_provisioned(db):
    mail.outbox.clear()
    create_provisioned(slug="life-mail", name="Mail Co", business_type="food", owner_email="boss@life-mail.test")
    assert [m.to for m in mail.outbox] == [["boss@life-mail.test"]]
    assert "Mail Co" in mail.outbox[0].subject


def test_status_history_starts_at_creation(requested_tenant):
    assert list(TenantStatusChange.objects.filter(tenant=requested_tenant).values_list("from_status", "to_status")) \
        == [("", S.REQUESTED)]
