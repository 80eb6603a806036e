"""The pay link in billing e-mails: a signed link to the invoice's pay page on the
public host, so it works while the workspace itself is suspended. Building it writes
nothing; the page starts a checkout with the provider only when the owner asks to pay.
The same invoice always gets the same link (no timestamp in the signature: the link does
not expire, the invoice's state decides what the page offers); links signed with a
timestamp by earlier releases still open."""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.urls import reverse

from apps.core.urls import absolute_url

from .models import Invoice

_SALT = "billing.pay-link.v2"  # without timestamp
_TIMESTAMPED_SALT = "billing.pay-link"  # links of earlier releases


def pay_url(invoice: Invoice) -> str:
    token = signing.Signer(salt=_SALT).sign_object(invoice.pk)
    path = reverse("billing-pay", args=[token], urlconf=settings.PUBLIC_SCHEMA_URLCONF)
    return absolute_url(path, host=settings.BASE_DOMAIN)


def invoice_for_pay_token(token: str) -> Invoice | None:
    """The invoice a pay link is for; None when the link was not made by us."""
    try:
        invoice_id = signing.Signer(salt=_SALT).unsign_object(token)
    except signing.BadSignature:
        try:
            invoice_id = signing.loads(token, salt=_TIMESTAMPED_SALT)  # a link from an earlier release
        except signing.BadSignature:
            return None
    if not isinstance(invoice_id, int):
        return None
    return Invoice.objects.select_related("tenant").filter(pk=invoice_id).first()
