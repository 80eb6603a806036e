"""Reconciliations in the ops portal: the list (tenant, period, outcome, counts), one
reconciliation with its differences (a page at a time), and "Reconcile" (the add page:
a tenant and a period, reconciled by apps.settlement.services.reconciliation). Every HQ
role sees them; reconciling takes settlement.add_reconciliation (HQ_MASTER, HQ_ADMIN)."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin
from unfold.decorators import display
from unfold.widgets import INPUT_CLASSES, UnfoldAdminSelectWidget

from apps.core.admin_filters import SelectedRelatedFilter
from apps.core.admin_mixins import errors_onto
from apps.core.admin_navigation import admin_navigation
from apps.core.admin_sites import ops_admin
from apps.core.clock import platform_today
from apps.core.errors import PlatformError
from apps.tenants.models import Tenant

from ..models import Reconciliation, ReconciliationItem
from ..services.reconciliation import PERMISSION, reconcile
from ..services.runs import SETTLED_STATUSES
from .batches import badge, money, period_text, person

DIFFERENCES_PER_PAGE = 100
STATUS_VARIANTS = {Reconciliation.Status.MATCHED: "success", Reconciliation.Status.MISMATCHED: "danger"}


def _date_input():
    return forms.DateInput(attrs={"type": "date", "class": " ".join(INPUT_CLASSES)}, format="%Y-%m-%d")


class ReconcileForm(forms.Form):
    tenant = forms.ModelChoiceField(label=_("Tenant"), queryset=Tenant.objects.none(),
                                    widget=UnfoldAdminSelectWidget)
    period_start = forms.DateField(label=_("First day"), widget=_date_input())
    period_last = forms.DateField(label=_("Last day"), widget=_date_input(),
                                  help_text=_("Days in the tenant's time zone; the provider's file covers them "
                                              "from the first day's midnight to the midnight after the last."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tenant"].queryset = (Tenant.objects.filter(status__in=SETTLED_STATUSES)
                                          .exclude(business_type=Tenant.BusinessType.PLATFORM).order_by("name"))
        last_month_end = platform_today().replace(day=1) - dt.timedelta(days=1)
        self.fields["period_start"].initial = last_month_end.replace(day=1)
        self.fields["period_last"].initial = last_month_end

    def clean(self):
        cleaned = super().clean()
        start, last = cleaned.get("period_start"), cleaned.get("period_last")
        if start and last and last < start:
            self.add_error("period_last", _("The last day cannot be before the first."))
        return cleaned


@admin.register(Reconciliation, site=ops_admin)
class ReconciliationAdmin(ModelAdmin):
    empty_help = _("The payment provider's settlement file for a tenant's period, matched against our payments "
                   "and refunds. Use “Reconcile” to check a period.")
    list_display = ["tenant_column", "period", "status_column", "provider_rows", "our_rows", "matched", "mismatches",
                    "created_at", "created_by_column"]
    list_display_links = ["tenant_column", "period"]
    list_filter = ["status", "provider", ("tenant", SelectedRelatedFilter)]
    search_fields = ["tenant__slug", "tenant__name"]
    list_select_related = ["tenant", "created_by"]
    list_fullwidth = True
    change_form_template = "settlement/recon/change_form.html"
    fields = ["tenant_column", "provider", "period", "status_column", "provider_rows", "our_rows", "matched",
              "mismatches", "provider_total_column", "our_total_column", "created_at", "created_by_column"]
    readonly_fields = fields

    # Rows only the service writes: added through "Reconcile" (the add page), never edited.
    def has_add_permission(self, request):
        return request.user.has_perm(PERMISSION)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @display(description=_("tenant"), ordering="tenant__name")
    def tenant_column(self, obj):
        return format_html('{}<br><small class="text-base-500 dark:text-base-400">{}</small>', obj.tenant.name,
                           obj.tenant.slug)

    @display(description=_("period"), ordering="period_start")
    def period(self, obj):
        return period_text(obj)

    @display(description=_("status"), ordering="status")
    def status_column(self, obj):
        return badge(obj.get_status_display(), STATUS_VARIANTS.get(obj.status, ""))

    # Amounts are in the platform's commerce currency (the file's rows are checked to be in it).
    @display(description=_("provider's net of fees"))
    def provider_total_column(self, obj):
        return money(obj.provider_total, settings.COMMERCE_CURRENCY)

    @display(description=_("our net of fees"))
    def our_total_column(self, obj):
        return money(obj.our_total, settings.COMMERCE_CURRENCY)

    @display(description=_("by"))
    def created_by_column(self, obj):
        return person(obj.created_by)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra = dict(extra_context or {})
        obj = self.get_object(request, unquote(object_id))
        if obj is not None and self.has_view_permission(request, obj):
            items = ReconciliationItem.objects.filter(reconciliation=obj).order_by("problem", "kind", "reference")
            page = Paginator(items, DIFFERENCES_PER_PAGE).get_page(request.GET.get("page"))
            currency = settings.COMMERCE_CURRENCY
            extra.update(differences=page, difference_rows=[{
                "problem": item.problem, "problem_label": item.get_problem_display(),
                "kind_label": item.get_kind_display(), "reference": item.reference,
                "our_amount": money(item.our_amount, currency),
                "provider_amount": money(item.provider_amount, currency),
                "our_fee": money(item.our_fee, currency), "provider_fee": money(item.provider_fee, currency),
            } for item in page])
        return super().change_view(request, object_id, form_url, extra)

    def add_view(self, request, form_url="", extra_context=None):
        """"Reconcile": the service, not a model form (it fetches the provider's file)."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = ReconcileForm(request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                done = reconcile(tenant=data["tenant"], period_start=data["period_start"],
                                 period_end=data["period_last"] + dt.timedelta(days=1), actor=request.user)
            except PlatformError as error:
                errors_onto(form, error, rename={"period_end": "period_last"})
            else:
                if done.mismatches:
                    messages.warning(request, ngettext("%(count)s difference found.", "%(count)s differences found.",
                                                       done.mismatches) % {"count": done.mismatches})
                else:
                    messages.success(request, gettext("The provider's file matches our payments and refunds."))
                return redirect(reverse("ops_admin:settlement_reconciliation_change", args=[done.pk]))
        context = {**self.admin_site.each_context(request), "title": _("Reconcile a provider settlement file"),
                   "form": form, "opts": self.opts,
                   "changelist_url": reverse("ops_admin:settlement_reconciliation_changelist")}
        return TemplateResponse(request, "settlement/recon/reconcile.html", context)


admin_navigation(ops_admin, "settlement", model=Reconciliation, icon="fact_check", order=50)
