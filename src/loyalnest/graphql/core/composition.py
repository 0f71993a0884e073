"""The schema built from one list: ``loyalnest.contexts.CONTEXTS``.

A context with a GraphQL face has a folder ``loyalnest/graphql/<name>/`` whose modules
declare what they add, by convention (each module optional):

- ``queries.py``         ``QUERIES``        root query types
- ``mutations.py``       ``MUTATIONS``      root mutation types
- ``subscriptions.py``   ``SUBSCRIPTIONS``  root subscription types
- ``loaders.py``         its DataLoaders (``core.loaders.loader``; importing registers them)
- ``customer_fields.py`` ``CUSTOMER_FIELDS`` / ``ME_FIELDS``: the fields it adds to the
                         staff ``Customer`` type and the storefront ``Me`` type
- ``nodes.py``           ``NODES``          its types ``node(id:)`` refetches (core/node.py)

Roots and fields come in CONTEXTS order, which is the order of fields in the SDL.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Iterator, Sequence
from types import ModuleType
from typing import Any

import strawberry
from strawberry.types.private import is_private

from loyalnest.contexts import CONTEXTS

PACKAGE = "loyalnest.graphql"


def context_modules(part: str) -> Iterator[ModuleType]:
    """``loyalnest.graphql.<ctx>.<part>`` of every context that has one, in CONTEXTS order."""
    for name in CONTEXTS:
        if importlib.util.find_spec(f"{PACKAGE}.{name}") is None:
            continue  # a context with no GraphQL face
        module = f"{PACKAGE}.{name}.{part}"
        if importlib.util.find_spec(module) is not None:
            yield importlib.import_module(module)


def declared(part: str, name: str) -> list[type]:
    """Every context's ``<part>.<name>`` tuple, concatenated in CONTEXTS order."""
    found: list[type] = []
    for module in context_modules(part):
        found.extend(getattr(module, name, ()))
    return found


def compose(name: str, parts: Sequence[type], *, description: str | None = None) -> type:
    """One GraphQL object type whose fields are the parts' fields, in the parts' order
    (Strawberry's ``merge_types`` with a description). The first part gives the type its
    data (its dataclass fields and ``from_dto``); the others add resolvers reading it.
    Two parts declaring the same GraphQL field is a mistake, refused here."""
    seen: dict[str, tuple[type, Any]] = {}
    for part in parts:
        for field in part.__strawberry_definition__.fields:  # type: ignore[attr-defined]
            first = seen.setdefault(field.name, (part, field))
            # the parts share their data (``local_id``: Private, not in the schema)
            if first[0] is not part and not (is_private(first[1].type) and is_private(field.type)):
                raise TypeError(f"{name}.{field.name} is declared by {first[0]} and {part}")
    return strawberry.type(type(name, tuple(parts), {}), name=name, description=description)
