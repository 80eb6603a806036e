"""Workspace settings through the tenant admin: saved by workspace_settings_update (audited,
the admin's branding follows, a logo uploaded and cleared), and only by staff allowed to
change them."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import schema_context

from apps.audit.models import AuditEvent
from apps.workspace.models import WorkspaceSettings
from tests.admin_pages import change_form_data, tenant_admin_client
from tests.plugin import client_for
from tests.workspace import make_staff

PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
       b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")


@pytest.fixture(autouse=True)
def fresh_branding(db, tenant_alpha, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    yield
    from apps.workspace.services import branding_forget

    branding_forget(tenant=tenant_alpha)  # the cached branding outlives the rolled-back test


def settings_page(client):
    page = client.get("/admin/workspace/workspacesettings/", follow=True)
    assert page.status_code == 200
    return page, page.request["PATH_INFO"]


def stored() -> WorkspaceSettings:
    with schema_context("alpha"):
        return WorkspaceSettings.objects.get(pk=1)


def test_owner_saves_settings_through_the_service(owner_alpha, django_capture_on_commit_callbacks):
    client = tenant_admin_client("owner@alpha.test")
    page, url = settings_page(client)
    data = change_form_data(page, display_name="Alpha Hagwon", primary_color="#123456", notify_sms="on")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, data)
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    row = stored()
    assert (row.display_name, row.primary_color, row.notify_sms) == ("Alpha Hagwon", "#123456", True)
    event = AuditEvent.objects.get(action="workspace.settings_updated", tenant_slug="alpha")
    assert event.actor_id == owner_alpha.pk
    assert event.changes["display_name"] == ["Alpha Academy", "Alpha Hagwon"]
    assert event.changes["primary_color"][1] == "#123456" and event.changes["notify_sms"] == [False, True]
    assert "Alpha Hagwon" in client.get("/admin/").content.decode()  # the admin carries the new name


def test_a_logo_is_uploaded_and_cleared_in_the_admin(db):
    client = tenant_admin_client("owner@alpha.test")
    page, url = settings_page(client)
    response = client.post(url, {**change_form_data(page), "logo": SimpleUploadedFile("logo.png", PNG, "image/png")})
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    assert stored().logo.name.startswith("alpha/branding/logo-")
    served = client_for("alpha").get("/branding/logo/")
    assert served.status_code == 200 and b"".join(served.streaming_content) == PNG

    page, url = settings_page(client)
    response = client.post(url, change_form_data(page, **{"logo-clear": "on"}))
    assert response.status_code == 302
    assert not stored().logo
    events = AuditEvent.objects.filter(action="workspace.settings_updated", tenant_slug="alpha").order_by("seq")
    assert [list(e.changes) for e in events] == [["logo"], ["logo"]]


def test_staff_who_may_only_look_cannot_change_settings(db):
    make_staff("alpha", "manager@alpha.test", ["manager"])  # settings:view only
    client = tenant_admin_client("manager@alpha.test")
    page, url = settings_page(client)
    assert client.post(url, {"display_name": "Taken over", "language": "en", "timezone": "UTC"}).status_code == 403
    assert stored().display_name != "Taken over"
    assert not AuditEvent.objects.filter(action="workspace.settings_updated").exists()
