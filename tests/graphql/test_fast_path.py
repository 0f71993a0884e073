"""The execution fast path (graphql/core/execution.py) overrides graphql-core internals:
it is pinned to the graphql-core version in uv.lock, and the setting that turns it off
(LOYALNEST_GRAPHQL_FAST_PATH=false) gives the same answers."""

from __future__ import annotations

import inspect
import re
from pathlib import Path
from typing import Any

import graphql
import pytest
from graphql.execution import collect_fields
from graphql.execution.executor import Executor
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from loyalnest.graphql.core.context import Context
from loyalnest.graphql.core.execution import LoyalNestExecutionContext, SuggestionAwareExecutionContext
from loyalnest.graphql.core.ids import encode_id
from loyalnest.graphql.schema import build_schema
from loyalnest.platform.tenancy import ALL_ROLES, Customer, Staff
from loyalnest.settings import Settings
from tests.contexts.rewards import support

LOCK_FILE = Path(__file__).resolve().parents[2] / "uv.lock"


def locked_version(package: str) -> str:
    found = re.search(
        rf'\[\[package\]\]\nname = "{re.escape(package)}"\nversion = "([^"]+)"', LOCK_FILE.read_text()
    )
    assert found, f"{package} is not in uv.lock"
    return found.group(1)


def parameters(method: Any) -> list[str]:
    return list(inspect.signature(method).parameters)


def test_the_fast_path_is_pinned_to_the_locked_graphql_core():
    # A new graphql-core needs the overrides below re-read against its executor first.
    assert graphql.version == locked_version("graphql-core")
    base = StrawberryGraphQLCoreExecutionContext
    assert issubclass(LoyalNestExecutionContext, base)
    # the methods overridden, with the parameters they are called with
    assert parameters(base.execute_fields) == [
        "self",
        "parent_type",
        "source_value",
        "path",
        "grouped_field_set",
        "position_context",
    ]
    assert parameters(base.complete_iterable_value) == [
        "self",
        "item_type",
        "field_details_list",
        "info",
        "path",
        "items",
        "position_context",
    ]
    # what the overrides read: the collected sub-fields (a 3-tuple, unpacked), a field's
    # node, the middleware manager the fast path stands aside for
    assert parameters(base.collect_subfields) == ["self", "return_type", "field_details_list"]
    assert collect_fields.CollectedFields._fields == (
        "grouped_field_set",
        "new_defer_usages",
        "forbidden_directive_instances",
    )
    assert collect_fields.FieldDetails._fields[0] == "node"
    assert issubclass(base, Executor)
    assert "self.middleware_manager" in inspect.getsource(Executor.__init__)


def test_the_setting_reads_the_environment(monkeypatch):
    assert Settings().graphql_fast_path is True
    monkeypatch.setenv("LOYALNEST_GRAPHQL_FAST_PATH", "false")
    assert Settings().graphql_fast_path is False


def test_the_setting_chooses_the_execution_context(settings):
    on = build_schema(settings.model_copy(update={"graphql_fast_path": True}))
    off = build_schema(settings.model_copy(update={"graphql_fast_path": False}))
    assert on.execution_context_class is LoyalNestExecutionContext
    # graphql-core's own execution (Strawberry's context, with suggestions set per caller)
    assert off.execution_context_class is SuggestionAwareExecutionContext
    assert issubclass(SuggestionAwareExecutionContext, StrawberryGraphQLCoreExecutionContext)


STAFF_QUERIES = [
    """{ customers(first: 20) { edges { cursor node { __typename id shopifyId state tags createdAt
       pointsBalance lifetimePoints pendingPoints expiringPoints(within: 30) { points nextExpiresAt }
       transactions(first: 10) { nodes { id delta kind source sourceRef shortfall balanceAfter reason actor
       createdAt } pageInfo { hasNextPage endCursor } } } } pageInfo { hasNextPage endCursor } } }""",
    """query ($id: ID!) { customer(id: $id) { id email phone
       t: transactions(first: 3) { edges { cursor node { delta kind } } }
       transactions(first: 50) { nodes { ...Row } } } }
       fragment Row on PointsTransaction { id delta kind balanceAfter }""",
    '{ nobody: customer(id: "bm9ib2R5") { id } earningRules { trigger enabled points } }',
]
ME_QUERY = """{ me { shopifyCustomerId enrolled pointsBalance lifetimePoints pendingPoints
  expiringPoints(within: 30) { points } transactions(first: 20) { nodes { delta kind balanceAfter } }
  redemptions(first: 5) { nodes { status } }
  waysToEarn { trigger enabled points pointsPerCurrencyUnit } } }"""


async def test_turned_off_the_same_queries_give_the_same_answers(settings, make_shop):
    shop = await make_shop()
    customer_ids = [await support.customer_with_points(shop.id, 9300 + i, 10 * (i + 1)) for i in range(4)]
    for delta in (5, -3, 7):
        result = await shop.gql(
            'mutation ($id: ID!, $d: Int!) { adjustPoints(customerId: $id, delta: $d, reason: "r") {'
            " userErrors { code } } }",
            {"id": encode_id("Customer", customer_ids[0]), "d": delta},
        )
        assert result["data"]["adjustPoints"]["userErrors"] == []
    on = build_schema(settings.model_copy(update={"graphql_fast_path": True}))
    off = build_schema(settings.model_copy(update={"graphql_fast_path": False}))
    staff = Staff(merchant_id=shop.id, shop_domain=shop.domain, user_id="7", roles=ALL_ROLES)
    me = Customer(
        merchant_id=shop.id, shop_domain=shop.domain, shopify_customer_id=9300, customer_id=customer_ids[0]
    )
    cases: list[tuple[str, Any]] = [(query, staff) for query in STAFF_QUERIES] + [(ME_QUERY, me)]
    for query, principal in cases:
        variables = {"id": encode_id("Customer", customer_ids[0])}
        answers = []
        for schema in (on, off):
            # a fresh context (and so fresh DataLoaders) per execution, as per request
            context = Context(settings=settings, principal=principal)
            result = await schema.execute(query, variable_values=variables, context_value=context)
            answers.append((result.data, [(e.message, e.path) for e in result.errors or []]))
        assert answers[0] == answers[1], query
        assert answers[0][0], query


@pytest.mark.parametrize("query", ["{ me { pointsBalance } }"])
async def test_refusals_are_the_same_either_way(settings, make_shop, query):
    shop = await make_shop()
    staff = Staff(merchant_id=shop.id, shop_domain=shop.domain, user_id="7", roles=ALL_ROLES)
    answers = []
    for fast_path in (True, False):
        schema = build_schema(settings.model_copy(update={"graphql_fast_path": fast_path}))
        result = await schema.execute(query, context_value=Context(settings=settings, principal=staff))
        answers.append((result.data, [(e.message, e.path) for e in result.errors or []]))
    assert answers[0] == answers[1]
    assert answers[0][1]
