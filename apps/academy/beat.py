"""Beat work in every workspace that has the academy's tables (one query finds them,
apps.core.schemas), each schema on its own: one workspace's failure is logged and the
others still run."""

from __future__ import annotations

from collections.abc import Callable

from apps.core.schemas import in_each_schema, schemas_with_table

from .services import enrolments_orders_complete, offers_expire, sessions_generate
from .services.tuition import tuition_issue_due, tuition_remind_overdue


def academy_schemas() -> list[str]:
    return schemas_with_table("academy_session")


def in_every_academy(work: Callable[[], int]) -> dict[str, int]:
    """{schema: what `work()` returned} for the schemas where it did something."""
    return in_each_schema(academy_schemas(), work, what="academy beat work")


def sessions_generate_everywhere() -> dict[str, int]:
    return in_every_academy(lambda: sessions_generate())


def offers_expire_everywhere() -> dict[str, int]:
    return in_every_academy(lambda: offers_expire() + enrolments_orders_complete())


def tuition_issue_everywhere(*, today=None) -> dict[str, int]:
    return in_every_academy(lambda: tuition_issue_due(today=today))


def tuition_remind_everywhere() -> dict[str, int]:
    return in_every_academy(lambda: tuition_remind_overdue())
