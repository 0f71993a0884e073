"""The one schema: every context's roots merged, with the guards on by default.

Built from one list, ``loyalnest.contexts.CONTEXTS``: each context's GraphQL folder
declares its roots (``QUERIES`` in ``queries.py``, ``MUTATIONS`` in ``mutations.py``,
``SUBSCRIPTIONS`` in ``subscriptions.py``) and its DataLoaders (``loaders.py``), and adds
fields to ``Customer`` and ``Me`` (``customer_fields.py``); see ``core/composition.py``.
A new context's GraphQL face touches nothing here."""

from __future__ import annotations

from collections.abc import Callable

import strawberry
from graphql import GraphQLError
from strawberry.extensions import MaskErrors, MaxAliasesLimiter, SchemaExtension
from strawberry.schema.config import StrawberryConfig
from strawberry.types import ExecutionContext

from loyalnest.graphql.core.composition import compose, context_modules, declared
from loyalnest.graphql.core.depth import depth_limit_rule
from loyalnest.graphql.core.errors import should_mask_error
from loyalnest.graphql.core.execution import LoyalNestExecutionContext, SuggestionAwareExecutionContext
from loyalnest.graphql.core.guards import SchemaGuards
from loyalnest.graphql.core.node import NodeQuery, keep_fast_path
from loyalnest.graphql.core.scalars import SCALARS
from loyalnest.settings import Settings, get_settings

# importing a context's loaders module registers its DataLoaders (core.loaders.loader)
LOADER_MODULES = tuple(context_modules("loaders"))

Query = compose(
    "Query",
    [*declared("queries", "QUERIES"), NodeQuery],
    description="What staff (a Shopify session token, on /graphql) and the storefront customer "
    "(the app proxy, on /proxy/graphql) can read; each field says who may.",
)
Mutation = compose(
    "Mutation",
    declared("mutations", "MUTATIONS"),
    description="Changes. Each returns a payload whose `userErrors` say why it refused its input "
    "(nothing changed then); a field refused to the caller is null with an error on its own path.",
)
Subscription = compose(
    "Subscription",
    declared("subscriptions", "SUBSCRIPTIONS"),
    description="Live updates over graphql-transport-ws on /graphql. At most once: refetch the "
    "state on (re)subscribe.",
)


class _MaskErrors(MaskErrors):
    """MaskErrors, minus its per-request ``isinstance`` against a runtime Protocol
    (which walks the protocol's members every time)."""

    def _process_result(self, result: object) -> None:
        errors = getattr(result, "errors", None)
        if errors:
            result.errors = self._process_errors(errors)  # type: ignore[attr-defined]


class LoyalNestSchema(strawberry.Schema):
    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        # Answers to the client (bad credentials, missing roles, invalid documents,
        # PublicError) are not incidents; log only what gets masked, with its traceback.
        super().process_errors([e for e in errors if should_mask_error(e)], execution_context)


def build_schema(settings: Settings) -> strawberry.Schema:
    # The depth and alias rules are classes built when constructed. Built once here: a
    # fresh class per request would make every request's rule set new, and the
    # validation cache (keyed on the rules) would never hit. The depth rule is ours:
    # Strawberry's QueryDepthLimiter does not measure introspection fields.
    guard_rules = [
        depth_limit_rule(settings.max_query_depth),
        *MaxAliasesLimiter(max_alias_count=settings.max_aliases).validation_rules,
    ]
    # shared by every request; refuses introspection to whom the setting says
    guards = SchemaGuards(
        max_tokens=settings.max_tokens,
        rules=guard_rules,
        introspection=settings.introspection,
        max_repeats=settings.max_repeated_fields,
        max_fields=settings.max_fields,
        max_cost=settings.max_query_cost,
    )
    # Factories, so each request gets fresh extension instances.
    extensions: list[Callable[[], SchemaExtension] | type[SchemaExtension]] = [
        guards.extension,
        lambda: _MaskErrors(should_mask_error=should_mask_error),
    ]
    schema = LoyalNestSchema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        extensions=extensions,
        config=StrawberryConfig(scalar_map=SCALARS),
        # without the fast path: graphql-core's own execution (with suggestions per caller)
        execution_context_class=(
            LoyalNestExecutionContext if settings.graphql_fast_path else SuggestionAwareExecutionContext
        ),
    )
    keep_fast_path(schema._schema)
    return schema


def export_sdl() -> str:
    """The SDL committed as schema/schema.graphql (the contract with the frontend)."""
    return build_schema(get_settings()).as_str() + "\n"
