"""The merchant payment provider's webhooks (source "merchant_payments", PortOne V2's
event names), verified and stored by apps.inbound on the public host. The handler runs
on a worker in the public schema and records the outcome in the merchant's schema (the
workspace named by `merchant`)."""

from django.utils.translation import gettext_lazy as _
from django_tenants.utils import get_tenant_model, tenant_context

from apps.inbound.registry import inbound_handler, inbound_source

from .errors import UnknownPayment
from .providers import WEBHOOK_SOURCE
from .services import payment_failed, payment_succeeded

inbound_source(WEBHOOK_SOURCE, label=_("Order payment provider"))


def _merchant(data: dict):
    tenant = get_tenant_model().objects.filter(slug=str(data.get("merchant", ""))).first()
    if tenant is None or tenant.is_public:
        raise UnknownPayment(UnknownPayment.message % {"reference": data.get("payment_id", "")},
                             details={"merchant": data.get("merchant", "")})
    return tenant


@inbound_handler(WEBHOOK_SOURCE, "Transaction.Paid", label=_("Order payment paid"))
def handle_paid(event) -> None:
    data = event.data
    with tenant_context(_merchant(data)):
        payment_succeeded(reference=str(data["payment_id"]), amount=int(data["amount"]),
                          currency=str(data.get("currency", "")), method=str(data.get("method", "")))


@inbound_handler(WEBHOOK_SOURCE, "Transaction.Failed", label=_("Order payment failed"))
def handle_failed(event) -> None:
    data = event.data
    with tenant_context(_merchant(data)):
        payment_failed(reference=str(data["payment_id"]), reason=str(data.get("failure_reason", "")))
