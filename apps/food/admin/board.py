"""The kitchen board and the rider page in the tenant admin.

Both pages are drawn by scripts (apps/food/static/food/: board-live.js the feed and the
sound, board-actions.js the dialogs and switches, board.js the drawing) from a feed they
poll every second with the last ETag: 304 while nothing changed (apps.food.board.etag_for),
the board again (apps.food.board.board_payload) when something did. Polling needs no
connection held open, so the page carries on by itself when the web process restarts.
Each poll of the kitchen board by someone who works it (food.change_ticket) tells the
branch a board is open (services.ordering.board_seen): a branch whose board stays
closed during opening hours stops taking orders by itself.

What a person may do is decided per branch: kitchen staff and riders are limited to
their branches (apps.rbac.admin_scoping.request_access); the steps on each ticket are
the board's, kept where this person may take them there."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseNotModified, JsonResponse
from django.middleware.csrf import get_token
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.utils.http import parse_etags
from django.utils.translation import gettext as _

from apps.core.admin_sites import tenant_admin

from .. import flow as F
from ..board import board_payload, etag_for
from ..models import BranchOrdering
from ..selectors import rider_queue
from ..services.ordering import board_seen
from .common import (
    CHANGE_ITEM,
    CHANGE_ORDERING,
    CHANGE_TICKET,
    DELIVER_TICKET,
    VIEW_TICKET,
    allows,
    branches_reached,
    int_or_none,
    may,
)
from .texts import board_texts, column_labels, step_labels

SITE = tenant_admin
POLL_MS = 1000
RIDER_STEPS = frozenset({F.OUT, F.DELIVERED})


def selected_branches(request, branches: list) -> list:
    """The branches the page shows: the one picked (`?branch=`), else all it may show."""
    chosen = request.GET.get("branch")
    if chosen in (None, ""):
        return branches
    picked = [branch for branch in branches if branch.pk == int_or_none(chosen)]
    if not picked:
        raise Http404
    return picked


def _orderings(branches: list) -> dict[int, BranchOrdering]:
    """{branch id: its rules}; a branch without a row yet reads as the defaults (one query)."""
    rows = BranchOrdering.objects.in_bulk([branch.pk for branch in branches])
    return {branch.pk: rows.get(branch.pk) or BranchOrdering(branch_id=branch.pk) for branch in branches}


def _rights(request, branch_ids: list[int]) -> dict[str, frozenset]:
    return {name: frozenset(pk for pk in branch_ids if allows(request, perm, pk))
            for name, perm in (("cook", CHANGE_TICKET), ("deliver", DELIVER_TICKET), ("pause", CHANGE_ORDERING))}


def _fit_row(row: dict, *, rights: dict, labels: dict) -> dict:
    """The row's steps this person may take at its branch, each named by what it does."""
    branch = row["branch"]
    cook = branch in rights["cook"]
    steps = [{**step, "label": labels[step["to"]]} for step in row["steps"]
             if cook or (step["to"] in RIDER_STEPS and branch in rights["deliver"])]
    return {**row, "steps": steps, "cancel": bool(row["cancel"] and cook),
            "cancel_label": labels[F.CANCELLED]}


def _respond(request, etag: str, build) -> JsonResponse | HttpResponseNotModified:
    if etag in parse_etags(request.headers.get("If-None-Match", "")):
        response = HttpResponseNotModified()
    else:
        response = JsonResponse(build())
    response["ETag"] = etag
    patch_cache_control(response, no_cache=True, private=True)
    return response


# --- The kitchen board -----------------------------------------------------------------------


def kitchen(request, branches: list) -> tuple[str, callable]:
    """(ETag, build) of the kitchen board of `branches` for this person; a poll by someone
    who works the board marks it open at those branches first."""
    ids = [branch.pk for branch in branches]
    rights = _rights(request, ids)
    for branch in branches:
        if branch.pk in rights["cook"]:
            board_seen(branch=branch)
    orderings = _orderings(branches)
    can_sold_out = request.user.has_perm(CHANGE_ITEM)
    state = sorted((pk, o.paused, o.pause_reason, o.prep_minutes) for pk, o in orderings.items())
    viewer = repr(("kitchen", request.user.pk, translation.get_language(), sorted(rights["cook"]),
                   sorted(rights["deliver"]), sorted(rights["pause"]), can_sold_out, state))
    etag = etag_for(branch_ids=ids, viewer=viewer)

    def build() -> dict:
        payload = board_payload(branch_ids=ids, cook=bool(rights["cook"]),
                                deliver=bool(rights["cook"] or rights["deliver"]))
        labels, columns = step_labels(), column_labels()
        for column in payload["columns"]:
            column["label"] = str(columns.get(column["status"], column["label"]))
            column["tickets"] = [_fit_row(row, rights=rights, labels=labels) for row in column["tickets"]]
        for entry in payload["branches"]:
            entry["prep_minutes"] = orderings[entry["id"]].prep_minutes
            entry["can_pause"] = entry["id"] in rights["pause"]
        payload["can_sold_out"] = can_sold_out
        return payload

    return etag, build


def board_view(request):
    """The page: the script draws the board from the data it starts with, then polls."""
    if not may(request, VIEW_TICKET):
        raise PermissionDenied
    branches = branches_reached(request, VIEW_TICKET)
    shown = selected_branches(request, branches)
    etag, build = kitchen(request, shown)
    config = _config(request, mode="kitchen", etag=etag,
                     feed=reverse(f"{SITE.name}:food_board_feed"),
                     branches=[{"id": branch.pk, "name": branch.name} for branch in branches],
                     chosen=shown[0].pk if len(shown) == 1 and len(branches) > 1 else None)
    return TemplateResponse(request, "admin/food/board.html", {
        **SITE.each_context(request), "title": _("Kitchen board"),
        "config": config, "board": build(), "branches": branches, "mode": "kitchen"})


def board_feed(request):
    if not may(request, VIEW_TICKET):
        raise PermissionDenied
    etag, build = kitchen(request, selected_branches(request, branches_reached(request, VIEW_TICKET)))
    return _respond(request, etag, build)


# --- The rider page -----------------------------------------------------------------------------


def deliveries(request, branches: list) -> tuple[str, callable]:
    """(ETag, build) of the rider's page: deliveries ready to go at `branches`, and those
    out with this rider."""
    ids = [branch.pk for branch in branches]
    rights = {"cook": frozenset(), "deliver": frozenset(ids), "pause": frozenset()}
    etag = etag_for(branch_ids=ids, viewer=repr(("rider", request.user.pk, translation.get_language())))

    def build() -> dict:
        mine = set(rider_queue(branch_ids=ids, rider_id=request.user.pk).filter(status=F.OUT)
                   .values_list("order_id", flat=True))
        payload = board_payload(branch_ids=ids, cook=False, deliver=True, delivery_only=True)
        labels, names = step_labels(), {F.READY: _("Ready to go"), F.OUT: _("Out with you")}
        for column in payload["columns"]:
            column["label"] = str(names[column["status"]])
            rows = column["tickets"] if column["status"] == F.READY else [
                row for row in column["tickets"] if row["order"] in mine]
            column["tickets"] = [_fit_row(row, rights=rights, labels=labels) for row in rows]
        return payload

    return etag, build


def rider_view(request):
    if not may(request, DELIVER_TICKET):
        raise PermissionDenied
    branches = branches_reached(request, DELIVER_TICKET)
    etag, build = deliveries(request, branches)
    config = _config(request, mode="rider", etag=etag, feed=reverse(f"{SITE.name}:food_rider_feed"),
                     branches=[], chosen=None)
    return TemplateResponse(request, "admin/food/board.html", {
        **SITE.each_context(request), "title": _("Deliveries"),
        "config": config, "board": build(), "branches": [], "mode": "rider"})


def rider_feed(request):
    if not may(request, DELIVER_TICKET):
        raise PermissionDenied
    etag, build = deliveries(request, branches_reached(request, DELIVER_TICKET))
    return _respond(request, etag, build)


def _config(request, *, mode: str, etag: str, feed: str, branches: list, chosen) -> dict:
    return {
        "mode": mode, "etag": etag, "poll_ms": POLL_MS, "feed": feed,
        "step": reverse(f"{SITE.name}:food_board_step"), "sold_out": reverse(f"{SITE.name}:food_board_sold_out"),
        "pause": reverse(f"{SITE.name}:food_board_pause"), "csrf": get_token(request),
        "branches": branches, "chosen": chosen, "texts": board_texts(), "quick_minutes": [10, 15, 20, 30],
        "language": translation.get_language(),
    }
