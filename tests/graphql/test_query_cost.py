"""What a document may ask for: anonymous callers are refused before parsing, the
shape limits refuse documents whose validation would be quadratic before validating
them, and the cost limit refuses operations that would read too much before they run.
Through the real endpoints."""

from __future__ import annotations

import asyncio
import secrets
import time

import httpx
import pytest

from loyalnest.contexts.audit import api as audit
from tests.graphql.conftest import only_error, post_graphql, post_proxy, proxy_params
from tests.http.serving import serving

# the attack of issue 8 item 13: repeated fields under the token limit, no aliases, and
# a fresh comment so that no cache ever hits
REPEATS = 390


def repeated_shop(comment: str | None = None) -> str:
    comment = comment or secrets.token_hex(8)
    return "{ " + " ".join(["shop { domain }"] * REPEATS) + f" }}\n# {comment}"


def repeated_me(comment: str | None = None) -> str:
    comment = comment or secrets.token_hex(8)
    return "{ " + " ".join(["me { enrolled }"] * REPEATS) + f" }}\n# {comment}"


# 30 aliases x customers(first: 100) x transactions(first: 100): issue 8 item 21
COSTLY = (
    "{ "
    + " ".join(
        f"c{i}: customers(first: 100) {{ nodes {{ id"
        " transactions(first: 100) { nodes { id delta } } } }"
        for i in range(30)
    )
    + " }"
)


async def test_anonymous_floods_are_refused_before_any_parsing(shop, http):
    """Old code: 0.6-2 s of validation per request on the event loop."""
    started = time.perf_counter()
    for _ in range(20):
        response = await http.post("/graphql", json={"query": repeated_shop()})
        assert response.status_code == 401
        unsigned = await http.post("/proxy/graphql", json={"query": repeated_me()})
        assert unsigned.status_code == 401
    assert time.perf_counter() - started < 2.0


async def test_a_staff_query_is_not_stalled_by_anonymous_floods(shop, http):
    async def flood() -> None:
        for _ in range(10):
            await http.post("/graphql", json={"query": repeated_shop()})

    tasks = [asyncio.create_task(flood()) for _ in range(6)]
    try:
        started = time.perf_counter()
        result = await shop.gql("{ shop { domain } }")
        elapsed = time.perf_counter() - started
    finally:
        await asyncio.gather(*tasks)
    assert result["data"]["shop"]["domain"] == shop.domain
    assert elapsed < 1.0, elapsed


@pytest.mark.parametrize("caller", ["staff", "storefront-logged-out", "storefront-customer"])
async def test_repeated_fields_are_refused_before_validation(shop, http, settings, caller):
    """A signed proxy request and a staff token get their document parsed; its shape is
    checked before the (quadratic) validation, so each refusal is cheap. Counted in this
    process's CPU time (the test server runs in it), so other processes of a loaded test
    machine do not decide."""
    started = time.process_time()
    for _ in range(10):
        if caller == "staff":
            result = await post_graphql(http, repeated_shop(), token=shop.token())
        else:
            customer = None if caller == "storefront-logged-out" else 21
            result = await post_proxy(http, proxy_params(settings, shop.domain, customer), repeated_me())
        error = only_error(result)
        assert error["extensions"]["code"] == "QUERY_TOO_LARGE"
        assert "selected 390 times in one selection set; at most 10" in error["message"]
        assert result.get("data") is None
    assert time.process_time() - started < 1.5


async def test_repeats_through_fragments_count_where_they_are_spread(shop):
    fragments = " ".join(f"fragment F{i} on Shop {{ domain }}" for i in range(40))
    spreads = " ".join(f"...F{i}" for i in range(40))
    result = await shop.gql(f"{{ shop {{ {spreads} }} }} {fragments}")
    error = only_error(result)
    assert error["extensions"]["code"] == "QUERY_TOO_LARGE"
    assert "'domain' is selected 40 times" in error["message"]
    # what real clients do: a few fragments sharing id and __typename
    fine = await shop.gql(
        "{ shop { ...A ...B __typename } } fragment A on Shop { domain __typename } "
        "fragment B on Shop { domain name __typename }"
    )
    assert fine["data"]["shop"]["domain"] == shop.domain


async def test_a_fragment_bomb_is_refused_by_its_expanded_size(shop):
    # each level spreads the one below it four times under distinct aliases: 4^6 fields
    levels = ["fragment L0 on Shop { domain }"]
    for level in range(1, 7):
        spread = f"...L{level - 1}"
        levels.append(f"fragment L{level} on Shop {{ {spread} {spread} {spread} {spread} }}")
    result = await shop.gql("{ shop { ...L6 } } " + " ".join(levels))
    error = only_error(result)
    assert error["extensions"]["code"] == "QUERY_TOO_LARGE"


async def test_a_costly_query_is_refused_with_its_cost(shop):
    started = time.perf_counter()
    result = await shop.gql(COSTLY)
    assert time.perf_counter() - started < 1.0
    assert result.get("data") is None
    error = only_error(result)
    assert error["extensions"]["code"] == "QUERY_TOO_COSTLY"
    # per alias: the connection (1) + 100 x (customer 1 + transactions (1 + 100 x 1))
    assert error["extensions"]["cost"] == {"requested": 30 * (1 + 100 * (1 + 1 + 100)), "maximum": 1000}
    assert "query cost 306,030 exceeds the limit of 1,000" in error["message"]


async def test_page_sizes_from_variables_count(shop):
    query = (
        "query ($n: Int, $m: Int) {"
        " customers(first: $n) { nodes { transactions(first: $m) { nodes { id } } } } }"
    )
    small = await shop.gql(query, {"n": 20, "m": 10})
    assert "errors" not in small, small
    large = await shop.gql(query, {"n": 100, "m": 100})
    assert only_error(large)["extensions"]["cost"]["requested"] == 1 + 100 * (1 + 1 + 100)
    # no page size given: the default page (20) is what is read
    default = await shop.gql("{ customers { nodes { transactions { nodes { id } } } } }")
    assert "errors" not in default, default


async def test_the_dashboard_queries_are_well_under_the_limit(shop):
    result = await shop.gql(
        "{ customers(first: 20) { pageInfo { hasNextPage endCursor } edges { cursor node { id email"
        " pointsBalance lifetimePoints"
        " transactions(first: 10) { nodes { id delta reason createdAt } } } } } }"
    )
    assert "errors" not in result, result


async def test_a_mutation_refused_for_its_cost_changes_nothing(shop, settings):
    async with serving(settings, max_query_cost=15) as (url, _), httpx.AsyncClient(base_url=url) as http:
        mutation = (
            'mutation { a: updateProgramSettings(pointsPerCurrencyUnit: "7") { userErrors { code } } '
            'b: updateProgramSettings(pointsPerCurrencyUnit: "8") { userErrors { code } } }'
        )
        result = await post_graphql(http, mutation, token=shop.token())
        assert only_error(result)["extensions"]["cost"] == {"requested": 22, "maximum": 15}
        # the limit is the setting's: a query this small passes it
        fine = await post_graphql(http, "{ shop { domain } }", token=shop.token())
        assert fine["data"]["shop"]["domain"] == shop.domain
    assert await audit.list_recent(shop.id) == []


async def test_introspection_is_not_refused_for_cost(shop):
    from graphql import get_introspection_query

    result = await shop.gql(get_introspection_query(descriptions=True))
    assert "errors" not in result
