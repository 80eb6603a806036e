"""A tenant's settlement terms in the ops portal: its contract's cycle (empty: its plan's)
and a hold while a dispute is open. Saving goes through services.lifecycle.terms_update
(holding the tenant holds its open batches, releasing it releases them; audited), never
the model's save; what the service would refuse shows on the form."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import admin
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin
from unfold.decorators import display

from apps.core.admin_mixins import ServiceFormAdmin
from apps.core.admin_navigation import admin_navigation
from apps.core.admin_sites import ops_admin
from apps.core.errors import ReasonRequired
from apps.tenants.models import Tenant

from ..models import Cycle, SettlementAccount
from ..services.batches import cycle_for
from ..services.lifecycle import terms_update
from .ops import badge


class TermsForm(forms.ModelForm):
    class Meta:
        model = SettlementAccount
        fields = ["tenant", "cycle", "on_hold", "hold_reason"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "tenant" in self.fields:  # customers only: the platform's own tenant is never settled
            self.fields["tenant"].queryset = Tenant.objects.exclude(schema_name=settings.PUBLIC_SCHEMA_NAME)
        self.fields["cycle"].choices = [("", gettext("The plan's cycle")), *Cycle.choices]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("on_hold") and not (cleaned.get("hold_reason") or "").strip():
            self.add_error("hold_reason", ReasonRequired.message)  # what terms_update refuses, said on the form
        return cleaned


@admin.register(SettlementAccount, site=ops_admin)
class SettlementAccountAdmin(ServiceFormAdmin, ModelAdmin):
    form = TermsForm
    empty_help = _("Tenants whose settlement differs from their plan's: a contract's own cycle, or a hold while a "
                   "dispute is open.")
    list_display = ["tenant", "cycle_column", "hold_column", "hold_reason", "updated_at"]
    list_filter = ["on_hold", "cycle"]
    list_select_related = ["tenant"]
    search_fields = ["tenant__slug", "tenant__name"]
    search_help_text = _("A tenant's name or address (slug).")
    autocomplete_fields = ["tenant"]
    fields = ["tenant", "cycle", "on_hold", "hold_reason"]

    def get_fields(self, request, obj=None):
        return [*self.fields, "effective_cycle"] if obj is not None else self.fields

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        readonly = ["tenant", "effective_cycle"]
        if not self.has_change_permission(request, obj):
            readonly += ["cycle", "on_hold", "hold_reason"]
        return readonly

    @display(description=_("settlement cycle"), ordering="cycle")
    def cycle_column(self, account):
        return account.get_cycle_display() if account.cycle else gettext("The plan's cycle")

    @display(description=_("on hold"), ordering="on_hold")
    def hold_column(self, account):
        return badge(gettext("On hold"), "danger") if account.on_hold else "—"

    @display(description=_("cycle in use"))
    def effective_cycle(self, account):
        return Cycle(cycle_for(account.tenant)).label

    def has_delete_permission(self, request, obj=None):
        return False  # empty terms mean the plan's: change them instead

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        tenant = obj.tenant
        account = self.call_service(request, lambda: terms_update(
            tenant=tenant, actor=request.user, cycle=data.get("cycle", ""), on_hold=data.get("on_hold", False),
            hold_reason=data.get("hold_reason", "")))
        if account is not None:
            obj.pk = account.pk


admin_navigation(ops_admin, "settlement", model=SettlementAccount, icon="handshake", order=40)
