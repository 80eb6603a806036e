"""Building blocks for consumer endpoints (/api/v1/my/...): a logged-in person (a JWT;
an API key is an integration, never a consumer) with an active customer membership in
this workspace. `self.customer` is their CRM customer. Staff who are also customers here
pass as consumers; staff who are not, do not."""

from __future__ import annotations

from rest_framework.generics import GenericAPIView
from rest_framework.permissions import BasePermission, IsAuthenticated

from apps.accounts.callers import api_access
from apps.core.keyset import KeysetPagination
from apps.rbac.api import HasWorkspacePermission

from .errors import NotAConsumer
from .selectors import consumer_customer


def request_customer(request):
    """The caller's CRM customer here, or None (one query, once per request)."""
    if not hasattr(request, "_consumer_customer"):
        request._consumer_customer = consumer_customer(user=request.user)
    return request._consumer_customer


class IsConsumer(BasePermission):
    def has_permission(self, request, view):
        if request_customer(request) is None:
            raise NotAConsumer()
        return True


class IsConsumerOrHasWorkspacePermission(HasWorkspacePermission):
    """For a staff endpoint that consumers share (placing, paying their own orders): the
    workspace permission of `view.perms`, or, for the methods in `view.consumer_methods`,
    being a customer here; the view then acts on the consumer's own orders only."""

    def has_permission(self, request, view):
        if (request.method in getattr(view, "consumer_methods", ()) and request_customer(request) is not None
                and not api_access(request).has(view.perm_name())):
            return True
        return super().has_permission(request, view)


class ConsumerCursorPagination(KeysetPagination):
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100
    ordering = "-id"


class ConsumerApi(GenericAPIView):
    permission_classes = [IsAuthenticated, IsConsumer]
    pagination_class = ConsumerCursorPagination

    @property
    def customer(self):
        return request_customer(self.request)

    @property
    def user(self):
        return self.request.user
