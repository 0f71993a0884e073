"""Scalars of our own.

``BigInt``: GraphQL's ``Int`` is 32-bit (at most 2,147,483,647), and a shop-wide sum of
points passes that: a million members holding 2,500 points each is 2.5 billion. A field
that overflows is an error and its object null (an import's counts made the whole import
unreadable at a million rows). Sums of points are ``BigInt``: a JSON number, exact up to
2^53 - 1 (JavaScript's safe integers), so clients read it as they read an ``Int``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NewType, TypeAlias

import strawberry
from strawberry.types.scalar import ScalarDefinition

MAX_SAFE = 2**53 - 1


def _parse(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or abs(value) > MAX_SAFE:
        raise ValueError("BigInt is a whole number of at most 2^53 - 1")
    return value


def _serialize(value: int) -> int:
    if abs(value) > MAX_SAFE:
        raise ValueError("the value is beyond 2^53 - 1")
    return int(value)


# The type fields are annotated with: to the type checker a plain ``int`` (values need no
# wrapping), at run time a distinct type the schema maps to its GraphQL scalar.
if TYPE_CHECKING:
    BigInt: TypeAlias = int
else:
    BigInt = NewType("BigInt", int)

# every scalar of ours, by the type that stands for it (``StrawberryConfig.scalar_map``)
SCALARS: dict[object, ScalarDefinition] = {
    BigInt: strawberry.scalar(
        name="BigInt",
        description="A whole number that may pass GraphQL's 32-bit Int (shop-wide sums of points): a JSON "
        "number, exact up to 2^53 - 1 (JavaScript's safe integers).",
        serialize=_serialize,
        parse_value=_parse,
    )
}
