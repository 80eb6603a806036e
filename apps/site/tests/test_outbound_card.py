"""The ops dashboard's card of what workspaces could not send: notifications given up on
and webhook messages that failed in the last 7 days, endpoints disabled, by workspace."""

from datetime import timedelta

from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context

from apps.events.models import Event
from apps.notifications.models import Delivery as NotificationDelivery
from apps.webhooks.models import Delivery as WebhookDelivery
from apps.webhooks.models import WebhookEndpoint
from tests.plugin import hq_client


def test_failures_across_workspaces_by_workspace(db, settings):
    settings.WEBHOOKS_ALLOW_PRIVATE_TARGETS = True
    now = timezone.now()
    with schema_context("alpha"):
        NotificationDelivery.objects.bulk_create([
            NotificationDelivery(event_name="order.created", channel="email", language="ko", audience="customer",
                                 address="a@example.com", status="failed", failed_at=now - timedelta(days=d))
            for d in (1, 2, 8)])  # the one 8 days ago is out of the window
    with schema_context("beta"):
        endpoint = WebhookEndpoint.objects.create(url="http://127.0.0.1:9/hook", disabled_at=now,
                                                  disabled_reason="gone")
        other = WebhookEndpoint.objects.create(url="http://127.0.0.1:9/other")
        event = Event.objects.create(name="order.created", data={}, occurred_at=now, dispatched_at=now)
        WebhookDelivery.objects.create(endpoint=other, event=event, status="failed", attempts=8,
                                       last_attempt_at=now - timedelta(hours=1))
    connection.set_schema_to_public()
    html = hq_client().get("/admin/").content.decode()
    card = html[html.index('id="card-outbound"'):]
    card = card[:card.index("</section>")]
    assert "Notifications: 2" in card and "Webhooks: 1" in card and "Endpoints disabled: 1" in card
    rows = card[card.index("<tbody>"):]
    assert "Alpha Academy</a></td>\n          <td>2</td><td>0</td><td>0</td>" in rows
    assert "Beta Bistro</a></td>\n          <td>0</td><td>1</td><td>1</td>" in rows
    assert endpoint.disabled_at is not None


def test_the_card_says_when_everything_was_sent(db):
    html = hq_client().get("/admin/").content.decode()
    assert 'id="card-outbound"' in html and "Everything was sent in the last 7 days." in html
