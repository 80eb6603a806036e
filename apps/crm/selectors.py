from __future__ import annotations

import csv
from collections.abc import Iterator

from django.db.models import Prefetch, QuerySet

from apps.core.csvsafe import csv_safe

from .models import Customer, GuardianContact

EXPORT_COLUMNS = ["id", "name", "phone", "email", "birth_date", "branch", "tags", "marketing_consent",
                  "marketing_consent_at", "notes", "guardians", "created_at"]


def customer_list(*, access, perm: str = "crm.view_customer") -> QuerySet[Customer]:
    """Live customers the caller reaches with `perm` (tenant, branch or own scope)."""
    queryset = (Customer.objects.filter(deleted_at__isnull=True).select_related("branch")
                .prefetch_related("tags", Prefetch("guardians", queryset=GuardianContact.objects.order_by("id"))))
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
