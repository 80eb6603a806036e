"""Orders and coupons in the tenant admin: the list with its filters renders, an order's
page is read-only with its lines and history, its status moves go through the services
(cancel asks for a reason), coupons are created and edited through the services, and
the dashboard shows today's orders and sales in the workspace's day."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context

from apps.audit.models import AuditEvent
from tests.admin_pages import run_action, tenant_admin_client, texts
from tests.dashboard import card, card_keys, dashboard

from .conftest import bibimbap_line, make_consumer

CHANGELIST = "/admin/orders/order/"


def place(menu, actor, **extra):
    from apps.orders.services import order_create

    with schema_context("alpha"):
        return order_create(customer=extra.pop("customer", None), lines=extra.pop("lines", [bibimbap_line(menu)]),
                            fulfilment="pickup", actor=actor, **extra)


@pytest.fixture
def admin_client(db):
    return tenant_admin_client("owner@alpha.test")


def test_order_pages_render_read_only(menu, owner_alpha, admin_client):
    _client, customer = make_consumer("alpha", "admin-diner@orders.test", "Admin Diner")
    order = place(menu, owner_alpha, customer=customer, notes="Window seat")
    for query in ("", "?status=placed", "?payment_status__exact=unpaid", "?kind__exact=order",
                  f"?q=%23{order.number}", "?q=admin diner", "?created_at__date__gte=2020-01-01",
                  "?created_at__date__gte=junk"):
        response = admin_client.get(CHANGELIST + query)
        assert response.status_code in (200, 302), (query, response.status_code)
    page = admin_client.get(CHANGELIST).content.decode()
    assert f"#{order.number}" in page and "₩12,000" in page and "Placed" in page
    assert admin_client.get(CHANGELIST + "add/").status_code == 403
    detail = admin_client.get(f"{CHANGELIST}{order.pk}/change/")
    assert detail.status_code == 200
    html = detail.content.decode()
    assert "Bibimbap" in html and "Regular" in html and "Window seat" in html
    assert 'name="notes"' not in html  # read-only
    assert f"{CHANGELIST}{order.pk}/confirm_order/" in html and f"{CHANGELIST}{order.pk}/cancel_order/" in html
    assert f"{CHANGELIST}{order.pk}/complete_order/" not in html  # not from placed
    assert admin_client.get(f"{CHANGELIST}{order.pk}/history/").status_code == 200
    assert admin_client.post(f"{CHANGELIST}{order.pk}/change/", {"notes": "hacked"}).status_code == 403


def test_status_moves_in_the_admin(menu, owner_alpha, admin_client):
    from apps.orders.models import Order

    order = place(menu, owner_alpha)
    confirm = f"{CHANGELIST}{order.pk}/confirm_order/"
    assert admin_client.get(confirm).status_code == 200  # asks first; nothing moved
    with schema_context("alpha"):
        assert Order.objects.get(pk=order.pk).status == "placed"
    response = admin_client.post(confirm, {"reason": ""})
    assert response.status_code == 302
    with schema_context("alpha"):
        assert Order.objects.get(pk=order.pk).status == "confirmed"
        assert AuditEvent.objects.filter(action="order.status_changed", target_id=str(order.pk)).exists()
    assert admin_client.get(confirm).status_code == 403  # not from confirmed
    cancel = f"{CHANGELIST}{order.pk}/cancel_order/"
    refused = admin_client.post(cancel, {"reason": ""})
    assert refused.status_code == 200 and "reason" in refused.context["form"].errors
    assert admin_client.post(cancel, {"reason": "Kitchen closed"}).status_code == 302
    with schema_context("alpha"):
        moved = Order.objects.get(pk=order.pk)
        assert moved.status == "cancelled" and moved.transitions.last().reason == "Kitchen closed"


def test_bulk_confirm_reports_refusals(menu, owner_alpha, admin_client):
    from apps.orders.models import Order
    from apps.orders.services import order_transition

    first, second = place(menu, owner_alpha), place(menu, owner_alpha)
    with schema_context("alpha"):
        order_transition(order=second, to_status="cancelled", actor=owner_alpha, reason="Gone")
    connection.set_schema_to_public()
    response = run_action(admin_client, CHANGELIST, "confirm_selected", [first.pk, second.pk])
    messages = texts(response)
    assert any("1 orders are now confirmed" in text for text in messages), messages
    assert any(f"#{second.number}" in text for text in messages), messages
    with schema_context("alpha"):
        assert Order.objects.get(pk=first.pk).status == "confirmed"


def test_the_order_admin_is_the_one_others_extend():
    """apps.payments registers a subclass (payments inline, refunds): the moves and
    columns here stay in force there."""
    from apps.core.admin_sites import tenant_admin
    from apps.orders.admin import OrderAdmin
    from apps.orders.models import Order

    registered = tenant_admin._registry[Order]
    assert isinstance(registered, OrderAdmin)
    assert {"confirm_order", "complete_order", "cancel_order"} <= set(registered.actions_detail)


def test_coupon_admin_through_the_services(owner_alpha, admin_client):
    from apps.coupons.models import Coupon

    assert admin_client.get("/admin/coupons/coupon/").status_code == 200
    assert admin_client.get("/admin/coupons/coupon/add/").status_code == 200
    form = {"code": "admin5", "name": "Admin five", "is_active": "on", "kind": "percent", "percent": "5",
            "min_order_amount": "0", "per_customer_limit": "1", "valid_from_0": "", "valid_from_1": "",
            "valid_until_0": "", "valid_until_1": "", "redemptions-TOTAL_FORMS": "0",
            "redemptions-INITIAL_FORMS": "0"}
    missing = admin_client.post("/admin/coupons/coupon/add/", {**form, "percent": ""})
    assert missing.status_code == 200 and "percent" in missing.context["adminform"].form.errors
    created = admin_client.post("/admin/coupons/coupon/add/", form)
    assert created.status_code == 302, created.context["adminform"].form.errors if created.context else created
    with schema_context("alpha"):
        coupon = Coupon.objects.get(code="ADMIN5")
        assert AuditEvent.objects.filter(action="coupon.created", target_id=str(coupon.pk)).exists()
    page = admin_client.get(f"/admin/coupons/coupon/{coupon.pk}/change/")
    assert page.status_code == 200 and "5% off" in admin_client.get("/admin/coupons/coupon/").content.decode()


def test_dashboard_shows_todays_orders_and_sales(menu, owner_alpha):
    from apps.orders.models import Order
    from apps.orders.services import order_payment_recorded, order_refund_recorded

    first, second = place(menu, owner_alpha), place(menu, owner_alpha)
    old = place(menu, owner_alpha)
    with schema_context("alpha"):
        order_payment_recorded(order=first, amount=12000)
        order_payment_recorded(order=second, amount=12000)
        order_refund_recorded(order=second, amount=2000)
        order_payment_recorded(order=old, amount=12000)
        Order.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=2))
    response = dashboard()
    assert {"orders.today", "orders.sales_today"} <= set(card_keys(response))
    assert card(response, "orders.today")["value"] == 2
    sales = card(response, "orders.sales_today")
    assert sales["value"] == 22000 and sales["figure"] == "₩22,000"
    html = response.content.decode()
    assert 'id="card-orders-today"' in html and 'id="card-sales-today"' in html
