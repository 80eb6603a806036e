"""The workspace export and the personal-data export, in process: what the zip holds (every
registered dataset, this workspace's rows only, no secrets), the signed link (fresh,
expired, tampered, another workspace's), who may export, the audit trail and the prune.
Through a real worker and web server: tests/test_export_e2e.py."""

from __future__ import annotations

import csv
import io
import json
import time
import zipfile
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.apps import apps as django_apps
from django.conf import settings as django_settings
from django.core import signing
from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context

from apps.audit.models import AuditEvent
from apps.core.datasets import datasets
from apps.workspace.export import services
from apps.workspace.export.models import DataExport
from apps.workspace.tests.export_seed import CHECK_IN_CODE, seed
from tests.admin_pages import tenant_admin_client
from tests.plugin import client_for
from tests.workspace import api, make_staff

ALPHA, BETA = "ALPHAMARK", "BETAMARK"
# Tenant tables that are deliberately not in an export, and why (everything else must be).
NOT_EXPORTED = {
    "orders.OrderNumber": "the next order number: a counter, not data",
    "events.Event": "the domain-event outbox: plumbing (its effects are the exported rows)",
    "events.Receipt": "which subscriber handled an event: plumbing",
    "notifications.SandboxMessage": "messages the sandbox provider recorded instead of sending (development)",
    "webhooks.SigningSecret": "secrets",
    "webhooks.Attempt": "raw HTTP attempts of webhook deliveries (the deliveries are exported)",
    "workspace.DataExport": "the exports themselves",
}


@pytest.fixture
def exports_root(settings, tmp_path):
    settings.EXPORTS_ROOT = str(tmp_path / "exports")
    return Path(settings.EXPORTS_ROOT)


@pytest.fixture
def seeded(db, exports_root):
    with schema_context("beta"):
        seed(BETA, food=True)
    with schema_context("alpha"):
        made = seed(ALPHA, academy=True)
    connection.set_schema_to_public()
    return made


def members(content: bytes) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {name: archive.read(name).decode("utf-8-sig") for name in archive.namelist()}


def csv_rows(text: str) -> list[dict]:
    rows = list(csv.reader(io.StringIO(text, newline="")))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def download(client, url: str):
    response = client.get(urlsplit(url).path)
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return response, content


def build_alpha_export(owner) -> tuple[dict, bytes]:
    """POST /api/v1/exports/, the worker's build run here, then the link's download."""
    asked = owner.post("/api/v1/exports/")
    assert asked.status_code == 202, asked.content
    assert asked.json()["status"] == "pending" and asked.json()["download_url"] is None
    with schema_context("alpha"):
        services.export_build(export_id=asked.json()["id"])
    connection.set_schema_to_public()
    body = owner.get(f"/api/v1/exports/{asked.json()['id']}/").json()
    assert body["status"] == "ready", body
    response, content = download(client_for("alpha"), body["download_url"])
    assert response.status_code == 200, content[:500]
    assert response["Content-Type"] == "application/zip"
    assert 'filename="alpha-export-' in response["Content-Disposition"]
    return body, content


def test_every_tenant_table_is_exported_or_left_out_for_a_reason():
    exported = {data.model._meta.label for data in datasets()}
    for app in django_settings.TENANT_APPS:
        if not app.startswith("apps."):
            continue
        for model in django_apps.get_app_config(app.rsplit(".", 1)[1]).get_models(include_auto_created=True):
            label = model._meta.label
            if model._meta.auto_created and label not in exported:  # a many-to-many table
                continue
            assert label in exported or label in NOT_EXPORTED, f"{label}: add it to an app's dataexport.py"


def test_alpha_export_holds_every_dataset_with_alpha_rows_and_nothing_of_beta(seeded):
    owner = api("alpha", "owner@alpha.test")
    body, content = build_alpha_export(owner)
    files = members(content)
    manifest = json.loads(files["manifest.json"])
    assert manifest["workspace"] == "alpha" and manifest["kind"] == "workspace"
    with schema_context("alpha"):
        for data in datasets():
            name = f"{data.key}.json" if data.single else f"{data.key}.csv"
            assert name in files, name
            expected = data.rows().count()
            if data.single:
                assert isinstance(json.loads(files[name]), dict)
            else:
                assert len(csv_rows(files[name])) == expected, name
            assert manifest["datasets"][data.key]["rows"] == expected == body["row_counts"][data.key]
    connection.set_schema_to_public()
    # what was seeded is there: customers, guardians, orders and lines, payments, refunds,
    # classes, attendance, messages, settings
    everything = "\n".join(files.values())
    for value in [f"{ALPHA} First Customer", f"{ALPHA} Guardian", f"{ALPHA} order of", f"{ALPHA} Item line 0",
                  f"{ALPHA}-pay-0", f"{ALPHA} refund reason", f"{ALPHA} Class", f"{ALPHA} School",
                  f"{ALPHA} message body", f"{ALPHA} Legal Name", f"{ALPHA} Branch", f"{ALPHA} great review"]:
        assert value in everything, value
    for name, data in files.items():
        assert BETA not in data and BETA.lower() not in data, f"{name} holds beta's data"
        assert "owner@beta.test" not in data, name
    # secrets stay out: a session's check-in code, the refund's idempotency key
    assert CHECK_IN_CODE not in everything and f"{ALPHA}-refund-key" not in everything
    assert json.loads(files["workspace/settings.json"])["legal_name"] == f"{ALPHA} Legal Name"
    for name in files:  # every member is what the manifest says it is
        if name != "manifest.json":
            key = name.rsplit(".", 1)[0]
            assert manifest["datasets"][key]["sha256"] == _sha(files, name, content)


def _sha(files, name, content) -> str:
    import hashlib

    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return hashlib.sha256(archive.read(name)).hexdigest()


def test_the_export_is_audited_and_one_runs_at_a_time(seeded, tenant_alpha):
    owner = api("alpha", "owner@alpha.test")
    first = owner.post("/api/v1/exports/")
    again = owner.post("/api/v1/exports/")
    assert again.status_code == 409 and again.json()["error"]["code"] == "export_in_progress"
    with schema_context("alpha"):
        services.export_build(export_id=first.json()["id"])
        assert services.export_build(export_id=first.json()["id"]).status == "ready"  # idempotent
    connection.set_schema_to_public()
    actions = list(AuditEvent.objects.filter(tenant=tenant_alpha, target_type="workspace.dataexport",
                                             target_id=str(first.json()["id"])).values_list("action", "actor_email"))
    assert ("workspace.export_requested", "owner@alpha.test") in actions
    assert ("workspace.export_ready", "") in actions
    listed = owner.get("/api/v1/exports/").json()["results"]
    assert listed[0]["id"] == first.json()["id"] and listed[0]["download_url"]
    download(client_for("alpha"), listed[0]["download_url"])
    assert AuditEvent.objects.filter(tenant=tenant_alpha, action="workspace.export_downloaded").exists()


def test_personal_export_holds_that_customer_and_no_other(seeded, tenant_alpha):
    first, second = seeded["first"], seeded["second"]
    owner = api("alpha", "owner@alpha.test")
    response = owner.post(f"/api/v1/customers/{first.pk}/personal-export/")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["kind"] == "personal" and body["customer_id"] == first.pk and body["status"] == "ready"
    got, content = download(client_for("alpha"), body["download_url"])
    assert got.status_code == 200 and f"personal-data-{first.pk}-" in got["Content-Disposition"]
    files = members(content)
    document = json.loads(files["personal-data.json"])
    assert [row["id"] for row in document["data"]["crm/customers"]] == [first.pk]
    assert {row["customer_id"] for row in document["data"]["orders/orders"]} == {first.pk}
    for key in ["crm/guardians", "orders/lines", "payments/payments", "payments/refunds", "consumers/consents",
                "notifications/deliveries", "academy/enrolments", "academy/attendance", "academy/students",
                "reviews/reviews", "coupons/claims", "orders/transitions"]:
        assert document["data"][key], f"{key} is empty"
    everything = "\n".join(files.values())
    assert f"{ALPHA} First Customer" in everything
    assert "+821055550101" in everything  # the phone, in E.164
    for value in ["SECOND-ONLY", second.name, second.email, BETA]:
        assert value not in everything, value
    # only the datasets about a customer, nothing of the workspace at large
    assert "workspace/settings.json" not in files and "branches/branches.csv" not in files
    event = AuditEvent.objects.get(tenant=tenant_alpha, action="workspace.personal_data_exported")
    assert event.actor_email == "owner@alpha.test" and event.metadata["customer_id"] == first.pk


def test_personal_export_of_a_customer_out_of_reach_is_not_found(seeded):
    owner = api("alpha", "owner@alpha.test")
    assert owner.post("/api/v1/customers/999999/personal-export/").status_code == 404
    with schema_context("beta"):
        from apps.crm.models import Customer

        beta_customer = Customer.objects.filter(name__startswith=BETA).first().pk
    connection.set_schema_to_public()
    with schema_context("alpha"):
        from apps.crm.models import Customer

        assert not Customer.objects.filter(pk=beta_customer, name__startswith=BETA).exists()
    connection.set_schema_to_public()


def test_without_the_permission_nothing_is_exported(seeded):
    make_staff("alpha", "manager-export@alpha.test", ["manager"])
    make_staff("alpha", "teacher-export@alpha.test", ["teacher"])
    manager = api("alpha", "manager-export@alpha.test")
    for method, path in [("get", "/api/v1/exports/"), ("post", "/api/v1/exports/"), ("get", "/api/v1/exports/1/")]:
        refused = getattr(manager, method)(path)
        assert refused.status_code == 403 and refused.json()["error"]["code"] == "permission_denied", path
    teacher = api("alpha", "teacher-export@alpha.test")
    refused = teacher.post(f"/api/v1/customers/{seeded['first'].pk}/personal-export/")
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "permission_denied"
    with schema_context("alpha"):
        assert not DataExport.objects.exists()
    connection.set_schema_to_public()
    admin = tenant_admin_client("manager-export@alpha.test")
    assert admin.get("/admin/workspace/dataexport/").status_code == 403
    assert admin.get("/admin/workspace/dataexport/prepare/").status_code in (302, 403)
    assert b"/admin/workspace/dataexport/" not in admin.get("/admin/").content


def _ready_export(owner, seeded) -> dict:
    return owner.post(f"/api/v1/customers/{seeded['first'].pk}/personal-export/").json()


def _token_issued(export_id: int, seconds_ago: int, schema: str = "alpha") -> str:
    """A link as the service signs it, issued `seconds_ago` (TimestampSigner stamps the time
    it signs at)."""

    class Earlier(signing.TimestampSigner):
        def timestamp(self):
            return signing.b62_encode(int(time.time()) - seconds_ago)

    with schema_context(schema):
        public_id = str(DataExport.objects.get(pk=export_id).public_id)
    connection.set_schema_to_public()
    return Earlier(salt=services.LINK_SALT).sign_object({"x": public_id, "s": schema})


def test_expired_and_tampered_links_are_refused(seeded, settings):
    owner = api("alpha", "owner@alpha.test")
    export = _ready_export(owner, seeded)
    anyone = client_for("alpha")
    fresh = _token_issued(export["id"], 0)
    assert download(anyone, f"/exports/download/{fresh}/")[0].status_code == 200
    old = _token_issued(export["id"], settings.EXPORT_LINK_MAX_AGE + 60)
    expired = anyone.get(f"/exports/download/{old}/", HTTP_ACCEPT="application/json")
    assert expired.status_code == 410 and expired.json()["error"]["code"] == "export_link_expired"
    page = anyone.get(f"/exports/download/{old}/", HTTP_ACCEPT="text/html")
    assert page.status_code == 410 and b"<html" in page.content.lower() and b"expired" in page.content
    tampered = fresh[:-3] + ("AAA" if not fresh.endswith("AAA") else "BBB")
    refused = anyone.get(f"/exports/download/{tampered}/", HTTP_ACCEPT="application/json")
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "export_link_invalid"
    # a link of alpha's export on beta's host: refused, whoever asks
    on_beta = client_for("beta").get(f"/exports/download/{fresh}/", HTTP_ACCEPT="application/json")
    assert on_beta.status_code == 403 and on_beta.json()["error"]["code"] == "export_link_invalid"
    # the file gone past its day: 410 even with a fresh link
    with schema_context("alpha"):
        DataExport.objects.filter(pk=export["id"]).update(expires_at=timezone.now() - timedelta(minutes=1))
    connection.set_schema_to_public()
    gone = anyone.get(f"/exports/download/{fresh}/", HTTP_ACCEPT="application/json")
    assert gone.status_code == 410 and gone.json()["error"]["code"] == "export_gone"


def test_prune_removes_files_past_their_day(seeded, exports_root):
    owner = api("alpha", "owner@alpha.test")
    kept, old = _ready_export(owner, seeded), _ready_export(owner, seeded)
    with schema_context("alpha"):
        DataExport.objects.filter(pk=old["id"]).update(expires_at=timezone.now() - timedelta(hours=1))
        orphan = exports_root / "alpha" / "left-behind.zip"
        orphan.write_bytes(b"partial")
        two_days_ago = time.time() - 2 * 86400
        import os

        os.utime(orphan, (two_days_ago, two_days_ago))
        done = services.exports_prune()
        assert done == {"expired": 1, "stale": 0, "orphans": 1}
        assert DataExport.objects.get(pk=old["id"]).status == "expired"
        assert not services.export_path(DataExport.objects.get(pk=old["id"])).exists()
        assert services.export_path(DataExport.objects.get(pk=kept["id"])).exists() and not orphan.exists()
    connection.set_schema_to_public()
    refreshed = owner.get(f"/api/v1/exports/{old['id']}/").json()
    assert refreshed["status"] == "expired" and refreshed["download_url"] is None


def test_export_files_live_outside_media_per_workspace(seeded, exports_root, settings):
    owner = api("alpha", "owner@alpha.test")
    export = _ready_export(owner, seeded)
    with schema_context("alpha"):
        path = services.export_path(DataExport.objects.get(pk=export["id"]))
    connection.set_schema_to_public()
    assert path.parent == exports_root / "alpha" and path.is_file()
    assert not str(path).startswith(str(settings.MEDIA_ROOT))


def test_admin_page_prepares_and_lists_exports(seeded):
    admin = tenant_admin_client("owner@alpha.test")
    page = admin.get("/admin/workspace/dataexport/")
    assert page.status_code == 200 and b"Prepare export" in page.content
    confirm = admin.get("/admin/workspace/dataexport/prepare/")
    assert confirm.status_code == 200 and b"export-prepare-form" in confirm.content
    done = admin.post("/admin/workspace/dataexport/prepare/", follow=True)
    assert done.status_code == 200 and b"being prepared" in done.content
    with schema_context("alpha"):
        export = DataExport.objects.get()
        services.export_build(export_id=export.pk)
    connection.set_schema_to_public()
    listed = admin.get("/admin/workspace/dataexport/").content.decode()
    assert f'data-export-download="{export.pk}"' in listed and "/exports/download/" in listed
    detail = admin.get(f"/admin/workspace/dataexport/{export.pk}/change/")
    assert detail.status_code == 200 and b"crm/customers" in detail.content  # read only: rows per dataset
    assert b'name="_save"' not in detail.content
    korean = admin.get("/admin/workspace/dataexport/", HTTP_ACCEPT_LANGUAGE="ko")
    assert korean.status_code == 200


def test_customer_page_downloads_personal_data(seeded):
    admin = tenant_admin_client("owner@alpha.test")
    first = seeded["first"]
    response = admin.get(f"/admin/crm/customer/{first.pk}/personal-data/")
    assert response.status_code == 302 and "/exports/download/" in response["Location"]
    got, content = download(admin, response["Location"])
    assert got.status_code == 200
    assert json.loads(members(content)["personal-data.json"])["customer_id"] == first.pk
    assert admin.get("/admin/crm/customer/999999/personal-data/").status_code in (302, 404)


def test_existing_owner_roles_get_the_export_permission(db):
    """Workspaces made before `workspace:export` existed: the migration grants it to the owner role."""
    import importlib

    from apps.rbac.models import Role, RolePermission

    migration = importlib.import_module("apps.workspace.migrations.0003_owner_may_export")
    with schema_context("alpha"):
        owner = Role.objects.get(key="owner")
        RolePermission.objects.filter(role=owner, permission__codename="export_workspace").delete()
        migration.owner_may_export(django_apps, None)
        migration.owner_may_export(django_apps, None)  # idempotent
        assert RolePermission.objects.filter(role=owner, permission__codename="export_workspace",
                                             scope="tenant").count() == 1
    connection.set_schema_to_public()


def test_export_permission_for_some_branches_is_not_enough(seeded):
    """The export holds every branch: workspace:export held for one branch is refused."""
    from django.contrib.auth.models import Permission

    from apps.rbac.models import Role, RolePermission

    with schema_context("alpha"):
        role = Role.objects.create(key="branch-exporter", name="Branch exporter")
        RolePermission.objects.create(role=role, permission=Permission.objects.get(codename="export_workspace"),
                                      scope="branch")
        RolePermission.objects.create(role=role, permission=Permission.objects.get(codename="access_admin"),
                                      scope="tenant")
    connection.set_schema_to_public()
    make_staff("alpha", "branch-exporter@alpha.test", ["branch-exporter"], [seeded["branch"]])
    client = api("alpha", "branch-exporter@alpha.test")
    for method, path in [("get", "/api/v1/exports/"), ("post", "/api/v1/exports/")]:
        refused = getattr(client, method)(path)
        assert refused.status_code == 403, refused.content
        assert refused.json()["error"]["code"] == "export_needs_workspace_scope"
    assert tenant_admin_client("branch-exporter@alpha.test").get("/admin/workspace/dataexport/").status_code == 403
