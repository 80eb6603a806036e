"""What the kitchen board and the rider page post (with the session and its CSRF token):
a ticket's next step, a dish sold out or back on sale, a branch paused or resumed. Each
checks the person's right at the ticket's (or branch's) branch, calls the service and
answers JSON: the new state, or the platform's error shape with the service's message."""

from __future__ import annotations

from functools import wraps

from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.branches.models import Branch
from apps.catalog.models import Item
from apps.catalog.services import item_set_sold_out
from apps.core.errors import InvalidData, NotFound, PermissionDenied, PlatformError, error_payload
from apps.orders.models import Order

from .. import flow as F
from ..models import Ticket
from ..services.ordering import ordering_pause, ordering_resume
from ..services.tickets import food_order_cancel, food_order_reject, food_order_step
from .board import RIDER_STEPS
from .common import (
    CHANGE_ITEM,
    CHANGE_ORDERING,
    CHANGE_TICKET,
    DELIVER_TICKET,
    VIEW_TICKET,
    allows,
    int_or_none,
    is_food,
    may,
)

STEPS = frozenset({F.ACCEPTED, F.REJECTED, F.COOKING, F.READY, F.PICKED_UP, F.OUT, F.DELIVERED, F.CANCELLED})


def json_action(view):
    """POST only; refusals in the error shape, with their own status."""

    @require_POST
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        try:
            if not is_food(request):
                raise NotFound
            return view(request, *args, **kwargs)
        except PlatformError as error:
            return JsonResponse(error_payload(error.code, error.message, error.details), status=error.status)
        except Http404:
            return JsonResponse(error_payload(NotFound.code, NotFound.message), status=NotFound.status)

    return wrapped


def _required_int(request, name: str) -> int:
    value = int_or_none(request.POST.get(name))
    if value is None:
        raise InvalidData(details={name: [_("A whole number is required.")]})
    return value


def _reason(request, message: str) -> str:
    reason = (request.POST.get("reason") or "").strip()
    if not reason:
        raise InvalidData(message, details={"reason": [_("This field is required.")]})
    return reason


@json_action
def step_view(request):
    """`order`, `to` (the status), `minutes` (accepting), `reason` (rejecting, cancelling)."""
    order_id, target = _required_int(request, "order"), request.POST.get("to", "")
    if target not in STEPS:
        raise InvalidData(details={"to": [_("Not a step of a food order.")]})
    ticket = Ticket.objects.filter(order_id=order_id).first()
    if ticket is None or not may(request, VIEW_TICKET) or not allows(request, VIEW_TICKET, ticket.branch_id):
        raise NotFound(_("There is no such order on your board."), details={"order": order_id})
    may_cook, may_deliver = allows(request, CHANGE_TICKET, ticket.branch_id), allows(request, DELIVER_TICKET,
                                                                                       ticket.branch_id)
    if not (may_cook or (target in RIDER_STEPS and may_deliver)):
        raise PermissionDenied(_("You may not take this step at this branch."))
    order = Order.objects.select_related("branch", "customer").get(pk=order_id)
    if target == F.REJECTED:
        order = food_order_reject(order=order, actor=request.user,
                                  reason=_reason(request, _("Say why the order is rejected: the customer reads it.")))
    elif target == F.CANCELLED:
        order = food_order_cancel(order=order, actor=request.user,
                                  reason=_reason(request, _("Say why the order is cancelled: the customer reads it.")))
    else:
        details = {}
        if target == F.ACCEPTED and request.POST.get("minutes") not in (None, ""):
            details["ready_in_minutes"] = _required_int(request, "minutes")
        order = food_order_step(order=order, to_status=target, actor=request.user, details=details)
    return JsonResponse({"order": order.pk, "number": order.number, "status": order.status,
                         "status_label": str(F.LABELS.get(order.status, order.status))})


@json_action
def sold_out_view(request):
    """`item`, `sold_out` ("1" sold out, "0" back on sale)."""
    if not request.user.has_perm(CHANGE_ITEM):
        raise PermissionDenied(_("You may not change the menu."))
    item = Item.objects.filter(pk=_required_int(request, "item"), kind=Item.Kind.MENU_ITEM).first()
    if item is None:
        raise NotFound(_("There is no such dish on the menu."))
    item = item_set_sold_out(item=item, sold_out=request.POST.get("sold_out") == "1", actor=request.user)
    return JsonResponse({"item": item.pk, "sold_out": item.is_sold_out})


@json_action
def pause_view(request):
    """`branch`, `paused` ("1" pause, "0" resume)."""
    branch = Branch.objects.filter(pk=_required_int(request, "branch")).first()
    if branch is None or not may(request, CHANGE_ORDERING) or not allows(request, CHANGE_ORDERING, branch.pk):
        raise PermissionDenied(_("You may not pause or resume ordering at this branch."))
    if request.POST.get("paused") == "1":
        ordering = ordering_pause(branch=branch, actor=request.user, note=(request.POST.get("note") or "")[:200])
    else:
        ordering = ordering_resume(branch=branch, actor=request.user)
    return JsonResponse({"branch": branch.pk, "paused": ordering.paused})
