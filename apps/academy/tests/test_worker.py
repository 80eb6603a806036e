"""Through a real Celery worker: a paid enrolment order makes the enrolment active (the
payment's event dispatched by the worker to the academy's subscriber), and the beat task
fills the sessions of every academy. Committed data in alpha, removed after."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django_tenants.utils import schema_context

from apps.accounts.models import User
from tests.plugin import TENANTS, wait_for

pytestmark = pytest.mark.worker


@pytest.fixture
def world(committed):
    from tests.workspace import make_staff

    owner = User.objects.get(email=TENANTS["alpha"]["owner_email"])
    teacher = make_staff("alpha", committed.email("worker-teacher@academy.test"), ["teacher"])
    connection.set_schema_to_public()
    with schema_context("alpha"):
        from apps.academy.services import class_create
        from apps.branches.models import Branch
        from apps.catalog.models import Item
        from apps.crm.models import Customer
        from apps.orders.models import OrderNumber

        last_number = OrderNumber.objects.get(pk=1).last
        branch = Branch.objects.create(name="Worker campus")
        course = Item.objects.create(kind="course", name="Worker Math", price=150000, vat_rate=0)
        klass = class_create(course=course, teacher=teacher, branch=branch, capacity=3, weekdays=[0, 3],
                             start_time=dt.time(15), duration_minutes=60, starts_on=dt.date(2026, 1, 5), room="W",
                             actor=owner)
        student = Customer.objects.create(name="Worker Student")
    connection.set_schema_to_public()
    try:
        yield {"owner": owner, "class": klass, "student": student}
    finally:
        with schema_context("alpha"):
            from apps.academy.models import Class, Enrolment, EnrolmentTransition, StudentProfile, TuitionInvoice
            from apps.orders.models import Order, OrderLine, OrderTransition
            from apps.payments.models import Payment
            from apps.rbac.models import RoleAssignment
            from apps.staff.models import StaffProfile

            orders = Order.objects.filter(number__gt=last_number)
            TuitionInvoice.objects.filter(enrolment__klass=klass).delete()
            EnrolmentTransition.objects.filter(enrolment__klass=klass).delete()
            Enrolment.objects.filter(klass=klass).delete()
            Payment.objects.filter(order__in=orders).delete()
            OrderTransition.objects.filter(order__in=orders).delete()
            OrderLine.objects.filter(order__in=orders).delete()
            orders.delete()
            OrderNumber.objects.filter(pk=1).update(last=last_number)
            Class.objects.filter(pk=klass.pk).delete()
            StudentProfile.objects.filter(customer=student).delete()
            Customer.objects.filter(pk=student.pk).delete()
            course.delete()
            branch.delete()
            StaffProfile.objects.filter(user_id=teacher.pk).delete()
            RoleAssignment.objects.filter(user_id=teacher.pk).delete()


def test_paying_activates_and_beat_generates_through_the_worker(celery_worker_process, world):
    from apps.academy.models import Enrolment, Session
    from apps.academy.services import enrolment_create
    from apps.academy.tasks import generate_sessions
    from apps.payments.services import payment_start, payment_succeeded

    with schema_context("alpha"):
        enrolment = enrolment_create(student=world["student"], klass=world["class"], actor=world["owner"])
        assert enrolment.status == "pending_payment"
        payment, _url = payment_start(order=enrolment.order, actor=None)
        payment_succeeded(reference=payment.reference, amount=payment.amount, currency=payment.currency)

    def active():
        with schema_context("alpha"):
            return Enrolment.objects.get(pk=enrolment.pk).status == "active"

    wait_for(active, "the enrolment to become active")

    with schema_context("alpha"):
        Session.objects.filter(klass=world["class"]).delete()
    connection.set_schema_to_public()
    generate_sessions.delay()

    def generated():
        with schema_context("alpha"):
            return Session.objects.filter(klass=world["class"]).count()

    assert wait_for(generated, "the beat task to generate sessions") == 8  # 4 Mondays and 4 Thursdays
