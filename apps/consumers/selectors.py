from __future__ import annotations

from django.db.models import QuerySet

from apps.accounts.selectors import customer_memberships_here
from apps.crm.models import Customer
from apps.crm.selectors import customer_of_user

from .models import Consent


def consumer_customer(*, user) -> Customer | None:
    """The CRM customer of `user` in the workspace whose schema is in use, while their
    customer membership here is active; else None. One query (the membership is a
    subquery on the public table)."""
    if not getattr(user, "pk", None):
        return None
    members = customer_memberships_here().values("user_id")
    return customer_of_user(user=user).filter(user_id__in=members).first()


def consent_list(*, customer: Customer) -> QuerySet[Consent]:
    return Consent.objects.filter(customer=customer)
