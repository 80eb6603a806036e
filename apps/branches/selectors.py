from django.db.models import QuerySet

from .models import Branch


def branch_list(*, access) -> QuerySet[Branch]:
    """Branches the caller's branch:view reaches (all, or those of their assignments)."""
    return access.scope_filter(Branch.objects.all(), "branches.view_branch", branch_field="pk")


def branch_list_open() -> QuerySet[Branch]:
    """Active branches as customers see them (names, addresses, hours are public: no scoping)."""
    return Branch.objects.filter(is_active=True).order_by("name", "id")
