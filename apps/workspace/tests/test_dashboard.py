"""The workspace on the dashboard: "Set your brand" ticks once the workspace has its own
logo or colours; the storage meter is the workspace's real size (its schema's tables in
PostgreSQL plus its stored files) against the plan's storage limit."""

from django.db import connection
from django_tenants.utils import schema_context

from apps.billing.tests.factories import active_subscription, plan_with_price
from apps.workspace.dashboard import file_bytes, schema_bytes
from apps.workspace.services import branding_forget, workspace_settings_update
from tests.dashboard import dashboard, meter, step_done

MB = 1024 * 1024


def test_the_step_ticks_when_the_brand_is_set(tenant_alpha, owner_alpha):
    assert step_done(dashboard(), "workspace.brand") is False
    with schema_context("alpha"):
        workspace_settings_update(actor=owner_alpha, display_name="Alpha Hagwon")  # not the brand
    branding_forget(tenant=tenant_alpha)
    assert step_done(dashboard(), "workspace.brand") is False
    with schema_context("alpha"):
        workspace_settings_update(actor=owner_alpha, primary_color="#0f766e")
    branding_forget(tenant=tenant_alpha)
    assert step_done(dashboard(), "workspace.brand") is True
    connection.set_schema_to_public()
    branding_forget(tenant=tenant_alpha)


def test_storage_is_the_schema_and_the_files(tenant_alpha, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    (tmp_path / "alpha" / "branding").mkdir(parents=True)
    (tmp_path / "alpha" / "branding" / "logo.png").write_bytes(b"x" * 300_000)
    (tmp_path / "beta").mkdir()
    (tmp_path / "beta" / "other.png").write_bytes(b"x" * 999)  # another workspace's: not counted
    active_subscription(tenant_alpha, plan_with_price("dash-storage", storage_mb=500))
    shown = meter(dashboard(), "storage")
    tables = schema_bytes("alpha")
    assert file_bytes("alpha") == 300_000
    assert tables > 100_000  # a provisioned schema: dozens of tables with their indexes
    assert shown == {"used": tables + 300_000, "limit": 500 * MB}
    assert "of 500.0\xa0MB" in dashboard().content.decode()
