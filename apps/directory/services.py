"""Directory writes. Tenant-side code calls down into these (an order counted, a new
rating, the workspace opting in); the listing is a public row, so each call is a plain
write on the public table whatever schema is in use."""

from __future__ import annotations

import datetime as dt
import logging
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django_tenants.utils import schema_context

from apps.audit.services import audit_record
from apps.branches.selectors import branch_list_open
from apps.core.changes import model_update
from apps.tenants.models import Tenant
from apps.workspace.services import workspace_branding

from .models import Listing, ListingDailyOrders

logger = logging.getLogger(__name__)
EDITABLE = ["is_listed", "headline", "description", "translations", "city"]


def _listing_for(tenant: Tenant) -> Listing:
    """The tenant's listing, made (unlisted, named after the tenant) on first use."""
    if tenant.is_public:
        raise ValueError("the platform's own tenant has no listing")
    Listing.objects.bulk_create([Listing(tenant=tenant, slug=tenant.slug, name=tenant.name,
                                         business_type=tenant.business_type, language=tenant.locale)],
                                ignore_conflicts=True)  # two first writers: one row
    return Listing.objects.get(tenant=tenant)


def listing_record_order(*, tenant: Tenant, day: dt.date) -> None:
    """One more order of `tenant` on `day`: an atomic upsert (+1), safe under concurrent orders."""
    listing_id = Listing.objects.filter(tenant=tenant).values_list("pk", flat=True).first()
    if listing_id is None:
        listing_id = _listing_for(tenant).pk
    table = f'"{settings.PUBLIC_SCHEMA_NAME}"."{ListingDailyOrders._meta.db_table}"'
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (listing_id, day, count) VALUES (%s, %s, 1) "
            f"ON CONFLICT (listing_id, day) DO UPDATE SET count = {table}.count + 1",
            [listing_id, day])


def listing_set_rating(*, tenant: Tenant, avg: Decimal | float | None, count: int) -> Listing:
    """The tenant's average rating (1-5, two decimals) over `count` reviews; None with none."""
    listing = _listing_for(tenant)
    value = None if not count or avg is None else Decimal(str(avg)).quantize(Decimal("0.01"), ROUND_HALF_UP)
    Listing.objects.filter(pk=listing.pk).update(rating_avg=value, rating_count=count or 0,
                                                 updated_at=timezone.now())
    listing.rating_avg, listing.rating_count = value, count or 0
    return listing


def _branch_snapshot() -> list[dict]:
    return [{"name": branch.name, "address": branch.address, "opening_hours": branch.opening_hours,
             "timezone": branch.timezone} for branch in branch_list_open()]


def listing_sync(*, tenant: Tenant) -> Listing:
    """Copy what the directory shows from the tenant: its name (the workspace's display
    name, else the company name), business type, slug, primary domain and its active
    branches with their hours (read in its schema). Idempotent."""
    listing = _listing_for(tenant)
    with schema_context(tenant.schema_name):
        name = workspace_branding(tenant=tenant)["name"] or tenant.name
        branches = _branch_snapshot()
    domain = tenant.get_primary_domain()
    data = {"name": name[:200], "slug": tenant.slug, "business_type": tenant.business_type,
            "language": tenant.locale, "branches": branches, "domain": domain.domain if domain else ""}
    with transaction.atomic():
        model_update(listing, data=data, fields=list(data), clean=False)
        Listing.objects.filter(pk=listing.pk).update(synced_at=timezone.now())
    listing.refresh_from_db(fields=["synced_at", "updated_at"])
    return listing


def listing_update(*, tenant: Tenant, actor, is_listed: bool | None = None, headline: str | None = None,
                   description: str | None = None, translations: dict | None = None,
                   city: str | None = None) -> Listing:
    """The workspace opts in or out of the directory and edits what it says about
    itself (audited); the snapshot is refreshed at the same time."""
    given = {"is_listed": is_listed, "headline": headline, "description": description, "translations": translations,
             "city": city}
    data = {key: value for key, value in given.items() if value is not None}
    listing = _listing_for(tenant)
    with transaction.atomic():
        changes = model_update(listing, data=data, fields=EDITABLE)
        if changes:
            audit_record(action="directory.listing_updated", actor=actor, target=listing, tenant=tenant,
                         changes=changes)
        listing = listing_sync(tenant=tenant)
    return listing


def listings_sync_all() -> dict:
    """Beat: refresh the snapshot of every listed, active tenant (branch edits, a new
    name). One tenant's failure is logged and does not stop the others."""
    synced, failed = [], []
    tenants = Tenant.objects.filter(listing__is_listed=True, status=Tenant.Status.ACTIVE).order_by("pk")
    for tenant in tenants:
        try:
            listing_sync(tenant=tenant)
            synced.append(tenant.slug)
        except Exception:  # one broken schema must not stop the run
            logger.exception("directory: syncing the listing of %s failed", tenant.slug)
            failed.append(tenant.slug)
    return {"synced": synced, "failed": failed}
