from __future__ import annotations

import csv
from collections.abc import Iterator

from django.db.models import Prefetch, QuerySet

from .models import Customer, GuardianContact

EXPORT_COLUMNS = ["id", "name", "phone", "email", "birth_date", "branch", "tags", "marketing_consent",
                  "marketing_consent_at", "notes", "guardians", "created_at"]


def customer_list(*, access, perm: str = "crm.view_customer") -> QuerySet[Customer]:
    """Live customers the caller reaches with `perm` (tenant, branch or own scope)."""
    queryset = (Customer.objects.filter(deleted_at__isnull=True).select_related("branch")
                .prefetch_related("tags", Prefetch("guardians", queryset=GuardianContact.objects.order_by("id"))))
    return access.scope_filter(queryset, perm)


class _Echo:
    def write(self, value):
        return value


def _safe(value) -> str:
    """Spreadsheet formula injection: a cell starting with = + - @ is shown as text."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def customers_csv(queryset: QuerySet[Customer]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(EXPORT_COLUMNS)
    for customer in queryset.iterator(chunk_size=500):
        yield writer.writerow([_safe(v) for v in (
            customer.pk, customer.name, customer.phone, customer.email, customer.birth_date,
            customer.branch.name if customer.branch else "", ";".join(t.name for t in customer.tags.all()),
            "yes" if customer.marketing_consent else "no", customer.marketing_consent_at, customer.notes,
            "; ".join(f"{g.name} ({g.relation}) {g.phone}" for g in customer.guardians.all()), customer.created_at)])
