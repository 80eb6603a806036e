"""What the billing admin pages share: service refusals as messages, wide number boxes,
money columns, the workspace owner's own pages."""

from django import forms
from django.contrib import admin, messages
from django.db import models

from apps.core.errors import PlatformError
from apps.core.money import format_money


class ServiceErrors:
    """Show a service's refusal as a message instead of a stack trace."""

    def _run(self, request, fn, **kwargs):
        try:
            return fn(**kwargs)
        except PlatformError as exc:
            self.message_user(request, exc.message, messages.ERROR)
            return None


# Django's integer boxes are 5em wide: 1000000 shows as "100000" and an operator misreads
# a limit by 10x. Numbers get room for their values (up to 2,147,483,647).
WIDE_NUMBER = {"widget": forms.NumberInput(attrs={"class": "vBigIntegerField", "style": "width: 16ch"})}
WIDE_NUMBERS = {models.IntegerField: WIDE_NUMBER, models.DecimalField: WIDE_NUMBER}


def money_column(field: str, label, currency=lambda obj: obj.currency):
    """An admin column / read-only field showing `field` as money ("₩22,000")."""

    @admin.display(description=label, ordering=field)
    def column(self, obj):
        return format_money(getattr(obj, field), currency(obj))

    return column


class OwnerOnly:
    """Tenant admin pages only the workspace owner sees (they concern the bill)."""

    def _is_owner(self, request) -> bool:
        tenant = getattr(request, "tenant", None)
        return tenant is not None and request.user.is_active and tenant.owner_id == request.user.pk

    def has_module_permission(self, request):
        return self._is_owner(request)

    def has_view_permission(self, request, obj=None):
        return self._is_owner(request)
