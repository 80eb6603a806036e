"""What beat does in every restaurant each minute (food.kitchen_watch): orders nobody
accepted in time are rejected and refunded (the customer is told why), and an open
branch whose kitchen board has been gone too long stops taking orders (the owner is
told, by e-mail and in the app) until a board comes back. Workspaces of other business
types are left alone. Time is moved through the services' own `now`."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.utils import timezone

from apps.branches.validation import WEEKDAYS
from apps.food.services.ordering import board_seen, boards_offline_pause, ordering_pause
from apps.food.services.tickets import food_order_step, overdue_reject, ticket_ensure
from apps.orders.models import Order

from .conftest import dispatch, make_branch, place

pytestmark = pytest.mark.django_db

SEOUL = zoneinfo.ZoneInfo("Asia/Seoul")


def _paid_at(branch, dish, *, at: dt.datetime, card: str = "card_success", customer=None):
    """An order paid through the sandbox whose ticket reached the kitchen at `at` (as if
    the payment's event had been handed to the food module then)."""
    from apps.payments import sandbox
    from apps.payments.services import payment_start, payment_succeeded

    order = place(branch=branch, item=dish, customer=customer)
    payment, _url = payment_start(order=order, actor=None)
    sandbox.session_pay(reference=payment.reference, card=card)
    payment_succeeded(reference=payment.reference, amount=payment.amount, currency=payment.currency, method="card")
    order.refresh_from_db()
    ticket_ensure(order=order, now=at)
    return order


def _status(order) -> tuple:
    from apps.food.models import Ticket

    fresh = Order.objects.get(pk=order.pk)
    return fresh.status, fresh.refunded_amount, Ticket.objects.get(order_id=order.pk).status


def test_only_orders_past_their_deadline_are_rejected_and_refunded(branch, dish, owner_beta):
    from apps.crm.models import Customer
    from apps.events.models import Event
    from apps.notifications.models import Delivery

    now = timezone.now()
    diner = Customer.objects.create(name="Diner", email="diner@beta.test")
    late = _paid_at(branch, dish, at=now - dt.timedelta(minutes=6), customer=diner)  # accept by now - 1 min
    taken = _paid_at(branch, dish, at=now - dt.timedelta(minutes=30))
    food_order_step(order=taken, to_status="accepted", actor=owner_beta)
    fresh = _paid_at(branch, dish, at=now - dt.timedelta(minutes=2))  # accept by now + 3 min
    unpaid = place(branch=branch, item=dish)  # not at the kitchen: nothing to accept

    assert overdue_reject(now=now - dt.timedelta(minutes=2)) == []
    assert overdue_reject(now=now) == [late.pk]
    assert _status(late) == ("rejected", late.total, "rejected")
    assert _status(taken) == ("accepted", 0, "accepted") and _status(fresh) == ("placed", 0, "placed")
    assert Order.objects.get(pk=unpaid.pk).status == "placed"
    assert overdue_reject(now=now) == []  # done once
    event = Event.objects.filter(name="order.cancelled").latest("pk")
    assert event.data["order"]["id"] == late.pk and event.data["order"]["status"] == "rejected"
    # in the language the customer is written to in: the workspace's (Korean) for a diner without an account
    assert event.data["reason"] == "매장에서 제한 시간 안에 주문을 수락하지 않았습니다. 결제 금액 전액이 환불됩니다."
    dispatch()
    told = Delivery.objects.get(customer=diner, event_name="order.cancelled", channel="email")
    assert told.language == "ko" and event.data["reason"] in told.body and f"#{late.number}" in told.subject
    # the branch's own window
    from apps.food.services.ordering import ordering_update

    ordering_update(branch=branch, actor=None, accept_within_minutes=15)
    slow = _paid_at(branch, dish, at=now)
    assert overdue_reject(now=now + dt.timedelta(minutes=14)) == [fresh.pk]
    assert overdue_reject(now=now + dt.timedelta(minutes=15)) == [slow.pk]


def test_a_refund_the_provider_refuses_does_not_hold_up_the_others(branch, dish):
    """Each overdue order on its own: the one whose refund is refused stays as it was
    (beat tries again next minute), the others are rejected."""
    now = timezone.now()
    refused = _paid_at(branch, dish, at=now - dt.timedelta(minutes=10), card="card_refund_fails")
    other = _paid_at(branch, dish, at=now - dt.timedelta(minutes=8))
    assert overdue_reject(now=now) == [other.pk]
    assert _status(other) == ("rejected", other.total, "rejected")
    assert _status(refused) == ("placed", 0, "placed")


def _wednesday(hour: int, minute: int) -> dt.datetime:
    """A coming Wednesday at hour:minute in Seoul."""
    today = timezone.now().astimezone(SEOUL).date()
    day = today + dt.timedelta(days=(2 - today.weekday()) % 7 + 7)
    return dt.datetime.combine(day, dt.time(hour, minute), SEOUL)


def test_an_open_branch_without_a_kitchen_board_stops_taking_orders(beta, owner_beta):
    from apps.audit.models import AuditEvent
    from apps.events.models import Event
    from apps.food.models import BranchOrdering

    lunch = {"wed": ["12:00-15:00"]}
    noon = _wednesday(12, 0)
    never_seen = make_branch("Never seen", hours=lunch, pickup=True)
    seen_lately = make_branch("Seen lately", hours=lunch, pickup=True)
    seen_long_ago = make_branch("Seen long ago", hours=lunch, pickup=True)
    closed = make_branch("Closed on Wednesdays", hours={"thu": ["12:00-15:00"]}, pickup=True)
    not_watched = make_branch("Not watched", hours=lunch, pickup=True, board_offline_minutes=0)
    board_seen(branch=seen_lately, now=noon + dt.timedelta(minutes=30))
    board_seen(branch=seen_long_ago, now=noon + dt.timedelta(minutes=10))
    # opened five minutes ago: the board has ten minutes to appear
    assert boards_offline_pause(now=noon + dt.timedelta(minutes=5)) == []
    assert boards_offline_pause(now=noon + dt.timedelta(minutes=35)) == [never_seen.pk, seen_long_ago.pk]
    rows = dict(BranchOrdering.objects.values_list("branch_id", "pause_reason"))
    assert rows == {never_seen.pk: "board_offline", seen_long_ago.pk: "board_offline", seen_lately.pk: "",
                    closed.pk: "", not_watched.pk: ""}
    assert boards_offline_pause(now=noon + dt.timedelta(minutes=36)) == []  # paused once
    events = list(Event.objects.filter(name="food.ordering_paused").order_by("pk").values_list("data", flat=True))
    assert [(data["branch"]["name"], data["reason"]) for data in events] == [("Never seen", "board_offline"),
                                                                               ("Seen long ago", "board_offline")]
    assert events[0]["reason_label"]["en"] == "No kitchen board connected"
    audited = AuditEvent.objects.filter(tenant__slug="beta", action="food.ordering_paused",
                                        target_id=str(never_seen.pk)).get()
    assert audited.actor is None and audited.metadata == {"reason": "board_offline"}
    # the board comes back: ordering resumes by itself; a pause staff chose stays
    board_seen(branch=never_seen, now=noon + dt.timedelta(minutes=40))
    ordering_pause(branch=seen_long_ago, actor=owner_beta, note="Closing early")
    board_seen(branch=seen_long_ago, now=noon + dt.timedelta(minutes=40))
    rows = dict(BranchOrdering.objects.values_list("branch_id", "pause_reason"))
    assert (rows[never_seen.pk], rows[seen_long_ago.pk]) == ("", "manual")
    resumed = AuditEvent.objects.filter(tenant__slug="beta", action="food.ordering_resumed",
                                        target_id=str(never_seen.pk)).get()
    assert resumed.metadata == {"reason": "", "note": "board_back"}


def _dispatch_as_the_worker(name: str) -> None:
    """The worker's task runs with the workspace's own row (tenant-schemas-celery), not the
    stand-in schema_context() sets: the owner is read from it."""
    from django_tenants.utils import tenant_context

    from apps.tenants.models import Tenant

    with tenant_context(Tenant.objects.get(slug="beta")):
        dispatch(name)


@pytest.mark.parametrize("language", ["en", "ko"])
def test_the_owner_is_told_what_to_do(beta, owner_beta, language):
    from django.utils import translation

    from apps.food.models import BranchOrdering
    from apps.notifications.models import Delivery

    owner_beta.language = language
    owner_beta.save(update_fields=["language"])
    branch = make_branch("Hannam", pickup=True)
    assert boards_offline_pause() == [branch.pk]  # no hours: always open, no board ever seen
    _dispatch_as_the_worker("food.ordering_paused")
    told = {row.channel: row for row in Delivery.objects.filter(event_name="food.ordering_paused",
                                                                 audience="owner")}
    assert set(told) == {"email", "in_app"} and told["email"].user == owner_beta
    message = told["email"]
    with translation.override(language):
        reason = str(BranchOrdering.PauseReason.BOARD_OFFLINE.label)
    assert message.language == language and "Hannam" in message.subject and reason in message.body
    assert ("kitchen board" if language == "en" else "주방 화면") in message.body and "{" not in message.body
    assert told["in_app"].body == message.body
    # a pause by staff says how to resume instead
    Delivery.objects.all().delete()
    other = make_branch("Seongsu", pickup=True)
    ordering_pause(branch=other, actor=owner_beta, note="Private party")
    _dispatch_as_the_worker("food.ordering_paused")
    body = Delivery.objects.get(event_name="food.ordering_paused", channel="email").body
    assert "Private party" in body and ("resumes ordering" if language == "en" else "다시 시작할 때까지") in body


def test_the_owner_messages_are_seeded_for_restaurants_only(tenant_alpha, tenant_beta, owner_beta):
    from django_tenants.utils import schema_context

    from apps.food.provisioning import TEMPLATES, seed_food_templates
    from apps.notifications.models import NotificationTemplate

    with schema_context("beta"):
        seeded = set(NotificationTemplate.objects.filter(event="food.ordering_paused")
                     .values_list("audience", "channel", "language"))
        assert seeded == {(t["audience"], t["channel"], t["language"]) for t in TEMPLATES}
        seed_food_templates(tenant=tenant_beta, owner=owner_beta)  # again: nothing new
        assert NotificationTemplate.objects.filter(event="food.ordering_paused").count() == len(TEMPLATES) == 4
    with schema_context("alpha"):
        seed_food_templates(tenant=tenant_alpha, owner=owner_beta)  # an academy: nothing
        assert not NotificationTemplate.objects.filter(event="food.ordering_paused").exists()


def test_kitchen_watch_runs_in_every_restaurant_and_skips_other_workspaces(tenant_alpha, branch, dish):
    from django_tenants.utils import schema_context

    from apps.branches.models import Branch
    from apps.food.models import BranchOrdering
    from apps.food.services.ordering import ordering_for
    from apps.food.tasks import kitchen_watch

    late = _paid_at(branch, dish, at=timezone.now() - dt.timedelta(minutes=6))
    all_day = {day: ["00:00-24:00"] for day in WEEKDAYS}
    with schema_context("alpha"):  # an academy with a branch that would look like an unwatched kitchen
        campus = Branch.objects.create(name="Campus", opening_hours=all_day)
        ordering_for(campus)
        bare = Branch.objects.create(name="Annex", opening_hours=all_day)
    result = kitchen_watch.apply().get()
    assert result["beta"] == {"rejected": [late.pk], "paused": [branch.pk]}
    assert "alpha" not in result
    with schema_context("alpha"):
        assert list(BranchOrdering.objects.values_list("branch_id", "paused")) == [(campus.pk, False)]
        assert not BranchOrdering.objects.filter(branch=bare).exists()
    assert _status(late)[0] == "rejected"
