"""The one schema: every context's roots merged, with the guards on by default."""

from __future__ import annotations

from collections.abc import Callable

import strawberry
from graphql import GraphQLError
from strawberry.extensions import (
    DisableIntrospection,
    MaskErrors,
    MaxAliasesLimiter,
    QueryDepthLimiter,
    SchemaExtension,
)
from strawberry.tools import merge_types
from strawberry.types import ExecutionContext

from loyalnest.graphql.customers.queries import CustomersQuery
from loyalnest.graphql.earning.mutations import EarningMutation
from loyalnest.graphql.earning.queries import EarningQuery
from loyalnest.graphql.errors import should_mask_error
from loyalnest.graphql.execution import LoyalNestExecutionContext
from loyalnest.graphql.guards import SchemaGuards
from loyalnest.graphql.merchants.mutations import MerchantsMutation
from loyalnest.graphql.merchants.queries import MerchantsQuery
from loyalnest.graphql.points.mutations import PointsMutation
from loyalnest.graphql.points.subscriptions import PointsSubscription
from loyalnest.graphql.rewards.mutations import RewardsMutation
from loyalnest.graphql.rewards.queries import RewardsQuery
from loyalnest.graphql.storefront.queries import StorefrontQuery
from loyalnest.settings import Settings, get_settings

Query = merge_types("Query", (MerchantsQuery, CustomersQuery, StorefrontQuery, RewardsQuery, EarningQuery))
Mutation = merge_types("Mutation", (MerchantsMutation, PointsMutation, RewardsMutation, EarningMutation))
Subscription = merge_types("Subscription", (PointsSubscription,))


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
    # The depth and alias limiters build their validation rule classes when constructed.
    # Built once here: a fresh class per request would make every request's rule set
    # new, and the validation cache (keyed on the rules) would never hit.
    guard_rules = [
        *QueryDepthLimiter(max_depth=settings.max_query_depth).validation_rules,
        *MaxAliasesLimiter(max_alias_count=settings.max_aliases).validation_rules,
    ]
    guards = SchemaGuards(max_tokens=settings.max_tokens, rules=guard_rules)  # shared by every request
    # Factories, so each request gets fresh extension instances.
    extensions: list[Callable[[], SchemaExtension] | type[SchemaExtension]] = [
        guards.extension,
        lambda: _MaskErrors(should_mask_error=should_mask_error),
    ]
    if not settings.introspection:
        extensions.append(DisableIntrospection)
    return LoyalNestSchema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        extensions=extensions,
        execution_context_class=LoyalNestExecutionContext,
    )


def export_sdl() -> str:
    """The SDL committed as schema/schema.graphql (the contract with the frontend)."""
    return build_schema(get_settings()).as_str() + "\n"
