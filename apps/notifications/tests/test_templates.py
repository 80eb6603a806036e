"""Templates: validated when saved (an unknown event, an audience the event does not have,
a mistake with its line), audited, seeded at provisioning from the industry template and
the defaults, edited, previewed and tried in the workspace admin."""

import pytest
from django.conf import settings
from django.core import mail
from django.test import override_settings
from django_tenants.utils import schema_context

from apps.audit.models import AuditEvent
from apps.notifications.defaults import DEFAULT_TEMPLATES
from apps.notifications.errors import TemplateInvalid, UnknownAudience, UnknownEvent
from apps.notifications.models import NotificationTemplate
from apps.notifications.services import template_update
from tests.admin_pages import tenant_admin_client, texts
from tests.plugin import TENANTS, create_provisioned

from .conftest import NOTIFIED, add_template

ADMIN = "/admin/notifications/notificationtemplate/"


def test_service_refuses_bad_templates(tenant_alpha):
    with pytest.raises(UnknownEvent) as caught:
        add_template(event="order.teleported")
    assert caught.value.code == "notification_unknown_event" and "event" in caught.value.details
    with pytest.raises(UnknownAudience):
        add_template(audience="staff")  # test.notified is for the customer and the owner
    with pytest.raises(TemplateInvalid) as caught:
        add_template(body="Hello\n{{ customer.name }\nbye")
    assert caught.value.details["body"][0].startswith("Line 2:")
    with pytest.raises(TemplateInvalid) as caught:
        add_template(subject="{{ customer.__class__ }}")
    assert "subject" in caught.value.details
    with schema_context("alpha"):
        assert not NotificationTemplate.objects.filter(event=NOTIFIED.name).exists()


def test_edits_are_audited(tenant_alpha, owner_alpha):
    template = add_template()
    with schema_context("alpha"):
        template_update(template=template, actor=owner_alpha, body="Hi {{ customer.name }}")
        with pytest.raises(TemplateInvalid):
            template_update(template=template, actor=owner_alpha, body="{% for %}")
    created, updated = AuditEvent.objects.filter(tenant=tenant_alpha, target_id=str(template.pk),
                                                 action__startswith="notification_template.").order_by("seq")
    assert created.action == "notification_template.created" and created.changes["event"] == [None, NOTIFIED.name]
    assert updated.action == "notification_template.updated" and updated.actor == owner_alpha
    assert updated.changes == {"body": ["Hello {{ customer.name }}, ping {{ n }}.", "Hi {{ customer.name }}"]}


def test_provisioning_seeds_the_industry_templates(tenant_alpha):
    """alpha is an academy: its industry template's messages (for events an academy module
    publishes) are in its schema, as HQ wrote them."""
    with schema_context("alpha"):
        seeded = set(NotificationTemplate.objects.values_list("event", "channel", "language"))
    assert {("attendance.absent", "email", "ko"), ("tuition.due", "email", "en")} <= seeded


def test_provisioning_seeds_the_defaults(db):
    steps = [*settings.PROVISIONING_STEPS]
    if "apps.notifications.provisioning.seed_default_templates" not in steps:
        steps.append("apps.notifications.provisioning.seed_default_templates")
    with override_settings(PROVISIONING_STEPS=steps):
        tenant = create_provisioned(slug="gamma", name="Gamma Grill", business_type="food",
                                    owner_email="owner@gamma.test")
    with schema_context(tenant.schema_name):
        rows = set(NotificationTemplate.objects.values_list("event", "audience", "channel", "language"))
        korean = NotificationTemplate.objects.get(event="order.created", audience="customer", channel="email",
                                                  language="ko")
    assert {(t["event"], t["audience"], t["channel"], t["language"]) for t in DEFAULT_TEMPLATES} <= rows
    assert {("order.accepted", "customer", "email", "ko"), ("order.ready", "customer", "email", "en")} <= rows
    assert "주문" in korean.subject
    assert TENANTS  # the session tenants are untouched by this one


def test_admin_add_refuses_a_mistake_with_its_line(tenant_alpha):
    client = tenant_admin_client(TENANTS["alpha"]["owner_email"])
    data = {"event": NOTIFIED.name, "audience": "customer", "channel": "email", "language": "en",
            "subject": "Ping", "body": "one\ntwo {{ n }\nthree", "is_active": "on", "provider_template": ""}
    response = client.post(f"{ADMIN}add/", data)
    assert response.status_code == 200
    assert "Line 2:" in response.context["adminform"].form.errors["body"][0]
    response = client.post(f"{ADMIN}add/", {**data, "event": "order.teleported", "body": "ok"})
    assert "event" in response.context["adminform"].form.errors
    response = client.post(f"{ADMIN}add/", {**data, "body": "Hello {{ customer.name }}"})
    assert response.status_code == 302
    with schema_context("alpha"):
        template = NotificationTemplate.objects.get(event=NOTIFIED.name)
    assert AuditEvent.objects.filter(action="notification_template.created", target_id=str(template.pk),
                                     actor__email=TENANTS["alpha"]["owner_email"]).exists()


def test_admin_preview_and_test_send(tenant_alpha):
    template = add_template(subject="Ping {{ n }}", body="Hello {{ customer.name }}, {{ colour }}")
    client = tenant_admin_client(TENANTS["alpha"]["owner_email"])
    page = client.get(f"{ADMIN}{template.pk}/change/").content.decode()
    assert "Ping 1" in page and "Hello Kim," in page and "colour" in page  # the example; a name it lacks
    assert f"{ADMIN}{template.pk}/test_send/" in page
    confirm = client.get(f"{ADMIN}{template.pk}/test_send/")
    assert confirm.status_code == 200 and "Hello Kim," in confirm.content.decode() and not mail.outbox
    response = client.post(f"{ADMIN}{template.pk}/test_send/", follow=True)
    assert response.status_code == 200
    assert any("test was sent" in text for text in texts(response))
    message = mail.outbox[-1]
    assert message.to == [TENANTS["alpha"]["owner_email"]] and "Ping 1" in message.subject
    assert "Hello Kim," in message.body and message.alternatives[0][1] == "text/html"


def test_seeding_reads_once_writes_once_and_skips_what_does_not_validate(db, caplog):
    """Whatever the number of templates: one query for what exists, one INSERT for the rest
    (and the audit row); a template that does not compile is skipped and logged, an existing
    one kept as it is."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from apps.notifications.services import templates_seed

    items = [{"event": "order.created", "channel": "sms", "language": lang, "body": f"Order {{{{ order.number }}}} {n}",
              "audience": "customer"} for n, lang in enumerate(["en", "ko"])]
    broken = {"event": "order.accepted", "channel": "sms", "language": "en", "body": "{% if %}", "audience": "customer"}
    with schema_context("alpha"):
        NotificationTemplate.objects.filter(channel="sms").delete()
        with CaptureQueriesContext(connection) as queries:
            created = templates_seed(items=[*items, broken])
        again = templates_seed(items=[*items, broken])
        stored = sorted(NotificationTemplate.objects.filter(channel="sms").values_list("language", "body"))
    assert created == 2 and again == 0
    assert stored == [("en", "Order {{ order.number }} 0"), ("ko", "Order {{ order.number }} 1")]
    inserts = [q["sql"] for q in queries.captured_queries if q["sql"].startswith('INSERT INTO "notifications_')]
    selects = [q["sql"] for q in queries.captured_queries if 'FROM "notifications_notificationtemplate"' in q["sql"]]
    assert len(inserts) == 1 and len(selects) == 1, queries.captured_queries
    assert "skipped" in caplog.text and "order.accepted" in caplog.text
