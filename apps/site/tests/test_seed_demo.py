"""`manage.py seed_demo` (what `make run` starts with) gives every screen something real,
through the services (audited), and a second run changes nothing.

It runs in the test's transaction like any test: the tenants it provisions (schemas
included) are rolled back with it."""

import io
from collections import Counter
from unittest import mock

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone
from django_tenants.utils import tenant_context

from apps.academy.models import Attendance, Class, Enrolment, Holiday, Pass, PassUse, Session, TuitionInvoice
from apps.accounts.models import Membership, User
from apps.announcements.models import Announcement
from apps.apikeys.models import ApiKey
from apps.audit.models import AuditEvent
from apps.audit.services import audit_verify
from apps.billing.models import AddOnRequest, Invoice, PromoRedemption
from apps.branches.models import Branch
from apps.catalog.models import Item, OptionGroup
from apps.coupons.models import Coupon
from apps.crm.models import Customer, GuardianContact, Tag
from apps.directory.models import Listing
from apps.events.models import Event
from apps.flags.models import Flag
from apps.food.models import BranchOrdering, MenuPeriod, Ticket
from apps.notifications.models import NotificationTemplate
from apps.onboarding.models import ApprovalStep
from apps.orders.models import Order
from apps.payments.models import Payment
from apps.rbac.selectors import access_for
from apps.reviews.models import Review
from apps.settlement.models import SettlementBatch, TaxInvoice
from apps.staff.models import StaffProfile
from apps.tenants.models import Tenant
from apps.workspace.models import WorkspaceSettings
from tests.plugin import obtain_tokens

pytestmark = pytest.mark.django_db

SLUGS = ("acme", "bistro", "hanbit")


def snapshot() -> dict:
    """Everything the demo seeds, counted."""
    tenants = {t.slug: t for t in Tenant.objects.filter(slug__in=SLUGS)}
    state = {
        "tenants": {slug: tenant.status for slug, tenant in tenants.items()},
        "memberships": Membership.objects.filter(tenant__slug__in=SLUGS, status=Membership.Status.ACTIVE).count(),
        "invoices": sorted(Invoice.objects.filter(tenant__slug__in=SLUGS).values_list("tenant__slug", "status")),
        "flag_rules": list(Flag.objects.filter(key="online-booking").values_list("rules__kind", "rules__percentage")),
        "addon_requests": sorted(AddOnRequest.objects.filter(tenant__slug__in=SLUGS)
                                 .values_list("addon__code", "status")),
        "promo_redemptions": PromoRedemption.objects.filter(subscription__tenant__slug__in=SLUGS).count(),
        "onboarding": sorted(ApprovalStep.objects.filter(tenant__slug="hanbit").values_list("stage", "status")),
        "checklist_done": sorted(tenants["hanbit"].checklist.filter(done=True).values_list("key", flat=True)),
        "audit": Counter(AuditEvent.objects.filter(tenant_slug__in=(*SLUGS, "")).values_list("action", flat=True)),
    }
    for slug in ("acme", "bistro"):
        with tenant_context(tenants[slug]):
            state[slug] = {
                "branches": Branch.objects.count(), "staff": StaffProfile.objects.filter(is_active=True).count(),
                "customers": Customer.objects.count(), "guardians": GuardianContact.objects.count(),
                "consenting": Customer.objects.filter(marketing_consent=True).count(),
                "tags": Tag.objects.count(), "api_keys": ApiKey.objects.count(),
                "language": WorkspaceSettings.objects.get().language,
            }
            academy_orders = [*Enrolment.objects.filter(order__isnull=False).values_list("order_id", flat=True),
                              *Pass.objects.filter(order__isnull=False).values_list("order_id", flat=True),
                              *TuitionInvoice.objects.filter(order__isnull=False).values_list("order_id", flat=True)]
            state[f"{slug}_academy"] = {
                "classes": Class.objects.count(), "holidays": Holiday.objects.count(),
                "enrolments": sorted(Enrolment.objects.values_list("klass__room", "status")),
                "held": Session.objects.filter(ends_at__lt=timezone.now(), status="scheduled").count(),
                "attendance": dict(Counter(Attendance.objects.values_list("status", flat=True))),
                "passes": sorted(Pass.objects.values_list("status", "sessions_total")),
                "pass_uses": PassUse.objects.count(), "pass_used": sum(Pass.objects.values_list("sessions_used",
                                                                                              flat=True)),
                "tuition": sorted(TuitionInvoice.objects.values_list("status", "paid_via")),
            }
            state[f"{slug}_commerce"] = {
                "items": Item.objects.count(), "option_groups": OptionGroup.objects.count(),
                "coupons": Coupon.objects.count(), "reviews": Review.objects.filter(reply__gt="").count(),
                "orders": list(Order.objects.exclude(pk__in=academy_orders).exclude(idempotency_key__contains="-h")
                               .order_by("number").values_list("status", "payment_status")),
                "paid": sorted(Payment.objects.exclude(order__in=academy_orders)
                               .exclude(order__idempotency_key__contains="-h").values_list("status", flat=True)),
                # three months of past sales (apps.site.demo.settlement), four orders a month
                "history": Counter(Order.objects.filter(idempotency_key__contains="-h")
                                   .values_list("status", "payment_status")),
                "events": dict(Counter(Event.objects.values_list("name", flat=True))),
                "message_templates": NotificationTemplate.objects.filter(is_active=True).count(),
            }
    with tenant_context(tenants["bistro"]):
        riders = set(Ticket.objects.exclude(rider=None).values_list("rider__email", flat=True))
        state["bistro_food"] = {
            "ordering": sorted(BranchOrdering.objects.values_list(
                "branch__name", "pickup", "delivery", "min_order_amount", "delivery_fee", "accept_within_minutes")),
            "bands": sorted(len(bands) for bands in BranchOrdering.objects.values_list("delivery_bands", flat=True)),
            "paused": BranchOrdering.objects.filter(paused=True).count(),
            "menu_hours": sorted(MenuPeriod.objects.values_list("name", "items__name")),
            "tickets": sorted(Ticket.objects.exclude(order__idempotency_key__contains="-h")
                              .values_list("status", "fulfilment", "branch__name")),
            "estimated": Ticket.objects.exclude(ready_by=None).exclude(order__idempotency_key__contains="-h").count(),
            "riders": sorted(riders),
            "owner_told": sorted(NotificationTemplate.objects.filter(event="food.ordering_paused", audience="owner")
                                 .values_list("channel", "language")),
        }
    state["settlement"] = {slug: list(SettlementBatch.objects.filter(tenant__slug=slug).order_by("period_start")
                                      .values_list("status", "payments_count", "refunds_count", "adjustments_count"))
                           for slug in ("acme", "bistro")}
    state["tax_invoices"] = TaxInvoice.objects.filter(tenant__slug__in=SLUGS).count()
    state["announcements"] = list(Announcement.objects.filter(published_at__isnull=False)
                                  .values_list("title", flat=True))
    state["listings"] = sorted(Listing.objects.filter(tenant__slug__in=SLUGS, is_listed=True)
                               .values_list("slug", "rating_count"))
    return state


def test_seed_demo_fills_every_screen_and_a_second_run_changes_nothing():
    # One test: provisioning the two tenants is most of its time.
    call_command("seed_demo", stdout=io.StringIO())
    first = snapshot()

    assert first["tenants"] == {"acme": "active", "bistro": "active", "hanbit": "requested"}
    # customers: registered by staff, plus the consumers who registered on the host (acme's
    # Emily Park was linked to the customer the front desk had made)
    assert first["acme"] == {"branches": 3, "staff": 4, "customers": 6, "guardians": 4, "consenting": 1, "tags": 3,
                             "api_keys": 1, "language": "en"}
    assert first["bistro"] == {"branches": 2, "staff": 5, "customers": 6, "guardians": 0, "consenting": 4, "tags": 4,
                               "api_keys": 1, "language": "ko"}
    assert first["memberships"] == 13  # owner and three staff (bistro four), two consumers each
    assert first["acme_commerce"] == {
        "items": 6, "option_groups": 2, "coupons": 2, "reviews": 1,
        "orders": [("completed", "paid"), ("confirmed", "partially_refunded"), ("cancelled", "refunded"),
                   ("confirmed", "paid")],
        "paid": ["cancelled", "paid", "paid", "partial_cancelled"],
        "events": first["acme_commerce"]["events"], "message_templates": first["acme_commerce"]["message_templates"],
        "history": first["acme_commerce"]["history"]}
    # bistro's orders went through the kitchen, in every state of the food flow
    assert first["bistro_commerce"] == {
        "items": 10, "option_groups": 8, "coupons": 2, "reviews": 1,
        "orders": [("picked_up", "paid"), ("delivered", "partially_refunded"), ("cancelled", "refunded"),
                   ("accepted", "paid"), ("placed", "unpaid"), ("cooking", "paid"), ("ready", "paid"),
                   ("ready", "paid"), ("out_for_delivery", "paid"), ("rejected", "refunded"), ("placed", "paid")],
        "paid": ["cancelled", "cancelled", *["paid"] * 7, "partial_cancelled"],
        "events": first["bistro_commerce"]["events"], "history": first["bistro_commerce"]["history"],
        "message_templates": first["bistro_commerce"]["message_templates"]}
    assert first["listings"] == [("acme", 1), ("bistro", 2)]
    # the academy: two classes three weeks under way, one full with a student waiting;
    # every session held so far has its roll call (how many depends on the day of the run)
    academy = first["acme_academy"]
    assert (academy["classes"], academy["holidays"]) == (3, 1) and academy["held"] >= 12
    assert academy["enrolments"] == [("201", "active"), ("201", "active"), ("201", "pending_payment"),
                                     ("301", "active"), ("301", "active"), ("301", "waitlisted"), ("302", "active"),
                                     ("302", "active")]
    # 이서윤 missed the third session of each of her classes (English and the clinic)
    assert academy["attendance"] == {"present": 2 * academy["held"] - 3, "late": 1, "absent": 2}
    # the clinic's two 10-session passes, a session used for each roll call
    assert academy["passes"] == [("active", 10), ("active", 10)]
    assert academy["pass_uses"] == academy["pass_used"] >= 4
    # each enrolment's order is its first month: three paid online, one at the desk, one not yet
    assert academy["tuition"] == [("open", ""), ("paid", "cash"), ("paid", "online"), ("paid", "online"),
                                  ("paid", "online")]
    assert first["bistro_academy"] == {"classes": 0, "holidays": 0, "enrolments": [], "held": 0, "attendance": {},
                                       "passes": [], "pass_uses": 0, "pass_used": 0, "tuition": []}
    # every order, payment and refund put its event into the workspace's outbox
    assert first["acme_commerce"]["events"] == {  # three enrolment orders and two passes paid online, one at
        # the desk (no payment event), one not yet; the late and the absent students
        # (+12 past orders confirmed and completed, one refunded late: apps.site.demo.settlement)
        "customer.created": 6, "staff.invited": 3, "invoice.issued": 1, "order.created": 11 + 12,
        "order.status_changed": 4 + 24, "order.cancelled": 1, "payment.succeeded": 9 + 12, "refund.succeeded": 2 + 1,
        "academy.enrolment_created": 8, "academy.enrolment_activated": 6, "academy.attendance_marked": 3,
        "academy.tuition_issued": 5, "academy.tuition_paid": 4, "academy.pass_activated": 2}
    assert first["bistro_commerce"]["events"]["order.created"] == 11 + 12
    # the restaurant's side: each branch's rules, menu hours, the kitchen's tickets (every paid
    # order; the unpaid one is not at the kitchen), the estimates and the rider's deliveries
    assert first["bistro_food"] == {
        "ordering": [("성수점", True, True, 12000, 0, 30), ("한남점", True, True, 15000, 3000, 10)],
        "bands": [0, 3], "paused": 0,
        "menu_hours": [("브런치", "리코타 팬케이크"), ("브런치", "에그 베네딕트"), ("평일 런치", "런치 파스타 세트")],
        "tickets": [("accepted", "pickup", "성수점"), ("cancelled", "pickup", "성수점"),
                    ("cooking", "delivery", "성수점"), ("delivered", "delivery", "성수점"),
                    ("out_for_delivery", "delivery", "성수점"), ("picked_up", "pickup", "성수점"),
                    ("placed", "delivery", "성수점"), ("ready", "delivery", "성수점"), ("ready", "pickup", "성수점"),
                    ("rejected", "delivery", "성수점")],
        "estimated": 7, "riders": ["rider@bistro.example.com"],
        "owner_told": [("email", "en"), ("email", "ko"), ("in_app", "en"), ("in_app", "ko")]}
    assert first["acme_commerce"]["message_templates"] > 10 and first["bistro_commerce"]["message_templates"] > 10
    # settled history: the oldest month paid out, the next confirmed (tax invoice), last month a
    # draft with the late refund of the oldest month's first order as its adjustment
    for slug in ("acme", "bistro"):
        assert first["settlement"][slug] == [("paid_out", 4, 0, 0), ("confirmed", 4, 0, 0), ("draft", 4, 1, 1)]
    assert first["tax_invoices"] == 4
    assert first["acme_commerce"]["history"] == {("completed", "partially_refunded"): 1, ("completed", "paid"): 11}
    assert first["bistro_commerce"]["history"] == {("picked_up", "partially_refunded"): 1, ("picked_up", "paid"): 11}
    assert first["announcements"] == ["Welcome to the platform"]
    assert first["invoices"] == [("acme", Invoice.Status.PAID), ("bistro", Invoice.Status.OPEN)]
    assert first["flag_rules"] == [("plan", None), ("percentage", 20)]
    assert first["addon_requests"] == [("extra-branch", AddOnRequest.Status.APPROVED),
                                       ("online-booking", AddOnRequest.Status.PENDING)]
    assert first["promo_redemptions"] == 1
    assert first["onboarding"] == [("activation", "pending"), ("sales", "approved"), ("security", "pending"),
                                   ("technical", "pending")]
    assert first["checklist_done"] == ["contract", "role-template"]
    audit = first["audit"]
    assert audit["tenant.created"] == 3 and audit["tenant.provisioned"] == 2
    assert audit["branch.created"] == 5 and audit["customer.created"] == 12  # 9 by staff, 3 consumers registering
    assert audit["staff.invited"] == audit["staff.invitation_accepted"] == 7
    # an invoice, fourteen orders (acme four, bistro ten), three enrolments and two passes paid
    # online (one enrolment at the desk, one not yet)
    # (and 24 past orders, two refunded late)
    assert audit["invoice.issued"] == 2 and audit["payment.succeeded"] == 1 + 14 + 3 + 2 + 24
    assert audit["consumer.registered"] == 4 and audit["order.created"] == 15 + 5 + 2 + 24
    assert audit["review.created"] == 3
    assert audit["refund.succeeded"] == 5 + 2 and audit["directory.listing_updated"] == 2
    assert audit["settlement.batch_made"] == 6 and audit["settlement.batch_confirmed"] == 4
    assert audit["settlement.batch_paid_out"] == 2
    assert audit["food.ordering_changed"] == audit["food.menu_hours_saved"] == 2
    assert audit["flag.created"] == audit["promo.created"] == audit["addon.request_approved"] == 1
    assert audit["apikey.created"] == audit["workspace.settings_updated"] == 2
    assert audit["onboarding.step_approved"] == audit["onboarding.step_commented"] == 1
    for slug in ("acme", "bistro"):
        assert audit_verify(tenant_slug=slug)[1] == []

    output = io.StringIO()
    passwords = dict(User.objects.values_list("email", "password"))
    # the logins already have the demo password: known by its hash, none checked again
    # (PBKDF2 outside the tests: a third of a seed's time went to checking and hashing)
    with mock.patch.object(User, "check_password", autospec=True, side_effect=User.check_password) as checked:
        call_command("seed_demo", stdout=output)
    assert checked.call_count == 0
    assert dict(User.objects.values_list("email", "password")) == passwords
    assert snapshot() == first
    for login in ("owner@acme.example.com", "manager@acme.example.com", "teacher@acme.example.com",
                  "server@bistro.example.com", "kitchen@bistro.example.com", "rider@bistro.example.com"):
        assert login in output.getvalue()

    # The staff log in with the demo password; the manager keeps to her campus.
    assert obtain_tokens("acme", "manager@acme.example.com", settings.DEMO_PASSWORD)["access"]
    assert obtain_tokens("bistro", "server@bistro.example.com", settings.DEMO_PASSWORD)["access"]
    with tenant_context(Tenant.objects.get(slug="acme")):
        manager = StaffProfile.objects.get(email="manager@acme.example.com").user
        gangnam = Branch.objects.get(name="Gangnam campus")
        assert access_for(user=manager).branch_ids("crm.view_customer") == {gangnam.pk}
