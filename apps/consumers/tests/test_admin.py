"""Staff prove consents in the workspace admin: a read-only list under Customers."""

from apps.consumers.models import Consent
from tests.admin_pages import tenant_admin_client


def test_owner_reads_consents_and_nobody_edits_them(registered):
    client = tenant_admin_client("owner@alpha.test")
    page = client.get("/admin/consumers/consent/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Kim Minji" in html and "2026-03-01" in html
    assert client.get("/admin/consumers/consent/add/").status_code == 403
    from django_tenants.utils import schema_context

    with schema_context("alpha"):
        consent = Consent.objects.first()
    change = client.post(f"/admin/consumers/consent/{consent.pk}/change/", {"granted": "on"})
    assert change.status_code == 403
    korean = client.get("/admin/consumers/consent/", HTTP_ACCEPT_LANGUAGE="ko")
    assert korean.status_code == 200
