"""Relay-style cursor connections over a queryset: `first` rows after the opaque cursor
`after`, each edge with its cursor, and `pageInfo { hasNextPage endCursor }`, in the order
the list's `orderBy` asks (one of the REST list's `ordering_fields`, either way; ties by id
in the same direction; newest first when not asked). Keyset pages: the cursor holds the
last row's sort value and id, so a page costs the queryset's own queries whatever its
length or position (the selectors load the related rows), and rows added meanwhile do not
shift the pages. Empty values (a customer without a birth date) come last going up and first
going down, as in the REST list (PostgreSQL's default)."""

from __future__ import annotations

import base64
import enum
import json
from typing import Generic, TypeVar

import strawberry
from django.core.exceptions import FieldDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import F, Q

from .access import refused
from .errors import GraphCursorInvalid

T = TypeVar("T")
DEFAULT_PAGE = 25
MAX_PAGE = 100
NEWEST = "-id"


@strawberry.type
class PageInfo:
    has_next_page: bool
    end_cursor: str | None


@strawberry.type
class Edge(Generic[T]):
    cursor: str
    node: T


@strawberry.type
class Connection(Generic[T]):
    edges: list[Edge[T]]
    page_info: PageInfo

    @strawberry.field(description="The nodes of the edges, for clients that need no cursors.")
    def nodes(self) -> list[T]:
        return [edge.node for edge in self.edges]


def ordering(name: str, fields: list[str]) -> type[enum.Enum]:
    """A GraphQL enum of the REST list's `ordering_fields`, each way: `CREATED_AT` (oldest
    first) and `CREATED_AT_DESC` (newest first), valued as the REST `ordering` parameter."""
    members = {}
    for field in fields:
        members[field.upper()] = field
        members[f"{field.upper()}_DESC"] = f"-{field}"
    return strawberry.enum(enum.Enum(name, members),
                           description="The order of the list, as the REST list's `ordering` parameter.")


def _value(row, field: str):
    value = getattr(row, field)
    return value.isoformat() if hasattr(value, "isoformat") else value


def _encode(order: str, row) -> str:
    field = order.lstrip("-")
    payload = [order, row.pk] if field == "id" else [order, row.pk, _value(row, field)]
    return base64.urlsafe_b64encode(json.dumps(payload, separators=(",", ":")).encode()).decode()


def _decode(cursor: str, order: str, model) -> tuple[int, object]:
    """(id, sort value) of the row a cursor points after; refused if it was not made for
    this order (a cursor of another `orderBy`, or not ours)."""
    try:
        payload = json.loads(base64.urlsafe_b64decode(cursor.encode()))
        if not isinstance(payload, list) or payload[0] != order or type(payload[1]) is not int:
            raise ValueError(cursor)
        field = order.lstrip("-")
        if field == "id":
            return payload[1], None
        value = payload[2]
        try:
            value = model._meta.get_field(field).to_python(value) if value is not None else None
        except FieldDoesNotExist:  # an annotation: compared as given
            pass
        return payload[1], value
    except (ValueError, TypeError, IndexError, UnicodeError, DjangoValidationError):
        raise GraphCursorInvalid() from None


def _after(queryset, order: str, pk: int, value):
    """The rows after (value, pk) in `order`: empty values come last going up and first going
    down (PostgreSQL's default, so the REST list's `ordering` gives the same sequence)."""
    descending = order.startswith("-")
    field = order.lstrip("-")
    beyond = "lt" if descending else "gt"
    if field == "id":
        return queryset.filter(**{f"id__{beyond}": pk})
    if value is None:
        among_empty = Q(**{f"{field}__isnull": True, f"id__{beyond}": pk})
        return queryset.filter(among_empty | Q(**{f"{field}__isnull": False}) if descending else among_empty)
    later = Q(**{f"{field}__{beyond}": value}) | Q(**{field: value, f"id__{beyond}": pk})
    return queryset.filter(later if descending else later | Q(**{f"{field}__isnull": True}))


def connection(queryset, *, first: int | None, after: str | None, order: str | None = None) -> Connection:
    """A page of `queryset` in `order` (a REST `ordering` term; the enum of `ordering()`
    gives only the list's own). An unreadable cursor is refused (`invalid_cursor`)."""
    order = getattr(order, "value", order) or NEWEST
    field = order.lstrip("-")
    if field == "id":
        queryset = queryset.order_by(order)
    else:
        sort = F(field).desc(nulls_first=True) if order.startswith("-") else F(field).asc(nulls_last=True)
        queryset = queryset.order_by(sort, "-id" if order.startswith("-") else "id")
    size = min(max(first if first is not None else DEFAULT_PAGE, 1), MAX_PAGE)
    if after:
        try:
            pk, value = _decode(after, order, queryset.model)
        except GraphCursorInvalid as exc:
            raise refused(exc) from None
        queryset = _after(queryset, order, pk, value)
    rows = list(queryset[:size + 1])
    edges = [Edge(cursor=_encode(order, row), node=row) for row in rows[:size]]
    return Connection(edges=edges, page_info=PageInfo(has_next_page=len(rows) > size,
                                                      end_cursor=edges[-1].cursor if edges else None))
