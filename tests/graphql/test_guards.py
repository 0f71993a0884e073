"""The guards in front of execution: depth, alias and token limits, masked unexpected
errors, malformed bodies, and queries (never mutations) over GET."""

from __future__ import annotations

import pytest

from loyalnest.contexts.audit import api as audit
from loyalnest.contexts.earning import api as earning
from loyalnest.contexts.merchants import api as merchants
from tests import payloads
from tests.graphql.conftest import balance_of, customer_gid, only_error, post_graphql, refused_roots


def nested(depth: int, leaf: str = "id") -> str:
    """``a { a { ... { id } } }``: ``depth`` levels of selection sets."""
    return "a { " * (depth - 1) + leaf + " }" * (depth - 1)


@pytest.fixture
async def customer(shop, drain):
    await shop.webhook(
        "orders/create", payloads.order(1, subtotal="20.00", customer_body=payloads.customer(9))
    )
    await drain()
    return await customer_gid(shop, 9)


async def test_deep_query_is_refused_before_anything_runs(shop, customer):
    query = (
        'mutation ($id: ID!) { adjustPoints(customerId: $id, delta: 50, reason: "deep") {'
        f" customer {{ {nested(30)} }} }} }}"
    )
    result = await shop.gql(query, {"id": customer})
    assert result["data"] is None
    messages = [e["message"] for e in result["errors"]]
    assert any("exceeds maximum operation depth" in m for m in messages), messages
    assert await balance_of(shop, customer) == (20, 20, 1)
    assert await audit.list_recent(shop.id) == []


async def test_depth_limit_counts_through_fragments(shop):
    query = (
        "{ ...A } fragment A on Query { customers { ...B } } fragment B on CustomerConnection { "
        + nested(14)
        + " }"
    )
    result = await shop.gql(query)
    assert result["data"] is None
    assert any("exceeds maximum operation depth" in e["message"] for e in result["errors"])


async def test_the_deepest_real_query_is_allowed(shop, customer):
    result = await shop.gql(
        'mutation ($id: ID!) { adjustPoints(customerId: $id, delta: 1, reason: "r") { customer {'
        " transactions(first: 1) { edges { node { delta } } pageInfo { hasNextPage } } } } }",
        {"id": customer},
    )
    assert "errors" not in result, result


async def test_too_many_aliases_are_refused(shop):
    allowed = "{ " + " ".join(f"a{i}: __typename" for i in range(30)) + " }"
    assert "errors" not in await shop.gql(allowed)
    for count in (31, 500):
        query = "{ " + " ".join(f"a{i}: __typename" for i in range(count)) + " }"
        result = await shop.gql(query)
        assert result["data"] is None
        assert only_error(result)["message"] == f"{count} aliases found. Allowed: 30"


async def test_aliased_mutations_are_limited_too(shop, customer):
    query = (
        "mutation ($id: ID!) { "
        + " ".join(
            f'm{i}: adjustPoints(customerId: $id, delta: 1, reason: "r") {{ userErrors {{ code }} }}'
            for i in range(31)
        )
        + " }"
    )
    result = await shop.gql(query, {"id": customer})
    assert result["data"] is None
    assert "aliases found" in only_error(result)["message"]
    assert await balance_of(shop, customer) == (20, 20, 1)


async def test_very_long_query_is_refused_by_the_token_limit(shop):
    query = "{ " + "__typename " * 2500 + "}"
    result = await shop.gql(query)
    assert result["data"] is None
    assert "more than 2000 tokens" in only_error(result)["message"]


async def test_unexpected_errors_are_masked(shop, http, monkeypatch):
    async def broken(merchant_id: int):
        raise RuntimeError("connection to 10.0.0.5 refused; password=hunter2")

    # the server runs in this process: make the shop lookup fail the way a crash would
    monkeypatch.setattr(merchants, "get_merchant", broken)
    response = await http.post(
        "/graphql", json={"query": "{ shop { domain } }"}, headers={"Authorization": f"Bearer {shop.token()}"}
    )
    assert response.status_code == 200
    assert "hunter2" not in response.text
    assert "10.0.0.5" not in response.text
    result = response.json()
    refused_roots(result)
    error = only_error(result)
    assert error["message"] == "Unexpected error."
    assert "extensions" not in error or "exception" not in error["extensions"]


async def test_get_queries_run_on_the_staff_endpoint_with_the_same_guards(shop, http):
    """urql's default (and Apollo's useGETForQueries): queries by GET, with the same
    authentication and limits as POST; a mutation never runs over GET."""
    headers = {"Authorization": f"Bearer {shop.token()}"}
    query = await http.get(
        "/graphql",
        params={
            "query": "query Q($n: Int) { shop { domain } customers(first: $n) { nodes { id } } }",
            "variables": '{"n": 5}',
            "operationName": "Q",
        },
        headers=headers,
    )
    assert query.status_code == 200, query.text
    assert query.json()["data"]["shop"] == {"domain": shop.domain}
    assert (await http.get("/graphql", params={"query": "{ shop { domain } }"})).status_code == 401
    deep = await http.get("/graphql", params={"query": "{ " + nested(40) + " }"}, headers=headers)
    assert "exceeds maximum operation depth" in deep.json()["errors"][0]["message"]
    costly = "{ customers(first: 100) { nodes { transactions(first: 100) { nodes { id } } } } }"
    refused = await http.get("/graphql", params={"query": costly}, headers=headers)
    assert only_error(refused.json())["extensions"]["code"] == "QUERY_TOO_COSTLY"
    mutation = await http.get(
        "/graphql",
        params={
            "query": 'mutation { updateProgramSettings(pointsPerCurrencyUnit: "9") { userErrors { code } } }'
        },
        headers=headers,
    )
    assert mutation.status_code == 400
    assert mutation.text == "mutations are not allowed when using GET"
    settings = await earning.get_program_settings(shop.id)
    assert str(settings.points_per_currency_unit) != "9"
    assert await audit.list_recent(shop.id) == []


async def test_mutations_are_never_allowed_over_get_on_the_proxy(shop, http, settings):
    from tests.graphql.conftest import proxy_params

    params = proxy_params(
        settings,
        shop.domain,
        1,
        extra={
            "query": 'mutation { updateProgramSettings(pointsPerCurrencyUnit: "9") { userErrors { code } } }'
        },
    )
    response = await http.get("/proxy/graphql", params=params)
    assert (response.status_code, response.text) == (400, "mutations are not allowed when using GET")
    assert await audit.list_recent(shop.id) == []


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"{not json", "application/json"),
        (b"\xff\xfe\x00garbage", "application/json"),
        (b'{"query": "{ shop { domain } }", "variables": {"x": "\\ud800"}}', "application/json"),
        (b'{"query": "{ shop { domain } }", "variables": {"x": NaN}}', "application/json"),
        (b"[1, 2]", "application/json"),
        (b'"just a string"', "application/json"),
        (b"null", "application/json"),
        (b'{"query": "{ shop { domain } }", "variables": "x"}', "application/json"),
        (b'{"query": 5}', "application/json"),
        (b"query=%7B%20shop%20%7B%20domain%20%7D%20%7D", "application/x-www-form-urlencoded"),
    ],
)
async def test_malformed_bodies_are_client_errors(shop, http, body, content_type):
    response = await http.post(
        "/graphql",
        content=body,
        headers={"Authorization": f"Bearer {shop.token()}", "Content-Type": content_type},
    )
    assert response.status_code == 400, (response.status_code, response.text)


@pytest.mark.parametrize(
    ("query", "operation"),
    [
        ("{ shop { domain }", None),  # syntax error
        ("{ shop { nope } }", None),  # unknown field
        ("subscription { nope }", None),
    ],
)
async def test_invalid_documents_get_clear_errors(shop, http, query, operation):
    response = await http.post(
        "/graphql",
        json={"query": query, "operationName": operation},
        headers={"Authorization": f"Bearer {shop.token()}"},
    )
    assert response.status_code in (200, 400)
    body = response.json()
    assert body.get("data") is None
    assert body["errors"]
    assert all(e["message"] != "Unexpected error." for e in body["errors"])


async def test_empty_query_is_a_bad_request(shop, http):
    response = await http.post(
        "/graphql", json={"query": ""}, headers={"Authorization": f"Bearer {shop.token()}"}
    )
    assert (response.status_code, response.text) == (400, "No GraphQL query found in the request")


async def test_lone_surrogates_in_graphql_strings_are_refused(shop, customer):
    result = await shop.gql('{ customers(search: "\\ud800") { nodes { id } } }')
    assert result["data"] is None
    assert only_error(result)["message"] != "Unexpected error."


async def test_introspection_is_on_in_tests_and_the_schema_answers(shop):
    result = await post_graphql(shop.http, "{ __schema { queryType { name } } }", token=shop.token())
    assert result == {"data": {"__schema": {"queryType": {"name": "Query"}}}}
