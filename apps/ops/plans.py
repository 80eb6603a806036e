"""The tenant detail page's "Change plan" action (in the registry of apps/ops/actions.py): a
confirmation page like the lifecycle actions, the change itself by the billing service
(proration, audit, limits)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from apps.billing.catalog import price_in_force
from apps.billing.models import Plan, Subscription
from apps.billing.proration import plan_change_quote
from apps.billing.subscriptions import tenant_change_plan
from apps.core.clock import platform_today
from apps.core.errors import PlatformError
from apps.core.money import format_money
from apps.tenants.models import Tenant

PLAN_ACTION = "change-plan"
PLAN_PERMISSION = "billing.change_subscription"
# Live tenants change their subscription; tenants still waiting change the plan they asked for.
PLAN_STATUSES = (Tenant.Status.ACTIVE, Tenant.Status.SUSPENDED, Tenant.Status.REQUESTED, Tenant.Status.APPROVED,
                 Tenant.Status.FAILED)


def _plan_label(plan: Plan, subscription: Subscription | None, today) -> str:
    try:
        price = price_in_force(plan=plan, on=today)
    except PlatformError:
        return _("%(plan)s (%(code)s): no price") % {"plan": plan.display_name, "code": plan.code}
    label = _("%(plan)s (%(code)s): %(price)s per %(period)s") % {
        "plan": plan.display_name, "code": plan.code, "price": format_money(price.amount, price.currency),
        "period": _("year") if plan.billing_period == Plan.Period.YEARLY else _("month")}
    if subscription is None:
        return label
    try:
        quote = plan_change_quote(subscription=subscription, plan=plan, today=today)
    except PlatformError as exc:
        return f"{label} · {exc.message}"
    if quote["due_now"]:
        return _("%(label)s · invoiced now: %(amount)s") % {
            "label": label, "amount": format_money(quote["due_now"], quote["currency"])}
    if quote["credit"]:
        return _("%(label)s · credit for the next invoice: %(amount)s") % {
            "label": label, "amount": format_money(quote["credit"], quote["currency"])}
    return label


class ChangePlanForm(forms.Form):
    plan = forms.ModelChoiceField(label=_("New plan"), queryset=Plan.objects.none())
    reason = forms.CharField(label=_("Note (optional)"), widget=forms.Textarea(attrs={"rows": 3}),
                             max_length=2000, required=False)

    def __init__(self, *args, tenant: Tenant, subscription: Subscription | None, **kwargs):
        super().__init__(*args, **kwargs)
        current = subscription.plan_id if subscription else tenant.plan_id
        field = self.fields["plan"]
        field.queryset = Plan.objects.filter(is_active=True).exclude(pk=current)
        today = platform_today()
        field.label_from_instance = lambda plan: _plan_label(plan, subscription, today)


def change_plan_view(model_admin, request, tenant: Tenant, action):
    if not action.available_to(request.user, tenant):
        raise PermissionDenied
    subscription = Subscription.objects.select_related("plan").filter(tenant=tenant).first()
    change_url = reverse("ops_admin:tenants_tenant_change", args=[tenant.pk])
    form = ChangePlanForm(request.POST if request.method == "POST" else None, tenant=tenant,
                          subscription=subscription)
    if request.method == "POST" and form.is_valid():
        plan = form.cleaned_data["plan"]
        try:
            invoice = tenant_change_plan(tenant=tenant, plan=plan, actor=request.user,
                                         reason=form.cleaned_data["reason"])
        except PlatformError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("%(name)s is now on the %(plan)s plan.") % {"name": tenant.name,
                                                                                     "plan": plan.display_name})
            if invoice is not None:
                messages.info(request, _("Invoice %(number)s issued: %(amount)s.") % {
                    "number": invoice.number, "amount": format_money(invoice.total, invoice.currency)})
            return redirect(change_url)
    context = {**model_admin.admin_site.each_context(request), "title": action.title, "tenant": tenant,
               "form": form, "action": action, "change_url": change_url, "opts": Tenant._meta,
               "subscription": subscription,
               "current_plan": subscription.plan if subscription else tenant.plan}
    return render(request, "ops/tenant_action.html", context)
