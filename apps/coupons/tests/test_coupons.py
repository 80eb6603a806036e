"""Coupons: validation on create and edit, every reason a coupon cannot be used, what it
takes off, redeem and release, the customer's wallet (claim by code), the staff API."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tenants.utils import schema_context

from apps.audit.models import AuditEvent
from apps.coupons import errors, services
from apps.coupons.models import Coupon, CouponRedemption
from apps.orders.tests.conftest import JSON, make_consumer

NOW = timezone.now()


@pytest.fixture
def alpha(db, owner_alpha):
    with schema_context("alpha"):
        yield owner_alpha


@pytest.fixture
def customer(alpha):
    from apps.crm.models import Customer

    return Customer.objects.create(name="Coupon Customer")


def make(alpha, **fields):
    values = {"code": "save10", "name": "Save 10", "kind": "percent", "percent": 10, **fields}
    return services.coupon_create(actor=alpha, **values)


def test_create_validates_and_audits(alpha):
    coupon = make(alpha, max_discount=3000, amount=500)
    assert coupon.code == "SAVE10" and coupon.amount is None  # one kind of value only
    assert AuditEvent.objects.filter(action="coupon.created", target_id=str(coupon.pk)).exists()
    with pytest.raises(ValidationError) as raised:
        make(alpha, code="OTHER", percent=None)
    assert "percent" in raised.value.message_dict
    with pytest.raises(ValidationError) as raised:
        make(alpha, code="FIXED", kind="fixed", percent=None)
    assert "amount" in raised.value.message_dict
    with pytest.raises(ValidationError) as raised:
        make(alpha, code="BAD", percent=101)
    assert "percent" in raised.value.message_dict
    with pytest.raises(ValidationError) as raised:
        make(alpha, code="WINDOW", valid_from=NOW, valid_until=NOW - dt.timedelta(days=1))
    assert "valid_until" in raised.value.message_dict
    with pytest.raises(ValidationError) as raised:
        make(alpha, code="a b")
    assert "code" in raised.value.message_dict
    with pytest.raises(ValidationError) as raised:
        make(alpha)  # SAVE10 exists
    assert "code" in raised.value.message_dict


def test_update_is_audited_and_keeps_the_use_count(alpha):
    coupon = make(alpha, total_limit=10)
    Coupon.objects.filter(pk=coupon.pk).update(used_count=4)
    updated = services.coupon_update(coupon=coupon, actor=alpha, percent=15, name="Save 15")
    assert updated.used_count == 4 and updated.percent == 15
    event = AuditEvent.objects.get(action="coupon.updated", target_id=str(coupon.pk))
    assert event.changes["percent"] == [10, 15]
    with pytest.raises(ValidationError) as raised:
        services.coupon_update(coupon=coupon, actor=alpha, total_limit=3)
    assert "total_limit" in raised.value.message_dict


@pytest.mark.parametrize(("fields", "subtotal", "expected"), [
    ({"percent": 10}, 15000, 1500),
    ({"percent": 15}, 9999, 1500),  # 1,499.85 half up
    ({"percent": 50, "max_discount": 3000}, 20000, 3000),
    ({"kind": "fixed", "percent": None, "amount": 5000}, 20000, 5000),
    ({"kind": "fixed", "percent": None, "amount": 5000}, 3000, 3000),  # never more than the order
    ({"percent": 100}, 7000, 7000),
])
def test_what_a_coupon_takes_off(alpha, fields, subtotal, expected):
    coupon = make(alpha, **fields)
    assert services.coupon_quote(code="save10", customer=None, subtotal=subtotal, is_first_order=False) == (
        coupon, expected)


@pytest.mark.parametrize(("fields", "error"), [
    ({"is_active": False}, errors.CouponInactive),
    ({"valid_from": NOW + dt.timedelta(days=1)}, errors.CouponNotStarted),
    ({"valid_until": NOW - dt.timedelta(seconds=1)}, errors.CouponExpired),
    ({"min_order_amount": 20000}, errors.CouponMinOrder),
    ({"total_limit": 1, "_used": 1}, errors.CouponExhausted),
    ({"first_order_only": True, "_first": False}, errors.CouponFirstOrderOnly),
])
def test_every_reason_a_coupon_cannot_be_used(alpha, customer, fields, error):
    used = fields.pop("_used", 0)
    first = fields.pop("_first", True)
    coupon = make(alpha, **fields)
    Coupon.objects.filter(pk=coupon.pk).update(used_count=used)
    with pytest.raises(error) as raised:
        services.coupon_quote(code="SAVE10", customer=customer, subtotal=15000, is_first_order=first)
    assert raised.value.status == 422


def test_unknown_codes_and_the_minimum_in_details(alpha):
    with pytest.raises(errors.CouponNotFound):
        services.coupon_quote(code="NOPE", customer=None, subtotal=1000, is_first_order=True)
    with pytest.raises(errors.CouponNotFound):
        services.coupon_quote(code="", customer=None, subtotal=1000, is_first_order=True)
    make(alpha, min_order_amount=20000)
    with pytest.raises(errors.CouponMinOrder) as raised:
        services.coupon_quote(code="save10", customer=None, subtotal=15000, is_first_order=True)
    assert raised.value.details["min"] == 20000 and "₩20,000" in str(raised.value.message)


def test_redeem_counts_per_customer_and_release_gives_it_back(alpha, customer):
    coupon = make(alpha, per_customer_limit=2, total_limit=5)
    for order_id in (101, 102):
        services.coupon_redeem(code="SAVE10", customer=customer, subtotal=10000, is_first_order=True,
                               order_id=order_id, order_number=order_id)
    # (in its own transaction: redeeming has no savepoint, its refusal is the whole order's)
    with pytest.raises(errors.CouponCustomerLimit), transaction.atomic():
        services.coupon_redeem(code="SAVE10", customer=customer, subtotal=10000, is_first_order=True,
                               order_id=103, order_number=103)
    assert Coupon.objects.get(pk=coupon.pk).used_count == 2
    services.coupon_release(order_id=101)
    assert Coupon.objects.get(pk=coupon.pk).used_count == 1
    assert list(CouponRedemption.objects.values_list("order_id", flat=True)) == [102]
    assert services.coupon_release(order_id=999) is None


def test_a_used_coupon_is_not_deleted(alpha, customer):
    coupon = make(alpha)
    services.coupon_redeem(code="SAVE10", customer=customer, subtotal=10000, is_first_order=True, order_id=7,
                           order_number=7)
    with pytest.raises(errors.CouponInUse):
        services.coupon_delete(coupon=coupon, actor=alpha)
    unused = make(alpha, code="UNUSED")
    services.coupon_delete(coupon=unused, actor=alpha)
    assert not Coupon.objects.filter(code="UNUSED").exists()


# --- APIs ------------------------------------------------------------------------------


def test_the_wallet(db):
    client, customer = make_consumer("alpha", "wallet@coupons.test", "Wallet Owner")
    with schema_context("alpha"):
        Coupon.objects.create(code="WALLET", name="Wallet", kind="percent", percent=5, min_order_amount=10000)
        Coupon.objects.create(code="SOON", name="Soon", kind="fixed", amount=1000,
                              valid_from=NOW + dt.timedelta(days=2))
        Coupon.objects.create(code="GONE", name="Gone", kind="fixed", amount=1000,
                              valid_until=NOW - dt.timedelta(days=2))
    claimed = client.post("/api/v1/my/coupons/", {"code": "wallet"}, content_type=JSON)
    assert claimed.status_code == 201, claimed.content
    assert claimed.json()["usable"] is True and claimed.json()["summary"] == "5% off · orders from ₩10,000"
    again = client.post("/api/v1/my/coupons/", {"code": "WALLET"}, content_type=JSON)
    assert again.status_code == 409 and again.json()["error"]["code"] == "coupon_already_claimed"
    assert client.post("/api/v1/my/coupons/", {"code": "SOON"}, content_type=JSON).status_code == 201
    gone = client.post("/api/v1/my/coupons/", {"code": "GONE"}, content_type=JSON)
    assert gone.status_code == 422 and gone.json()["error"]["code"] == "coupon_expired"
    unknown = client.post("/api/v1/my/coupons/", {"code": "NOPE"}, content_type=JSON)
    assert unknown.status_code == 422 and unknown.json()["error"]["code"] == "coupon_not_found"
    assert client.post("/api/v1/my/coupons/", {"code": 5}, content_type=JSON).status_code == 400
    wallet = {row["code"]: row for row in client.get("/api/v1/my/coupons/").json()["results"]}
    assert set(wallet) == {"WALLET", "SOON"}
    assert wallet["SOON"]["usable"] is False and wallet["SOON"]["unusable_reason"] == "not_started"
    assert wallet["SOON"]["unusable_label"] == "Not valid yet"
    with schema_context("alpha"):
        assert AuditEvent.objects.filter(action="coupon.claimed", metadata__customer=customer.pk).count() == 2
    # another consumer's wallet is theirs
    other, _customer = make_consumer("alpha", "wallet2@coupons.test", "Other Wallet")
    assert other.get("/api/v1/my/coupons/").json()["results"] == []
    # staff are not consumers here
    from tests.workspace import api

    owner = api("alpha", "owner@alpha.test")
    denied = owner.get("/api/v1/my/coupons/")
    assert denied.status_code == 403 and denied.json()["error"]["code"] == "not_a_consumer"


def test_wallet_queries_do_not_grow(db):
    client, customer = make_consumer("alpha", "many@coupons.test", "Many Coupons")
    with schema_context("alpha"):
        from apps.coupons.models import CouponClaim

        for index in range(4):
            coupon = Coupon.objects.create(code=f"MANY{index}", name="Many", kind="percent", percent=5)
            CouponClaim.objects.create(coupon=coupon, customer=customer)

    def count(path):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path).status_code == 200
        return len(queries)

    assert count("/api/v1/my/coupons/?page_size=1") == count("/api/v1/my/coupons/?page_size=4")


def test_staff_coupon_api(db):
    from tests.workspace import api

    owner = api("alpha", "owner@alpha.test")
    body = {"code": "spring", "name": "Spring", "kind": "percent", "percent": 20, "max_discount": 5000,
            "min_order_amount": 10000, "total_limit": 100}
    created = owner.post("/api/v1/coupons/", body, content_type=JSON)
    assert created.status_code == 201, created.content
    coupon = created.json()
    assert coupon["code"] == "SPRING" and coupon["summary"] == "20% off (at most ₩5,000) · orders from ₩10,000"
    assert coupon["kind_label"] == "Percentage off"
    duplicate = owner.post("/api/v1/coupons/", body, content_type=JSON)
    assert duplicate.status_code == 400 and "code" in duplicate.json()["error"]["details"]
    bad = owner.post("/api/v1/coupons/", {**body, "code": "X2", "percent": 0}, content_type=JSON)
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "validation_error"
    assert owner.post("/api/v1/coupons/", {**body, "code": "HUGE", "kind": "fixed", "amount": 10**15},
                      content_type=JSON).status_code == 400
    changed = owner.patch(f"/api/v1/coupons/{coupon['id']}/", {"is_active": False}, content_type=JSON)
    assert changed.status_code == 200 and changed.json()["is_active"] is False
    listed = owner.get("/api/v1/coupons/?search=spr").json()["results"]
    assert [row["code"] for row in listed] == ["SPRING"]
    assert owner.get("/api/v1/coupons/?is_active=false").json()["results"][0]["code"] == "SPRING"
    assert owner.delete(f"/api/v1/coupons/{coupon['id']}/").status_code == 204
    assert owner.get(f"/api/v1/coupons/{coupon['id']}/").status_code == 404
    consumer, _customer = make_consumer("alpha", "nosy@coupons.test", "Nosy")
    assert consumer.get("/api/v1/coupons/").status_code == 403


def test_staff_list_queries_do_not_grow(db):
    from tests.workspace import api

    owner = api("alpha", "owner@alpha.test")
    with schema_context("alpha"):
        for index in range(4):
            Coupon.objects.create(code=f"LIST{index}", name="List", kind="fixed", amount=1000)

    def count(path):
        with CaptureQueriesContext(connection) as queries:
            assert owner.get(path).status_code == 200
        return len(queries)

    assert count("/api/v1/coupons/?page_size=1") == count("/api/v1/coupons/?page_size=4")
