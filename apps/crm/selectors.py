from __future__ import annotations

import csv
from collections.abc import Iterator

from django.db.models import Prefetch, QuerySet

from apps.core.csvsafe import csv_safe

from .models import Customer, GuardianContact

EXPORT_COLUMNS = ["id", "name", "phone", "email", "birth_date", "branch", "tags", "marketing_consent",
                  "marketing_consent_at", "notes", "guardians", "created_at"]


def customers_live() -> QuerySet[Customer]:
    """Every customer not soft-deleted, nothing joined or prefetched: the base queryset
    other apps compose (filter by id, branch, their own relations) instead of reading the
    table themselves. Unscoped: the caller applies its own access rules."""
    return Customer.objects.filter(deleted_at__isnull=True)


def guardians_prefetch() -> Prefetch:
    """A `prefetch_related` argument for a Customer queryset: each customer's guardian
    contacts, oldest first (by id), as `customer.guardians.all()`."""
    return Prefetch("guardians", queryset=GuardianContact.objects.order_by("id"))


def guardians_of(*, customer_ids) -> QuerySet[GuardianContact]:
    """The guardian contacts of these customers (an iterable of ids or a `values("pk")`
    queryset), oldest first (by id): the people who receive, by e-mail and text, what
    concerns the customer. Every contact counts (each has a phone, the e-mail may be
    blank); the customer is not joined: callers map `customer_id` to the customers they
    already hold."""
    return GuardianContact.objects.filter(customer_id__in=customer_ids).order_by("id")


def customers_guarded_by_email(*, email: str) -> QuerySet[Customer]:
    """Live customers (children) with a guardian contact whose e-mail is `email`, compared
    case-insensitively, with their branch loaded; none for a blank e-mail. The e-mail is
    the only link between a guardian's platform account and a child: the caller makes sure
    the account's address is verified before trusting it."""
    if not email:
        return Customer.objects.none()
    return (customers_live().filter(pk__in=GuardianContact.objects.filter(email__iexact=email).values("customer_id"))
            .select_related("branch"))


def customer_list(*, access, perm: str = "crm.view_customer") -> QuerySet[Customer]:
    """Live customers the caller reaches with `perm` (tenant, branch or own scope)."""
    queryset = customers_live().select_related("branch").prefetch_related("tags", guardians_prefetch())
    return access.scope_filter(queryset, perm)


def customer_of_user(*, user) -> QuerySet[Customer]:
    """The live customer linked to a platform account (a consumer), as a queryset to compose."""
    return Customer.objects.filter(user_id=user.pk, deleted_at__isnull=True).select_related("branch")


def customer_unlinked_by_email(*, email: str) -> Customer | None:
    """The oldest live customer with this address that no account claims yet (staff added
    them before they registered)."""
    return (Customer.objects.filter(email__iexact=email, user__isnull=True, deleted_at__isnull=True)
            .order_by("id").first())


class _Echo:
    def write(self, value):
        return value


def _phone(value) -> str:
    """Korean numbers as people write them (010-1234-5678), others internationally."""
    if not value or not value.is_valid():
        return str(value or "")
    return value.as_national if value.country_code == 82 else value.as_international


def customers_csv(queryset: QuerySet[Customer]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(EXPORT_COLUMNS)
    for customer in queryset.iterator(chunk_size=500):
        yield writer.writerow([csv_safe(v) for v in (
            customer.pk, customer.name, _phone(customer.phone), customer.email, customer.birth_date,
            customer.branch.name if customer.branch else "", ";".join(t.name for t in customer.tags.all()),
            "yes" if customer.marketing_consent else "no", customer.marketing_consent_at, customer.notes,
            "; ".join(f"{g.name} ({g.relation}) {_phone(g.phone)}" for g in customer.guardians.all()),
            customer.created_at)])


def siblings_of(*, customer) -> list[int]:
    """Ids of the other live customers sharing a guardian's phone number with `customer`
    (the academy's siblings), in id order."""
    phones = GuardianContact.objects.filter(customer=customer).values("phone")
    return list(GuardianContact.objects.filter(phone__in=phones, customer__deleted_at__isnull=True)
                .exclude(customer=customer).order_by("customer_id").values_list("customer_id", flat=True)
                .distinct())
