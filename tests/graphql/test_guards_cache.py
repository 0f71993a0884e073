"""The schema's guards extension: documents parsed once per text, validation cached per
parsed document (by identity) with its errors, bounded caches, the token limit."""

from __future__ import annotations

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


def guards(cache_size: int = 10, max_tokens: int = 100) -> SchemaGuards:
    return SchemaGuards(max_tokens=max_tokens, rules=[], cache_size=cache_size)


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


async def test_the_caches_are_bounded() -> None:
    shared = guards(cache_size=2)
    schema = schema_with(shared)
    for name in ("a", "b", "c"):
        await schema.execute(f'{{ hello(name: "{name}") }}')
    assert len(shared.validations._entries) == 2
    assert shared.parse.cache_info().currsize == 2  # type: ignore[attr-defined]


async def test_a_document_over_the_token_limit_is_refused_before_parsing() -> None:
    schema = schema_with(guards(max_tokens=20))
    result = await schema.execute("{ " + " ".join(f"a{i}: hello" for i in range(20)) + " }")
    assert result.data is None
    assert result.errors
    assert "more than 20 tokens" in result.errors[0].message
