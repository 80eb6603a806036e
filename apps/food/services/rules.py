"""What every food order must meet (an order rule of apps.orders.pricing, run when the
order is placed, whoever places it): a branch that takes orders now (not paused, open,
offering the pickup or delivery asked for), items served at this hour, the branch's
minimum, and for a delivery a spot inside its area. And the delivery fee: flat, or by
the distance band the address falls in."""

from __future__ import annotations

import math
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from apps.branches.hours import open_at
from apps.catalog.translation import localized
from apps.core.errors import InvalidData
from apps.core.money import Money
from apps.orders.pricing import Fee, delivery_fee_default

from .. import flow as food_flow
from ..errors import (
    BelowMinimum,
    BranchClosed,
    BranchRequired,
    FulfilmentUnavailable,
    ItemOutOfHours,
    LocationRequired,
    OrderingPaused,
    OutsideDeliveryArea,
)
from ..models import BranchOrdering
from ..selectors import ordering_state, periods_by_item
from .common import local_now
from .ordering import ordering_for

EARTH_RADIUS_M = 6_371_000
FULFILMENTS = ("pickup", "delivery")


def distance_m(lat1, lng1, lat2, lng2) -> int:
    """Great-circle distance in whole metres (haversine; a street route is longer, the
    bands are set with that in mind)."""
    phi1, phi2 = math.radians(float(lat1)), math.radians(float(lat2))
    dphi, dlmb = phi2 - phi1, math.radians(float(lng2) - float(lng1))
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlmb / 2) ** 2
    return round(2 * EARTH_RADIUS_M * math.asin(math.sqrt(a)))


def _coordinate(delivery: dict, name: str, low: int, high: int) -> Decimal | None:
    value = (delivery or {}).get(name)
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        number = None
    if number is None or not number.is_finite() or not low <= number <= high:
        raise InvalidData(details={"delivery": {name: [_("Enter a number from %(low)s to %(high)s.")
                                                       % {"low": low, "high": high}]}})
    return number


def delivery_distance(ordering: BranchOrdering, delivery: dict) -> int:
    latitude = _coordinate(delivery, "latitude", -90, 90)
    longitude = _coordinate(delivery, "longitude", -180, 180)
    if latitude is None or longitude is None:
        missing = [name for name, value in (("latitude", latitude), ("longitude", longitude)) if value is None]
        raise LocationRequired(details={"delivery": {name: [_("This field is required.")] for name in missing}})
    return distance_m(ordering.latitude, ordering.longitude, latitude, longitude)


def area_radius(ordering: BranchOrdering) -> int:
    bands = ordering.delivery_bands or []
    return min(ordering.delivery_radius_m, bands[-1]["up_to_m"]) if bands else ordering.delivery_radius_m


def delivery_fee_for(ordering: BranchOrdering, distance: int) -> int:
    for band in ordering.delivery_bands or []:
        if distance <= band["up_to_m"]:
            return band["fee"]
    return ordering.delivery_fee


def branch_takes_orders(*, branch, ordering: BranchOrdering, now=None) -> None:
    """Raises why the branch takes no orders now (paused, closed: with its next opening,
    as selectors.ordering_state tells customers)."""
    if ordering.paused:
        raise OrderingPaused(_("%(branch)s is not taking orders right now. Please try again later.")
                             % {"branch": branch.name}, details={"branch": branch.pk, "reason": ordering.pause_reason})
    state = ordering_state(ordering, now=now)
    if state["open_now"]:
        return
    opens, today = state["opens_at"], state["local_now"].date()
    if opens is None:
        raise BranchClosed(_("%(branch)s is closed now.") % {"branch": branch.name},
                           details={"branch": branch.pk, "opens_at": None})
    when = date_format(opens, "D H:i") if opens.date() != today else date_format(opens, "H:i")
    raise BranchClosed(_("%(branch)s is closed now. It opens again at %(when)s.") % {"branch": branch.name,
                                                                                    "when": when},
                       details={"branch": branch.pk, "opens_at": opens.isoformat()})


def items_served_now(*, lines, branch, now=None) -> None:
    """Each line's item is in none of the menu periods, or in one open now."""
    periods = periods_by_item(item_ids=[line.item_id for line in lines])
    if not periods:
        return
    now_local = local_now(branch, now)
    for line in lines:
        item_periods = periods.get(line.item_id)
        if item_periods and not any(open_at(period.hours, now_local) for period in item_periods):
            names = ", ".join(localized(period, "name") for period in item_periods)
            raise ItemOutOfHours(_("“%(item)s” is served only at %(periods)s.") % {"item": line.item_name,
                                                                                  "periods": names},
                                 details={"line": line.position, "item": line.item_id, "name": line.item_name,
                                          "period": [period.pk for period in item_periods]})


def food_order_rule(*, kind, flow, fulfilment, branch, delivery, subtotal, lines, **_context) -> None:
    if flow != food_flow.NAME:
        return
    if branch is None:
        raise BranchRequired(details={"branch": [str(BranchRequired.message)]})
    ordering = ordering_for(branch)
    offered = [name for name in FULFILMENTS if getattr(ordering, name)]
    if fulfilment not in offered:
        raise FulfilmentUnavailable(details={"branch": branch.pk, "fulfilment": fulfilment, "offered": offered})
    branch_takes_orders(branch=branch, ordering=ordering)
    items_served_now(lines=lines, branch=branch)
    if subtotal < ordering.min_order_amount:
        minimum = Money(ordering.min_order_amount, settings.COMMERCE_CURRENCY)
        raise BelowMinimum(_("%(branch)s takes orders from %(minimum)s (items only).")
                           % {"branch": branch.name, "minimum": minimum.format()},
                           details={"branch": branch.pk, "minimum": ordering.min_order_amount, "subtotal": subtotal,
                                    "currency": settings.COMMERCE_CURRENCY})
    if fulfilment == "delivery":
        distance = delivery_distance(ordering, delivery)
        radius = area_radius(ordering)
        if distance > radius:
            raise OutsideDeliveryArea(
                _("This address is %(distance)s km from %(branch)s, which delivers up to %(radius)s km.")
                % {"distance": f"{distance / 1000:.1f}", "branch": branch.name, "radius": f"{radius / 1000:.1f}"},
                details={"branch": branch.pk, "distance_m": distance, "radius_m": radius})


def food_delivery_fee(*, fulfilment, kind, flow="", subtotal, branch, delivery, currency, **context) -> list[Fee]:
    """The "delivery" fee rule: the branch's own fee for food orders (flat, or by the
    distance band), the orders app's default for the rest."""
    if flow != food_flow.NAME:
        return delivery_fee_default(fulfilment=fulfilment, kind=kind, flow=flow, subtotal=subtotal, branch=branch,
                                    delivery=delivery, currency=currency, **context)
    if fulfilment != "delivery" or branch is None:
        return []
    ordering = ordering_for(branch)
    amount = delivery_fee_for(ordering, delivery_distance(ordering, delivery))
    return [Fee("delivery", amount)] if amount > 0 else []
