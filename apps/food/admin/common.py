"""What the food module's admin pages share: restaurants only, the request's access per
branch (kitchen staff and riders are branch-scoped), and service refusals onto forms."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect

from apps.branches.models import Branch
from apps.core.errors import PlatformError
from apps.rbac.admin_scoping import request_access
from apps.rbac.tenancy import current_tenant

FOOD = "food"
VIEW_TICKET, CHANGE_TICKET, DELIVER_TICKET = "food.view_ticket", "food.change_ticket", "food.deliver_ticket"
CHANGE_ORDERING = "food.change_branchordering"
CHANGE_ITEM = "catalog.change_item"


def is_food(request) -> bool:
    """The food pages exist in restaurants only (an academy has no kitchen)."""
    tenant = getattr(request, "tenant", None)
    if getattr(tenant, "business_type", None) is None:
        tenant = current_tenant()
    return getattr(tenant, "business_type", None) == FOOD


def may(request, perm: str) -> bool:
    """Whether `perm` reaches anything at all (some branch, or everywhere)."""
    return is_food(request) and request_access(request).grant(perm) is not None


def reach(request, perm: str) -> set[int] | None:
    """The branches `perm` reaches: None for every branch, else their ids (empty: none)."""
    if not is_food(request):
        return set()
    return request_access(request).branch_ids(perm)


def allows(request, perm: str, branch_id: int) -> bool:
    ids = reach(request, perm)
    return ids is None or branch_id in ids


def branches_reached(request, perm: str) -> list[Branch]:
    """The active branches `perm` reaches, by name (one query)."""
    ids = reach(request, perm)
    branches = Branch.objects.filter(is_active=True).order_by("name")
    if ids is not None:
        branches = branches.filter(pk__in=sorted(ids))
    return list(branches)


def int_or_none(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class FoodOnlyAdmin:
    """Every permission of the food admins needs a restaurant first."""

    def has_module_permission(self, request):
        return is_food(request) and super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return is_food(request) and super().has_view_permission(request, obj)

    def has_add_permission(self, request, *args):
        return is_food(request) and super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None):
        return is_food(request) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return is_food(request) and super().has_delete_permission(request, obj)


def errors_onto(form, error: PlatformError, default_field: str | None = None, *, rename: dict | None = None) -> None:
    """A service's refusal onto the form: per field where its details name form fields
    (`rename` maps a detail's name to the field showing it), else on `default_field`."""
    rename = rename or {}
    placed = False
    details = error.details if isinstance(error.details, dict) else {}
    for name, problems in details.items():
        field = rename.get(name, name)
        if field in form.fields and isinstance(problems, (list, tuple)):
            for problem in problems:
                form.add_error(field, str(problem))
            placed = True
    if not placed:
        form.add_error(default_field if default_field in form.fields else None, str(error.message))


class ServiceFormAdmin:
    """Change pages whose save calls a service owning its transaction: no transaction
    around the page; a refusal the form did not catch (a concurrent change) is shown as
    a message on the same page, and nothing is logged."""

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        return self._changeform_view(request, object_id, form_url, extra_context)

    def _refused(self, request) -> bool:
        return getattr(request, "_food_refused", False)

    def log_addition(self, request, obj, message):
        return None if self._refused(request) else super().log_addition(request, obj, message)

    def log_change(self, request, obj, message):
        return None if self._refused(request) else super().log_change(request, obj, message)

    def response_add(self, request, obj, post_url_continue=None):
        return redirect(request.path) if self._refused(request) else super().response_add(request, obj,
                                                                                           post_url_continue)

    def response_change(self, request, obj):
        return redirect(request.path) if self._refused(request) else super().response_change(request, obj)

    def save_related(self, request, form, formsets, change):
        """The service saved the row and its relations (a menu's items)."""

    def call_service(self, request, write):
        try:
            return write()
        except PlatformError as error:
            messages.error(request, str(error.message))
            request._food_refused = True
            return None
