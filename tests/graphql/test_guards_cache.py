"""The schema's guards extension: documents parsed once per text, validation cached per
parsed document (by identity) with its errors, bounded caches, the token limit."""

from __future__ import annotations

import gc
import tracemalloc
from typing import Any

import strawberry

from loyalnest.graphql.core import guards as guards_module
from loyalnest.graphql.core.guards import SchemaGuards


@strawberry.type
class Query:
    @strawberry.field
    def hello(self, name: str = "world") -> str:
        return f"hello {name}"


def schema_with(guards: SchemaGuards) -> strawberry.Schema:
    return strawberry.Schema(query=Query, extensions=[guards.extension])


def guards(cache_bytes: int = 1024 * 1024, max_tokens: int = 100) -> SchemaGuards:
    return SchemaGuards(max_tokens=max_tokens, rules=[], cache_bytes=cache_bytes)


def aliased(count: int, tag: str) -> str:
    """A valid document of about ``3 * count`` tokens, unique by ``tag``."""
    return "{ " + " ".join(f"a{i}: hello" for i in range(count)) + f" }} # {tag}"


async def test_a_document_is_validated_once(monkeypatch: Any) -> None:
    calls: list[Any] = []
    real = guards_module.validate_document

    def counting(*args: Any) -> Any:
        calls.append(args[1])
        return real(*args)

    monkeypatch.setattr(guards_module, "validate_document", counting)
    schema = schema_with(guards())
    for _ in range(3):
        result = await schema.execute('{ hello(name: "you") }')
        assert result.data == {"hello": "hello you"}
    assert len(calls) == 1


async def test_invalid_documents_keep_failing_from_the_cache() -> None:
    schema = schema_with(guards())
    for _ in range(2):
        result = await schema.execute("{ hello { nope } }")
        assert result.data is None
        assert result.errors
        assert "must not have a selection" in result.errors[0].message


async def test_the_caches_are_bounded_by_bytes() -> None:
    small = 'query { hello(name: "a") }'
    budget = 3 * guards_module.document_weight(guards_module.parse(small)) + 3 * len(small)
    shared = guards(cache_bytes=budget)
    schema = schema_with(shared)
    for name in "abcdef":
        await schema.execute(f'query {{ hello(name: "{name}") }}')
    # three small documents fit the budget; the older ones were evicted
    assert len(shared.parse.cache) == len(shared.validations.cache) == 3
    assert shared.parse.cache.total_bytes <= budget
    assert shared.validations.cache.total_bytes <= budget
    # one document heavier than the whole budget is served but not kept
    result = await schema.execute(aliased(30, "big"))
    assert result.errors is None
    assert len(shared.parse.cache) == 3


async def test_large_unique_documents_cannot_grow_the_caches_past_their_budget() -> None:
    """Issue 8: 1,400 unique 2,000-token documents held 1.2 GiB under a count bound.
    Measured, not estimated: what the caches keep alive stays within their budgets."""
    budget = 1024 * 1024
    shared = guards(cache_bytes=budget, max_tokens=2000)
    schema = schema_with(shared)
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        # each about 650 tokens: 7.5 MB kept without the bound (measured), 2.5 times the
        # most allowed below (each document costs a parse and a validation under
        # tracemalloc: a third of a second on a busy machine)
        for n in range(30):
            result = await schema.execute(aliased(215, f"unique {n}"))
            assert result.errors is None
        gc.collect()
        kept = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert len(shared.parse.cache) < 30
    assert kept < 2 * budget + 1024 * 1024, kept  # the two caches, plus slack


async def test_a_document_over_the_token_limit_is_refused_before_parsing() -> None:
    schema = schema_with(guards(max_tokens=20))
    result = await schema.execute("{ " + " ".join(f"a{i}: hello" for i in range(20)) + " }")
    assert result.data is None
    assert result.errors
    assert "more than 20 tokens" in result.errors[0].message
