"""The order's own fields checked before anything is taken: kind, fulfilment, the
delivery details a delivery needs, a reservation's time and party, an open branch."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.errors import InvalidData

from .errors import BranchUnavailable
from .models import Order

DELIVERY_FIELDS = ("address", "phone", "memo", "latitude", "longitude")  # a business module may need the spot
MAX_PARTY = 100


def header_check(*, fulfilment, kind, branch, delivery, scheduled_for, party_size) -> dict:
    """The order's own fields; returns the delivery details as stored."""
    if kind not in Order.Kind.values:
        raise InvalidData(details={"kind": [_("Choose one of: %(choices)s.")
                                            % {"choices": ", ".join(Order.Kind.values)}]})
    if fulfilment not in Order.Fulfilment.values:
        raise InvalidData(details={"fulfilment": [_("Choose one of: %(choices)s.")
                                                  % {"choices": ", ".join(Order.Fulfilment.values)}]})
    delivery = {name: str(value).strip() for name, value in (delivery or {}).items()
                if name in DELIVERY_FIELDS and value not in (None, "")}
    if fulfilment == Order.Fulfilment.DELIVERY:
        missing = [name for name in ("address", "phone") if not delivery.get(name)]
        if missing:
            raise InvalidData(_("A delivery needs an address and a phone number."),
                              details={"delivery": {name: [_("This field is required.")] for name in missing}})
    else:
        delivery = {}
    if kind == Order.Kind.RESERVATION:
        if scheduled_for is None:
            raise InvalidData(_("A reservation needs a date and time."),
                              details={"scheduled_for": [_("This field is required.")]})
        if scheduled_for <= timezone.now():
            raise InvalidData(_("A reservation must be for a time in the future."),
                              details={"scheduled_for": [_("Choose a time in the future.")]})
    if party_size is not None and not 1 <= party_size <= MAX_PARTY:
        raise InvalidData(details={"party_size": [_("From 1 to %(max)s people.") % {"max": MAX_PARTY}]})
    if branch is not None and not branch.is_active:
        raise BranchUnavailable(_("%(branch)s is not taking orders.") % {"branch": branch.name},
                                details={"branch": branch.pk})
    return delivery
