"""GraphQL helpers: the operation to run, field arguments, Shopify's requested and
actual query cost, ``extensions.cost``, and projecting an answer onto what the client
selected."""

from __future__ import annotations

from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
)
from graphql.utilities import value_from_ast_untyped

from loyalnest.devtools.shopify_fake.constants import MUTATION_COST
from loyalnest.devtools.shopify_fake.records import FakeShop, _GraphQLFailure

# --- GraphQL helpers --------------------------------------------------------------------


def _operation(
    document: Any, name: str | None
) -> tuple[OperationDefinitionNode | None, dict[str, FragmentDefinitionNode]]:
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    if name:
        chosen = [o for o in operations if o.name is not None and o.name.value == name]
        return (chosen[0] if chosen else None), fragments
    return (operations[0] if len(operations) == 1 else None), fragments


def _arguments(node: FieldNode, variables: dict[str, Any]) -> dict[str, Any]:
    return {arg.name.value: value_from_ast_untyped(arg.value, variables) for arg in node.arguments or ()}


def _selection_cost(selection_set: SelectionSetNode | None) -> int:
    """Shopify's requested cost of a selection: objects 1, scalars 0, a connection
    2 + first (or last) x its node cost."""
    if selection_set is None:
        return 0
    total = 0
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            if selection.selection_set is None:
                continue
            size = None
            for arg in selection.arguments or ():
                if arg.name.value in ("first", "last"):
                    literal = value_from_ast_untyped(arg.value, {})
                    size = literal if isinstance(literal, int) else 1
            inner = _selection_cost(selection.selection_set)
            total += 2 + size * inner if size is not None else 1 + inner
        elif isinstance(selection, InlineFragmentNode):
            total += _selection_cost(selection.selection_set)
    return total


def _requested_cost(op_type: str, fields: list[FieldNode]) -> int:
    if op_type == "mutation":
        return MUTATION_COST * max(1, len(fields))
    total = 0
    for node in fields:
        if node.selection_set is not None:
            total += 1 + _selection_cost(node.selection_set)
    return max(1, total)


def _objects_in(value: Any) -> int:
    if isinstance(value, dict):
        return 1 + sum(_objects_in(v) for v in value.values())
    if isinstance(value, list):
        return sum(_objects_in(v) for v in value)
    return 0


def _project(
    value: Any, selection_set: SelectionSetNode | None, fragments: dict[str, FragmentDefinitionNode]
) -> Any:
    """Only what the client selected, under its aliases."""
    if selection_set is None or value is None:
        return value
    if isinstance(value, list):
        return [_project(item, selection_set, fragments) for item in value]
    out: dict[str, Any] = {}
    typename = value.get("__typename")
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            name = selection.name.value
            key = selection.alias.value if selection.alias else name
            if name == "__typename":
                out[key] = typename
            elif name not in value:
                raise _GraphQLFailure(
                    f"Field '{name}' doesn't exist on type '{typename}'",
                    code="undefinedField",
                    typeName=typename,
                    fieldName=name,
                )
            else:
                out[key] = _project(value[name], selection.selection_set, fragments)
        elif isinstance(selection, InlineFragmentNode):
            condition = selection.type_condition.name.value if selection.type_condition else None
            if condition is None or condition == typename:
                out.update(_project(value, selection.selection_set, fragments))
        elif isinstance(selection, FragmentSpreadNode):
            fragment = fragments.get(selection.name.value)
            if fragment is None:
                raise _GraphQLFailure(f"Fragment {selection.name.value} was used, but not defined")
            if fragment.type_condition.name.value == typename:
                out.update(_project(value, fragment.selection_set, fragments))
    return out


def _cost(shop: FakeShop, requested: int, actual: int | None) -> dict[str, Any]:
    return {
        "cost": {
            "requestedQueryCost": requested,
            "actualQueryCost": actual,
            "throttleStatus": {
                "maximumAvailable": float(shop.maximum),
                "currentlyAvailable": int(shop.available),
                "restoreRate": float(shop.restore_rate),
            },
        }
    }
