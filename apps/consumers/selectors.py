from __future__ import annotations

from django.db.models import Q, QuerySet
from django.db.models.functions import Lower

from apps.accounts.selectors import customer_memberships_here
from apps.crm.models import Customer
from apps.crm.selectors import customer_of_user, customers_guarded_by_email, customers_live

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


def consumer_family(*, customer, user) -> QuerySet[Customer]:
    """The consumer's own customer record and, once their e-mail is verified, the
    customers (children) whose guardian contact has that e-mail: whose orders they may
    see and pay, whose enrolments, passes and tuition they manage. The e-mail is the
    only link between a guardian's account and a child."""
    from .services import email_verified

    if customer is None:
        return Customer.objects.none()
    condition = Q(pk=customer.pk)
    if getattr(user, "email", "") and email_verified(user=user):
        condition |= Q(pk__in=customers_guarded_by_email(email=user.email).values("pk"))
    return customers_live().filter(condition)


def consumers_by_verified_email(*, emails) -> dict[str, object]:
    """{lower-case e-mail: user} of the active accounts that verified one of `emails` as
    their address and are customers here (a guardian contact's e-mail leads to the
    guardian's own account: their language, their channel choices, their in-app inbox).
    One query."""
    from allauth.account.models import EmailAddress

    from apps.accounts.models import User

    wanted = {email.lower() for email in emails if email}
    if not wanted:
        return {}
    verified = (EmailAddress.objects.annotate(address=Lower("email")).filter(verified=True, address__in=wanted)
                .values("user_id"))
    users = (User.objects.filter(pk__in=verified, is_active=True, email__in=wanted)
             .filter(pk__in=customer_memberships_here().values("user_id")))
    return {user.email.lower(): user for user in users}
