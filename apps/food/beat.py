"""Beat work in every active food workspace, each schema on its own: one workspace's
failure is logged and the others still run."""

from __future__ import annotations

from collections.abc import Callable

from apps.core.schemas import in_each_schema
from apps.tenants.models import Tenant

from .services.ordering import boards_offline_pause
from .services.tickets import overdue_reject


def food_schemas() -> list[str]:
    return list(Tenant.objects.filter(business_type=Tenant.BusinessType.FOOD, status=Tenant.Status.ACTIVE)
                .order_by("pk").values_list("schema_name", flat=True))


def in_every_restaurant(work: Callable[[], object]) -> dict[str, object]:
    """{schema: what `work()` returned} for the schemas where it did something."""
    return in_each_schema(food_schemas(), work, what="food beat work")


def kitchen_watch_everywhere() -> dict[str, dict]:
    """Orders nobody accepted in time rejected and refunded; branches without a kitchen
    board paused."""
    def work():
        rejected, paused = overdue_reject(), boards_offline_pause()
        return {"rejected": rejected, "paused": paused} if rejected or paused else {}

    return in_every_restaurant(work)
