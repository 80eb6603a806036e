"""Deliveries and sandbox messages in the workspace admin: listed with filters, failed ones
sent again (audited); nobody edits them."""

from django_tenants.utils import schema_context

from apps.audit.models import AuditEvent
from apps.notifications.models import Delivery, SandboxMessage
from tests.admin_pages import offered_actions, run_action, tenant_admin_client, texts
from tests.plugin import TENANTS

DELIVERIES = "/admin/notifications/delivery/"


def test_deliveries_list_filters_and_retry(tenant_alpha, django_capture_on_commit_callbacks):
    with schema_context("alpha"):
        failed = Delivery.objects.create(event_name="test.notified", channel="email", language="ko",
                                         audience="customer", recipient_name="Kim", address="kim@example.com",
                                         subject="s", body="b", status="failed", attempts=5,
                                         last_error="mailbox unavailable")
        Delivery.objects.create(event_name="test.notified", channel="sms", language="ko", audience="customer",
                                recipient_name="Lee", address="+821012345678", body="b", status="sent", attempts=1)
        SandboxMessage.objects.create(channel="sms", to="+821012345678", text="문자 내용")
    client = tenant_admin_client(TENANTS["alpha"]["owner_email"])
    page = client.get(DELIVERIES)
    html = page.content.decode()
    assert page.status_code == 200 and "mailbox unavailable" in html and "Lee" in html
    filtered = client.get(f"{DELIVERIES}?status=failed").content.decode()
    assert "Kim" in filtered and "Lee" not in filtered
    assert "retry_failed" in offered_actions(page)
    assert client.get(f"{DELIVERIES}{failed.pk}/change/").status_code == 200
    assert client.post(f"{DELIVERIES}{failed.pk}/delete/").status_code == 403
    with django_capture_on_commit_callbacks(execute=False):
        response = run_action(client, DELIVERIES, "retry_failed", [failed.pk])
    assert any("1" in text for text in texts(response))
    with schema_context("alpha"):
        failed.refresh_from_db()
    assert failed.status == "retrying" and failed.failed_at is None
    assert AuditEvent.objects.filter(action="notification_delivery.retried", target_id=str(failed.pk)).exists()
    sandbox = client.get("/admin/notifications/sandboxmessage/").content.decode()
    assert "문자 내용" in sandbox
