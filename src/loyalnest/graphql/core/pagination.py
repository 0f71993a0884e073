"""Relay connections: ``first``/``after`` forwards, ``last``/``before`` backwards, at most
100 per page, full ``PageInfo``, and ``totalCount`` counted only when it is selected.

Every list field takes the same four arguments (``First``, ``After``, ``Last``, ``Before``)
and turns them into a ``PageRequest`` with ``page_request``; the context's list function
reads that page, and ``connection`` builds the answer from it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Annotated, Generic, TypeVar

import strawberry

from loyalnest.graphql.core.errors import PublicError
from loyalnest.graphql.core.ids import decode_cursor, encode_cursor

MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 20

T = TypeVar("T")

Count = Callable[[], Awaitable[int]]

FIRST = strawberry.argument(
    description=f"Page forwards: the first n items (1 to {MAX_PAGE_SIZE}) after `after`; "
    f"{DEFAULT_PAGE_SIZE} when neither `first` nor `last` is given. Not with `last`."
)
AFTER = strawberry.argument(description="Only items after this cursor (an edge's `cursor`, or `endCursor`).")
LAST = strawberry.argument(
    description=f"Page backwards: the last n items (1 to {MAX_PAGE_SIZE}) before `before` "
    "(the end of the list without it), still in the list's order. Not with `first`."
)
BEFORE = strawberry.argument(
    description="Only items before this cursor (an edge's `cursor`, or `startCursor`)."
)

# the four paging arguments every list field takes, described once
First = Annotated[int | None, FIRST]
After = Annotated[str | None, AFTER]
Last = Annotated[int | None, LAST]
Before = Annotated[str | None, BEFORE]


@strawberry.type(description="Where a page sits in its list (Relay PageInfo).")
class PageInfo:
    has_next_page: bool = strawberry.field(
        description="More items follow this page. Paging backwards (`last`), true when `before` was given."
    )
    has_previous_page: bool = strawberry.field(
        description="More items precede this page. Paging forwards, true when `after` was given "
        "(the item it names comes before the page)."
    )
    start_cursor: str | None = strawberry.field(
        description="The cursor of the page's first item, for `before`; null for an empty page."
    )
    end_cursor: str | None = strawberry.field(
        description="The cursor of the page's last item, for `after`; null for an empty page."
    )


@strawberry.type(description="One item of a page, with the cursor that points at it.")
class Edge(Generic[T]):
    cursor: str = strawberry.field(description="Opaque; pass it as `after` or `before`.")
    node: T = strawberry.field(description="The item.")


@strawberry.type(
    description="A page of a list (Relay connection). Page forwards with `first`/`after` and "
    "`pageInfo.endCursor`, backwards with `last`/`before` and `pageInfo.startCursor`."
)
class Connection(Generic[T]):
    edges: list[Edge[T]] = strawberry.field(description="The page's items with their cursors.")
    page_info: PageInfo = strawberry.field(description="Whether more pages follow or precede this one.")
    # counts only when the field is selected: most pages never ask
    counter: strawberry.Private[Count]

    @strawberry.field(description="The page's items, without cursors.")
    def nodes(self) -> list[T]:
        return [edge.node for edge in self.edges]

    @strawberry.field(
        description="How many items the whole list holds (every page; the same arguments but "
        "the paging ones). Counted only when selected: for a customer's lists one indexed count "
        "per request, however many customers the page shows. On `customers` it counts the shop's "
        "customers: an index-only range on the shop (about 10-30 ms per 100,000 customers), so "
        "offered; with a tag `search` it reads every customer of the shop (about 250 ms per "
        "100,000), so ask for it once, on the first page, not on every page."
    )
    async def total_count(self) -> int:
        return await self.counter()


@dataclass(frozen=True, slots=True)
class PageRequest:
    """What a list field's paging arguments ask for, cursors decoded to ids.

    ``after_id``/``before_id`` bound the list in its own order (whatever that order is);
    ``backward`` takes the ``size`` items nearest ``before_id`` (the list's end without it)
    rather than those nearest ``after_id``."""

    size: int
    after_id: int | None = None
    before_id: int | None = None
    backward: bool = False

    @property
    def is_first_page(self) -> bool:
        """The plain first page, which DataLoaders batch across customers."""
        return not self.backward and self.after_id is None and self.before_id is None


def _bounded(name: str, value: int) -> int:
    if value < 1 or value > MAX_PAGE_SIZE:
        raise PublicError(f"{name} must be between 1 and {MAX_PAGE_SIZE}", code="BAD_USER_INPUT")
    return value


def page_request(
    first: int | None = None, after: str | None = None, last: int | None = None, before: str | None = None
) -> PageRequest:
    """The page asked for, or ``BAD_USER_INPUT`` (both directions, a size out of
    1..100, a malformed cursor)."""
    if first is not None and last is not None:
        # Relay allows both, but the page they make together is rarely what was meant
        raise PublicError(
            "first and last cannot be used together: page forwards with first/after, "
            "backwards with last/before",
            code="BAD_USER_INPUT",
        )
    backward = last is not None
    if last is not None:
        size = _bounded("last", last)
    else:
        size = DEFAULT_PAGE_SIZE if first is None else _bounded("first", first)
    return PageRequest(
        size=size, after_id=decode_cursor(after), before_id=decode_cursor(before), backward=backward
    )


async def _no_items() -> int:
    return 0


def connection(
    items: Sequence[T],
    *,
    ids: Sequence[int],
    has_next_page: bool,
    has_previous_page: bool,
    count: Count,
) -> Connection[T]:
    """A page of ``items`` (in the list's order), ``ids[i]`` the database id of item i."""
    edges = [
        Edge(cursor=encode_cursor(local_id), node=item) for local_id, item in zip(ids, items, strict=True)
    ]
    return Connection(
        edges=edges,
        page_info=PageInfo(
            has_next_page=has_next_page,
            has_previous_page=has_previous_page,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
        counter=count,
    )


def empty_connection() -> Connection[T]:
    """A list with nothing in it (a storefront customer the shop has not told us about)."""
    return connection([], ids=[], has_next_page=False, has_previous_page=False, count=_no_items)
