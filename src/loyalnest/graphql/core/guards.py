"""The per-request guards and caches of the one schema, as one Strawberry extension:
the token limit, the parsed-document cache, the depth and alias rules, and validation
cached per document.

One extension rather than Strawberry's four (MaxTokensLimiter, ParserCache,
AddValidationRules, ValidationCache): Strawberry sets up every extension's hooks on
every request, and on a small query that bookkeeping was measurable.

Validation is cached by the parsed document's identity, not its value. Strawberry's
``ValidationCache`` keys an ``lru_cache`` on the document, and in graphql-core 3.3 a
document is a frozen dataclass tree: hashing it walks every node of the query on every
request. The parse cache hands back the same document object for the same query text,
so identity is as good a key and costs nothing. Each entry keeps its document alive,
so the id it is filed under cannot be reused by another document meanwhile.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from functools import lru_cache
from typing import Any

from graphql import ASTValidationRule
from graphql.language.parser import parse
from strawberry.extensions import SchemaExtension
from strawberry.schema.schema import validate_document


class DocumentValidations:
    """A bounded LRU of validation errors, shared by every request of a schema."""

    def __init__(self, maxsize: int) -> None:
        self.maxsize = maxsize
        self._entries: OrderedDict[tuple[int, Any], tuple[Any, list[Any]]] = OrderedDict()

    def errors(self, schema: Any, document: Any, rules: Any) -> list[Any]:
        key = (id(document), rules)
        entry = self._entries.get(key)
        if entry is not None and entry[0] is document:
            self._entries.move_to_end(key)
            return entry[1]
        errors = validate_document(schema, document, rules)  # Strawberry's own rules added
        self._entries[key] = (document, errors)
        if len(self._entries) > self.maxsize:
            self._entries.popitem(last=False)
        return errors


class SchemaGuards:
    """What every request of one schema shares: limits, extra rules and the caches."""

    def __init__(
        self, *, max_tokens: int, rules: Sequence[type[ASTValidationRule]], cache_size: int = 1000
    ) -> None:
        self.max_tokens = max_tokens
        self.rules = tuple(rules)
        self.parse: Callable[..., Any] = lru_cache(maxsize=cache_size)(parse)
        self.validations = DocumentValidations(maxsize=cache_size)

    def extension(self) -> RequestGuards:
        return RequestGuards(self)


class RequestGuards(SchemaExtension):
    def __init__(self, guards: SchemaGuards) -> None:
        super().__init__()
        self.guards = guards

    def on_operation(self) -> Iterator[None]:
        context = self.execution_context
        # the token limit is a parse option: a huge document stops before parsing work
        context.parse_options["max_tokens"] = self.guards.max_tokens
        context.validation_rules = context.validation_rules + self.guards.rules
        yield

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        context.graphql_document = self.guards.parse(context.query, **context.parse_options)
        yield

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        context.pre_execution_errors = self.guards.validations.errors(
            context.schema._schema, context.graphql_document, context.validation_rules
        )
        yield
