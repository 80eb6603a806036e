"""Beat work in every active food workspace, each schema on its own: one workspace's
failure is logged and the others still run."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django_tenants.utils import schema_context

from apps.tenants.models import Tenant

from .services.ordering import boards_offline_pause
from .services.tickets import overdue_reject

logger = logging.getLogger(__name__)


def food_schemas() -> list[str]:
    return list(Tenant.objects.filter(business_type=Tenant.BusinessType.FOOD, status=Tenant.Status.ACTIVE)
                .order_by("pk").values_list("schema_name", flat=True))


def in_every_restaurant(work: Callable[[], list]) -> dict[str, list]:
    """{schema: what `work()` returned} for the schemas where it did something."""
    results = {}
    for schema in food_schemas():
        try:
            with schema_context(schema):
                done = work()
        except Exception:  # noqa: BLE001 - the next workspace must still get its turn
            logger.exception("food beat work failed in schema %s", schema)
            continue
        if done:
            results[schema] = done
    return results


def kitchen_watch_everywhere() -> dict[str, dict]:
    """Orders nobody accepted in time rejected and refunded; branches without a kitchen
    board paused."""
    def work():
        rejected, paused = overdue_reject(), boards_offline_pause()
        return {"rejected": rejected, "paused": paused} if rejected or paused else {}

    return in_every_restaurant(work)
