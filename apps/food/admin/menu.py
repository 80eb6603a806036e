"""Menu hours in the tenant admin (breakfast 07:00-10:30, lunch specials): a name in each
language, the hours per weekday as people write them ("07:00-10:30, 17:00-21:00") and the
dishes served only then. Saved and deleted through services.menu."""

from __future__ import annotations

import re

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin
from unfold.widgets import UnfoldAdminCheckboxSelectMultipleWidget, UnfoldAdminTextInputWidget

from apps.branches.validation import WEEKDAYS as DAY_CODES
from apps.branches.validation import validate_opening_hours
from apps.catalog.admin.forms import TranslatedForm, translated_form, translation_field_names
from apps.catalog.models import Item
from apps.catalog.translation import localized
from apps.core.admin_mixins import ServiceDeleteMixin, ServiceFormAdmin

from ..models import MenuPeriod
from ..services.menu import menu_period_delete, menu_period_save
from .common import FoodOnlyAdmin

DAY_FIELDS = [f"hours_{code}" for code in DAY_CODES]
DAYS_SHORT = [pgettext_lazy("weekday", "Mon"), pgettext_lazy("weekday", "Tue"), pgettext_lazy("weekday", "Wed"),
              pgettext_lazy("weekday", "Thu"), pgettext_lazy("weekday", "Fri"), pgettext_lazy("weekday", "Sat"),
              pgettext_lazy("weekday", "Sun")]
_DASHES = re.compile(r"\s*[-–—~]\s*")


def ranges_from_text(text: str) -> list[str]:
    """"7:00 – 10:30, 17:00-21:00" -> ["07:00-10:30", "17:00-21:00"] (unchecked)."""
    text = _DASHES.sub("-", (text or "").strip())
    ranges = []
    for part in re.split(r"[,;\s]+", text):
        if part:
            ranges.append("-".join(piece.zfill(5) if re.fullmatch(r"\d:\d\d", piece) else piece
                                   for piece in part.split("-")))
    return ranges


def hours_text(hours: dict) -> str:
    """{"mon": [...], ...} in words: days with the same hours together ("Mon–Fri 07:00–10:30")."""
    groups: list[tuple[list[int], list[str]]] = []
    for index, code in enumerate(DAY_CODES):
        ranges = (hours or {}).get(code) or []
        if not ranges:
            continue
        if groups and groups[-1][1] == ranges and groups[-1][0][-1] == index - 1:
            groups[-1][0].append(index)
        else:
            groups.append(([index], ranges))
    parts = []
    for days, ranges in groups:
        label = str(DAYS_SHORT[days[0]]) if len(days) == 1 else f"{DAYS_SHORT[days[0]]}–{DAYS_SHORT[days[-1]]}"
        parts.append(f"{label} {', '.join(r.replace('-', '–') for r in ranges)}")
    return " · ".join(parts) or gettext("Whenever the branch is open")


class DishesField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return localized(obj, "name")


class _MenuPeriodForm(TranslatedForm):
    translated = ("name",)
    items = DishesField(label=_("dishes"), required=False, widget=UnfoldAdminCheckboxSelectMultipleWidget,
                        queryset=Item.objects.filter(kind=Item.Kind.MENU_ITEM).order_by("position", "id"))

    class Meta:
        model = MenuPeriod
        fields = ["name", "items", "is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            for code, name in zip(DAY_CODES, DAY_FIELDS, strict=True):
                self.fields[name].initial = ", ".join((self.instance.hours or {}).get(code) or [])

    def clean(self):
        data = super().clean()
        hours = {}
        for code, name in zip(DAY_CODES, DAY_FIELDS, strict=True):
            ranges = ranges_from_text(data.get(name) or "")
            for text in ranges:
                try:
                    validate_opening_hours({code: [text]})
                except ValidationError:
                    self.add_error(name, _("“%(range)s” is not a time range like 07:00-10:30.") % {"range": text})
            if ranges:
                hours[code] = ranges
        data["hours"] = hours
        return data


def _day_fields() -> dict:
    return {name: forms.CharField(label=WEEKDAYS[index], required=False, max_length=200,
                                  widget=UnfoldAdminTextInputWidget())
            for index, name in enumerate(DAY_FIELDS)}


MenuPeriodForm = type("MenuPeriodForm", (_MenuPeriodForm,), _day_fields())


class MenuPeriodAdmin(FoodOnlyAdmin, ServiceFormAdmin, ServiceDeleteMixin, ModelAdmin):
    empty_help = _("Menu hours limit some dishes to part of the day: breakfast, lunch specials. "
                   "A dish in no menu hours can be ordered whenever its branch is open.")
    list_display = ["name", "hours_column", "items_column", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["form"] = translated_form(MenuPeriodForm, ("name",))
        return super().get_form(request, obj, change, **kwargs)

    def get_fieldsets(self, request, obj=None):
        return [
            (None, {"fields": ["name", *translation_field_names(("name",)), "is_active"]}),
            (_("Hours"), {"fields": DAY_FIELDS, "description": _(
                "Times like 07:00-10:30; several separated by commas. Leave a day empty when these dishes are "
                "not served that day. With no hours at all, they are served whenever the branch is open.")}),
            (_("Dishes served only in these hours"), {"fields": ["items"]}),
        ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("items")

    @admin.display(description=_("hours"))
    def hours_column(self, period):
        return hours_text(period.hours)

    @admin.display(description=_("dishes"))
    def items_column(self, period):
        names = [localized(item, "name") for item in period.items.all()]
        return ", ".join(names[:4]) + (f" +{len(names) - 4}" if len(names) > 4 else "") if names else "—"

    def save_model(self, request, obj, form, change):
        data = {"name": form.cleaned_data["name"], "translations": form.cleaned_data.get("translations", {}),
                "hours": form.cleaned_data["hours"], "is_active": form.cleaned_data["is_active"]}
        items = [item.pk for item in form.cleaned_data.get("items") or []]
        period = MenuPeriod.objects.get(pk=obj.pk) if change else None
        saved = self.call_service(request, lambda: menu_period_save(period=period, actor=request.user, items=items,
                                                                    **data))
        if saved is not None:
            obj.pk = saved.pk

    def delete_with_service(self, request, obj) -> None:
        menu_period_delete(period=obj, actor=request.user)
