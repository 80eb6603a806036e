"""Each branch's ordering rules (pickup, delivery, minimum, fees, area, times) and whether
it takes orders now: paused by staff, or by itself when no kitchen board has been open
for a while during opening hours (a store whose tablet is off should not collect orders
it will never cook); a board coming back resumes a pause it caused."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.branches.hours import open_at
from apps.branches.models import Branch
from apps.core.changes import model_update
from apps.core.errors import InvalidData
from apps.events.services import event_record

from .. import events
from ..models import BranchOrdering
from .common import _audit, local_now

FIELDS = ["pickup", "delivery", "min_order_amount", "delivery_fee", "delivery_bands", "delivery_radius_m",
          "latitude", "longitude", "prep_minutes", "delivery_minutes", "accept_within_minutes",
          "board_offline_minutes"]
MAX_BANDS = 10
# A board that polls every second says "seen" at most this often (one UPDATE, not one a second).
SEEN_EVERY = dt.timedelta(seconds=15)


def ordering_for(branch: Branch) -> BranchOrdering:
    """The branch's rules (a row with the defaults the first time)."""
    ordering = BranchOrdering.objects.filter(branch=branch).first()
    if ordering is None:
        ordering, _created = BranchOrdering.objects.get_or_create(branch=branch)
    ordering.branch = branch
    return ordering


def bands_clean(value) -> list[dict]:
    """[{"up_to_m": int, "fee": int}, ...] with growing distances; the last is the area's edge."""
    message = _('Distance bands are a list of {"up_to_m": metres, "fee": amount} with growing distances.')
    if value in (None, ""):
        return []
    if not isinstance(value, list) or len(value) > MAX_BANDS:
        raise ValidationError({"delivery_bands": message})
    cleaned, last = [], 0
    for band in value:
        if not isinstance(band, dict) or set(band) != {"up_to_m", "fee"}:
            raise ValidationError({"delivery_bands": message})
        up_to, fee = band["up_to_m"], band["fee"]
        if any(isinstance(v, bool) or not isinstance(v, int) for v in (up_to, fee)) or fee < 0 or up_to <= last:
            raise ValidationError({"delivery_bands": message})
        cleaned.append({"up_to_m": up_to, "fee": fee})
        last = up_to
    return cleaned


def _check(ordering: BranchOrdering) -> None:
    try:
        ordering.delivery_bands = bands_clean(ordering.delivery_bands)
        ordering.full_clean(exclude=["branch"])
    except ValidationError as exc:
        raise InvalidData(details=exc.message_dict) from None
    if (ordering.latitude is None) != (ordering.longitude is None):
        raise InvalidData(details={"latitude": [_("Give both the latitude and the longitude, or neither.")]})
    if ordering.delivery and not ordering.has_location:
        raise InvalidData(_("Set the branch's location before turning delivery on: the area is measured from it."),
                          details={"latitude": [_("Required for delivery.")]})
    if not ordering.pickup and not ordering.delivery:
        message = _("Offer pickup, delivery or both.")
        raise InvalidData(message, details={"pickup": [message]})


def ordering_check(ordering: BranchOrdering) -> None:
    """Whether these rules could be saved (InvalidData, per field, if not): what a form
    asks before it saves through ordering_update."""
    _check(ordering)


def ordering_update(*, branch: Branch, actor, **data) -> BranchOrdering:
    with transaction.atomic():
        ordering = BranchOrdering.objects.select_for_update().filter(branch=branch).first() or ordering_for(branch)
        for name in FIELDS:
            if name in data:
                setattr(ordering, name, data[name])
        _check(ordering)
        ordering.refresh_from_db(fields=FIELDS)  # model_update diffs against the stored row
        changes = model_update(ordering, data={**data, "delivery_bands": bands_clean(data.get(
            "delivery_bands", ordering.delivery_bands))}, fields=FIELDS, clean=False)
        if changes:
            _audit("food.ordering_changed", actor=actor, target=branch, changes=changes)
    return ordering


def _set_paused(ordering: BranchOrdering, *, paused: bool, reason: str, actor, note: str = "") -> bool:
    if ordering.paused == paused and (not paused or ordering.pause_reason == reason):
        return False
    before = {"paused": ordering.paused, "pause_reason": ordering.pause_reason}
    ordering.paused, ordering.pause_reason = paused, reason if paused else ""
    ordering.paused_at = timezone.now() if paused else None
    ordering.save(update_fields=["paused", "pause_reason", "paused_at", "updated_at"])
    changes = {name: [before[name], getattr(ordering, name)] for name in before if before[name] != getattr(
        ordering, name)}
    _audit("food.ordering_paused" if paused else "food.ordering_resumed", actor=actor, target=ordering.branch,
           changes=changes, metadata={"reason": reason, **({"note": note} if note else {})})
    if paused:
        event_record(events.ORDERING_PAUSED.name, events.pause_data(ordering, note=note))
    return True


def ordering_pause(*, branch: Branch, actor, note: str = "") -> BranchOrdering:
    """Staff stop taking orders at the branch (until they resume)."""
    with transaction.atomic():
        ordering = _locked(branch)
        _set_paused(ordering, paused=True, reason=BranchOrdering.PauseReason.MANUAL, actor=actor, note=note)
    return ordering


def ordering_resume(*, branch: Branch, actor) -> BranchOrdering:
    with transaction.atomic():
        ordering = _locked(branch)
        _set_paused(ordering, paused=False, reason="", actor=actor)
    return ordering


def _locked(branch: Branch) -> BranchOrdering:
    ordering_for(branch)
    ordering = BranchOrdering.objects.select_for_update().get(branch=branch)
    ordering.branch = branch
    return ordering


def board_seen(*, branch: Branch, now: dt.datetime | None = None) -> None:
    """A kitchen board of the branch is open (it polls): remembered at most every
    SEEN_EVERY; a pause the board's absence caused ends."""
    now = now or timezone.now()
    ordering = ordering_for(branch)
    if ordering.paused and ordering.pause_reason == BranchOrdering.PauseReason.BOARD_OFFLINE:
        with transaction.atomic():
            locked = _locked(branch)
            locked.board_seen_at = now
            locked.save(update_fields=["board_seen_at"])
            if locked.paused and locked.pause_reason == BranchOrdering.PauseReason.BOARD_OFFLINE:
                _set_paused(locked, paused=False, reason="", actor=None, note="board_back")
        return
    if ordering.board_seen_at is None or ordering.board_seen_at <= now - SEEN_EVERY:
        BranchOrdering.objects.filter(branch=branch).update(board_seen_at=now)


def boards_offline_pause(*, now: dt.datetime | None = None) -> list[int]:
    """Beat: pause the branches that are open now, take orders, and have had no kitchen
    board for their `board_offline_minutes` (a board never seen too, once the branch has
    been open that long). Returns their ids."""
    now = now or timezone.now()
    paused = []
    for branch in Branch.objects.filter(is_active=True).order_by("pk"):
        ordering = ordering_for(branch)
        if ordering.paused or not ordering.board_offline_minutes:
            continue
        limit = now - dt.timedelta(minutes=ordering.board_offline_minutes)
        if not open_at(ordering.branch.opening_hours, local_now(ordering.branch, now)):
            continue
        if not open_at(ordering.branch.opening_hours, local_now(ordering.branch, limit)):
            continue  # opened less than the limit ago: the board has that long to appear
        if ordering.board_seen_at is not None and ordering.board_seen_at > limit:
            continue
        with transaction.atomic():
            locked = _locked(ordering.branch)
            if locked.paused or (locked.board_seen_at is not None and locked.board_seen_at > limit):
                continue
            _set_paused(locked, paused=True, reason=BranchOrdering.PauseReason.BOARD_OFFLINE, actor=None)
            paused.append(locked.branch_id)
    return paused
