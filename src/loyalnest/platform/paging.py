"""Keyset pages in Relay's terms, for every context's list queries.

A list query reads ``first + 1`` rows from its cursor: the extra row only says whether
more lie beyond the page in the direction read. Which side that is, and what the other
flag means, is the same for every list, so it is decided here once:

- forwards (``first``/``after``): ``has_next_page`` is that extra row, and
  ``has_previous_page`` is whether an ``after`` cursor was given;
- backwards (``last``/``before``): ``has_previous_page`` is the extra row, and
  ``has_next_page`` is whether a ``before`` cursor was given.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Window(Generic[T]):
    items: list[T]
    has_next_page: bool
    has_previous_page: bool


def window(
    rows: Sequence[T], first: int, *, backward: bool, after_given: bool, before_given: bool
) -> Window[T]:
    """The page of ``rows``, read with ``limit=first + 1`` and given in the list's own
    order (so when reading backwards the extra row, if any, is the first one)."""
    more = len(rows) > first
    if backward:
        return Window(list(rows[-first:]), has_next_page=before_given, has_previous_page=more)
    return Window(list(rows[:first]), has_next_page=more, has_previous_page=after_given)
