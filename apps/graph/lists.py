"""A GraphQL list filtered exactly as its REST list: the REST view's own filter backends
(django-filter's FilterSet with the platform's strict FilterBackend, DRF's search over the
view's `search_fields`) applied with the field's arguments as the query string, so a filter
means, accepts and refuses the same on both APIs. Ordering is the connection's
(apps.graph.pagination: keyset pages in one of the view's `ordering_fields`). And the rows a
REST list gives the caller, from the view's own queryset method (scope, grants, related rows)."""

from __future__ import annotations

import copy

from django.http import QueryDict
from rest_framework.filters import OrderingFilter
from rest_framework.request import Request

from .access import refused, request_of


def _query(params: dict) -> QueryDict:
    query = QueryDict(mutable=True)
    for name, value in params.items():
        if value is None:
            continue
        if isinstance(value, bool):
            value = "true" if value else "false"
        query[name] = value.isoformat() if hasattr(value, "isoformat") else str(value)
    return query


def rest_filtered(view_class, info, queryset, **params):
    """`queryset` through `view_class`'s filter backends (not its ordering), with `params`
    (None: not given) as the query string; what the REST list refuses is refused here with
    the same code and field errors."""
    if all(value is None for value in params.values()):
        return queryset
    raw = copy.copy(request_of(info))
    raw.GET = _query(params)
    request = Request(raw)
    request.user = request_of(info).user
    view = view_class()
    view.request, view.format_kwarg = request, None
    for backend in view_class.filter_backends:
        if issubclass(backend, OrderingFilter):
            continue
        try:
            queryset = backend().filter_queryset(request, queryset, view)
        except Exception as exc:  # noqa: BLE001  (refused() raises again what is not a refusal)
            raise refused(exc) from None
    return queryset


def rest_rows(view_class, info, rows: str = "get_queryset"):
    """The rows `view_class` lists for the caller (its `rows` method), as on a GET of it:
    the same scope, asked with the view's own GET permission (apps.academy.apis)."""
    raw = copy.copy(request_of(info))  # the caller's access, computed once, comes along
    raw.method = "GET"
    view = view_class()
    view.request, view.args, view.kwargs, view.format_kwarg = raw, (), {}, None
    return getattr(view, rows)()
