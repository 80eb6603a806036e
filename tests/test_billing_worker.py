"""Billing end to end with real processes: the sandbox provider's signed webhooks go over
HTTP to the real web server, are stored, and are processed by the real Celery worker;
dunning runs as the beat schedule's task on that worker, with time advanced by moving
the subscription's dates back. Failure -> past due -> retries 1..3 -> suspension ->
payment through the hosted checkout -> active again."""

import re
from datetime import timedelta

import pytest
import requests
from django.utils import timezone

from apps.audit.models import AuditEvent
from apps.billing.invoicing import invoice_issue_for_period
from apps.billing.models import Invoice, Payment, Subscription
from apps.billing.payments import invoice_charge, invoice_checkout
from apps.billing.providers import payment_provider
from apps.billing.schedules import BEAT_SCHEDULE
from apps.billing.tests.factories import plan_with_price
from apps.tenants.models import Tenant
from platform_.celery import app
from tests.plugin import create_provisioned, wait_for

pytestmark = pytest.mark.worker


def run_beat_entry(name):
    entry = BEAT_SCHEDULE[name]
    return app.send_task(entry["task"], args=entry.get("args", ()), queue=app.conf.task_default_queue)


def test_failed_payments_dun_suspend_and_a_payment_reactivates(celery_worker_process, live_server_url, committed):
    slug = committed.tenant_slug("dun-one")
    committed.email("owner@dun-one.test")
    plan = plan_with_price("dun-basic", "20000")
    tenant = create_provisioned(slug=slug, name="Dunning One", business_type="academy",
                                owner_email="owner@dun-one.test")
    base = live_server_url.format(host="localhost")
    # subdomains of localhost need not resolve: talk to 127.0.0.1 with the tenant's Host
    tenant_home = live_server_url.format(host="127.0.0.1") + "/"
    tenant_host = {"Host": f"{slug}.localhost"}
    provider = payment_provider()
    provider.register_webhook_url(base + "/api/v1/platform/webhooks/payments/")
    try:
        today = timezone.localdate()
        subscription = Subscription.objects.create(
            tenant=tenant, plan=plan, status=Subscription.Status.ACTIVE, current_period_start=today,
            current_period_end=today + timedelta(days=30), payment_method="pm_sandbox_declined")
        invoice = invoice_issue_for_period(subscription=subscription, issue_date=today)

        invoice_charge(invoice=invoice)  # renewal charge: declined, reported by webhook
        wait_for(lambda: Subscription.objects.get(pk=subscription.pk).status == "past_due", "past due")

        for attempt in (1, 2, 3):
            # advance time to the next retry
            Subscription.objects.filter(pk=subscription.pk).update(next_retry_at=timezone.now() - timedelta(seconds=1))
            run_beat_entry("billing-dunning")
            wait_for(lambda n=attempt: Payment.objects.filter(invoice=invoice, status="failed").count() == n + 1,
                     f"retry {attempt} declined")
            assert Subscription.objects.get(pk=subscription.pk).dunning_attempts == attempt
        assert AuditEvent.objects.filter(action="subscription.payment_retried", tenant=tenant).count() == 3
        assert requests.get(tenant_home, headers=tenant_host, timeout=10).status_code == 200  # grace period

        # advance past the 7-day grace period: suspended
        Subscription.objects.filter(pk=subscription.pk).update(
            past_due_since=timezone.now() - timedelta(days=8), next_retry_at=timezone.now() - timedelta(seconds=1))
        run_beat_entry("billing-dunning")
        wait_for(lambda: Tenant.objects.get(pk=tenant.pk).status == "suspended", "suspension")
        closed = requests.get(tenant_home, timeout=10, headers={**tenant_host, "Accept": "application/json"})
        assert closed.status_code == 403 and closed.json()["error"]["code"] == "tenant_suspended"

        # the owner pays on the provider's hosted page with a working card
        _payment, url = invoice_checkout(invoice=invoice)
        url = base + url.split("/billing/", 1)[1].join(["/billing/", ""])
        session = requests.Session()
        page = session.get(url, timeout=10)
        assert page.status_code == 200 and invoice.number in page.text
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        paid = session.post(url, data={"csrfmiddlewaretoken": token, "card": "pm_sandbox_visa"},
                            headers={"Referer": url}, timeout=10)
        assert paid.status_code == 200 and "Payment submitted" in paid.text
        wait_for(lambda: Invoice.objects.get(pk=invoice.pk).status == "paid", "invoice paid")
        wait_for(lambda: Tenant.objects.get(pk=tenant.pk).status == "active", "reactivation")
        subscription.refresh_from_db()
        assert subscription.status == "active" and subscription.payment_method == "pm_sandbox_visa"
        assert requests.get(tenant_home, headers=tenant_host, timeout=10).status_code == 200
    finally:
        provider.register_webhook_url("")
        Payment.objects.filter(invoice__tenant=tenant).delete()
        Invoice.objects.filter(tenant=tenant).delete()
        Subscription.objects.filter(tenant=tenant).delete()
        plan.prices.all().delete()
        Tenant.objects.filter(pk=tenant.pk).update(plan=None)
        plan.delete()
