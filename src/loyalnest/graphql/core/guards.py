"""The per-request guards and caches of the one schema, as one Strawberry extension:
the token limit, the parsed-document cache, the depth and alias rules, who may see the
schema (introspection and error suggestions, core/introspection.py), validation cached
per document with the shape limits checked before it, and the cost limit checked after
it (both in core/cost.py).

One extension rather than Strawberry's four (MaxTokensLimiter, ParserCache,
AddValidationRules, ValidationCache): Strawberry sets up every extension's hooks on
every request, and on a small query that bookkeeping was measurable.

Validation is cached by the parsed document's identity, not its value. Strawberry's
``ValidationCache`` keys an ``lru_cache`` on the document, and in graphql-core 3.3 a
document is a frozen dataclass tree: hashing it walks every node of the query on every
request. The parse cache hands back the same document object for the same query text,
so identity is as good a key and costs nothing. Each entry keeps its document alive,
so the id it is filed under cannot be reused by another document meanwhile.

Both caches are bounded by what they hold, not by how many entries: a parsed document
costs about 450-550 bytes per token (its tokens stay linked from the AST), so a count
bound of 1,000 let 1,400 unique 2,000-token documents hold 1.2 GiB. Each entry is
weighed when it is stored (a walk of its tokens, cheap next to the parse or validation
that produced it) and the least recently used go once the total passes the budget.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator, Sequence
from typing import Any

from graphql import ASTValidationRule, GraphQLError, validate
from graphql.language.parser import parse
from graphql.validation import NoSchemaIntrospectionCustomRule
from strawberry.extensions import SchemaExtension
from strawberry.schema.validation_rules.maybe_null import MaybeNullValidationRule
from strawberry.schema.validation_rules.one_of import OneOfInputValidationRule

from loyalnest.graphql.core.cost import (
    DEFAULT_MAX_COST,
    DEFAULT_MAX_FIELDS,
    DEFAULT_MAX_REPEATS,
    cost_error,
    measure_cost,
    shape_error,
)
from loyalnest.graphql.core.introspection import OPEN, may_introspect, principal_of, shows_suggestions

# Upper bounds measured on graphql-core 3.3 documents (tracemalloc): the token, its AST
# node and their locations; the text a token carries (names, strings, comments) on top.
TOKEN_BYTES = 600
ERROR_BYTES = 1000
# Per cache: the parse cache and the validation cache may each hold this much.
DEFAULT_CACHE_BYTES = 32 * 1024 * 1024


def validate_document(
    schema: Any, document: Any, rules: tuple[type[ASTValidationRule], ...], hide_suggestions: bool = False
) -> list[GraphQLError]:
    """Strawberry's ``validate_document`` (its own two rules added), plus graphql-core's
    ``hide_suggestions``, which Strawberry does not pass on."""
    rules = (*rules, MaybeNullValidationRule, OneOfInputValidationRule)
    return validate(schema, document, rules, hide_suggestions=hide_suggestions)


def document_weight(document: Any) -> int:
    """Estimated bytes a parsed document keeps alive."""
    loc = getattr(document, "loc", None)
    token = loc.start_token if loc is not None else None
    if token is None:  # parsed without locations: only the tokens' count is unknown
        return TOKEN_BYTES
    weight = 0
    while token is not None:
        weight += TOKEN_BYTES + len(token.value or "")
        token = token.next
    return weight


class WeighedLRU:
    """An LRU map bounded by the total weight of its entries. An entry heavier than the
    whole budget is not kept at all."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.total_bytes = 0
        self._entries: OrderedDict[Any, tuple[Any, int]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: Any) -> Any | None:
        entry = self._entries.get(key)
        if entry is None:
            return None
        self._entries.move_to_end(key)
        return entry[0]

    def put(self, key: Any, value: Any, weight: int) -> None:
        old = self._entries.pop(key, None)
        if old is not None:
            self.total_bytes -= old[1]
        if weight > self.max_bytes:
            return
        self._entries[key] = (value, weight)
        self.total_bytes += weight
        while self.total_bytes > self.max_bytes:
            _, (_, evicted) = self._entries.popitem(last=False)
            self.total_bytes -= evicted


class DocumentParses:
    """Parsed documents by query text and parse options, shared by every request."""

    def __init__(self, max_bytes: int) -> None:
        self.cache = WeighedLRU(max_bytes)

    def __call__(self, query: Any, **options: Any) -> Any:  # str; Strawberry types it str | None
        key = (query, tuple(options.items()))  # always {"max_tokens": n}, in one order
        document = self.cache.get(key)
        if document is None:
            document = parse(query, **options)  # a refused document raises: nothing cached
            self.cache.put(key, document, len(query) + document_weight(document))
        return document


class DocumentValidations:
    """Validation errors by document identity and rules, shared by every request; with
    each entry, the operations' costs that no variable decides."""

    def __init__(self, max_bytes: int, *, max_repeats: int, max_fields: int) -> None:
        self.cache = WeighedLRU(max_bytes)
        self.max_repeats = max_repeats
        self.max_fields = max_fields

    def entry(
        self, schema: Any, document: Any, rules: Any, hide_suggestions: bool = False
    ) -> tuple[Any, list[Any], dict[str | None, int]]:
        key = (id(document), rules, hide_suggestions)
        entry = self.cache.get(key)
        if entry is not None and entry[0] is document:
            return entry
        # the shape first: a document validation would take quadratic time on is refused
        # after one linear walk (core/cost.py)
        refused = shape_error(document, max_repeats=self.max_repeats, max_fields=self.max_fields)
        if refused is not None:
            errors = [refused]
        else:
            errors = validate_document(schema, document, rules, hide_suggestions)
        entry = (document, errors, {})
        # the entry keeps its document alive, so it weighs the document too
        self.cache.put(key, entry, document_weight(document) + ERROR_BYTES * len(errors))
        return entry

    def errors(self, schema: Any, document: Any, rules: Any, hide_suggestions: bool = False) -> list[Any]:
        return self.entry(schema, document, rules, hide_suggestions)[1]


class SchemaGuards:
    """What every request of one schema shares: limits, extra rules and the caches."""

    def __init__(
        self,
        *,
        max_tokens: int,
        rules: Sequence[type[ASTValidationRule]],
        cache_bytes: int = DEFAULT_CACHE_BYTES,
        introspection: str = OPEN,
        max_repeats: int = DEFAULT_MAX_REPEATS,
        max_fields: int = DEFAULT_MAX_FIELDS,
        max_cost: int = DEFAULT_MAX_COST,
    ) -> None:
        self.max_tokens = max_tokens
        self.max_cost = max_cost
        self.rules = tuple(rules)
        # settings.introspection: "staff", "open" or "off" (core/introspection.py)
        self.introspection = introspection
        self.closed_rules = (*self.rules, NoSchemaIntrospectionCustomRule)
        self.parse = DocumentParses(cache_bytes)
        self.validations = DocumentValidations(cache_bytes, max_repeats=max_repeats, max_fields=max_fields)

    def extension(self) -> RequestGuards:
        return RequestGuards(self)


class RequestGuards(SchemaExtension):
    def __init__(self, guards: SchemaGuards) -> None:
        super().__init__()
        self.guards = guards
        self.hide_suggestions = True

    def on_operation(self) -> Iterator[None]:
        context = self.execution_context
        # the token limit is a parse option: a huge document stops before parsing work
        context.parse_options["max_tokens"] = self.guards.max_tokens
        principal = principal_of(context.context)
        # one of two tuples built once, so the validation cache keeps hitting
        if may_introspect(self.guards.introspection, principal):
            context.validation_rules = context.validation_rules + self.guards.rules
        else:
            context.validation_rules = context.validation_rules + self.guards.closed_rules
        self.hide_suggestions = not shows_suggestions(self.guards.introspection, principal)
        yield

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        context.graphql_document = self.guards.parse(context.query, **context.parse_options)
        yield

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        schema = context.schema._schema
        document, errors, static_costs = self.guards.validations.entry(
            schema, context.graphql_document, context.validation_rules, self.hide_suggestions
        )
        if not errors:
            # the cost needs the variables (a page size is often one), so it is per request;
            # a document whose multipliers are all literals is measured once
            cost = static_costs.get(context.operation_name)
            if cost is None:
                cost, variable = measure_cost(schema, document, context.operation_name, context.variables)
                if not variable:
                    static_costs[context.operation_name] = cost
            if cost > self.guards.max_cost:
                errors = [cost_error(cost, self.guards.max_cost)]
        context.pre_execution_errors = errors
        yield
