"""The owner's billing pages in the tenant admin. Each view gets the ModelAdmin that routes
to it (apps.billing.admin.owner: the site's context, this tenant's rows, who may see
them); every change goes through a billing service."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.core.clock import platform_today
from apps.core.dashboard import meters
from apps.core.errors import PlatformError
from apps.core.money import format_money

from ..dashboard import measured
from ..models import Invoice, Subscription
from ..paylinks import pay_url
from ..selectors import subscription_for
from ..subscriptions import subscription_owner_change_plan
from ..usage import usage_history
from . import documents, summary

PLAN_PAGE = "tenant_admin:billing_subscription_changelist"


def _context(model_admin, request, title, **extra) -> dict:
    # no `opts`: the header reads the page's title, not "Plans and billing > Subscriptions"
    return {**model_admin.admin_site.each_context(request), "title": title, "content_title": title, **extra}


def _open_invoice(tenant) -> Invoice | None:
    return Invoice.objects.filter(tenant=tenant, status=Invoice.Status.OPEN).order_by("due_date", "number").first()


def plan_page(model_admin, request):
    """The plan (price, status, trial, renewal, limits), usage against the limits and per day
    (this month so far, the last 30 days), an open invoice to pay, and the plans the owner
    may switch to with what the switch bills."""
    tenant = request.tenant
    subscription = subscription_for(tenant=tenant)
    today = platform_today()
    context = _context(model_admin, request, _("Plan and usage"), subscription=subscription)
    if subscription is not None:
        open_invoice = _open_invoice(tenant)
        context.update({
            "plan": summary.plan_summary(subscription, today=today),
            # the meters the apps register for the dashboard (staff, branches, API calls), against the limits
            "meters": [measured(meter, subscription.limits_resolved)
                       for meter in meters(model_admin.admin_site, request)],
            "choices": summary.plan_choices(subscription, today=today),
            "usage": usage_history(tenant=tenant),  # this month so far and the last 30 days, by day
            "open_invoice": open_invoice,
            "open_invoice_total": format_money(open_invoice.total, open_invoice.currency) if open_invoice else "",
            "open_invoice_pay_url": pay_url(open_invoice) if open_invoice else "",
        })
    return TemplateResponse(request, "billing/owner/plan.html", context)


def change_plan_page(model_admin, request):
    """Confirm a switch to `plan` (a code): what it bills now, then the service."""
    subscription = Subscription.objects.select_related("plan").filter(tenant=request.tenant).first()
    if subscription is None:
        raise Http404
    code = request.POST.get("plan") or request.GET.get("plan") or ""
    plan = summary.switchable_plans(subscription).filter(code=code).first()
    if plan is None:
        messages.error(request, _("This plan cannot be chosen here. Ask us about other plans."))
        return redirect(PLAN_PAGE)
    if request.method == "POST":
        try:
            invoice = subscription_owner_change_plan(tenant=request.tenant, plan_code=plan.code, actor=request.user)
        except PlatformError as exc:
            messages.error(request, exc.message)
            return redirect(f"{reverse('tenant_admin:billing_subscription_change_plan')}?plan={plan.code}")
        messages.success(request, _("Your workspace is now on the %(plan)s plan.") % {
            "plan": plan.display_name})
        if invoice is None:
            return redirect(PLAN_PAGE)
        invoice.refresh_from_db()
        messages.info(request, _("Invoice %(number)s was issued for the change: %(amount)s.") % {
            "number": invoice.number, "amount": format_money(invoice.total, invoice.currency)})
        return redirect("tenant_admin:billing_invoice_change", invoice.pk)
    today = platform_today()
    current_price = summary.price_on(subscription.plan, today)
    current = summary.plan_card(subscription.plan, today=today)
    new = summary.plan_card(plan, today=today, current_price=current_price)
    compare = [{"label": now["label"], "current": now["value"], "new": then["value"]}
               for now, then in zip(current["limits"], new["limits"], strict=True)]
    context = _context(model_admin, request, _("Change plan"), subscription=subscription, current=current, new=new,
                       compare=compare, quote=summary.change_quote(subscription, plan, today=today),
                       has_payment_method=bool(subscription.payment_method))
    return TemplateResponse(request, "billing/owner/change_plan.html", context)


STATUS_TABS = (("", gettext_lazy("All")), (Invoice.Status.OPEN, gettext_lazy("Unpaid")),
               (Invoice.Status.PAID, gettext_lazy("Paid")))


def invoice_list_page(model_admin, request):
    """This workspace's invoices, newest first; `?status__exact=open`: the unpaid ones
    (the dashboard's link). No invoice yet: what the page is for and when the first comes."""
    invoices = model_admin.get_queryset(request).order_by("-issue_date", "-number")
    today = platform_today()
    context = _context(model_admin, request, _("Invoices"), any_invoice=invoices.exists())
    if not context["any_invoice"]:
        subscription = subscription_for(tenant=request.tenant)
        context["plan"] = summary.plan_summary(subscription, today=today) if subscription else None
        return TemplateResponse(request, "billing/owner/invoice_list.html", context)
    status = request.GET.get("status__exact", "")
    if status in Invoice.Status.values:
        invoices = invoices.filter(status=status)
    else:
        status = ""
    page = Paginator(invoices, 20).get_page(request.GET.get("page"))
    context.update(page=page, rows=summary.invoice_rows(page.object_list, today=today), status=status,
                   tabs=[{"status": key, "label": label, "active": key == status} for key, label in STATUS_TABS])
    return TemplateResponse(request, "billing/owner/invoice_list.html", context)


def invoice_detail_page(model_admin, request, invoice: Invoice):
    context = _context(model_admin, request, _("Invoice %(number)s") % {"number": invoice.number},
                       **summary.invoice_document(invoice), payments=summary.payment_rows(invoice),
                       pay_url=pay_url(invoice) if invoice.status == Invoice.Status.OPEN else "")
    return TemplateResponse(request, "billing/owner/invoice_detail.html", context)


def invoice_print_page(model_admin, request, invoice: Invoice):
    return TemplateResponse(request, documents.PRINT_TEMPLATE, documents.print_context(invoice, request))


def invoice_pdf(model_admin, request, invoice: Invoice) -> HttpResponse:
    response = HttpResponse(documents.invoice_pdf(invoice, request), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{invoice.number}.pdf"'
    return response
