"""Menu hours (breakfast, lunch): which items are served when."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from apps.catalog.models import Item
from apps.core.changes import diff, snapshot
from apps.core.errors import InvalidData

from ..models import MenuPeriod
from .common import _audit

FIELDS = ["name", "translations", "hours", "is_active"]


def _state(period: MenuPeriod) -> dict:
    return {**snapshot(period, FIELDS), "items": sorted(period.items.values_list("pk", flat=True))}


def menu_period_save(*, period: MenuPeriod | None = None, actor, items: list[int] | None = None,
                     **data) -> MenuPeriod:
    """Create or change menu hours; `items` (ids of menu items) replaces its items when given."""
    period = period or MenuPeriod()
    with transaction.atomic():
        before = _state(period) if period.pk else {}
        for name in FIELDS:
            if name in data:
                setattr(period, name, data[name])
        try:
            period.full_clean()
        except ValidationError as exc:
            raise InvalidData(details=exc.message_dict) from None
        period.save()
        if items is not None:
            found = set(Item.objects.filter(pk__in=items, kind=Item.Kind.MENU_ITEM).values_list("pk", flat=True))
            unknown = sorted(set(items) - found)
            if unknown:
                raise InvalidData(details={"items": [_("Not a menu item: %(ids)s.") % {
                    "ids": ", ".join(str(pk) for pk in unknown)}]})
            period.items.set(sorted(found))
        changes = diff(before, _state(period))
        if changes:
            _audit("food.menu_hours_saved", actor=actor, target=period, changes=changes)
    return period


def menu_period_delete(*, period: MenuPeriod, actor) -> None:
    with transaction.atomic():
        _audit("food.menu_hours_deleted", actor=actor, target=period, changes=diff(_state(period), {}))
        period.delete()
