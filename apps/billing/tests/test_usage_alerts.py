"""Usage alerts (apps.billing.usage_alerts): the owner is e-mailed once when API calls this
month reach 80% of the plan's limit and once when they reach 100%, in their language,
recorded and audited; checking again sends nothing."""

from __future__ import annotations

from django.core import mail
from django.test import TestCase
from django.utils import translation

from apps.accounts.models import User
from apps.audit.models import AuditEvent
from apps.billing.models import UsageAlert
from apps.billing.tasks import check_usage_alerts
from apps.billing.tests.factories import active_subscription, plan_with_price
from apps.billing.usage_alerts import usage_alerts_check
from apps.core.tasks_inline import tasks_in_process
from tests.workspace import api


def calls(client, count: int) -> None:
    for _ in range(count):
        assert client.get("/api/v1/me/").status_code == 200


def speaks(language: str) -> None:
    User.objects.filter(email="owner@alpha.test").update(language=language)


def check_usage_alerts_now() -> None:
    """Beat's hourly check, its per-tenant tasks run here."""
    with tasks_in_process():
        check_usage_alerts.delay()


def alerts_to(address: str):
    return [m for m in mail.outbox if address in m.to]


def test_crossing_80_then_100_percent_sends_exactly_one_email_each(tenant_alpha, tenant_beta):
    speaks("en")
    plan = plan_with_price("usage-alerts", "10000", api_requests_per_month=10)
    active_subscription(tenant_alpha, plan)
    owner = api("alpha", "owner@alpha.test")  # the token request is the first call
    calls(owner, 6)  # 7 of 10

    with TestCase.captureOnCommitCallbacks(execute=True):
        check_usage_alerts_now()
    assert alerts_to("owner@alpha.test") == []

    calls(owner, 1)  # 8 of 10: 80%
    with TestCase.captureOnCommitCallbacks(execute=True):
        check_usage_alerts_now()
        check_usage_alerts_now()  # again: nothing new
    sent = alerts_to("owner@alpha.test")
    assert len(sent) == 1
    assert "80%" in sent[0].subject and "API calls this month" in sent[0].body and "8 of 10" in sent[0].body

    calls(owner, 2)  # 10 of 10: 100%
    with TestCase.captureOnCommitCallbacks(execute=True):
        check_usage_alerts_now()
        check_usage_alerts_now()
    sent = alerts_to("owner@alpha.test")
    assert len(sent) == 2 and "limit for API calls this month is reached" in sent[1].subject
    assert "/admin/billing/" in sent[1].body or "billing" in sent[1].body

    recorded = UsageAlert.objects.filter(tenant=tenant_alpha, limit_key="api_requests_per_month")
    assert sorted(recorded.values_list("threshold", flat=True)) == [80, 100]
    audited = AuditEvent.objects.filter(tenant_id=tenant_alpha.pk, action="usage.threshold_reached")
    assert sorted(e.metadata["threshold"] for e in audited) == [80, 100]
    # beta has no plan limit and heard nothing
    assert not UsageAlert.objects.filter(tenant=tenant_beta).exists()
    assert alerts_to("owner@beta.test") == []


def test_a_jump_past_both_thresholds_sends_the_100_percent_one_only(tenant_alpha):
    speaks("en")
    plan = plan_with_price("usage-jump", "10000", api_requests_per_month=4)
    active_subscription(tenant_alpha, plan)
    owner = api("alpha", "owner@alpha.test")
    calls(owner, 3)  # and the token request: 4 of 4, both thresholds at once

    with TestCase.captureOnCommitCallbacks(execute=True):
        recorded = usage_alerts_check(tenant=tenant_alpha)
    assert sorted(a.threshold for a in recorded) == [80, 100]
    sent = alerts_to("owner@alpha.test")
    assert len(sent) == 1 and "reached" in sent[0].subject


def test_the_alert_is_written_in_the_owners_language(tenant_alpha):
    speaks("ko")
    plan = plan_with_price("usage-ko", "10000", api_requests_per_month=2)
    active_subscription(tenant_alpha, plan)
    owner = api("alpha", "owner@alpha.test")
    calls(owner, 1)

    with TestCase.captureOnCommitCallbacks(execute=True):
        usage_alerts_check(tenant=tenant_alpha)
    sent = alerts_to("owner@alpha.test")
    assert len(sent) == 1
    with translation.override("ko"):
        label = str(translation.gettext("API calls this month"))
    assert label != "API calls this month" and label in sent[0].body
