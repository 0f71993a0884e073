"""A faster way through selection sets made only of plain leaf fields.

graphql-core resolves every field through the same general machinery: a resolve-info
object, argument coercion, awaitable checks, a path, a completion step per field. For a
field that is just an attribute of the object (a Strawberry field with no resolver, no
arguments and no permission classes) holding a scalar or an enum, all of that ends in
``serialize(getattr(source, name))``. A page of 10 ledger rows with 7 such fields each
is 70 trips through that machinery, more CPU than the rest of the request put together.

``LoyalNestExecutionContext.execute_fields`` therefore checks, once per selection set
per request, whether every field in it is such a plain leaf (``__typename`` included),
and if so builds the result dict directly; ``complete_iterable_value`` does the same
for a whole list of such objects (a page of nodes) at once. Anything else, and any value the fast path
would have to report as an error (null in a non-null field, a scalar that will not
serialise), goes through graphql-core unchanged, so errors, null propagation and paths
are exactly the spec's: the plain fields have no side effects, so computing them a
second time is harmless.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from operator import attrgetter
from typing import Any

from graphql import (
    GraphQLEnumType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLScalarType,
)
from graphql.pyutils import Path, Undefined
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from loyalnest.graphql.core.introspection import principal_of, shows_suggestions
from loyalnest.graphql.core.subscription_events import SharedEvent

# (response key, read the value from the source, serialise it, non-null); a read of
# ``None`` means the field is ``__typename``.
_Step = tuple[str, Callable[[Any], Any] | None, Callable[[Any], Any], bool]
_Plan = tuple[_Step, ...] | None


class _Fallback(Exception):
    """A value the fast path does not report itself; graphql-core will."""


class SuggestionAwareExecutionContext(StrawberryGraphQLCoreExecutionContext):
    """Strawberry's execution, with graphql-core's ``hide_suggestions`` set per request:
    coercing variables ("Did you mean the enum value ...?") is as telling as validation
    (core/introspection.py says who may see suggestions)."""

    @classmethod
    def build(cls, *args: Any, **kwargs: Any) -> Any:  # graphql-core's signature, passed on
        context = kwargs.get("context_value", args[3] if len(args) > 3 else None)
        mode = getattr(getattr(context, "settings", None), "introspection", None)
        if mode is None or not shows_suggestions(mode, principal_of(context)):
            kwargs["hide_suggestions"] = True
        return super().build(*args, **kwargs)


class LoyalNestExecutionContext(SuggestionAwareExecutionContext):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # keyed on the grouped field set object graphql-core memoises per selection set
        # (kept alive by the entry itself, so its id cannot be reused meanwhile)
        self._plans: dict[int, tuple[Any, _Plan]] = {}
        manager = self.middleware_manager
        self._fast_path = manager is None or not manager.middlewares

    def build_per_event_executor(self, payload: Any) -> Any:
        # a subscription event is executed once per audience for all its sockets
        return SharedEvent(self, payload, super().build_per_event_executor)

    def complete_iterable_value(
        self,
        item_type: GraphQLOutputType,
        field_details_list: Any,
        info: Any,
        path: Path,
        items: Any,
        position_context: Any,
    ) -> Any:
        if self._fast_path and isinstance(items, list | tuple):
            nullable_items = not isinstance(item_type, GraphQLNonNull)
            object_type = item_type if nullable_items else item_type.of_type  # type: ignore[union-attr]
            if isinstance(object_type, GraphQLObjectType) and object_type.is_type_of is None:
                grouped_field_set, new_defer_usages, _ = self.collect_subfields(
                    object_type, field_details_list
                )
                plan = None if new_defer_usages else self._plan_for(object_type, grouped_field_set)
                if plan is not None:
                    completed = _attempt(_run_list, plan, object_type, items, nullable_items)
                    if completed is not None:
                        return completed
        return super().complete_iterable_value(
            item_type, field_details_list, info, path, items, position_context
        )

    def execute_fields(
        self,
        parent_type: GraphQLObjectType,
        source_value: Any,
        path: Path | None,
        grouped_field_set: Any,
        position_context: Any,
    ) -> Any:
        if self._fast_path:
            plan = self._plan_for(parent_type, grouped_field_set)
            if plan is not None:
                result = _attempt(_run, plan, parent_type, source_value)
                if result is not None:
                    return result
        return super().execute_fields(parent_type, source_value, path, grouped_field_set, position_context)

    def _plan_for(self, parent_type: GraphQLObjectType, grouped_field_set: Any) -> _Plan:
        entry = self._plans.get(id(grouped_field_set))
        if entry is None or entry[0] is not grouped_field_set:
            entry = (grouped_field_set, self._plan(parent_type, grouped_field_set))
            self._plans[id(grouped_field_set)] = entry
        return entry[1]

    def _plan(self, parent_type: GraphQLObjectType, grouped_field_set: Any) -> _Plan:
        steps: list[_Step] = []
        for response_name, field_details_list in grouped_field_set.items():
            node = field_details_list[0].node
            name = node.name.value
            if name == "__typename":
                steps.append((response_name, None, str, True))
                continue
            if node.arguments:
                return None
            field_def = parent_type.fields.get(name)
            if field_def is None or field_def.args:
                return None
            resolve = field_def.resolve
            definition = (field_def.extensions or {}).get("strawberry-definition")
            # Only a field with no resolver function, no field extensions and no
            # permission classes (which Strawberry runs as extensions) is a plain read.
            # Asked of the field's definition, not of ``resolve``: the wrapper Strawberry
            # puts around a guarded field copies the inner default resolver's attributes.
            if (
                resolve is None
                or definition is None
                or definition.base_resolver is not None
                or definition.extensions
                or definition.permission_classes
            ):
                return None
            field_type = field_def.type
            non_null = isinstance(field_type, GraphQLNonNull)
            if non_null:
                field_type = field_type.of_type
            if not isinstance(field_type, GraphQLScalarType | GraphQLEnumType):
                return None
            steps.append((response_name, _reader(definition, resolve), field_type.serialize, non_null))
        return tuple(steps)


def _reader(definition: Any, resolve: Callable[..., Any]) -> Callable[[Any], Any]:
    """What Strawberry's default resolver does for the field, as one C-level call when
    the schema uses the default ``getattr`` (the usual case)."""
    if definition.default_resolver is getattr:
        return attrgetter(definition.python_name)
    return partial(resolve, info=None)


def _attempt(run: Callable[..., Any], *args: Any) -> Any:
    """The fast path's answer, or None for graphql-core to take over: on a value it does
    not report itself (``_Fallback``) or a scalar that refused to serialise, the normal
    path runs and reports it the spec's way (the plain reads have no side effects)."""
    try:
        return run(*args)
    except Exception:
        return None


def _run_list(
    plan: tuple[_Step, ...], object_type: GraphQLObjectType, items: Any, nullable: bool
) -> list[dict[str, Any] | None]:
    return [_run_item(plan, object_type, item, nullable) for item in items]


def _run_item(
    plan: tuple[_Step, ...], parent_type: GraphQLObjectType, item: Any, nullable: bool
) -> dict[str, Any] | None:
    if item is None:
        if nullable:
            return None
        raise _Fallback
    return _run(plan, parent_type, item)


def _run(plan: tuple[_Step, ...], parent_type: GraphQLObjectType, source: Any) -> dict[str, Any]:
    results: dict[str, Any] = {}
    for response_name, resolve, serialize, non_null in plan:
        if resolve is None:
            results[response_name] = parent_type.name
            continue
        value = resolve(source)
        if value is None:
            if non_null:
                raise _Fallback
            results[response_name] = None
            continue
        serialized = serialize(value)
        if serialized is None or serialized is Undefined:
            raise _Fallback
        results[response_name] = serialized
    return results
