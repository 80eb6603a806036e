"""Enrolments: a seat gives an order of kind `enrolment` for the course (paid -> active,
through the payments' event), a full class the waitlist (or a refusal that changes
nothing), one live enrolment per student; withdrawing frees the seat for the first in
line, who has until the offer expires to accept it, then the next one gets it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import override_settings
from django.utils import timezone

from apps.academy.errors import (
    AlreadyEnrolled,
    ClassClosed,
    ClassFull,
    EnrolmentUnpaid,
    IllegalEnrolmentMove,
    OfferExpired,
)
from apps.academy.models import Enrolment, EnrolmentTransition, StudentProfile, TuitionInvoice
from apps.academy.services import (
    class_update,
    enrolment_activate,
    enrolment_create,
    enrolment_offer_accept,
    enrolment_pause,
    enrolment_resume,
    enrolment_withdraw,
    enrolments_orders_complete,
    offers_expire,
)
from apps.audit.models import AuditEvent
from apps.catalog.errors import OutOfStock
from apps.events.models import Event
from apps.events.services import event_dispatch
from apps.orders.models import Order

from .conftest import audit_actions, events_named, make_class, make_course, make_student

S = Enrolment.Status


def dispatch(name: str) -> None:
    """Hand the recorded events `name` to their subscribers (no worker here)."""
    for event_id in Event.objects.filter(name=name, dispatched_at__isnull=True).values_list("pk", flat=True):
        assert event_dispatch(event_id=event_id)


def pay(enrolment):
    from apps.payments.services import payment_start, payment_succeeded

    payment, _url = payment_start(order=enrolment.order, actor=None)
    payment_succeeded(reference=payment.reference, amount=payment.amount, currency=payment.currency, method="card")
    dispatch("payment.succeeded")


def state():
    return {"enrolments": list(Enrolment.objects.order_by("pk").values_list("pk", "status")),
            "orders": Order.objects.count(), "audit": AuditEvent.objects.count(), "events": Event.objects.count()}


@pytest.fixture
def small(alpha, teacher, branch):
    """A class of two seats."""
    return make_class(teacher=teacher, branch=branch, actor=alpha, capacity=2)


def test_a_seat_gives_an_enrolment_order_and_paying_it_activates(alpha, small):
    student = make_student(guardian_email="mother@academy.test")
    enrolment = enrolment_create(student=student, klass=small, actor=alpha)
    assert enrolment.status == S.PENDING_PAYMENT and enrolment.waitlist_position is None
    order = enrolment.order
    invoice = TuitionInvoice.objects.get(enrolment=enrolment)  # the order is the first month's tuition
    assert (order.kind, order.customer_id, order.total, order.status, order.branch_id) == (
        "enrolment", student.pk, invoice.total, "placed", small.branch_id)
    assert (invoice.order_id, invoice.list_amount, invoice.status) == (order.pk, 220000, "open")
    assert invoice.total == 220000 - invoice.proration - invoice.sibling_discount > 0
    assert [(line.item_id, line.quantity) for line in order.lines.all()] == [(small.course_id, 1)]
    assert StudentProfile.objects.filter(customer=student).exists()
    (created,) = events_named("academy.enrolment_created")
    assert created.data["customer"] == {"id": student.pk, "name": student.name}
    assert created.data["enrolment"]["status_label"] == {"en": "Pending payment", "ko": "결제 대기"}
    with pytest.raises(EnrolmentUnpaid):
        enrolment_activate(enrolment=enrolment, actor=alpha)

    pay(enrolment)
    enrolment.refresh_from_db()
    assert enrolment.status == S.ACTIVE and enrolment.activated_at is not None
    assert [e.data["customer"]["id"] for e in events_named("academy.enrolment_activated")] == [student.pk]
    assert audit_actions() == ["academy.class_created", "academy.enrolment_created",
                               "academy.enrolment_order_placed", "academy.tuition_issued", "academy.tuition_paid",
                               "academy.enrolment_activated"]
    invoice.refresh_from_db()
    assert (invoice.status, invoice.paid_via) == ("paid", "online")
    assert list(EnrolmentTransition.objects.filter(enrolment=enrolment).values_list("from_status", "to_status")) == [
        ("", "pending_payment"), ("pending_payment", "active")]
    assert enrolment_activate(enrolment=enrolment, actor=alpha).status == S.ACTIVE  # idempotent


def test_a_full_class_waitlists_or_refuses_without_changing_anything(alpha, small):
    first, second, third, fourth, fifth = (make_student(f"Student {n}") for n in range(5))
    for student in (first, second):
        assert enrolment_create(student=student, klass=small, actor=alpha).status == S.PENDING_PAYMENT
    waiting = [enrolment_create(student=student, klass=small, actor=alpha) for student in (third, fourth)]
    assert [(e.status, e.waitlist_position, e.order_id) for e in waiting] == [
        (S.WAITLISTED, 1, None), (S.WAITLISTED, 2, None)]
    before = state()
    with pytest.raises(ClassFull) as refused:
        enrolment_create(student=fifth, klass=small, actor=alpha, waitlist=False)
    assert refused.value.details == {"class": small.pk, "capacity": 2, "taken": 2}
    assert "full" in str(refused.value.message) and small.name in str(refused.value.message)
    with pytest.raises(AlreadyEnrolled):
        enrolment_create(student=first, klass=small, actor=alpha)
    with pytest.raises(AlreadyEnrolled):
        enrolment_create(student=third, klass=small, actor=alpha)
    assert state() == before


def test_withdrawing_offers_the_seat_to_the_first_in_line(alpha, small):
    seated = [enrolment_create(student=make_student(f"Seated {n}"), klass=small, actor=alpha) for n in range(2)]
    first, second = (enrolment_create(student=make_student(f"Waiting {n}"), klass=small, actor=alpha)
                     for n in range(2))
    before = timezone.now()
    enrolment_withdraw(enrolment=seated[0], actor=alpha, reason="Moving away")
    seated[0].refresh_from_db()
    assert seated[0].status == S.WITHDRAWN and seated[0].reason == "Moving away"
    assert Order.objects.get(pk=seated[0].order_id).status == "cancelled"  # unpaid: nothing to refund
    first.refresh_from_db(), second.refresh_from_db()
    assert (first.status, first.waitlist_position) == (S.OFFERED, None)
    expected = before + dt.timedelta(hours=24)
    assert expected <= first.offer_expires_at <= timezone.now() + dt.timedelta(hours=24)
    assert (second.status, second.waitlist_position) == (S.WAITLISTED, 2)
    (offer,) = events_named("academy.seat_offered")
    assert offer.data["customer"]["id"] == first.student_id and offer.data["expires_local"]
    (withdrawn,) = events_named("academy.enrolment_withdrawn")
    assert (withdrawn.data["from_status"], withdrawn.data["reason"]) == ("pending_payment", "Moving away")

    accepted = enrolment_offer_accept(enrolment=first, actor=alpha)
    assert accepted.status == S.PENDING_PAYMENT and accepted.order.kind == "enrolment"
    assert accepted.offer_expires_at is None


@override_settings(ACADEMY_OFFER_HOURS=2)
def test_an_expired_offer_goes_to_the_next_in_line(alpha, small):
    seated = [enrolment_create(student=make_student(f"Seated {n}"), klass=small, actor=alpha) for n in range(2)]
    first, second = (enrolment_create(student=make_student(f"Waiting {n}"), klass=small, actor=alpha)
                     for n in range(2))
    enrolment_withdraw(enrolment=seated[1], actor=alpha)
    first.refresh_from_db()
    assert first.offer_expires_at - timezone.now() < dt.timedelta(hours=2, seconds=1)
    assert offers_expire() == 0  # not yet
    later = timezone.now() + dt.timedelta(hours=2, minutes=1)
    assert offers_expire(now=later) == 1
    first.refresh_from_db(), second.refresh_from_db()
    assert (first.status, second.status) == (S.WITHDRAWN, S.OFFERED)
    assert audit_actions().count("academy.offer_expired") == 1
    Enrolment.objects.filter(pk=second.pk).update(offer_expires_at=timezone.now() - dt.timedelta(seconds=1))
    with pytest.raises(OfferExpired):
        enrolment_offer_accept(enrolment=second, actor=alpha)
    with pytest.raises(IllegalEnrolmentMove):
        enrolment_offer_accept(enrolment=first, actor=alpha)


def test_more_seats_go_to_the_waitlist(alpha, small):
    for n in range(2):
        enrolment_create(student=make_student(f"Seated {n}"), klass=small, actor=alpha)
    waiting = enrolment_create(student=make_student("Waiting"), klass=small, actor=alpha)
    class_update(klass=small, actor=alpha, capacity=3)
    waiting.refresh_from_db()
    assert waiting.status == S.OFFERED


def test_a_cancelled_unpaid_order_withdraws_the_enrolment(alpha, small):
    from apps.orders.services import order_cancel

    enrolment = enrolment_create(student=make_student(), klass=small, actor=alpha)
    order_cancel(order=enrolment.order, actor=alpha, reason="Changed their mind", by_customer=False)
    dispatch("order.cancelled")
    enrolment.refresh_from_db()
    assert (enrolment.status, enrolment.reason) == (S.WITHDRAWN, "Changed their mind")


def test_a_free_course_is_active_at_once_and_pause_resume(alpha, teacher, branch):
    free = make_class(teacher=teacher, branch=branch, actor=alpha, course=make_course("Open day", price=0))
    enrolment = enrolment_create(student=make_student(), klass=free, actor=alpha)
    assert enrolment.status == S.ACTIVE
    assert enrolment_pause(enrolment=enrolment, actor=alpha, reason="Holiday abroad").status == S.PAUSED
    assert enrolment_resume(enrolment=enrolment, actor=alpha).status == S.ACTIVE
    enrolment_withdraw(enrolment=enrolment, actor=alpha)
    with pytest.raises(IllegalEnrolmentMove) as refused:
        enrolment_pause(enrolment=enrolment, actor=alpha)
    assert refused.value.status == 409 and refused.value.details["status"] == "withdrawn"


def test_closed_classes_and_unorderable_courses_are_refused_before_anything(alpha, small):
    before = state()
    class_update(klass=small, actor=alpha, is_active=False)
    before = state()
    with pytest.raises(ClassClosed):
        enrolment_create(student=make_student(), klass=small, actor=alpha)
    class_update(klass=small, actor=alpha, is_active=True)
    small.course.is_active = False
    small.course.save()
    with pytest.raises(ClassClosed) as refused:
        enrolment_create(student=make_student("Another"), klass=small, actor=alpha)
    assert small.course.name in str(refused.value.message)
    assert state()["enrolments"] == before["enrolments"] and state()["orders"] == before["orders"]


def test_a_refused_order_withdraws_the_new_enrolment_and_frees_the_seat(alpha, small):
    small.course.stock = 0  # counted and gone: the order is refused by the catalog
    small.course.save()
    with pytest.raises(OutOfStock):
        enrolment_create(student=make_student(), klass=small, actor=alpha)
    (enrolment,) = Enrolment.objects.all()
    assert enrolment.status == S.WITHDRAWN and "order could not be placed" in enrolment.reason
    assert Order.objects.count() == 0


def test_an_interrupted_enrolment_gets_its_order_once(alpha, small):
    enrolment = enrolment_create(student=make_student(), klass=small, actor=alpha)
    order_id = enrolment.order_id
    # as if the process had stopped after the order committed, before the link
    Enrolment.objects.filter(pk=enrolment.pk).update(order=None, updated_at=timezone.now() - dt.timedelta(hours=1))
    assert enrolments_orders_complete() == 1
    enrolment.refresh_from_db()
    assert enrolment.order_id == order_id and Order.objects.count() == 1
    assert enrolments_orders_complete() == 0
