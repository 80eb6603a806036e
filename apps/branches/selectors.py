from django.db.models import QuerySet

from .models import Branch


def branch_list(*, access) -> QuerySet[Branch]:
    """Branches the caller's branch:view reaches (all, or those of their assignments)."""
    return access.scope_filter(Branch.objects.all(), "branches.view_branch", branch_field="pk")
