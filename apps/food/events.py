"""The events the food module publishes (apps.events.catalogue). Every step of an order
is the orders' own `order.status_changed` (the customer hears each one), carrying the
kitchen's estimate as `order.estimate` (apps.orders.events.order_data_extra_register)."""

from __future__ import annotations

from django.conf import settings
from django.utils import translation
from django.utils.formats import time_format
from django.utils.translation import gettext as _gettext
from django.utils.translation import gettext_lazy as _

from apps.branches.hours import branch_zone
from apps.events.catalogue import INTEGER, STRING, EventType, event_type_register, obj

from . import flow as food_flow

ORDERING_PAUSED = event_type_register(EventType(
    name="food.ordering_paused", label=_("Ordering paused"), group="food", audience=("owner", "staff"),
    description=_("A branch stopped taking orders: paused by staff, or by itself because no kitchen board "
                  "was open during opening hours."),
    schema=obj({"branch": obj({"id": INTEGER, "name": STRING}), "reason": STRING,
                "reason_label": {"type": "object", "additionalProperties": STRING}, "note": STRING}),
    example={"branch": {"id": 2, "name": "Hannam"}, "reason": "board_offline",
             "reason_label": {"en": "No kitchen board connected", "ko": "주방 화면 연결 없음"}, "note": ""}))


def _in_languages(render) -> dict[str, str]:
    result = {}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            result[language] = str(render())
    return result


def pause_data(ordering, *, note: str = "") -> dict:
    from .models import BranchOrdering

    reason = ordering.pause_reason
    return {"branch": {"id": ordering.branch_id, "name": ordering.branch.name}, "reason": reason,
            "reason_label": _in_languages(lambda: BranchOrdering.PauseReason(reason).label), "note": note}


def order_estimate(order) -> dict:
    """`estimate` for the order in events: {language: sentence} while a time is promised."""
    if order.flow != food_flow.NAME or order.status not in (food_flow.ACCEPTED, food_flow.COOKING, food_flow.OUT):
        return {}
    from .selectors import ticket_for

    ticket = ticket_for(order_id=order.pk)
    if ticket is None:
        return {}
    if order.status == food_flow.OUT and ticket.delivered_by:
        moment, sentence = ticket.delivered_by, lambda when: _gettext("Expected at your door around %(time)s.")
    elif ticket.ready_by:
        moment = ticket.ready_by
        sentence = (lambda when: _gettext("Ready around %(time)s.")) if order.fulfilment != "delivery" else (
            lambda when: _gettext("Ready to go out around %(time)s."))
    else:
        return {}
    local = moment.astimezone(branch_zone(ticket.branch))
    return {"estimate": _in_languages(lambda: sentence(local) % {"time": time_format(local, "H:i")})}
