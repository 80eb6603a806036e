"""Relay-style cursor connections over a queryset, newest first (as the REST lists' cursor
pagination): `first` rows after the opaque cursor `after`, each edge with its cursor, and
`pageInfo { hasNextPage endCursor }`. A page costs the queryset's own queries whatever its
length (the selectors load the related rows)."""

from __future__ import annotations

import base64
from typing import Generic, TypeVar

import strawberry

from .errors import GraphCursorInvalid

T = TypeVar("T")
DEFAULT_PAGE = 25
MAX_PAGE = 100


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


def _cursor(pk: int) -> str:
    return base64.urlsafe_b64encode(f"id:{pk}".encode()).decode()


def _after(cursor: str) -> int:
    try:
        kind, _sep, value = base64.urlsafe_b64decode(cursor.encode()).decode().partition(":")
        if kind != "id" or not value.isdigit():
            raise ValueError(cursor)
        return int(value)
    except (ValueError, UnicodeError):
        raise GraphCursorInvalid() from None


def connection(queryset, *, first: int | None, after: str | None) -> Connection:
    size = min(max(first if first is not None else DEFAULT_PAGE, 1), MAX_PAGE)
    queryset = queryset.order_by("-id")
    if after:
        queryset = queryset.filter(id__lt=_after(after))
    rows = list(queryset[:size + 1])
    edges = [Edge(cursor=_cursor(row.pk), node=row) for row in rows[:size]]
    return Connection(edges=edges, page_info=PageInfo(has_next_page=len(rows) > size,
                                                      end_cursor=edges[-1].cursor if edges else None))
