"""Relay's ``Node``: every type with a global id implements it, and ``node(id:)`` /
``nodes(ids:)`` refetch any of them.

Each context declares the node types it owns in ``graphql/<ctx>/nodes.py``:

    NODES = (NodeKind("Reward", loader="rewards.reward", build=Reward.from_dto,
                      permission_classes=REWARD_READ),)

- ``loader``: the request's DataLoader that fetches it by local id, scoped to the
  caller's shop (so a node of another shop is simply not found: null);
- ``build``: the GraphQL object from what the loader returns;
- ``permission_classes``: the ones of the type's own root field (``reward(id:)``), so
  ``node`` refuses exactly what that field refuses, with its error.
"""

from __future__ import annotations

import asyncio
import functools
import inspect
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Annotated, Any

import strawberry
from graphql import GraphQLObjectType, GraphQLSchema
from strawberry.permission import BasePermission
from strawberry.types import Info

from loyalnest.graphql.core.composition import declared
from loyalnest.graphql.core.errors import PublicError
from loyalnest.graphql.core.ids import decode_global_id
from loyalnest.graphql.core.permissions import IsStaff

MAX_NODES = 100


@strawberry.interface(description="An object with a global id, which `node(id:)` refetches.")
class Node:
    id: strawberry.ID = strawberry.field(
        description="The global id: opaque, unique across every type, stable. Pass it to `node(id:)`."
    )


@dataclass(frozen=True)
class NodeKind:
    type_name: str
    loader: str
    build: Callable[[Any], Any]
    permission_classes: Sequence[type[BasePermission]]


@functools.cache
def node_kinds() -> dict[str, NodeKind]:
    kinds: dict[str, NodeKind] = {}
    for kind in declared("nodes", "NODES"):
        assert isinstance(kind, NodeKind)
        if kind.type_name in kinds:
            raise TypeError(f"node type {kind.type_name} is declared twice")
        kinds[kind.type_name] = kind
    return kinds


async def _check(kind: NodeKind, info: Info) -> None:
    """The type's root field's permission checks, raising its refusal."""
    for permission_class in kind.permission_classes:
        permission = permission_class()
        allowed = permission.has_permission(None, info)
        if inspect.isawaitable(allowed):
            allowed = await allowed
        if not allowed:
            extensions = permission.error_extensions or {}
            raise PublicError(
                permission.message or "not allowed", code=str(extensions.get("code", "FORBIDDEN"))
            )


async def _resolve(info: Info, global_id: str) -> Any:
    """The node, None when the id names nothing of this shop, or the refusal raised."""
    decoded = decode_global_id(global_id)
    if decoded is None:
        return None
    type_name, local_id = decoded
    kind = node_kinds().get(type_name)
    if kind is None:
        return None
    await _check(kind, info)
    found = await info.context.loaders.get(kind.loader).load(local_id)
    return None if found is None else kind.build(found)


async def _resolve_or_error(info: Info, global_id: str) -> Any:
    try:
        return await _resolve(info, global_id)
    except PublicError as refusal:
        # an error as a list item: graphql-core nulls that item and reports it at its path
        return refusal


@strawberry.type
class NodeQuery:
    @strawberry.field(
        permission_classes=[IsStaff],
        description="Any object of this shop by its global id (Relay); null when the id names "
        "nothing of this shop. Refused (null, with the error) exactly as the type's own field "
        "(`customer`, `reward`...) would refuse it; null (with an error) for a caller who is not staff.",
    )
    async def node(
        self, info: Info, id: Annotated[strawberry.ID, strawberry.argument(description="A global id.")]
    ) -> Node | None:
        return await _resolve(info, id)

    @strawberry.field(
        permission_classes=[IsStaff],
        description=f"Several objects by global id, in the order asked (at most {MAX_NODES}); each "
        "is null when its id names nothing of this shop, or null with an error on its own path "
        "when its type's field would refuse it. Null (with an error) for a caller who is not staff.",
    )
    async def nodes(
        self,
        info: Info,
        ids: Annotated[
            list[strawberry.ID], strawberry.argument(description=f"Global ids, at most {MAX_NODES}.")
        ],
    ) -> list[Node | None] | None:
        if len(ids) > MAX_NODES:
            raise PublicError(f"ids is limited to {MAX_NODES}", code="BAD_USER_INPUT")
        # concurrently, so each type's DataLoader fetches its ids in one batch
        return list(await asyncio.gather(*(_resolve_or_error(info, i) for i in ids)))


def keep_fast_path(schema: GraphQLSchema) -> None:
    """Drop the ``is_type_of`` Strawberry gives every type that implements an interface.

    Our resolvers return instances of the GraphQL type's own class, which the interface's
    ``resolve_type`` (an ``isinstance``) already identifies; an ``is_type_of`` would
    only repeat that check on every object of every page and keep lists of these types
    off the execution fast path (``core/execution.py`` takes only types without one)."""
    for graphql_type in schema.type_map.values():
        if isinstance(graphql_type, GraphQLObjectType) and graphql_type.interfaces:
            graphql_type.is_type_of = None
