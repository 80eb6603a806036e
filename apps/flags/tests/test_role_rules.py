"""Flag rules by role follow role changes at once (the `roles:<schema>` scope, bumped by
apps.rbac.services), not after a timer; plan rules follow the subscription's plan."""

import pytest
from django.db import connection
from django_tenants.utils import schema_context

from apps.flags.evaluation import flag_enabled
from apps.flags.models import Flag, FlagRule
from apps.rbac.models import Role
from apps.rbac.services import role_assign, role_unassign, role_update
from tests.workspace import make_staff


@pytest.fixture
def teachers_flag(db):
    flag = Flag.objects.create(key="teacher-tools", description="test")
    FlagRule.objects.create(flag=flag, position=0, kind="role", values="teacher", enabled=True)
    return flag


@pytest.fixture
def clerk(db):
    person = make_staff("alpha", "clerk-flags@alpha.test", ["clerk"])
    connection.set_schema_to_public()
    return person


def test_a_role_assigned_reaches_flag_rules_when_it_commits(tenant_alpha, teachers_flag, clerk, owner_alpha,
                                                            django_capture_on_commit_callbacks):
    assert flag_enabled("teacher-tools", tenant=tenant_alpha, user=clerk) is False  # cached: no teacher role
    with schema_context("alpha"), django_capture_on_commit_callbacks(execute=True):  # the commit
        role_assign(user=clerk, role=Role.objects.get(key="teacher"), actor=owner_alpha)
    assert flag_enabled("teacher-tools", tenant=tenant_alpha, user=clerk) is True

    with schema_context("alpha"), django_capture_on_commit_callbacks(execute=True):
        role_unassign(user=clerk, role=Role.objects.get(key="teacher"), actor=owner_alpha)
    assert flag_enabled("teacher-tools", tenant=tenant_alpha, user=clerk) is False


def test_a_role_change_is_seen_within_its_own_transaction(tenant_alpha, teachers_flag, clerk, owner_alpha):
    assert flag_enabled("teacher-tools", tenant=tenant_alpha, user=clerk) is False
    with schema_context("alpha"):
        role_assign(user=clerk, role=Role.objects.get(key="teacher"), actor=owner_alpha)
        assert flag_enabled("teacher-tools", tenant=tenant_alpha, user=clerk) is True


def test_a_disabled_role_no_longer_matches(tenant_alpha, teachers_flag, owner_alpha,
                                          django_capture_on_commit_callbacks):
    teacher = make_staff("alpha", "teacher-flags@alpha.test", ["teacher"])
    assert flag_enabled("teacher-tools", tenant=tenant_alpha, user=teacher) is True
    with schema_context("alpha"), django_capture_on_commit_callbacks(execute=True):
        role_update(role=Role.objects.get(key="teacher"), actor=owner_alpha, is_active=False)
    assert flag_enabled("teacher-tools", tenant=tenant_alpha, user=teacher) is False


def test_plan_rules_follow_the_subscription(tenant_alpha, django_capture_on_commit_callbacks):
    from apps.billing.tests.factories import active_subscription, plan_with_price
    from apps.flags.cache import flags_invalidate

    flag = Flag.objects.create(key="gold-reports", description="test")
    FlagRule.objects.create(flag=flag, position=0, kind="plan", values="gold", enabled=True)
    assert flag_enabled("gold-reports", tenant=tenant_alpha) is False  # no subscription
    with django_capture_on_commit_callbacks(execute=True):
        active_subscription(tenant_alpha, plan_with_price("gold"))
        flags_invalidate()  # what billing calls when a subscription changes
    assert flag_enabled("gold-reports", tenant=tenant_alpha) is True
