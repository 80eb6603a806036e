"""Catalog reads: scoped querysets with their relations loaded (a list costs the same
number of queries whatever its length)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable

from django.conf import settings
from django.db import connection
from django.db.models import Prefetch, Q, QuerySet

from apps.core.cache import scope, versioned_get_or_build

from .models import Category, Item, ItemImage, Option, OptionGroup


def _option_groups_prefetch() -> Prefetch:
    return Prefetch("option_groups", queryset=OptionGroup.objects.order_by("position", "id").prefetch_related(
        Prefetch("options", queryset=Option.objects.order_by("position", "id"))))


def _with_relations(queryset: QuerySet[Item]) -> QuerySet[Item]:
    return (queryset.select_related("category")
            .prefetch_related(_option_groups_prefetch(), "branches",
                              Prefetch("images", queryset=ItemImage.objects.order_by("position", "id"))))


# --- Staff ---------------------------------------------------------------------------------


def category_list() -> QuerySet[Category]:
    return Category.objects.order_by("position", "id")


def item_list() -> QuerySet[Item]:
    """Every item (the catalog is the workspace's, not a branch's) with its option groups,
    options, branches and images."""
    return _with_relations(Item.objects.all())


# --- Customers (anonymous browsing) ---------------------------------------------------------


def category_list_open() -> QuerySet[Category]:
    return Category.objects.filter(is_active=True).order_by("position", "id")


def catalog_scope() -> str:
    """The cache scope of this workspace's catalog: bumped by every catalog write
    (apps.catalog.services.catalog_changed)."""
    return scope("catalog", connection.schema_name)


def open_answer_cached(*, what: str, tenant_id: int, variant: str, build: Callable[[], dict]) -> dict:
    """What customers read of the catalog (`build()`: a page of categories or items, or an
    item, as the API answers it, in plain data), kept in Redis until a catalog write of the
    workspace commits, CATALOG_OPEN_CACHE_SECONDS at most (0: never kept). `variant` holds
    whatever else the answer depends on (address, language, query). The tenant's id is in
    the name: a workspace created again under the same schema never meets the old one's."""
    seconds = settings.CATALOG_OPEN_CACHE_SECONDS
    if seconds <= 0:
        return build()
    digest = hashlib.blake2b(variant.encode(), digest_size=12).hexdigest()
    return versioned_get_or_build(f"catalog:open:{what}:{tenant_id}:{digest}", [catalog_scope()], build, seconds)


def item_list_open() -> QuerySet[Item]:
    """Active items, as customers see them (sold-out ones too, marked so)."""
    return _with_relations(Item.objects.filter(is_active=True))


def items_offered_at(queryset: QuerySet[Item], branch_id: int) -> QuerySet[Item]:
    """Items offered at the branch: those naming it and those naming none (everywhere).
    One join, each item at most once."""
    return queryset.filter(Q(branches__isnull=True) | Q(branches=branch_id))


def items_matching(queryset: QuerySet[Item], text: str) -> QuerySet[Item]:
    """Name or description containing `text`, in the workspace's language or a translation."""
    condition = Q(name__icontains=text) | Q(description__icontains=text)
    for code, _name in settings.LANGUAGES:
        condition |= Q(**{f"translations__{code}__name__icontains": text})
        condition |= Q(**{f"translations__{code}__description__icontains": text})
    return queryset.filter(condition)


def image_open(*, image_id: int) -> ItemImage | None:
    """An image with its item (whether the item is active decides who may see it)."""
    return ItemImage.objects.select_related("item").filter(pk=image_id).first()


# --- For orders ----------------------------------------------------------------------------


def items_for_order(*, item_ids: Iterable[int]) -> dict[int, Item]:
    """The items an order names, by id, with their option groups, options and branches
    loaded (a fixed number of queries whatever the number of items). Unknown ids are
    absent; inactive or sold-out items are included: the caller decides what to refuse."""
    ids = {int(pk) for pk in item_ids}
    if not ids:
        return {}
    items = (Item.objects.filter(pk__in=ids).select_related("category")
             .prefetch_related(_option_groups_prefetch(), "branches"))
    return {item.pk: item for item in items}


def item_offered_at(item: Item, branch_id: int | None) -> bool:
    """Whether the item is offered at the branch: an item without branches is offered
    everywhere. Uses the prefetched branches when loaded (items_for_order)."""
    if branch_id is None:
        return True
    branch_ids = [branch.pk for branch in item.branches.all()]
    return not branch_ids or int(branch_id) in branch_ids
