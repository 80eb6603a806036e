"""Provisioning through a real Celery worker on the real broker (Redis)."""

import time

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django_tenants.utils import schema_exists

from apps.accounts.models import Membership, User
from apps.tenants.models import Tenant
from apps.tenants.services import tenant_create, tenant_start_provisioning

pytestmark = pytest.mark.worker


def wait_for_status(tenant, statuses, seconds=90):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        tenant.refresh_from_db()
        if tenant.status in statuses:
            return tenant
        time.sleep(0.2)
    raise AssertionError(f"tenant {tenant.slug} still {tenant.status} after {seconds}s")


def test_worker_provisions_a_new_tenant(celery_worker_process, committed):
    slug = committed.tenant_slug("wk-one")
    committed.email("owner@wk-one.test")
    tenant = tenant_create(slug=slug, name="Worker One", business_type="academy", owner_email="owner@wk-one.test")
    assert tenant.status == Tenant.Status.PROVISIONING
    wait_for_status(tenant, {Tenant.Status.ACTIVE, Tenant.Status.FAILED})
    assert tenant.status == Tenant.Status.ACTIVE, tenant.provisioning_error
    assert schema_exists("wk_one")
    owner = User.objects.get(email="owner@wk-one.test")
    assert Membership.objects.filter(user=owner, tenant=tenant, status="active").exists()
    assert tenant.owner_id == owner.pk and tenant.activated_at


def test_a_schema_left_by_a_dead_attempt_is_replaced(celery_worker_process, committed):
    """An attempt that died midway (its worker killed after the schema was made; the rest
    rolled back with its transaction) left a half-made schema: the next attempt drops it
    and provisions from scratch (tests/test_faults_worker.py kills a real worker)."""
    slug = committed.tenant_slug("wk-two")
    committed.email("owner@wk-two.test")
    tenant = tenant_create(slug=slug, name="Worker Two", business_type="food",
                           owner_email="owner@wk-two.test", provision=False)
    with connection.cursor() as cursor:
        cursor.execute('CREATE SCHEMA "wk_two"; CREATE TABLE "wk_two"."rbac_role" (junk int)')
    tenant_start_provisioning(tenant=tenant)
    wait_for_status(tenant, {Tenant.Status.ACTIVE, Tenant.Status.FAILED})
    assert tenant.status == Tenant.Status.ACTIVE, tenant.provisioning_error
    assert tenant.provisioning_error == ""
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM information_schema.columns "
                       "WHERE table_schema = 'wk_two' AND table_name = 'rbac_role' AND column_name = 'junk'")
        assert cursor.fetchone()[0] == 0
    assert Membership.objects.filter(tenant=tenant, status="active").count() == 1


def test_create_tenant_command_waits_for_the_worker(celery_worker_process, committed, capsys):
    committed.tenant_slug("wk-cmd")
    committed.email("owner@wk-cmd.test")
    call_command("create_tenant", "--slug", "wk-cmd", "--name", "Command Co", "--owner-email",
                 "owner@wk-cmd.test", "--business-type", "retail", "--wait", "--timeout", "90")
    assert "is active at wk-cmd.localhost" in capsys.readouterr().out
    assert Tenant.objects.get(slug="wk-cmd").status == Tenant.Status.ACTIVE


def test_create_tenant_command_rejects_bad_input(committed):
    with pytest.raises(CommandError, match="reserved"):
        call_command("create_tenant", "--slug", "admin", "--name", "X", "--owner-email", "x@x.test")
    with pytest.raises(CommandError, match="slug"):
        call_command("create_tenant", "--slug", "Bad Slug", "--name", "X", "--owner-email", "x@x.test")
