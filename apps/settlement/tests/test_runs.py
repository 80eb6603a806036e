import datetime as dt

import pytest
from django.contrib.auth.models import Group

from apps.accounts.hq import HQ_ADMIN, SUPPORT
from apps.accounts.models import User
from apps.core.tasks_inline import tasks_in_process
from apps.settlement.errors import RunItemNotRetryable, SettlementForbidden
from apps.settlement.models import RunItem, SettlementAccount, SettlementBatch, SettlementLine, SettlementRun
from apps.settlement.periods import due_periods
from apps.settlement.services.batches import batch_make
from apps.settlement.services.runs import run_item_execute, run_item_retry, run_start, tenants_due

from .helpers import at, pay

D = dt.date


@pytest.mark.parametrize("cycle, today, last_end, expected", [
    ("monthly", D(2026, 12, 1), None, [(D(2026, 11, 1), D(2026, 12, 1))]),
    ("monthly", D(2026, 12, 15), None, [(D(2026, 11, 1), D(2026, 12, 1))]),
    ("monthly", D(2026, 12, 15), D(2026, 12, 1), []),
    ("monthly", D(2027, 2, 1), D(2026, 12, 1), [(D(2026, 12, 1), D(2027, 1, 1)), (D(2027, 1, 1), D(2027, 2, 1))]),
    ("daily", D(2026, 12, 3), D(2026, 12, 1), [(D(2026, 12, 1), D(2026, 12, 2)), (D(2026, 12, 2), D(2026, 12, 3))]),
    ("weekly", D(2026, 12, 2), None, [(D(2026, 11, 23), D(2026, 11, 30))]),  # Monday to Monday
    # monthly until 1 December, then weekly: the first week is cut at the last batch's end
    ("weekly", D(2026, 12, 14), D(2026, 12, 1), [(D(2026, 12, 1), D(2026, 12, 7)), (D(2026, 12, 7), D(2026, 12, 14))]),
])
def test_due_periods(cycle, today, last_end, expected):
    assert due_periods(cycle=cycle, today=today, last_end=last_end) == expected


def _hq(group):
    user = User.objects.create_user(f"{group.lower()}@runs.test", "x-Password-1", is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    return User.objects.get(pk=user.pk)


@pytest.mark.django_db
def test_a_run_settles_each_due_tenant_in_its_own_time_zone(tenant_alpha, tenant_beta,
                                                            django_capture_on_commit_callbacks):
    tenant_beta.timezone = "America/Los_Angeles"
    tenant_beta.save(update_fields=["timezone"])
    batch_make(tenant=tenant_beta, period_start=D(2026, 10, 1), period_end=D(2026, 11, 1), cycle="monthly")
    pay("alpha", 10000, at("2026-11-30", 23))
    pay("beta", 20000, at("2026-11-30", 23))
    # 1 December 00:30 in Seoul: Seoul's November has closed (after the grace), LA's has not
    as_of = at("2026-12-01", 0) + dt.timedelta(minutes=30)
    assert tenants_due(as_of=as_of, tenant_ids=[tenant_alpha.pk, tenant_beta.pk]) == [tenant_alpha.pk]
    as_of = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)  # 1 am in LA
    with tasks_in_process(), django_capture_on_commit_callbacks(execute=True):
        run = run_start(as_of=as_of, tenant_ids=[tenant_alpha.pk, tenant_beta.pk])
    run.refresh_from_db()
    assert (run.status, run.total, run.succeeded, run.failed) == (SettlementRun.Status.SUCCEEDED, 2, 2, 0)
    assert run.finished_at is not None and run.trigger == SettlementRun.Trigger.BEAT
    beta = SettlementBatch.objects.get(tenant=tenant_beta, period_start=D(2026, 11, 1))
    assert beta.window_end == dt.datetime(2026, 12, 1, 8, 0, tzinfo=dt.UTC)  # midnight in LA (PST)
    assert beta.gross == 20000 and beta.run == run
    # the next hour: nothing due, no run
    assert run_start(as_of=as_of + dt.timedelta(hours=1), tenant_ids=[tenant_alpha.pk, tenant_beta.pk]) is None


@pytest.mark.django_db
def test_a_run_never_settles_a_period_that_has_not_ended(tenant_alpha):
    """as_of in the future is taken as now: this month is still open."""
    from django.utils import timezone

    from apps.settlement.periods import local_today

    today = local_today(timezone.now(), tenant_alpha.timezone, dt.timedelta(minutes=15))
    batch_make(tenant=tenant_alpha, period_start=D(2020, 1, 1), period_end=today.replace(day=1), cycle="monthly")
    far = timezone.now() + dt.timedelta(days=400)
    assert run_start(as_of=far, tenant_ids=[tenant_alpha.pk]) is None


@pytest.mark.django_db
def test_a_contract_cycle_overrides_the_plan(tenant_alpha):
    SettlementAccount.objects.create(tenant=tenant_alpha, cycle="daily")
    batch_make(tenant=tenant_alpha, period_start=D(2026, 11, 29), period_end=D(2026, 11, 30), cycle="daily")
    run = SettlementRun.objects.create(as_of=at("2026-12-02", 3), total=1)
    item = RunItem.objects.create(run=run, tenant=tenant_alpha)
    assert run_item_execute(item_id=item.pk).batches == 2
    periods = list(SettlementBatch.objects.filter(tenant=tenant_alpha).order_by("period_start")
                   .values_list("period_start", "period_end"))
    assert periods == [(D(2026, 11, 29), D(2026, 11, 30)), (D(2026, 11, 30), D(2026, 12, 1)),
                       (D(2026, 12, 1), D(2026, 12, 2))]


@pytest.mark.django_db
def test_a_failed_tenant_leaves_nothing_half_made_and_is_retried_alone(tenant_alpha,
                                                                      django_capture_on_commit_callbacks):
    october = batch_make(tenant=tenant_alpha, period_start=D(2026, 10, 1), period_end=D(2026, 11, 1),
                         cycle="monthly").batch
    payment = pay("alpha", 30000, at("2026-11-10"))
    # a line that claims November's payment for October: settling it twice is refused
    stray = SettlementLine.objects.create(
        batch=october, tenant=tenant_alpha, kind="payment", source_id=payment.pk, reference="stray",
        payment_reference="stray", order_number=1, occurred_at=at("2026-10-10"), amount=0, commission_rate=0,
        commission=0, fee=0, vat=0, net=0)
    with tasks_in_process(), django_capture_on_commit_callbacks(execute=True):
        run = run_start(as_of=at("2026-12-02"), tenant_ids=[tenant_alpha.pk])
    run.refresh_from_db()
    item = run.items.get()
    assert (run.status, run.failed, item.status, item.attempts) == ("failed", 1, "failed", 1)
    assert "IntegrityError" in item.error
    assert not SettlementBatch.objects.filter(tenant=tenant_alpha, period_start=D(2026, 11, 1)).exists()

    with pytest.raises(SettlementForbidden):
        run_item_retry(item=item, actor=_hq(SUPPORT))
    stray.delete()
    admin = _hq(HQ_ADMIN)
    with tasks_in_process(), django_capture_on_commit_callbacks(execute=True):
        run_item_retry(item=item, actor=admin)
    run.refresh_from_db()
    item.refresh_from_db()
    assert (run.status, run.succeeded, run.failed) == ("succeeded", 1, 0)
    assert (item.status, item.attempts, item.batches, item.error) == ("succeeded", 2, 1, "")
    assert SettlementBatch.objects.get(tenant=tenant_alpha, period_start=D(2026, 11, 1)).gross == 30000
    with pytest.raises(RunItemNotRetryable):
        run_item_retry(item=item, actor=admin)
