"""Relay-style cursor connections over a queryset: `first` rows after the opaque cursor
`after`, each edge with its cursor, and `pageInfo { hasNextPage endCursor }`, in the order
the list's `orderBy` asks (one of the REST list's `ordering_fields`, either way; ties by id
in the same direction; newest first when not asked). Keyset pages: the cursor holds the
last row's sort value and id, so a page costs the queryset's own queries whatever its
length or position (the selectors load the related rows), and rows added meanwhile do not
shift the pages. Empty values (a customer without a birth date) come last going up and first
going down, as in the REST list (PostgreSQL's default)."""

from __future__ import annotations

import enum
from typing import Generic, TypeVar

import strawberry
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ValidationError

from apps.core import keyset
from apps.core.keyset import field_of, ordered, rows_after, sort_value, typed_value

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


def _encode(order: str, row) -> str:
    value = sort_value(row, order)
    return keyset.encode([order, row.pk] if field_of(order) == "id" else [order, row.pk, value])


def _decode(cursor: str, order: str, model) -> tuple[int, object]:
    """(id, sort value) of the row a cursor points after; refused if it was not made for
    this order (a cursor of another `orderBy`, or not ours)."""
    try:
        payload = keyset.decode(cursor)
        if payload[0] != order or type(payload[1]) is not int:
            raise ValueError(cursor)
        return payload[1], typed_value(model, order, payload[2] if len(payload) > 2 else None)
    except (ValueError, TypeError, IndexError, DjangoValidationError):
        raise GraphCursorInvalid() from None


def connection(queryset, *, first: int | None, after: str | None, order: str | None = None) -> Connection:
    """A page of `queryset` in `order` (a REST `ordering` term; the enum of `ordering()`
    gives only the list's own). An unreadable cursor is refused (`invalid_cursor`)."""
    order = getattr(order, "value", order) or NEWEST
    queryset = ordered(queryset, order)
    if first is not None and first < 0:
        raise refused(ValidationError({"first": [_("Enter a whole number, 0 or more.")]}))
    size = min(first if first is not None else DEFAULT_PAGE, MAX_PAGE)  # 0: no rows, as Relay has it
    if after:
        try:
            pk, value = _decode(after, order, queryset.model)
        except GraphCursorInvalid as exc:
            raise refused(exc) from None
        queryset = rows_after(queryset, order, pk, value)
    rows = list(queryset[:size + 1])
    edges = [Edge(cursor=_encode(order, row), node=row) for row in rows[:size]]
    return Connection(edges=edges, page_info=PageInfo(has_next_page=len(rows) > size,
                                                      end_cursor=edges[-1].cursor if edges else None))
