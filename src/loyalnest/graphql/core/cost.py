"""What a document may ask for before any real work is done on it: its shape (checked
before validation) and its cost (checked before execution).

Shape. graphql-core's OverlappingFieldsCanBeMerged rule compares every pair of fields
that share a response name in a selection set (fragments spread into it included),
recursing into their sub-selections: quadratic in the repeats. 390 repeated
``shop { domain }`` (well under the token limit, no aliases) took 1.2 s of validation,
and a fresh comment in each request defeats the parse and validation caches. So before
validating, one linear walk counts, per selection set, how often each response name
occurs (through fragments, each fragment walked once) and how many fields the operation
expands to; past either limit the document is refused without being validated. A real
client repeats a name a few times at most (Apollo's ``__typename``, an ``id`` in each of
several fragments).

Cost. Depth, aliases and tokens bound a document's size, not what it makes the server
do: 30 aliases of ``customers(first: 100)`` each with ``transactions(first: 100)``
read hundreds of thousands of rows. The cost estimates the objects a query can return,
the way Shopify's Admin API does: every object field costs 1, a connection (a field
with ``first``/``last``) multiplies what it selects by the page it asks for (the
default page size when it asks for none), a list fetched by ids by the number of ids,
and scalar fields are free (they come with their object). A root mutation field costs
10. An operation costing more than the limit is refused before it runs, with both
numbers in the error so the client can fix its query.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    ListValueNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    VariableNode,
)

from loyalnest.graphql.core.pagination import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE

DEFAULT_MAX_REPEATS = 10
DEFAULT_MAX_FIELDS = 1000
DEFAULT_MAX_COST = 1000
# the page a connection returns when the query gives neither first nor last
DEFAULT_PAGE = DEFAULT_PAGE_SIZE
MUTATION_COST = 10
PAGE_ARGUMENTS = ("first", "last")
ID_LIST_ARGUMENTS = ("ids",)

QUERY_TOO_LARGE = "QUERY_TOO_LARGE"
QUERY_TOO_COSTLY = "QUERY_TOO_COSTLY"


class _Shape:
    """Counts for one document; each fragment is measured once, however often spread."""

    def __init__(self, fragments: Mapping[str, FragmentDefinitionNode], max_repeats: int, max_fields: int):
        self.fragments = fragments
        self.max_repeats = max_repeats
        self.max_fields = max_fields
        self.keys_memo: dict[str, dict[str, int]] = {}
        self.fields_memo: dict[str, int] = {}
        self.visiting: set[str] = set()

    def keys(self, selection_set: SelectionSetNode, into: dict[str, int]) -> None:
        """Add the response names selected directly in ``selection_set`` (through its
        fragments and inline fragments) to ``into``."""
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                name = (selection.alias or selection.name).value
                into[name] = into.get(name, 0) + 1
            elif isinstance(selection, InlineFragmentNode):
                self.keys(selection.selection_set, into)
            elif isinstance(selection, FragmentSpreadNode):
                for name, count in self.fragment_keys(selection.name.value).items():
                    into[name] = into.get(name, 0) + count

    def fragment_keys(self, name: str) -> dict[str, int]:
        memo = self.keys_memo.get(name)
        if memo is not None:
            return memo
        definition = self.fragments.get(name)
        counts: dict[str, int] = {}
        if definition is not None and name not in self.visiting:  # unknown or cyclic: validation says so
            self.visiting.add(name)
            try:
                self.keys(definition.selection_set, counts)
            finally:
                self.visiting.discard(name)
        self.keys_memo[name] = counts
        return counts

    def fields(self, selection_set: SelectionSetNode | None) -> int:
        """The fields the selection set expands to, fragments spread in full (capped just
        past the limit, so a fragment bomb stops counting early)."""
        if selection_set is None:
            return 0
        total = 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                total += 1 + self.fields(selection.selection_set)
            elif isinstance(selection, InlineFragmentNode):
                total += self.fields(selection.selection_set)
            elif isinstance(selection, FragmentSpreadNode):
                total += self.fragment_fields(selection.name.value)
            if total > self.max_fields:
                return self.max_fields + 1
        return total

    def fragment_fields(self, name: str) -> int:
        memo = self.fields_memo.get(name)
        if memo is not None:
            return memo
        definition = self.fragments.get(name)
        count = 0
        if definition is not None and name not in self.visiting:
            self.visiting.add(name)
            try:
                count = self.fields(definition.selection_set)
            finally:
                self.visiting.discard(name)
        self.fields_memo[name] = count
        return count

    def repeated(self, selection_set: SelectionSetNode, seen: set[int]) -> tuple[str, int] | None:
        """The first response name selected more than ``max_repeats`` times in one
        selection set, anywhere below ``selection_set`` (each set looked at once)."""
        if id(selection_set) in seen:
            return None
        seen.add(id(selection_set))
        counts: dict[str, int] = {}
        self.keys(selection_set, counts)
        for name, count in counts.items():
            if count > self.max_repeats:
                return name, count
        for selection in selection_set.selections:
            below: SelectionSetNode | None = None
            if isinstance(selection, FieldNode | InlineFragmentNode):
                below = selection.selection_set
            elif isinstance(selection, FragmentSpreadNode):
                definition = self.fragments.get(selection.name.value)
                below = definition.selection_set if definition is not None else None
            if below is not None:
                found = self.repeated(below, seen)
                if found is not None:
                    return found
        return None


def shape_error(document: Any, *, max_repeats: int, max_fields: int) -> GraphQLError | None:
    """Why ``document`` is refused before validation, or None. Linear in its size."""
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    shape = _Shape(fragments, max_repeats, max_fields)
    seen: set[int] = set()
    for definition in document.definitions:
        if not isinstance(definition, OperationDefinitionNode):
            continue
        found = shape.repeated(definition.selection_set, seen)
        if found is not None:
            name, count = found
            return GraphQLError(
                f"'{name}' is selected {count} times in one selection set; at most {max_repeats}",
                extensions={"code": QUERY_TOO_LARGE},
            )
        if shape.fields(definition.selection_set) > max_fields:
            return GraphQLError(
                f"the operation selects more than {max_fields} fields (fragments counted where spread)",
                extensions={"code": QUERY_TOO_LARGE},
            )
    return None


def _named(type_: Any) -> Any:
    while isinstance(type_, GraphQLNonNull | GraphQLList):
        type_ = type_.of_type
    return type_


def _argument(field: FieldNode, names: tuple[str, ...]) -> Any:
    """The value node of the first of ``names`` the field is given, or None."""
    for argument in field.arguments or ():
        if argument.name.value in names:
            return argument.value
    return None


def _argument_int(field: FieldNode, names: tuple[str, ...], variables: Mapping[str, Any]) -> int | None:
    value = _argument(field, names)
    if isinstance(value, VariableNode):
        raw = variables.get(value.name.value)
        return raw if isinstance(raw, int) and not isinstance(raw, bool) else None
    return int(value.value) if isinstance(value, IntValueNode) else None


def _argument_length(field: FieldNode, names: tuple[str, ...], variables: Mapping[str, Any]) -> int | None:
    value = _argument(field, names)
    if value is None:
        return None
    if isinstance(value, VariableNode):
        raw = variables.get(value.name.value)
        return len(raw) if isinstance(raw, list) else 1
    if isinstance(value, ListValueNode):
        return len(value.values)
    return 1  # a single value coerces to a list of one


def _from_variable(field: FieldNode, names: tuple[str, ...]) -> bool:
    return any(a.name.value in names and not _is_literal(a.value) for a in field.arguments or ())


def _is_literal(value: Any) -> bool:
    if isinstance(value, VariableNode):
        return False
    if isinstance(value, ListValueNode):
        return all(_is_literal(item) for item in value.values)
    return True


class _Cost:
    def __init__(
        self,
        schema: GraphQLSchema,
        fragments: Mapping[str, FragmentDefinitionNode],
        variables: Mapping[str, Any],
        default_page: int,
    ):
        self.schema = schema
        self.fragments = fragments
        self.variables = variables
        self.default_page = default_page
        self.memo: dict[tuple[str, str], int] = {}
        self.visiting: set[str] = set()
        # whether a variable decided a multiplier: if not, the cost is the document's own
        self.used_variables = False

    def of(self, selection_set: SelectionSetNode | None, parent: Any) -> int:
        if selection_set is None:
            return 0
        total = 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                total += self.field(selection, parent)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                target = self.schema.get_type(condition.name.value) if condition is not None else parent
                total += self.of(selection.selection_set, target or parent)
            elif isinstance(selection, FragmentSpreadNode):
                total += self.fragment(selection.name.value)
        return total

    def fragment(self, name: str) -> int:
        definition = self.fragments.get(name)
        if definition is None or name in self.visiting:
            return 0
        key = (name, definition.type_condition.name.value)
        memo = self.memo.get(key)
        if memo is not None:
            return memo
        self.visiting.add(name)
        try:
            cost = self.of(definition.selection_set, self.schema.get_type(key[1]))
        finally:
            self.visiting.discard(name)
        self.memo[key] = cost
        return cost

    def field(self, node: FieldNode, parent: Any) -> int:
        if not isinstance(parent, GraphQLObjectType | GraphQLInterfaceType):
            return 0
        definition = parent.fields.get(node.name.value)
        if definition is None or node.selection_set is None:
            return 0  # a scalar, an enum or __typename: it comes with its object
        target = _named(definition.type)
        below = self.of(node.selection_set, target)
        if any(name in definition.args for name in PAGE_ARGUMENTS):
            self.used_variables |= _from_variable(node, PAGE_ARGUMENTS)
            page = _argument_int(node, PAGE_ARGUMENTS, self.variables)
            # a page outside 1..100 is refused by the field itself, with the clearer error
            rows = self.default_page if page is None else min(max(page, 0), MAX_PAGE_SIZE)
            return 1 + rows * below
        if any(name in definition.args for name in ID_LIST_ARGUMENTS):
            self.used_variables |= _from_variable(node, ID_LIST_ARGUMENTS)
            count = _argument_length(node, ID_LIST_ARGUMENTS, self.variables)
            return 1 + (count or 0) * below
        return 1 + below


def operation_cost(
    schema: GraphQLSchema,
    document: Any,
    operation_name: str | None,
    variables: Mapping[str, Any] | None,
    *,
    default_page: int = DEFAULT_PAGE,
) -> int:
    """The estimated cost of the operation a request runs (0 for introspection alone)."""
    return measure_cost(schema, document, operation_name, variables, default_page=default_page)[0]


def measure_cost(
    schema: GraphQLSchema,
    document: Any,
    operation_name: str | None,
    variables: Mapping[str, Any] | None,
    *,
    default_page: int = DEFAULT_PAGE,
) -> tuple[int, bool]:
    """The cost, and whether variables decided it (if not, it holds for every request
    of this document and operation)."""
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if operation_name is not None:
        operations = [o for o in operations if o.name is not None and o.name.value == operation_name]
    if not operations:
        return 0, False  # execution reports the missing operation
    operation = operations[0]
    root = schema.get_root_type(operation.operation)
    counter = _Cost(schema, fragments, variables or {}, default_page)
    total = 0
    for selection in operation.selection_set.selections:
        if isinstance(selection, FieldNode) and selection.name.value.startswith("__"):
            continue  # introspection: bounded by the schema and the depth limit
        if operation.operation is OperationType.MUTATION and isinstance(selection, FieldNode):
            # a mutation's own work, plus what its payload selects
            total += MUTATION_COST + max(counter.field(selection, root) - 1, 0)
        else:
            total += counter.of(SelectionSetNode(selections=(selection,)), root)
    return total, counter.used_variables


def cost_error(cost: int, max_cost: int) -> GraphQLError:
    return GraphQLError(
        f"query cost {cost:,} exceeds the limit of {max_cost:,}: each connection multiplies "
        f"what it selects by its first/last ({DEFAULT_PAGE} when absent); ask for fewer rows or "
        "fewer nested connections",
        extensions={"code": QUERY_TOO_COSTLY, "cost": {"requested": cost, "maximum": max_cost}},
    )
