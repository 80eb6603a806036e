"""Billing in the workspace admin, for the workspace owner (OwnerOnly: nobody else sees
these pages or their sidebar items; they answer 403):

- Plan and usage (/admin/billing/subscription/): the plan, usage against its limits,
  switching plans with what the switch bills shown before confirming;
- Invoices (/admin/billing/invoice/): the list, each invoice (the links in billing
  e-mails lead there) with its pay link, a printable page and a PDF;
- Add-ons (/admin/billing/addonrequest/): the catalogue with prices, requesting one,
  the requests and HQ's decisions.
The pages themselves: apps.billing.owner.views."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin
from unfold.decorators import display

from apps.core.admin_mixins import ReadOnlyAdminMixin
from apps.core.admin_navigation import admin_navigation
from apps.core.admin_sites import tenant_admin
from apps.core.money import format_money

from ..addons import addon_request_create
from ..models import AddOn, AddOnRequest, Invoice, Subscription
from ..owner import views
from ..owner.summary import addon_catalogue
from ..selectors import subscription_for
from .common import OwnerOnly


def _name(model_admin, suffix: str) -> str:
    return f"{model_admin.opts.app_label}_{model_admin.opts.model_name}_{suffix}"


class TenantSubscriptionAdmin(OwnerOnly, ReadOnlyAdminMixin, ModelAdmin):
    """The plan page and the plan change; no list or form of subscriptions."""

    def get_urls(self):
        site = self.admin_site
        return [
            path("", site.admin_view(self.plan_view), name=_name(self, "changelist")),
            path("change-plan/", site.admin_view(self.change_plan_view), name=_name(self, "change_plan")),
            path("add/", site.admin_view(self.add_view), name=_name(self, "add")),  # refused: read-only here
        ]

    def _check(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied

    def plan_view(self, request):
        self._check(request)
        return views.plan_page(self, request)

    def change_plan_view(self, request):
        self._check(request)
        return views.change_plan_page(self, request)


class TenantInvoiceAdmin(OwnerOnly, ReadOnlyAdminMixin, ModelAdmin):
    """The owner's invoices: list, detail (the e-mails' links), printable page, PDF."""
    empty_help = _("Your platform invoices appear here each billing period, ready to pay or print.")

    def get_queryset(self, request):
        return super().get_queryset(request).filter(tenant=request.tenant).select_related("tenant")

    def get_urls(self):
        site = self.admin_site
        return [
            path("", site.admin_view(self.list_view), name=_name(self, "changelist")),
            path("<int:object_id>/change/", site.admin_view(self.detail_view), name=_name(self, "change")),
            path("<int:object_id>/print/", site.admin_view(self.print_view), name=_name(self, "print")),
            path("<int:object_id>/pdf/", site.admin_view(self.pdf_view), name=_name(self, "pdf")),
            path("add/", site.admin_view(self.add_view), name=_name(self, "add")),  # refused: read-only here
        ]

    def _check(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied

    def _invoice(self, request, object_id) -> Invoice | None:
        self._check(request)
        return self.get_queryset(request).prefetch_related("lines", "payments").filter(pk=object_id).first()

    def list_view(self, request):
        self._check(request)
        return views.invoice_list_page(self, request)

    def detail_view(self, request, object_id):
        invoice = self._invoice(request, object_id)
        if invoice is None:  # another workspace's, or none: as Django's admin answers a missing object
            return self._get_obj_does_not_exist_redirect(request, self.opts, str(object_id))
        return views.invoice_detail_page(self, request, invoice)

    def print_view(self, request, object_id):
        invoice = self._invoice(request, object_id)
        if invoice is None:
            raise Http404
        return views.invoice_print_page(self, request, invoice)

    def pdf_view(self, request, object_id):
        invoice = self._invoice(request, object_id)
        if invoice is None:
            raise Http404
        return views.invoice_pdf(self, request, invoice)


class TenantAddOnRequestForm(forms.ModelForm):
    class Meta:
        model = AddOnRequest
        fields = ["addon", "quantity", "note"]

    def clean(self):
        cleaned = super().clean()
        addon = cleaned.get("addon")
        if addon and AddOnRequest.objects.filter(tenant=self.tenant, addon=addon,
                                                 status=AddOnRequest.Status.PENDING).exists():
            self.add_error("addon", _("You already have a pending request for this add-on."))
        return cleaned


class TenantAddOnRequestAdmin(OwnerOnly, ReadOnlyAdminMixin, ModelAdmin):
    """The add-on catalogue above the workspace's requests; only the owner requests
    add-ons (they change the bill), HQ decides in the ops portal."""
    empty_help = _("Add-ons raise your plan's limits. Your requests appear here until HQ answers them.")

    form = TenantAddOnRequestForm
    list_display = ["addon_name", "quantity", "price", "status_label", "requested_at", "decided_at", "decision_note"]
    fields = ["addon", "quantity", "note"]
    list_select_related = ["addon"]
    change_list_template = "billing/owner/addon_requests.html"
    list_before_template = "billing/owner/_addon_catalogue.html"

    def get_queryset(self, request):
        return super().get_queryset(request).filter(tenant=request.tenant)

    @display(description=_("add-on"), ordering="addon__name")
    def addon_name(self, obj):
        return obj.addon.display_name

    @display(description=_("price per period"))
    def price(self, obj):
        return format_money(obj.addon.price * obj.quantity, obj.addon.currency)

    @display(description=_("status"), ordering="status",
             label={AddOnRequest.Status.PENDING: "info", AddOnRequest.Status.APPROVED: "success",
                    AddOnRequest.Status.REJECTED: "danger"})
    def status_label(self, obj):
        return obj.status, obj.get_status_display()

    def changelist_view(self, request, extra_context=None):
        catalogue = []
        if self.has_view_permission(request):
            catalogue = addon_catalogue(tenant=request.tenant, subscription=subscription_for(tenant=request.tenant))
        return super().changelist_view(request, {"addon_catalogue": catalogue, "title": gettext("Add-ons"),
                                                 "add_url": reverse("tenant_admin:billing_addonrequest_add"),
                                                 **(extra_context or {})})

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "addon":
            kwargs["queryset"] = AddOn.objects.filter(is_active=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_changeform_initial_data(self, request):
        return {"quantity": 1, **super().get_changeform_initial_data(request)}

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.tenant = request.tenant
        return form

    def has_add_permission(self, request):
        return self._is_owner(request)

    def save_model(self, request, obj, form, change):
        created = addon_request_create(tenant=request.tenant, addon=obj.addon, quantity=obj.quantity,
                                       note=obj.note, user=request.user)
        obj.pk, obj.tenant = created.pk, created.tenant

    def response_add(self, request, obj, post_url_continue=None):
        messages.success(request, gettext("We received your request for %(addon)s. HQ reviews it and it is added "
                                          "to your plan once approved.") % {"addon": obj.addon.display_name})
        return HttpResponseRedirect(reverse("tenant_admin:billing_addonrequest_changelist"))


tenant_admin.register(Subscription, TenantSubscriptionAdmin)
tenant_admin.register(Invoice, TenantInvoiceAdmin)
tenant_admin.register(AddOnRequest, TenantAddOnRequestAdmin)

admin_navigation(tenant_admin, "billing", model=Subscription, title=_("Plan and usage"), icon="workspace_premium",
                 order=5)
admin_navigation(tenant_admin, "billing", model=Invoice, icon="receipt_long", order=10)
admin_navigation(tenant_admin, "billing", model=AddOnRequest, title=_("Add-ons"), icon="extension", order=20)
