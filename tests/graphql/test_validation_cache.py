"""Validation results are cached per parsed document (by identity), errors included."""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.extensions import ParserCache

from loyalnest.graphql import validation_cache
from loyalnest.graphql.validation_cache import DocumentValidations, ValidationCacheByDocument


@strawberry.type
class Query:
    @strawberry.field
    def hello(self, name: str = "world") -> str:
        return f"hello {name}"


def schema_with(validations: DocumentValidations) -> strawberry.Schema:
    return strawberry.Schema(
        query=Query,
        extensions=[lambda: ParserCache(maxsize=10), lambda: ValidationCacheByDocument(validations)],
    )


async def test_a_document_is_validated_once(monkeypatch: Any) -> None:
    calls: list[Any] = []
    real = validation_cache.validate_document

    def counting(*args: Any) -> Any:
        calls.append(args[1])
        return real(*args)

    monkeypatch.setattr(validation_cache, "validate_document", counting)
    schema = schema_with(DocumentValidations(maxsize=10))
    for _ in range(3):
        result = await schema.execute('{ hello(name: "you") }')
        assert result.data == {"hello": "hello you"}
    assert len(calls) == 1


async def test_invalid_documents_keep_failing_from_the_cache() -> None:
    schema = schema_with(DocumentValidations(maxsize=10))
    for _ in range(2):
        result = await schema.execute("{ hello { nope } }")
        assert result.data is None
        assert result.errors
        assert "must not have a selection" in result.errors[0].message


async def test_the_cache_is_bounded() -> None:
    validations = DocumentValidations(maxsize=2)
    schema = schema_with(validations)
    for name in ("a", "b", "c"):
        await schema.execute(f'{{ hello(name: "{name}") }}')
    assert len(validations._entries) == 2
