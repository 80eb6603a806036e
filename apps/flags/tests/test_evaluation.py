import datetime as dt

import pytest
from django.core.cache import cache
from django.db import connection
from django.template import Context, Template
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from apps.audit.models import AuditEvent
from apps.billing.models import AddOn
from apps.flags.cache import VERSION_KEY
from apps.flags.evaluation import bucket, flag_enabled
from apps.flags.models import Flag, FlagRule
from apps.flags.permissions import FlagRequired
from apps.flags.selectors import flags_stale
from apps.flags.services import flag_override_clear, flag_override_set, flag_save
from tests.plugin import client_for, obtain_tokens


@pytest.fixture(autouse=True)
def _fresh_flags(db):
    cache.delete(VERSION_KEY)


def new_flag(key="new-dashboard", default=False, rules=()):
    flag = Flag.objects.create(key=key, description="test", default_enabled=default)
    for position, (kind, values, percentage, enabled) in enumerate(rules):
        FlagRule.objects.create(flag=flag, position=position, kind=kind, values=values, percentage=percentage,
                                enabled=enabled)
    cache.delete(VERSION_KEY)
    return flag


def test_order_is_override_then_rules_then_default(tenant_alpha, tenant_beta, hq_user,
                                                   django_capture_on_commit_callbacks):
    flag = new_flag(default=False, rules=[("business_type", "food", None, True), ("tenant", "alpha", None, True)])
    assert flag_enabled("new-dashboard", tenant=tenant_alpha) is True  # tenant rule
    assert flag_enabled("new-dashboard", tenant=tenant_beta) is True  # business-type rule
    with django_capture_on_commit_callbacks(execute=True):
        flag_override_set(flag=flag, tenant=tenant_beta, enabled=False, reason="customer asked", actor=hq_user)
    assert flag_enabled("new-dashboard", tenant=tenant_beta) is False  # override beats the rule
    with django_capture_on_commit_callbacks(execute=True):
        flag_override_clear(flag=flag, tenant=tenant_beta, actor=hq_user)
    assert flag_enabled("new-dashboard", tenant=tenant_beta) is True
    event = AuditEvent.objects.filter(action="flag.changed", target_id=str(flag.pk)).latest("id")
    assert event.changes["overrides"] == [{"beta": {"on": False, "reason": "customer asked"}}, {}]
    assert flag_enabled("unknown-flag", tenant=tenant_alpha) is False


def test_first_matching_rule_wins_and_default_applies_otherwise(tenant_alpha, tenant_beta):
    new_flag(default=True, rules=[("tenant", "alpha", None, False), ("tenant", "alpha,beta", None, True)])
    assert flag_enabled("new-dashboard", tenant=tenant_alpha) is False
    assert flag_enabled("new-dashboard", tenant=tenant_beta) is True
    new_flag("plan-flag", rules=[("plan", "gold", None, True)])
    assert flag_enabled("plan-flag", tenant=tenant_alpha) is False  # no plan: default


def test_role_rule_and_addon(tenant_alpha, owner_alpha):
    from apps.billing.tests.factories import active_subscription, plan_with_price

    new_flag("owners-only", rules=[("role", "owner", None, True)])
    assert flag_enabled("owners-only", tenant=tenant_alpha, user=owner_alpha) is True
    assert flag_enabled("owners-only", tenant=tenant_alpha) is False
    new_flag("kiosk")
    subscription = active_subscription(tenant_alpha, plan_with_price())
    addon = AddOn.objects.create(code="kiosk", name="Kiosk", price=1, feature_flag="kiosk")
    subscription.addons.create(addon=addon)
    cache.delete(VERSION_KEY)
    assert flag_enabled("kiosk", tenant=tenant_alpha) is True


@settings(max_examples=60, deadline=None)
@given(tenant_ids=st.lists(st.integers(1, 10**6), min_size=1, max_size=40, unique=True),
       low=st.integers(0, 100), high=st.integers(0, 100))
def test_percentage_buckets_are_stable_as_the_percentage_grows(tenant_ids, low, high):
    low, high = sorted((low, high))
    on_low = {t for t in tenant_ids if bucket("rollout", t) < low * 100}
    on_high = {t for t in tenant_ids if bucket("rollout", t) < high * 100}
    assert on_low <= on_high  # nobody drops out when the percentage grows
    assert all(bucket("rollout", t) == bucket("rollout", t) for t in tenant_ids)


def test_percentage_rule_roughly_matches_share():
    inside = sum(bucket("share", t) < 2500 for t in range(1, 4001))
    assert 900 < inside < 1100  # ~25% of 4000


def test_steady_state_costs_no_query(tenant_alpha, owner_alpha):
    new_flag(rules=[("percentage", "", 50, True), ("role", "owner", None, True)])
    flag_enabled("new-dashboard", tenant=tenant_alpha, user=owner_alpha)  # build snapshot and role cache
    with CaptureQueriesContext(connection) as queries:
        for _ in range(200):
            flag_enabled("new-dashboard", tenant=tenant_alpha, user=owner_alpha)
    assert len(queries) == 0


def test_change_invalidates_the_cache(tenant_alpha, hq_user, django_capture_on_commit_callbacks):
    flag = new_flag()
    assert flag_enabled("new-dashboard", tenant=tenant_alpha) is False
    flag.default_enabled = True
    with django_capture_on_commit_callbacks(execute=True):
        flag_save(flag=flag, actor=hq_user)
    assert flag_enabled("new-dashboard", tenant=tenant_alpha) is True
    event = AuditEvent.objects.filter(action="flag.changed").latest("id")
    assert event.changes == {"default_enabled": [False, True]} and event.actor_id == hq_user.pk


def test_flags_api_template_tag_and_permission(tenant_alpha):
    new_flag(rules=[("tenant", "alpha", None, True)])
    new_flag("other")
    tokens = obtain_tokens("alpha", "owner@alpha.test")
    response = client_for("alpha").get("/api/v1/flags/", HTTP_AUTHORIZATION=f"Bearer {tokens['access']}")
    assert response.status_code == 200
    assert response.json() == {"flags": {"new-dashboard": True, "other": False}}
    assert client_for("alpha").get("/api/v1/flags/").status_code == 401

    request = RequestFactory().get("/")
    request.tenant, request.user = tenant_alpha, None
    rendered = Template('{% load flags %}{% flag_enabled "new-dashboard" as on %}{% flag_enabled "other" as off %}'
                        "{{ on }}/{{ off }}").render(Context({"request": request}))
    assert rendered == "True/False"
    assert FlagRequired("new-dashboard")().has_permission(request, None) is True
    denied = FlagRequired("other")()
    assert denied.has_permission(request, None) is False and denied.code == "feature_disabled"


def test_stale_flags(db):
    old = new_flag("old-experiment")
    kept = new_flag("paid-feature")
    expired = new_flag("expired")
    Flag.objects.filter(pk__in=[old.pk, kept.pk]).update(updated_at=timezone.now() - dt.timedelta(days=31))
    Flag.objects.filter(pk=kept.pk).update(permanent=True)
    Flag.objects.filter(pk=expired.pk).update(expires_on=timezone.localdate() - dt.timedelta(days=1))
    new_flag("fresh")
    assert [f.key for f in flags_stale()] == ["expired", "old-experiment"]


