"""The events billing publishes into the workspace's outbox (apps.events.catalogue):
the business's own invoices from the platform."""

from django.utils.translation import gettext_lazy as _

from apps.core.money import Money
from apps.events.catalogue import MONEY, STRING, EventType, event_type_register, obj

INVOICE_ISSUED = event_type_register(EventType(
    name="invoice.issued", label=_("Invoice issued"), group="billing", audience=("owner",),
    description=_("The platform issued an invoice for the workspace's subscription."),
    schema=obj({"invoice": obj({"number": STRING, "status": STRING, "total": MONEY, "issue_date": STRING,
                                "due_date": STRING, "period_start": STRING, "period_end": STRING})}),
    example={"invoice": {"number": "INV-2026-000123", "status": "open", "total": {"amount": 108900, "currency": "KRW"},
                         "issue_date": "2026-12-01", "due_date": "2026-12-15", "period_start": "2026-12-01",
                         "period_end": "2026-12-31"}}))


def invoice_issued_data(invoice) -> dict:
    return {"invoice": {
        "number": invoice.number, "status": invoice.status,
        "total": {"amount": Money.from_major(invoice.total, invoice.currency).amount, "currency": invoice.currency},
        "issue_date": invoice.issue_date.isoformat(), "due_date": invoice.due_date.isoformat(),
        "period_start": invoice.period_start.isoformat(), "period_end": invoice.period_end.isoformat()}}
