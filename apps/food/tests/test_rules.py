"""What every food order must meet when it is placed (apps.food.services.rules, an order
rule of the orders app) and what the commerce core refuses for it: each refusal has its
own code and details, and leaves nothing behind (no order, no stock taken, no coupon
used, no audit row, no event). The delivery fee is the branch's: flat, or by distance."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.utils import timezone
from django.utils.formats import date_format

from apps.branches.validation import WEEKDAYS

from .conftest import FAR, NEAR, SEOUL_SPOT, make_branch, make_dish, option_ids, place

pytestmark = pytest.mark.django_db

ADDRESS = {"address": "Seongsu-dong, Seoul", "phone": "010-1234-5678"}
# ~2.2 km east of the test branch (SEOUL_SPOT), inside a 3 km area
MID = {"latitude": "37.544000", "longitude": "127.080500"}


def state(*items) -> dict:
    """What a placed order would have changed."""
    from apps.audit.models import AuditEvent
    from apps.catalog.models import Item
    from apps.coupons.models import Coupon, CouponRedemption
    from apps.events.models import Event
    from apps.food.models import Ticket
    from apps.orders.models import Order, OrderLine, OrderTransition

    return {"orders": Order.objects.count(), "lines": OrderLine.objects.count(),
            "moves": OrderTransition.objects.count(), "tickets": Ticket.objects.count(),
            "stock": sorted(Item.objects.filter(pk__in=[item.pk for item in items]).values_list("pk", "stock")),
            "coupons": sorted(Coupon.objects.values_list("code", "used_count")),
            "redemptions": CouponRedemption.objects.count(), "audit": AuditEvent.objects.count(),
            "events": Event.objects.count()}


def refused(error, **order):
    """Place the order; it must be refused with `error`, nothing changed. Returns the error."""
    items = [order["item"]]
    before = state(*items)
    with pytest.raises(error) as caught:
        place(**order)
    assert state(*items) == before
    return caught.value


@pytest.fixture
def coupon(beta):
    from apps.coupons.services import coupon_create

    return coupon_create(actor=None, code="FOOD1000", name="1,000 off", kind="fixed", amount=1000)


def _another_day(days: int = 2) -> tuple[str, dt.datetime]:
    """A weekday `days` from now (in the branches' zone) and 10:00 that day."""
    zone = zoneinfo.ZoneInfo("Asia/Seoul")  # a branch's time zone unless it says otherwise
    day = (timezone.now().astimezone(zone) + dt.timedelta(days=days)).date()
    return WEEKDAYS[day.weekday()], dt.datetime.combine(day, dt.time(10), zone)


def test_a_closed_branch_says_when_it_opens_again(beta):
    from apps.food.errors import BranchClosed

    weekday, opens = _another_day()
    branch = make_branch("Hannam", hours={weekday: ["10:00-11:00"]}, pickup=True)
    dish = make_dish(stock=5)
    error = refused(BranchClosed, branch=branch, item=dish)
    assert error.code == "food_branch_closed" and error.status == 409
    assert error.details == {"branch": branch.pk, "opens_at": opens.isoformat()}
    assert error.message == f"Hannam is closed now. It opens again at {date_format(opens, 'D H:i')}."


def test_a_paused_branch_takes_no_orders_until_it_resumes(branch):
    from apps.food.errors import OrderingPaused
    from apps.food.services.ordering import ordering_pause, ordering_resume

    dish = make_dish(stock=5)
    ordering_pause(branch=branch, actor=None, note="Short of staff")
    error = refused(OrderingPaused, branch=branch, item=dish)
    assert (error.code, error.details) == ("food_ordering_paused", {"branch": branch.pk, "reason": "manual"})
    ordering_resume(branch=branch, actor=None)
    assert place(branch=branch, item=dish).status == "placed"


def test_below_the_minimum_is_refused_with_the_amounts(branch):
    from apps.food.errors import BelowMinimum

    salad = make_dish("Side salad", 6000, options=False, stock=5)
    error = refused(BelowMinimum, branch=branch, item=salad)
    assert error.code == "food_below_minimum" and error.status == 422
    assert error.details == {"branch": branch.pk, "minimum": 10000, "subtotal": 6000, "currency": "KRW"}
    assert "10,000" in error.message
    assert place(branch=branch, item=salad, quantity=2).subtotal == 12000  # the minimum counts the items


def test_pickup_or_delivery_must_be_offered(beta):
    from apps.food.errors import FulfilmentUnavailable

    dish = make_dish(stock=5)
    delivery_only = make_branch("Delivery kitchen", pickup=False, delivery=True)
    error = refused(FulfilmentUnavailable, branch=delivery_only, item=dish)
    assert error.code == "food_fulfilment_unavailable"
    assert error.details == {"branch": delivery_only.pk, "fulfilment": "pickup", "offered": ["delivery"]}
    pickup_only = make_branch("Counter", pickup=True)
    error = refused(FulfilmentUnavailable, branch=pickup_only, item=dish, fulfilment="delivery",
                    delivery={**ADDRESS, **NEAR})
    assert error.details["offered"] == ["pickup"]


def test_a_delivery_outside_the_area_is_refused(branch, dish):
    from apps.food.errors import OutsideDeliveryArea

    error = refused(OutsideDeliveryArea, branch=branch, item=dish, fulfilment="delivery",
                    delivery={**ADDRESS, **FAR})
    assert error.code == "food_outside_delivery_area" and error.status == 422
    assert error.details["radius_m"] == 3000 and error.details["distance_m"] > 6000
    assert "up to 3.0 km" in error.message


@pytest.mark.parametrize(("spot", "code", "field"), [
    ({}, "food_location_required", "latitude"),
    ({"latitude": "37.5"}, "food_location_required", "longitude"),
    ({"latitude": "north", "longitude": "127.05"}, "validation_error", "latitude"),
    ({"latitude": "91", "longitude": "127.05"}, "validation_error", "latitude"),
    ({"latitude": "37.5", "longitude": "NaN"}, "validation_error", "longitude"),
])
def test_a_delivery_needs_a_valid_spot(branch, dish, spot, code, field):
    from apps.core.errors import PlatformError

    error = refused(PlatformError, branch=branch, item=dish, fulfilment="delivery", delivery={**ADDRESS, **spot})
    assert error.code == code and field in error.details["delivery"]


def test_the_delivery_fee_follows_the_distance_bands(beta):
    from apps.food.errors import OutsideDeliveryArea
    from apps.food.services.rules import distance_m

    branch = make_branch("Seongsu", pickup=True, delivery=True, delivery_fee=9000, delivery_radius_m=5000,
                         delivery_bands=[{"up_to_m": 1000, "fee": 2000}, {"up_to_m": 3000, "fee": 3500}])
    dish = make_dish(stock=20)
    assert distance_m(SEOUL_SPOT["latitude"], SEOUL_SPOT["longitude"], NEAR["latitude"], NEAR["longitude"]) < 1000
    assert 1000 < distance_m(SEOUL_SPOT["latitude"], SEOUL_SPOT["longitude"], MID["latitude"], MID["longitude"]) \
        < 3000
    near = place(branch=branch, item=dish, fulfilment="delivery", delivery={**ADDRESS, **NEAR})
    mid = place(branch=branch, item=dish, fulfilment="delivery", delivery={**ADDRESS, **MID})
    assert (near.fee_total, mid.fee_total) == (2000, 3500)
    assert [(fee["code"], fee["amount"]) for fee in mid.fees] == [("delivery", 3500)]
    assert place(branch=branch, item=dish).fee_total == 0  # pickup
    # the last band is the edge of the area, whatever the radius says
    error = refused(OutsideDeliveryArea, branch=branch, item=dish, fulfilment="delivery",
                    delivery={**ADDRESS, **FAR})
    assert error.details["radius_m"] == 3000


def test_a_flat_fee_without_bands(branch, dish):
    order = place(branch=branch, item=dish, fulfilment="delivery", delivery={**ADDRESS, **MID})
    assert (order.subtotal, order.fee_total, order.total) == (19000, 3000, 22000)


def test_an_item_out_of_its_menu_hours_is_refused(branch):
    from apps.food.errors import ItemOutOfHours
    from apps.food.services.menu import menu_period_save

    weekday, _opens = _another_day(3)
    pancakes = make_dish("Pancakes", 14000, options=False, stock=5)
    menu_period_save(actor=None, name="Brunch", hours={weekday: ["10:00-11:00"]}, items=[pancakes.pk])
    error = refused(ItemOutOfHours, branch=branch, item=pancakes)
    assert error.code == "food_item_out_of_hours" and error.status == 409
    assert error.details["item"] == pancakes.pk and error.details["name"] == "Pancakes"
    assert error.message == "“Pancakes” is served only at Brunch."
    # in a second period that is open now, it can be ordered
    menu_period_save(actor=None, name="All day", hours={day: ["00:00-24:00"] for day in WEEKDAYS},
                     items=[pancakes.pk])
    assert place(branch=branch, item=pancakes).status == "placed"


def test_options_must_meet_each_groups_minimum_and_maximum(branch):
    from apps.orders.errors import OptionChoices

    dish = make_dish(stock=5)
    error = refused(OptionChoices, branch=branch, item=dish, options=())  # the size is required
    assert (error.code, error.details["min"], error.details["max"], error.details["chosen"]) == \
        ("option_choices", 1, 1, 0)
    error = refused(OptionChoices, branch=branch, item=dish, options=("Regular", "Bacon", "Mushrooms", "Parmesan"))
    assert (error.details["name"], error.details["max"], error.details["chosen"]) == ("Toppings", 2, 3)


def test_a_sold_out_item_or_option_is_refused(branch):
    from apps.catalog.models import Option
    from apps.orders.errors import ItemUnavailable, OptionUnavailable

    dish = make_dish(stock=5, is_sold_out=True)
    error = refused(ItemUnavailable, branch=branch, item=dish)
    assert (error.code, error.details["reason"]) == ("item_unavailable", "sold_out")
    other = make_dish("Carbonara", stock=5)
    Option.objects.filter(pk__in=option_ids(other, "Bacon")).update(is_available=False)
    error = refused(OptionUnavailable, branch=branch, item=other, options=("Regular", "Bacon"))
    assert error.code == "option_unavailable"


def test_a_refused_order_uses_no_coupon(branch, coupon):
    """The rules run before the coupon is redeemed, in the same transaction."""
    from apps.food.errors import BelowMinimum
    from apps.orders.services import order_create

    salad = make_dish("Side salad", 6000, options=False, stock=5)
    before = state(salad)
    with pytest.raises(BelowMinimum):
        order_create(customer=None, branch=branch, fulfilment="pickup", actor=None, coupon_code="FOOD1000",
                     lines=[{"item": salad.pk, "quantity": 1, "options": []}])
    assert state(salad) == before
