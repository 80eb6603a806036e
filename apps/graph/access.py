"""What every GraphQL field shares with the REST API: who is asking (the request DRF
authenticated), what they may do (the same Access and permission checks, refusals audited
the same way), and refusals in the REST error shape's codes and words."""

from __future__ import annotations

from graphql import GraphQLError
from rest_framework.exceptions import NotAuthenticated

from apps.accounts.callers import api_access
from apps.authz import catalogue
from apps.core.errors import api_exception_handler
from apps.rbac.api import PermissionMissing, permission_denied_event

from . import objects as types


def request_of(info):
    return info.context.request


def actor_of(info):
    """The person acting (None for an API key), as the REST views' `actor`."""
    user = request_of(info).user
    return user if getattr(user, "pk", None) else None


def error_of(exc: Exception) -> dict:
    """The REST error shape's {"code", "message", "details"} for `exc` (one of ours, DRF's or
    Django's validation error); anything else is not a refusal and is raised again."""
    response = api_exception_handler(exc, {})
    if response is None:
        raise exc
    return response.data["error"]


def refused(exc: Exception) -> GraphQLError:
    error = error_of(exc)
    return GraphQLError(error["message"], extensions={"code": error["code"], "details": error["details"]})


def operation_error(exc: Exception) -> types.OperationError:
    if isinstance(exc, GraphQLError):  # a refusal raised by require()
        extensions = exc.extensions or {}
        return types.OperationError(code=extensions.get("code", "permission_denied"), message=exc.message,
                                    details=extensions.get("details") or None)
    error = error_of(exc)
    return types.OperationError(code=error["code"], message=error["message"], details=error["details"] or None)


def may(info, perm: str) -> bool:
    return api_access(request_of(info)).has(catalogue.django_perm(perm))


def require(info, perm: str) -> None:
    """The REST permission checks (IsAuthenticated, then HasWorkspacePermission, audited the
    same way): nobody logged in is `not_authenticated`, a role without it `permission_denied`."""
    if not may(info, perm):
        request = request_of(info)
        if not request.user.is_authenticated and request.auth is None:
            raise refused(NotAuthenticated())
        permission_denied_event(request, perm)
        raise refused(PermissionMissing(perm))


def selected(info, *path: str):
    """The selected field at `path` below the current field (e.g. "edges", "node",
    "sessions"), with its arguments, or None: what a resolver loads only when asked."""
    fields = info.selected_fields
    found = None
    for name in path:
        candidates = [child for field in fields for child in getattr(field, "selections", [])
                      if getattr(child, "name", None) == name]
        if not candidates:
            return None
        found, fields = candidates[0], candidates
    return found
