"""Relay-style connections: ``first``/``after``, at most 100 per page."""

from __future__ import annotations

from typing import Generic, TypeVar

import strawberry

from loyalnest.graphql.core.errors import PublicError

MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 20

T = TypeVar("T")


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

    @strawberry.field
    def nodes(self) -> list[T]:
        return [edge.node for edge in self.edges]


def page_size(first: int | None) -> int:
    if first is None:
        return DEFAULT_PAGE_SIZE
    if first < 1 or first > MAX_PAGE_SIZE:
        raise PublicError(f"first must be between 1 and {MAX_PAGE_SIZE}", code="BAD_USER_INPUT")
    return first
