"""Each branch's ordering rules in the tenant admin: pickup and delivery, the minimum, the
delivery fee (flat, or by distance band: a few "up to … m / fee" rows), the area, the
times, and whether ordering is paused. One row per branch, made with its branch; saved
through services.ordering (ordering_update, ordering_pause, ordering_resume), checked by
the same service before saving so that a refusal shows on its field."""

from __future__ import annotations

import copy

from django import forms
from django.conf import settings
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.timesince import timesince
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from unfold.widgets import UnfoldAdminIntegerFieldWidget

from apps.core.admin_mixins import ServiceFormAdmin, errors_onto
from apps.core.errors import InvalidData
from apps.core.money import Money
from apps.rbac.admin_scoping import BranchScopedAdmin

from ..models import BranchOrdering
from ..services.ordering import (
    FIELDS,
    MAX_BANDS,
    bands_clean,
    ordering_check,
    ordering_for,
    ordering_pause,
    ordering_resume,
    ordering_update,
)
from .common import FoodOnlyAdmin, branches_reached

BAND_FIELDS = [(f"band_{index}_up_to", f"band_{index}_fee") for index in range(MAX_BANDS)]
FORM_FIELDS = [name for name in FIELDS if name != "delivery_bands"] + ["paused"]


def band_rows(bands) -> int:
    """How many band rows the form shows: the bands set and two empty ones (at least four)."""
    return min(MAX_BANDS, max(4, len(bands or []) + 2))


# A label per row, translated when the page is drawn (not when the module is imported).
band_label = lazy(lambda number: gettext("Band %(number)s: up to (m)") % {"number": number}, str)


def _band_fields() -> dict:
    fields = {}
    for number, (up_to, fee) in enumerate(BAND_FIELDS, start=1):
        fields[up_to] = forms.IntegerField(
            label=band_label(number), required=False, min_value=1,
            widget=UnfoldAdminIntegerFieldWidget)
        fields[fee] = forms.IntegerField(label=_("fee (won)"), required=False, min_value=0,
                                         widget=UnfoldAdminIntegerFieldWidget)
    return fields


class _OrderingForm(forms.ModelForm):
    class Meta:
        model = BranchOrdering
        fields = FORM_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            for (up_to, fee), band in zip(BAND_FIELDS, self.instance.delivery_bands or [], strict=False):
                self.fields[up_to].initial, self.fields[fee].initial = band.get("up_to_m"), band.get("fee")

    def clean(self):
        data = super().clean()
        bands = []
        for up_to, fee in BAND_FIELDS:
            distance, amount = data.get(up_to), data.get(fee)
            if distance is None and amount is None:
                continue
            if distance is None or amount is None:
                self.add_error(up_to if distance is None else fee, _("Give both the distance and the fee."))
                continue
            bands.append({"up_to_m": distance, "fee": amount})
        try:
            data["delivery_bands"] = bands_clean(bands)
        except ValidationError:
            self.add_error(BAND_FIELDS[0][0], _("Each band must reach further than the one before it."))
        return data

    def _post_clean(self):
        super()._post_clean()  # the model's own checks, on a copy of the row with the form's values
        if self.errors:
            return
        candidate = copy.copy(self.instance)
        candidate.delivery_bands = self.cleaned_data.get("delivery_bands", [])
        try:
            ordering_check(candidate)
        except InvalidData as error:
            errors_onto(self, error, rename={"delivery_bands": BAND_FIELDS[0][0]})


OrderingForm = type("OrderingForm", (_OrderingForm,), _band_fields())


class BranchOrderingAdmin(FoodOnlyAdmin, ServiceFormAdmin, BranchScopedAdmin):
    form = OrderingForm
    empty_help = _("Each branch has its ordering rules: pickup or delivery, the minimum, fees and times.")
    list_display = ["branch", "state_column", "ways_column", "minimum_column", "fee_column", "prep_minutes",
                    "board_column"]
    list_filter = ["paused", "delivery"]
    list_select_related = ["branch"]
    search_fields = ["branch__name"]
    ordering = ["branch__name"]

    def get_fieldsets(self, request, obj=None):
        rows = band_rows(obj.delivery_bands if obj is not None else [])
        return [
            (None, {"fields": ["branch", "pickup", "delivery", "min_order_amount"]}),
            (_("Ordering now"), {"fields": ["paused", "pause_reason", "paused_at", "board_seen_at"],
                                 "description": _("A paused branch takes no new orders; the orders already in stay on "
                                                  "the kitchen board.")}),
            (_("Delivery"), {"fields": ["delivery_fee", "delivery_radius_m", ("latitude", "longitude"),
                                        "delivery_minutes"]}),
            (_("Fee by distance"), {"fields": BAND_FIELDS[:rows], "description": _(
                "The first band the distance falls in sets the fee; the last band's distance is also the edge of "
                "the delivery area. Leave every band empty to charge the flat delivery fee.")}),
            (_("Kitchen"), {"fields": ["prep_minutes", "accept_within_minutes", "board_offline_minutes"]}),
        ]

    def get_readonly_fields(self, request, obj=None):
        return ["branch", "pause_reason", "paused_at", "board_seen_at"]

    def has_add_permission(self, request):
        return False  # made with the branch

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        """Every branch the user may see has its row (with the defaults the first time)."""
        if self.has_view_or_change_permission(request):
            branches = branches_reached(request, "food.view_branchordering")
            have = set(BranchOrdering.objects.filter(branch__in=branches).values_list("branch_id", flat=True))
            for branch in branches:
                if branch.pk not in have:
                    ordering_for(branch)
        return super().changelist_view(request, extra_context)

    # --- columns ---------------------------------------------------------------------------

    @admin.display(description=_("ordering"), ordering="paused")
    def state_column(self, ordering):
        if not ordering.paused:
            return gettext("Taking orders")
        reason = ordering.get_pause_reason_display() if ordering.pause_reason else ""
        return gettext("Paused: %(reason)s") % {"reason": reason} if reason else gettext("Paused")

    @admin.display(description=_("pickup or delivery"))
    def ways_column(self, ordering):
        ways = [str(label) for on, label in ((ordering.pickup, _("Pickup")), (ordering.delivery, _("Delivery"))) if on]
        return ", ".join(ways) or "—"

    @admin.display(description=_("minimum order"), ordering="min_order_amount")
    def minimum_column(self, ordering):
        return Money(ordering.min_order_amount, settings.COMMERCE_CURRENCY).format()

    @admin.display(description=_("delivery fee"))
    def fee_column(self, ordering):
        if not ordering.delivery:
            return "—"
        if ordering.delivery_bands:
            return gettext("By distance (%(count)s bands)") % {"count": len(ordering.delivery_bands)}
        return Money(ordering.delivery_fee, settings.COMMERCE_CURRENCY).format()

    @admin.display(description=_("kitchen board last seen"), ordering="board_seen_at")
    def board_column(self, ordering):
        if ordering.board_seen_at is None:
            return gettext("Never")
        return gettext("%(time)s ago") % {"time": timesince(ordering.board_seen_at, timezone.now())}

    # --- writes through the services -----------------------------------------------------------

    def save_model(self, request, obj, form, change):
        branch = obj.branch
        data = {name: form.cleaned_data[name] for name in FIELDS if name in form.cleaned_data}
        saved = self.call_service(request, lambda: ordering_update(branch=branch, actor=request.user, **data))
        if saved is not None and "paused" in form.changed_data:
            pause = ordering_pause if form.cleaned_data["paused"] else ordering_resume
            self.call_service(request, lambda: pause(branch=branch, actor=request.user))
