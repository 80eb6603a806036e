"""Settlement reads: batches (a tenant's, or every tenant's for HQ), a batch's lines,
runs with their items, tax invoices. Lists keep a fixed number of queries."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import RunItem, SettlementBatch, SettlementLine, SettlementRun, TaxInvoice


def batch_list(*, tenant=None, status: str | None = None, period_from=None, period_to=None) -> QuerySet:
    """Batches newest period first (a tenant's, or all), filtered by status and by
    period (batches starting within [period_from, period_to])."""
    batches = SettlementBatch.objects.select_related("tenant", "tax_invoice").order_by("-period_start", "tenant_id")
    if tenant is not None:
        batches = batches.filter(tenant=tenant)
    if status:
        batches = batches.filter(status=status)
    if period_from is not None:
        batches = batches.filter(period_start__gte=period_from)
    if period_to is not None:
        batches = batches.filter(period_start__lte=period_to)
    return batches


def batch_get(*, pk: int, tenant=None) -> SettlementBatch | None:
    return batch_list(tenant=tenant).filter(pk=pk).first()


def batch_lines(*, batch: SettlementBatch) -> QuerySet:
    """The batch's lines in the order they were settled (the order the VAT was spread in)."""
    return SettlementLine.objects.filter(batch=batch).order_by("occurred_at", "kind", "source_id")


def run_list() -> QuerySet:
    return SettlementRun.objects.select_related("started_by").order_by("-started_at", "-id")


def run_items(*, run: SettlementRun, status: str | None = None) -> QuerySet:
    items = RunItem.objects.filter(run=run).select_related("tenant").order_by("id")
    return items.filter(status=status) if status else items


def tax_invoice_list(*, tenant=None) -> QuerySet:
    invoices = TaxInvoice.objects.select_related("tenant", "batch").order_by("-issue_date", "-number")
    return invoices if tenant is None else invoices.filter(tenant=tenant)
