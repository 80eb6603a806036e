"""Directory reads. The public list is one query (plus the page count) whatever the
number of businesses: orders of the last 30 days are summed in the same query."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import F, IntegerField, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone, translation

from apps.tenants.models import Tenant

from .models import Listing

RECENT_DAYS = 30
ORDERINGS = {
    "name": [F("name").asc(), F("id").asc()],
    "rating": [F("rating_avg").asc(nulls_last=True), F("rating_count").asc(), F("name").asc(), F("id").asc()],
    "-rating": [F("rating_avg").desc(nulls_last=True), F("rating_count").desc(), F("name").asc(), F("id").asc()],
    "orders": [F("orders_30d").asc(), F("name").asc(), F("id").asc()],
    "-orders": [F("orders_30d").desc(), F("name").asc(), F("id").asc()],
}


def recent_since(today: dt.date | None = None) -> dt.date:
    """First day of the last RECENT_DAYS days, today included."""
    return (today or timezone.now().date()) - dt.timedelta(days=RECENT_DAYS - 1)


def with_recent_orders(queryset: QuerySet[Listing]) -> QuerySet[Listing]:
    recent = Q(daily_orders__day__gte=recent_since())
    return queryset.annotate(orders_30d=Coalesce(Sum("daily_orders__count", filter=recent), Value(0),
                                                 output_field=IntegerField()))


def directory_listings(*, category: str | None = None, q: str | None = None,
                       ordering: str = "name") -> QuerySet[Listing]:
    """Listings of active tenants that opted in, filtered and ordered (ORDERINGS)."""
    queryset = Listing.objects.filter(is_listed=True, tenant__status=Tenant.Status.ACTIVE)
    if category:
        queryset = queryset.filter(business_type=category)
    if q:
        queryset = queryset.filter(Q(name__icontains=q) | Q(headline__icontains=q) | Q(description__icontains=q)
                                   | Q(city__icontains=q) | Q(translations__icontains=q))
    return with_recent_orders(queryset).order_by(*ORDERINGS[ordering])


def directory_listing(*, slug: str) -> Listing | None:
    return directory_listings().filter(slug=slug).first()


def listing_of(*, tenant: Tenant) -> Listing:
    """The tenant's listing with its recent orders, or an unsaved one as it would start
    (unlisted, named after the tenant): reading it writes nothing."""
    listing = with_recent_orders(Listing.objects.filter(tenant=tenant)).first()
    if listing is None:
        listing = Listing(tenant=tenant, slug=tenant.slug, name=tenant.name, business_type=tenant.business_type,
                          language=tenant.locale)
        listing.orders_30d = 0
    return listing


def localized(listing: Listing, field: str) -> str:
    """`field` (headline, description) in the reader's language when the business wrote
    it, else as written."""
    language = (translation.get_language() or settings.LANGUAGE_CODE).split("-")[0]
    if language != listing.language:
        text = (listing.translations.get(language) or {}).get(field) if isinstance(listing.translations, dict) else ""
        if text:
            return text
    return getattr(listing, field)
