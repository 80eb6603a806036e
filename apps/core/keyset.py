"""Keyset pages, for the REST lists (`KeysetPagination`) and the GraphQL connections
(apps.graph.pagination): a page is the rows after (or, going back, before) the last row
seen, by the list's order and then by id in the same direction, so a cursor holds that
row's sort value and id.

DRF's CursorPagination positions a cursor by the ordering's first field alone and counts
an offset among rows that share its value. That breaks twice: a `previous` link among
rows with one value (invoices due on the same day, customers of one name) comes back
empty, and a row whose value is empty (a customer without a birth date) writes `None`
into the cursor, which the next page refuses (400) so the rest of the list cannot be
reached. Here ties are ordered by id and empty values come last going up and first going
down (PostgreSQL's default for `ORDER BY`, so the order is the one `?ordering=` always
gave); rows added meanwhile do not shift the pages.
"""

from __future__ import annotations

import base64
import json
from decimal import Decimal

from django.core.exceptions import FieldDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import F, Q, QuerySet
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import CursorPagination
from rest_framework.utils.urls import remove_query_param, replace_query_param

from .errors import InvalidCursor

ID_FIELDS = ("id", "pk")


def field_of(order: str) -> str:
    field = order.lstrip("-")
    return "id" if field in ID_FIELDS else field


def flip(order: str) -> str:
    return order[1:] if order.startswith("-") else f"-{order}"


def ordered(queryset: QuerySet, order: str) -> QuerySet:
    """`queryset` in `order` (a field, "-" for descending), ties by id the same way."""
    field, descending = field_of(order), order.startswith("-")
    if field == "id":
        return queryset.order_by("-id" if descending else "id")
    sort = F(field).desc(nulls_first=True) if descending else F(field).asc(nulls_last=True)
    return queryset.order_by(sort, "-id" if descending else "id")


def rows_after(queryset: QuerySet, order: str, pk: int, value) -> QuerySet:
    """The rows after the row (value, pk) in `order`: empty values come last going up and
    first going down."""
    field, descending = field_of(order), order.startswith("-")
    beyond = "lt" if descending else "gt"
    if field == "id":
        return queryset.filter(**{f"id__{beyond}": pk})
    if value is None:
        among_empty = Q(**{f"{field}__isnull": True, f"id__{beyond}": pk})
        return queryset.filter(among_empty | Q(**{f"{field}__isnull": False}) if descending else among_empty)
    later = Q(**{f"{field}__{beyond}": value}) | Q(**{field: value, f"id__{beyond}": pk})
    return queryset.filter(later if descending else later | Q(**{f"{field}__isnull": True}))


def sort_value(row, order: str):
    """The row's value of the order's field, as JSON can hold it (None for the id order)."""
    field = field_of(order)
    if field == "id":
        return None
    value = getattr(row, field)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value) if isinstance(value, Decimal) else value


def typed_value(model, order: str, value):
    """A cursor's sort value back in the field's type (an annotation's as given)."""
    field = field_of(order)
    if field == "id" or value is None:
        return None
    try:
        return model._meta.get_field(field).to_python(value)
    except FieldDoesNotExist:
        return value


def encode(payload: list) -> str:
    return base64.urlsafe_b64encode(json.dumps(payload, separators=(",", ":")).encode()).decode()


def decode(cursor: str) -> list:
    """The payload of a cursor we made; ValueError for anything else."""
    try:
        payload = json.loads(base64.urlsafe_b64decode(cursor.encode()))
    except (ValueError, TypeError, UnicodeError) as exc:
        raise ValueError(cursor) from exc
    if not isinstance(payload, list) or not payload:
        raise ValueError(cursor)
    return payload


class StrictPageSize:
    """`?page_size=` as DRF reads it (the default when absent, at most `max_page_size`),
    except that a value that is not a whole number of at least 1 (`0`, `-1`, `abc`) is a
    400 on the parameter, where DRF silently used the default. For any DRF paginator."""

    def get_page_size(self, request):
        param = self.page_size_query_param
        if not param or param not in request.query_params:
            return self.page_size
        raw = request.query_params[param].strip()
        if not raw.isdigit() or int(raw) < 1:
            raise ValidationError({param: [_("Enter a whole number of at least 1.")]})
        return min(int(raw), self.max_page_size) if self.max_page_size else int(raw)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"] = {**parameter.get("schema", {}), "minimum": 1}
        return parameters


class KeysetPagination(StrictPageSize, CursorPagination):
    """DRF's cursor pagination (the same `cursor` and `page_size` parameters, `next` and
    `previous` links, schema) on keyset pages. The order is the first term of the list's
    ordering (`?ordering=` where the view allows it, else the view's or the paginator's);
    a cursor made for another order, or not made here, is refused with `invalid_cursor`."""

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        self.page_size = self.get_page_size(request)
        if not self.page_size:
            return None
        self.base_url = request.build_absolute_uri()
        self.ordering = self.get_ordering(request, queryset, view)
        self.order = self.ordering[0]
        back, position = self._position(request, queryset.model)
        order = flip(self.order) if back else self.order
        rows = ordered(queryset, order)
        if position is not None:
            rows = rows_after(rows, order, *position)
        rows = list(rows[:self.page_size + 1])
        more = len(rows) > self.page_size
        self.page = rows[:self.page_size]
        if back:
            self.page.reverse()
        self.has_next = position is not None if back else more
        self.has_previous = more if back else position is not None
        return self.page

    def _position(self, request, model) -> tuple[bool, tuple | None]:
        """(going back, (id, sort value) of the row the page starts beyond, or None)."""
        cursor = request.query_params.get(self.cursor_query_param)
        if not cursor:
            return False, None
        try:
            payload = decode(cursor)
            order, back, pk = payload[0], payload[1], payload[2]
            if order != self.order or back not in (0, 1) or type(pk) is not int:
                raise ValueError(cursor)
            return bool(back), (pk, typed_value(model, order, payload[3] if len(payload) > 3 else None))
        except (ValueError, TypeError, IndexError, DjangoValidationError):
            raise InvalidCursor() from None

    def _link(self, row, *, back: bool) -> str:
        payload = [self.order, int(back), row.pk]
        if field_of(self.order) != "id":
            payload.append(sort_value(row, self.order))
        return replace_query_param(self.base_url, self.cursor_query_param, encode(payload))

    def get_next_link(self):
        if not self.has_next or not self.page:
            return None
        return self._link(self.page[-1], back=False)

    def get_previous_link(self):
        if not self.has_previous:
            return None
        if not self.page:  # went back past the first row: the first page
            return remove_query_param(self.base_url, self.cursor_query_param)
        return self._link(self.page[0], back=True)

    def encode_cursor(self, cursor):  # DRF's own format is never made here
        raise NotImplementedError("KeysetPagination makes its links in _link()")

    def get_html_context(self):
        return {"previous_url": self.get_previous_link(), "next_url": self.get_next_link()}

