from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

import phonenumbers
from django.contrib.postgres.fields import ArrayField
from django.db.models import CharField, JSONField, Prefetch, QuerySet
from django.db.models.expressions import RawSQL
from phonenumbers import PhoneNumberFormat

from apps.core.csvsafe import csv_safe
from apps.core.renderers import csv_lines
from apps.core.streaming import chunks_streamed

from .models import Customer, GuardianContact, Tag

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


def _row_arrays() -> tuple[RawSQL, RawSQL]:
    """customer_rows' two per-row arrays as SQL written once: the ORM's compilation of the
    same correlated subqueries (ArraySubquery, JSONObject) cost about 1.5 ms a request,
    more than running the whole query. Table names come from the models."""
    customer, tag = Customer._meta.db_table, Tag._meta.db_table
    link, guardian = Customer.tags.through._meta.db_table, GuardianContact._meta.db_table
    tags = RawSQL(f'ARRAY(SELECT t."name" FROM "{tag}" t JOIN "{link}" l ON l."tag_id" = t."id" '
                  f'WHERE l."customer_id" = "{customer}"."id" ORDER BY t."name")', (),
                  output_field=ArrayField(CharField()))
    guardians = RawSQL("ARRAY(SELECT jsonb_build_object('name', g.\"name\", 'relation', g.\"relation\", "
                       "'phone', g.\"phone\", 'email', g.\"email\") "
                       f'FROM "{guardian}" g WHERE g."customer_id" = "{customer}"."id" ORDER BY g."id")', (),
                       output_field=ArrayField(JSONField()))
    return tags, guardians


def customer_rows(*, access, perm: str = "crm.view_customer") -> QuerySet[Customer]:
    """customer_list for the API's answers, in one query whatever the page size: with each
    customer's branch, its tag names by name (`tag_names`) and its guardian contacts
    oldest first as dicts (`guardian_rows`: name, relation, phone, email) in the same row."""
    tags, guardians = _row_arrays()
    queryset = customers_live().select_related("branch").annotate(tag_names=tags, guardian_rows=guardians)
    return access.scope_filter(queryset, perm)


def customer_of_user(*, user) -> QuerySet[Customer]:
    """The live customer linked to a platform account (a consumer), as a queryset to compose."""
    return Customer.objects.filter(user_id=user.pk, deleted_at__isnull=True).select_related("branch")


def customer_unlinked_by_email(*, email: str) -> Customer | None:
    """The oldest live customer with this address that no account claims yet (staff added
    them before they registered)."""
    return (Customer.objects.filter(email__iexact=email, user__isnull=True, deleted_at__isnull=True)
            .order_by("id").first())


EXPORT_CHUNK = 2000  # customers per fetch; their tags and guardians are read once per chunk


def _phone(value) -> str:
    """Korean numbers as people write them (010-1234-5678), others internationally."""
    if not isinstance(value, phonenumbers.PhoneNumber) or not value.is_valid():
        return str(value or "")
    # validated once: `not value`, str() and as_national would each validate it again (slow, per row)
    return phonenumbers.format_number(value, PhoneNumberFormat.NATIONAL if value.country_code == 82
                                      else PhoneNumberFormat.INTERNATIONAL)


def _customer_row(customer: Customer, tags: list[str], guardians: list[tuple]) -> list[str]:
    return [csv_safe(v) for v in (
        customer.pk, customer.name, _phone(customer.phone), customer.email, customer.birth_date,
        customer.branch.name if customer.branch else "", ";".join(tags),
        "yes" if customer.marketing_consent else "no", customer.marketing_consent_at, customer.notes,
        "; ".join(f"{name} ({relation}) {_phone(phone)}" for name, relation, phone in guardians),
        customer.created_at)]


def _export_rows(queryset: QuerySet[Customer]) -> Iterator[list[str]]:
    """Each chunk of customers, then their tags (by name) and guardians (oldest first) in one
    query each for the whole chunk."""
    for chunk in chunks_streamed(queryset.prefetch_related(None), chunk_size=EXPORT_CHUNK):
        ids = [customer.pk for customer in chunk]
        tags, guardians = defaultdict(list), defaultdict(list)
        for customer_id, name in (Customer.tags.through.objects.filter(customer_id__in=ids)
                                  .order_by("tag__name", "tag_id").values_list("customer_id", "tag__name")):
            tags[customer_id].append(name)
        for customer_id, *guardian in guardians_of(customer_ids=ids).values_list("customer_id", "name", "relation",
                                                                                  "phone"):
            guardians[customer_id].append(guardian)
        for customer in chunk:
            yield _customer_row(customer, tags[customer.pk], guardians[customer.pk])


def customers_csv(queryset: QuerySet[Customer]) -> Iterator[str]:
    """The customers (a scoped `customer_list` queryset, as filtered and ordered) as CSV
    text, BOM and header first, before the query runs; then the rows in blocks as they are
    read, EXPORT_CHUNK customers at a time from one server-side cursor (core.streaming), the
    branch joined, tags and guardians read per chunk: memory, and queries per row, stay the
    same at 100,000 customers as at 10."""
    return csv_lines(EXPORT_COLUMNS, _export_rows(queryset), bom=True)


def siblings_of(*, customer) -> list[int]:
    """Ids of the other live customers sharing a guardian's phone number with `customer`
    (the academy's siblings), in id order."""
    phones = GuardianContact.objects.filter(customer=customer).values("phone")
    return list(GuardianContact.objects.filter(phone__in=phones, customer__deleted_at__isnull=True)
                .exclude(customer=customer).order_by("customer_id").values_list("customer_id", flat=True)
                .distinct())
