"""Distinctive rows in a workspace for the export tests: every value that names the
workspace carries `marker`, so that a zip can be searched for another workspace's values.

`seed(marker)` runs in the current schema and returns the two customers it made (the
first with orders, payments, a refund, guardians, consents, messages, a review, and in an
academy classes, sessions, an enrolment and attendance)."""

from __future__ import annotations

from datetime import date, time, timedelta

from django.utils import timezone

from apps.accounts.models import User

CHECK_IN_CODE = "Q9Z8X7W6"  # a secret of the academy: never in an export


def seed(marker: str, *, academy: bool = False, food: bool = False) -> dict:
    from apps.branches.models import Branch
    from apps.catalog.models import Category, Item
    from apps.consumers.models import Consent
    from apps.coupons.models import Coupon, CouponClaim
    from apps.crm.models import Customer, GuardianContact, Tag
    from apps.notifications.models import Delivery
    from apps.orders.models import Order, OrderLine, OrderTransition
    from apps.payments.models import Payment, Refund
    from apps.reviews.models import Review
    from apps.workspace.services import workspace_settings_get

    settings_row = workspace_settings_get()
    settings_row.legal_name = f"{marker} Legal Name"
    settings_row.save()
    branch = Branch.objects.create(name=f"{marker} Branch", address=f"{marker} street 1")
    tag = Tag.objects.create(name=f"{marker}-tag")
    first = Customer.objects.create(name=f"{marker} First Customer", email=f"first@{marker.lower()}.test",
                                    phone="010-5555-0101", notes=f"{marker} first notes", branch=branch)
    first.tags.add(tag)
    second = Customer.objects.create(name=f"{marker} Second Customer", email=f"second@{marker.lower()}.test",
                                     notes=f"{marker} SECOND-ONLY notes", branch=branch)
    GuardianContact.objects.create(customer=first, name=f"{marker} Guardian", relation="mother",
                                   phone="010-5555-0102")
    GuardianContact.objects.create(customer=second, name=f"{marker} SECOND-ONLY Guardian", phone="010-5555-0103")
    category = Category.objects.create(name=f"{marker} Category")
    item = Item.objects.create(name=f"{marker} Item", kind=Item.Kind.MENU_ITEM, price=12000, category=category)
    number = (Order.objects.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    orders = []
    for offset, customer in enumerate([first, second]):
        order = Order.objects.create(number=number + offset, customer=customer, branch=branch, total=12000,
                                     subtotal=12000, paid_amount=12000, notes=f"{marker} order of {customer.name}")
        OrderLine.objects.create(order=order, item=item, item_name=f"{marker} Item line {offset}",
                                 item_kind="menu_item", unit_price=12000, quantity=1, line_total=12000)
        OrderTransition.objects.create(order=order, from_status="placed", to_status="confirmed",
                                       reason=f"{marker} moved {offset}")
        payment = Payment.objects.create(order=order, provider="sandbox", reference=f"{marker}-pay-{offset}",
                                         amount=12000)
        orders.append((order, payment))
    Refund.objects.create(payment=orders[0][1], amount=2000, reason=f"{marker} refund reason",
                          idempotency_key=f"{marker}-refund-key")
    Refund.objects.create(payment=orders[1][1], amount=1000, reason=f"{marker} SECOND-ONLY refund",
                          idempotency_key=f"{marker}-refund-key-2")
    Consent.objects.create(customer=first, kind="privacy", granted=True, version="v1")
    Consent.objects.create(customer=second, kind="marketing", granted=False, version="v1-second")
    coupon = Coupon.objects.create(code=f"{marker}-CODE"[:40], name=f"{marker} coupon", kind=Coupon.Kind.PERCENT,
                                   percent=10)
    CouponClaim.objects.create(coupon=coupon, customer=first)
    Delivery.objects.create(event_name="order.confirmed", channel="email", language="en", audience="customer",
                            customer=first, address=f"first@{marker.lower()}.test",
                            subject=f"{marker} your order", body=f"{marker} message body")
    Delivery.objects.create(event_name="order.confirmed", channel="sms", language="en", audience="customer",
                            customer=second, address="010-5555-0199", body=f"{marker} SECOND-ONLY message")
    Review.objects.create(order=orders[0][0], customer=first, rating=5, text=f"{marker} great review")
    made = {"first": first, "second": second, "branch": branch, "item": item}
    if academy:
        made.update(_academy(marker, first, second, branch))
    if food:
        from apps.food.models import Ticket

        now = timezone.now()
        Ticket.objects.create(order=orders[0][0], branch=branch, status="new", fulfilment="pickup",
                              released_at=now, accept_by=now + timedelta(minutes=5))
    return made


def _academy(marker: str, first, second, branch) -> dict:
    from apps.academy.models import Attendance, Class, Enrolment, Session, StudentProfile
    from apps.catalog.models import Item

    teacher = User.objects.filter(email="owner@alpha.test").first() or User.objects.first()
    course = Item.objects.create(name=f"{marker} Course", kind=Item.Kind.COURSE, price=200000)
    klass = Class.objects.create(course=course, name=f"{marker} Class", teacher=teacher, branch=branch, capacity=10,
                                 weekdays=[0, 2], start_time=time(16, 0), duration_minutes=60,
                                 starts_on=date.today())
    StudentProfile.objects.create(customer=first, school=f"{marker} School")
    StudentProfile.objects.create(customer=second, school=f"{marker} SECOND-ONLY School")
    start = timezone.now().replace(microsecond=0)
    session = Session.objects.create(klass=klass, planned_start=start, starts_at=start,
                                     ends_at=start + timedelta(hours=1), check_in_code=CHECK_IN_CODE)
    made = {}
    for key, student in (("first_enrolment", first), ("second_enrolment", second)):
        enrolment = Enrolment.objects.create(klass=klass, student=student, status="active")
        Attendance.objects.create(session=session, enrolment=enrolment, student=student, status="present",
                                  marked_at=start, note=f"{marker} {student.name} attended")
        made[key] = enrolment
    return made
