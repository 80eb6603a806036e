"""Passes and tuition over HTTP: staff list and filter tuition (the unpaid and the overdue
list), record a cash payment (once), void with a reason, sell and refund passes, read and
change the billing rules (bad values are our error shape and change nothing); a teacher
sees the passes of their own students only and no tuition; a guardian sees, buys and
pays for their own children only."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from apps.academy.models import AcademySettings, Enrolment, Pass, TuitionInvoice
from apps.audit.models import AuditEvent
from apps.catalog.models import Item
from apps.orders.models import Order
from apps.payments.tests.helpers import WebhookCatcher, process, submit_card

from .test_api import JSON, MOTHER, error, ids, in_alpha, register, world  # noqa: F401 (world: a fixture)
from .test_enrolments import dispatch


@pytest.fixture
def billing(world):  # noqa: F811
    """The world of test_api (Jihoon in teacher A's "Mine" at North, Sora in teacher B's
    "Theirs" at South, each pending payment with their first month's invoice) and a
    10-session pass on sale (90,000)."""
    from apps.academy.services.passes import pass_plan_set

    with schema_context("alpha"):
        item = Item.objects.create(kind=Item.Kind.SERVICE, name="10-session pass", price=90000, vat_rate=0)
        plan = pass_plan_set(item=item, kind="count", sessions=10, valid_days=60, course=None, actor=None)
        invoices = {row.student_id: row for row in TuitionInvoice.objects.all()}
        enrolments = {row.student_id: row for row in Enrolment.objects.all()}
    jihoon, sora = world["jihoon"].pk, world["sora"].pk
    return {**world, "plan": plan, "jihoon_invoice": invoices[jihoon], "sora_invoice": invoices[sora],
            "jihoon_enrolment": enrolments[jihoon], "sora_enrolment": enrolments[sora]}


def sell(plan, student) -> Pass:
    from apps.academy.services.passes import pass_buy

    with schema_context("alpha"):
        return pass_buy(plan=plan, student=student, actor=None)


def provider_pays(checkout: dict) -> None:
    """The payer on the sandbox's checkout page; its signed webhook reaches our endpoint,
    the handler runs, and the academy hears of it."""
    with WebhookCatcher() as catcher:
        submit_card(checkout["checkout_url"], "card_success")
    (response,) = catcher.forward()
    assert response.status_code == 202, response.content
    process({"webhook-id": catcher.received[0][1]["webhook-id"]})
    with schema_context("alpha"):
        dispatch("payment.succeeded")


def first_ids(page: dict) -> list[int]:
    return [row["id"] for row in page["results"]]


def invoice_row(pk: int) -> tuple:
    with schema_context("alpha"):
        invoice = TuitionInvoice.objects.select_related("order").get(pk=pk)
        return invoice.status, invoice.paid_via, invoice.order.status, invoice.order.paid_amount


# --- Tuition ----------------------------------------------------------------------------


def test_staff_list_the_unpaid_and_overdue_tuition_and_record_a_cash_payment_once(billing):
    owner, clerk = billing["owner"], billing["clerk"]
    mine, theirs = billing["jihoon_invoice"], billing["sora_invoice"]
    listed = owner.get("/api/v1/academy/tuition/")
    assert sorted(ids(listed)) == sorted([mine.pk, theirs.pk])
    row = next(row for row in listed.json()["results"] if row["id"] == mine.pk)
    assert (row["class_name"], row["student_name"], row["status"], row["status_label"], row["overdue"],
            row["total"], row["order"]) == ("Mine", "Kim Jihoon", "open", "Unpaid", False, mine.total, mine.order_id)
    assert ids(owner.get("/api/v1/academy/tuition/", {"student": billing["sora"].pk})) == [theirs.pk]
    assert ids(owner.get("/api/v1/academy/tuition/", {"status": "paid"})) == []
    with schema_context("alpha"):  # Sora's is a week past its due date
        TuitionInvoice.objects.filter(pk=theirs.pk).update(due_on=timezone.localdate() - dt.timedelta(days=7))
    overdue = owner.get("/api/v1/academy/tuition/", {"overdue": "true"})
    assert ids(overdue) == [theirs.pk] and overdue.json()["results"][0]["overdue"] is True
    assert ids(owner.get("/api/v1/academy/tuition/", {"overdue": "false"})) == [mine.pk]
    # the earliest due first (Sora's is due a week before Jihoon's), one row a page, there and back
    assert ids(owner.get("/api/v1/academy/tuition/")) == [theirs.pk, mine.pk]
    first = owner.get("/api/v1/academy/tuition/", {"page_size": 1}).json()
    second = owner.get(first["next"]).json()
    assert [row["id"] for row in first["results"] + second["results"]] == [theirs.pk, mine.pk]
    assert [row["id"] for row in owner.get(second["previous"]).json()["results"]] == [theirs.pk]
    # invoices due on one day: by id, and the way back returns the same pages
    with schema_context("alpha"):
        TuitionInvoice.objects.filter(pk=mine.pk).update(due_on=timezone.localdate() - dt.timedelta(days=7))
    first = owner.get("/api/v1/academy/tuition/", {"page_size": 1}).json()
    second = owner.get(first["next"]).json()
    assert [row["id"] for row in first["results"] + second["results"]] == sorted([mine.pk, theirs.pk])
    assert [row["id"] for row in owner.get(second["previous"]).json()["results"]] == first_ids(first)
    with schema_context("alpha"):
        TuitionInvoice.objects.filter(pk=mine.pk).update(due_on=mine.due_on)
    error(owner.get("/api/v1/academy/tuition/", {"status": "late"}), 400, "validation_error")
    # a clerk of North: North's students only
    assert ids(clerk.get("/api/v1/academy/tuition/")) == [mine.pk]
    error(clerk.get(f"/api/v1/academy/tuition/{theirs.pk}/"), 404, "not_found")
    error(clerk.post(f"/api/v1/academy/tuition/{theirs.pk}/record-payment/", {"method": "cash"},
                     content_type=JSON), 404, "not_found")
    before = invoice_row(theirs.pk)
    refused = owner.post(f"/api/v1/academy/tuition/{theirs.pk}/record-payment/", {"method": "card"},
                         content_type=JSON)
    assert list(error(refused, 400, "validation_error")["details"]) == ["method"]
    assert invoice_row(theirs.pk) == before

    paid = clerk.post(f"/api/v1/academy/tuition/{mine.pk}/record-payment/", {"method": "cash"}, content_type=JSON)
    assert paid.status_code == 200, paid.content
    assert (paid.json()["status"], paid.json()["paid_via"], paid.json()["paid_via_label"]) == ("paid", "cash", "Cash")
    assert invoice_row(mine.pk) == ("paid", "cash", "placed", mine.total)
    assert in_alpha(lambda: Enrolment.objects.get(pk=billing["jihoon_enrolment"].pk).status) == "active"
    audits = in_alpha(lambda: AuditEvent.objects.count())
    again = clerk.post(f"/api/v1/academy/tuition/{mine.pk}/record-payment/", {"method": "transfer"},
                       content_type=JSON)
    assert error(again, 409, "academy_tuition_not_open")["details"] == {"invoice": mine.pk, "status": "paid"}
    assert invoice_row(mine.pk) == ("paid", "cash", "placed", mine.total)
    assert in_alpha(lambda: AuditEvent.objects.count()) == audits
    assert ids(owner.get("/api/v1/academy/tuition/", {"status": "paid"})) == [mine.pk]


def test_voiding_an_invoice_needs_a_reason(billing):
    owner, theirs = billing["owner"], billing["sora_invoice"]
    before = invoice_row(theirs.pk)
    for body in ({}, {"reason": "   "}):
        refused = owner.post(f"/api/v1/academy/tuition/{theirs.pk}/void/", body, content_type=JSON)
        body = error(refused, 400, "validation_error")
        assert list(body["details"]) == ["reason"] and body["message"]
    assert invoice_row(theirs.pk) == before
    error(billing["teacher_b"].post(f"/api/v1/academy/tuition/{theirs.pk}/void/", {"reason": "No"},
                                    content_type=JSON), 403, "permission_denied")
    voided = owner.post(f"/api/v1/academy/tuition/{theirs.pk}/void/", {"reason": "Enrolled by mistake"},
                        content_type=JSON)
    assert voided.status_code == 200 and voided.json()["status"] == "void"
    assert invoice_row(theirs.pk)[::2] == ("void", "cancelled")
    error(owner.post(f"/api/v1/academy/tuition/{theirs.pk}/void/", {"reason": "Again"}, content_type=JSON),
          409, "academy_tuition_not_open")


# --- Passes -----------------------------------------------------------------------------


def test_staff_sell_a_pass_take_its_payment_and_refund_it(billing):
    owner, clerk, plan = billing["owner"], billing["clerk"], billing["plan"]
    plans = clerk.get("/api/v1/academy/pass-plans/")
    assert plans.status_code == 200, plans.content
    assert [(p["id"], p["name"], p["price"], p["kind"], p["kind_label"], p["sessions"], p["valid_days"],
             p["course"]) for p in plans.json()] == [(plan.pk, "10-session pass", 90000, "count",
                                                       "Number of sessions", 10, 60, None)]
    refused = clerk.post("/api/v1/academy/passes/", {"plan": plan.pk, "student": billing["sora"].pk},
                         content_type=JSON)  # another branch's student
    assert list(error(refused, 400, "validation_error")["details"]) == ["student"]
    refused = clerk.post("/api/v1/academy/passes/", {"plan": 987654, "student": billing["jihoon"].pk},
                         content_type=JSON)
    assert list(error(refused, 400, "validation_error")["details"]) == ["plan"]
    assert in_alpha(Pass.objects.count) == 0

    sold = clerk.post("/api/v1/academy/passes/", {"plan": plan.pk, "student": billing["jihoon"].pk},
                      content_type=JSON)
    assert sold.status_code == 201, sold.content
    body = sold.json()
    assert (body["status"], body["price"], body["sessions_left"], body["expired"], body["student_name"]) == (
        "pending_payment", 90000, 10, False, "Kim Jihoon")
    checkout = owner.post(f"/api/v1/orders/{body['order']}/pay/", content_type=JSON)
    assert checkout.status_code == 201 and checkout.json()["amount"] == 90000, checkout.content
    provider_pays(checkout.json())
    active = clerk.get(f"/api/v1/academy/passes/{body['id']}/").json()
    assert (active["status"], active["valid_from"]) == ("active", timezone.localdate().isoformat())
    assert ids(clerk.get("/api/v1/academy/passes/", {"status": "active"})) == [body["id"]]
    assert ids(clerk.get("/api/v1/academy/passes/", {"student": billing["sora"].pk})) == []

    error(billing["teacher_a"].post(f"/api/v1/academy/passes/{body['id']}/refund/", {"reason": "x"},
                                    content_type=JSON), 403, "permission_denied")
    refund = clerk.post(f"/api/v1/academy/passes/{body['id']}/refund/", {"reason": ""}, content_type=JSON)
    assert list(error(refund, 400, "validation_error")["details"]) == ["reason"]
    refund = clerk.post(f"/api/v1/academy/passes/{body['id']}/refund/", {"reason": "Moving away"},
                        content_type=JSON)
    assert refund.status_code == 200, refund.content
    assert (refund.json()["status"], refund.json()["refunded_amount"], refund.json()["reason"]) == (
        "refunded", 90000, "Moving away")  # unused: all of it (the statutory rule)
    assert in_alpha(lambda: Order.objects.get(pk=body["order"]).refunded_amount) == 90000
    again = clerk.post(f"/api/v1/academy/passes/{body['id']}/refund/", {"reason": "Again"}, content_type=JSON)
    assert error(again, 409, "academy_pass_not_refundable")["details"] == {"pass": body["id"],
                                                                          "status": "refunded"}


def test_the_clerk_who_sold_a_pass_takes_its_payment(billing):
    sold = billing["clerk"].post("/api/v1/academy/passes/", {"plan": billing["plan"].pk,
                                                              "student": billing["jihoon"].pk}, content_type=JSON)
    assert sold.status_code == 201, sold.content
    checkout = billing["clerk"].post(f"/api/v1/orders/{sold.json()['order']}/pay/", content_type=JSON)
    assert checkout.status_code == 201, checkout.content


def test_a_teacher_sees_the_passes_of_their_own_students_and_no_tuition(billing):
    jihoon_pass = sell(billing["plan"], billing["jihoon"])
    sora_pass = sell(billing["plan"], billing["sora"])
    teacher = billing["teacher_a"]
    assert ids(teacher.get("/api/v1/academy/passes/")) == [jihoon_pass.pk]
    assert teacher.get(f"/api/v1/academy/passes/{jihoon_pass.pk}/").json()["sessions_left"] == 10
    error(teacher.get(f"/api/v1/academy/passes/{sora_pass.pk}/"), 404, "not_found")
    assert ids(billing["teacher_b"].get("/api/v1/academy/passes/")) == [sora_pass.pk]
    assert teacher.get("/api/v1/academy/pass-plans/").status_code == 200
    error(teacher.get("/api/v1/academy/tuition/"), 403, "permission_denied")
    error(teacher.get(f"/api/v1/academy/tuition/{billing['jihoon_invoice'].pk}/"), 403, "permission_denied")
    error(teacher.post("/api/v1/academy/passes/", {"plan": billing["plan"].pk, "student": billing["jihoon"].pk},
                       content_type=JSON), 403, "permission_denied")
    error(teacher.get("/api/v1/academy/settings/"), 403, "permission_denied")
    assert in_alpha(Pass.objects.count) == 2


# --- Billing rules ----------------------------------------------------------------------


def test_the_billing_rules_are_read_and_changed_and_bad_values_refused(billing):
    from apps.coupons.models import Coupon

    owner, clerk = billing["owner"], billing["clerk"]
    with schema_context("alpha"):
        coupon = Coupon.objects.create(code="SIBLING10", name="Sibling", kind="percent", percent=10)
    read = clerk.get("/api/v1/academy/settings/")
    assert read.status_code == 200, read.content
    defaults = {"billing_day": 1, "due_days": 7, "reminder_every_days": 3, "reminders_max": 3,
                "pass_refund_rule": "statutory", "sibling_coupon": None}
    assert {key: read.json()[key] for key in defaults} == defaults
    assert read.json()["pass_refund_rule_label"].startswith("Academy act")
    audits = in_alpha(lambda: AuditEvent.objects.filter(action="academy.settings_changed").count())
    for body, field in (({"billing_day": 29}, "billing_day"), ({"billing_day": 0}, "billing_day"),
                        ({"due_days": 61}, "due_days"), ({"reminders_max": 11}, "reminders_max"),
                        ({"pass_refund_rule": "sometimes"}, "pass_refund_rule"),
                        ({"sibling_coupon": 987654}, "sibling_coupon"), ({"billing_day": "soon"}, "billing_day")):
        refused = owner.patch("/api/v1/academy/settings/", body, content_type=JSON)
        shape = error(refused, 400, "validation_error")
        assert set(shape) == {"code", "message", "details"} and list(shape["details"]) == [field], body
    assert {key: owner.get("/api/v1/academy/settings/").json()[key] for key in defaults} == defaults
    error(clerk.patch("/api/v1/academy/settings/", {"billing_day": 10}, content_type=JSON), 403,
          "permission_denied")
    changed = owner.patch("/api/v1/academy/settings/", {"billing_day": 28, "pass_refund_rule": "proportional",
                                                        "sibling_coupon": coupon.pk}, content_type=JSON)
    assert changed.status_code == 200, changed.content
    assert (changed.json()["billing_day"], changed.json()["pass_refund_rule"], changed.json()["sibling_coupon"]) == (
        28, "proportional", coupon.pk)
    with schema_context("alpha"):
        row = AcademySettings.objects.get()
        assert (row.billing_day, row.sibling_coupon_id) == (28, coupon.pk)
        (audit,) = AuditEvent.objects.filter(action="academy.settings_changed").order_by("-pk")[:1]
        assert audit.changes == {"billing_day": [1, 28], "pass_refund_rule": ["statutory", "proportional"],
                                 "sibling_coupon": [None, coupon.pk]}
        assert AuditEvent.objects.filter(action="academy.settings_changed").count() == audits + 1


# --- Guardians --------------------------------------------------------------------------


def test_a_guardian_sees_buys_and_pays_for_their_own_children_only(billing):
    jihoon_pass = sell(billing["plan"], billing["jihoon"])
    sell(billing["plan"], billing["sora"])
    stranger = register("other-parent@academy.test", "Other Parent", verified=False)
    mother = register(MOTHER, "Kim Mother", verified=True)
    plans = mother.get("/api/v1/my/pass-plans/")
    assert plans.status_code == 200 and [p["id"] for p in plans.json()] == [billing["plan"].pk]
    assert ids(mother.get("/api/v1/my/passes/")) == [jihoon_pass.pk]
    assert ids(mother.get("/api/v1/my/tuition/")) == [billing["jihoon_invoice"].pk]
    assert ids(stranger.get("/api/v1/my/passes/")) == [] and ids(stranger.get("/api/v1/my/tuition/")) == []

    bought = mother.post("/api/v1/my/passes/", {"plan": billing["plan"].pk, "student": billing["jihoon"].pk},
                         content_type=JSON)
    assert bought.status_code == 201, bought.content
    assert (bought.json()["status"], bought.json()["student"]) == ("pending_payment", billing["jihoon"].pk)
    refused = mother.post("/api/v1/my/passes/", {"plan": billing["plan"].pk, "student": billing["sora"].pk},
                          content_type=JSON)
    assert list(error(refused, 400, "validation_error")["details"]) == ["student"]
    assert in_alpha(Pass.objects.count) == 3

    # another family's enrolment and order are as absent as missing ones, and stay as they were
    sora_enrolment = billing["sora_enrolment"]
    for path in (f"/api/v1/my/enrolments/{sora_enrolment.pk}/withdraw/",
                 f"/api/v1/my/enrolments/{sora_enrolment.pk}/accept-offer/"):
        error(mother.post(path, {"reason": "Not mine"}, content_type=JSON), 404, "not_found")
        error(mother.get(path), 405, "method_not_allowed")  # an action, not the list (was a 500)
    error(mother.post(f"/api/v1/orders/{sora_enrolment.order_id}/pay/", content_type=JSON), 404,
          "not_found")
    error(stranger.post(f"/api/v1/orders/{billing['jihoon_enrolment'].order_id}/pay/", content_type=JSON), 404,
          "not_found")
    assert in_alpha(lambda: Enrolment.objects.get(pk=sora_enrolment.pk).status) == "pending_payment"

    # the child's enrolment order, paid by the guardian: the seat and the first month's invoice
    checkout = mother.post(f"/api/v1/orders/{billing['jihoon_enrolment'].order_id}/pay/", content_type=JSON)
    assert checkout.status_code == 201, checkout.content
    assert checkout.json()["amount"] == billing["jihoon_invoice"].total
    provider_pays(checkout.json())
    assert in_alpha(lambda: Enrolment.objects.get(pk=billing["jihoon_enrolment"].pk).status) == "active"
    assert invoice_row(billing["jihoon_invoice"].pk)[:2] == ("paid", "online")
    mine = mother.get("/api/v1/my/tuition/").json()["results"]
    assert [(row["status"], row["paid_via"]) for row in mine] == [("paid", "online")]
    withdrawn = mother.post(f"/api/v1/my/enrolments/{billing['jihoon_enrolment'].pk}/withdraw/",
                            {"reason": "Moving away"}, content_type=JSON)
    assert withdrawn.status_code == 200 and withdrawn.json()["status"] == "withdrawn"
