"""The plain-leaf fast path answers exactly what graphql-core's own execution does:
same data, same errors and paths, permissions still applied."""

from __future__ import annotations

from enum import Enum
from typing import Any

import pytest
import strawberry
from strawberry.permission import BasePermission

from loyalnest.graphql.core.execution import LoyalNestExecutionContext


@strawberry.enum
class Colour(Enum):
    RED = "red"
    BLUE = "blue"


class Never(BasePermission):
    message = "not for you"

    def has_permission(self, source: Any, info: Any, **kwargs: Any) -> bool:
        return False


@strawberry.type
class Row:
    id: strawberry.ID
    count: int
    ratio: float
    label: str | None
    colour: Colour
    must: str
    secret: str | None = strawberry.field(permission_classes=[Never], default=None)

    @strawberry.field
    def doubled(self) -> int:
        return self.count * 2


ROWS = [
    Row(id=strawberry.ID("r1"), count=1, ratio=0.5, label=None, colour=Colour.RED, must="a", secret="s"),
    Row(id=strawberry.ID("r2"), count=2, ratio=1.5, label="two", colour=Colour.BLUE, must="b", secret="s"),
]


@strawberry.type
class Query:
    @strawberry.field
    def rows(self) -> list[Row]:
        return ROWS

    @strawberry.field
    def broken(self) -> list[Row]:
        # ``must`` is non-null in the schema: the second row breaks that promise
        return [ROWS[0], Row(**{**ROWS[1].__dict__, "must": None})]  # type: ignore[arg-type]

    @strawberry.field
    def with_gap(self) -> list[Row | None]:
        return [ROWS[0], None]

    @strawberry.field
    def broken_list(self) -> list[Row] | None:
        # items are non-null in the schema: the None breaks that promise
        return [ROWS[0], None]  # type: ignore[list-item]


fast = strawberry.Schema(query=Query, execution_context_class=LoyalNestExecutionContext)
plain = strawberry.Schema(query=Query)


async def both(query: str, variables: dict[str, Any] | None = None) -> tuple[Any, Any]:
    a = await fast.execute(query, variable_values=variables)
    b = await plain.execute(query, variable_values=variables)
    return a, b


QUERIES = [
    "{ rows { id count ratio label colour must } }",
    "{ rows { __typename id n: count l: label } }",
    "{ rows { id count ...F } } fragment F on Row { colour label }",
    "query ($skip: Boolean!) { rows { id count @skip(if: $skip) label @include(if: $skip) } }",
    "{ rows { id doubled count } }",  # a resolver field: the whole set takes the normal path
    "{ a: rows { id } b: rows { count colour } }",
    "{ withGap { id count } }",
]


@pytest.mark.parametrize("query", QUERIES)
async def test_same_answer_as_graphql_core(query: str) -> None:
    a, b = await both(query, {"skip": True})
    assert a.errors is None
    assert b.errors is None
    assert a.data == b.data


async def test_null_in_a_non_null_field_is_reported_like_graphql_core() -> None:
    a, b = await both("{ broken { id must } }")
    assert a.data == b.data == None  # noqa: E711  (null propagates to the nullable root)
    assert [(e.message, e.path) for e in a.errors or []] == [(e.message, e.path) for e in b.errors or []]
    assert a.errors
    assert a.errors[0].path == ["broken", 1, "must"]


async def test_null_item_in_a_list_of_non_null_items_is_reported_like_graphql_core() -> None:
    a, b = await both("{ brokenList { id count } }")
    assert a.data == b.data == {"brokenList": None}
    assert [(e.message, e.path) for e in a.errors or []] == [(e.message, e.path) for e in b.errors or []]
    assert a.errors
    assert a.errors[0].path == ["brokenList", 1]


async def test_a_field_with_permission_classes_is_still_checked() -> None:
    a, b = await both("{ rows { id secret } }")
    assert a.data == b.data
    assert a.errors
    assert {e.message for e in a.errors} == {"not for you"}
    assert [e.path for e in a.errors] == [e.path for e in b.errors or []]


class _CountingContext(LoyalNestExecutionContext):
    fields_executed = 0
    selection_sets_executed = 0

    def execute_field(self, *args: Any, **kwargs: Any) -> Any:
        type(self).fields_executed += 1
        return super().execute_field(*args, **kwargs)

    def execute_fields(self, *args: Any, **kwargs: Any) -> Any:
        type(self).selection_sets_executed += 1
        return super().execute_fields(*args, **kwargs)


async def test_plain_leaves_skip_the_per_field_machinery() -> None:
    counting = strawberry.Schema(query=Query, execution_context_class=_CountingContext)
    result = await counting.execute("{ rows { id count label colour } }")
    assert result.errors is None
    # only ``rows`` went through graphql-core's execute_field; its 2 x 4 leaves did not,
    # and the list of rows was completed in one pass (only the root selection set ran)
    assert _CountingContext.fields_executed == 1
    assert _CountingContext.selection_sets_executed == 1
