"""Validation results cached per parsed document, by identity.

Strawberry's ``ValidationCache`` keys an ``lru_cache`` on the parsed document, and in
graphql-core 3.3 a document is a frozen dataclass tree: hashing it walks every node of
the query on every request (measured: a third of a small query's CPU). ``ParserCache``
hands back the same document object for the same query text, so its identity is as
good a key and costs nothing. Each entry keeps its document alive, so the id it is
filed under cannot be reused by another document while the entry exists.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator
from typing import Any

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
        errors = validate_document(schema, document, rules)  # Strawberry's rules added
        self._entries[key] = (document, errors)
        if len(self._entries) > self.maxsize:
            self._entries.popitem(last=False)
        return errors


class ValidationCacheByDocument(SchemaExtension):
    def __init__(self, validations: DocumentValidations) -> None:
        super().__init__()
        self.validations = validations

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        context.pre_execution_errors = self.validations.errors(
            context.schema._schema, context.graphql_document, context.validation_rules
        )
        yield
