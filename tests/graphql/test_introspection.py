"""Who may see the schema: introspection for staff with a session token on /graphql
(LOYALNEST_INTROSPECTION=staff, the default), never through the app proxy; no
"Did you mean ...?" for anyone else; and the depth limit measures introspection too."""

from __future__ import annotations

import pytest
from graphql import get_introspection_query

from loyalnest.graphql.core.context import Context
from loyalnest.graphql.schema import build_schema
from loyalnest.platform.tenancy import Role, Staff
from tests.graphql.conftest import post_graphql

SCHEMA = "{ __schema { queryType { name } } }"
TYPE = '{ __type(name: "Customer") { fields { name } } }'


def _refused(result: dict) -> bool:
    return result.get("data") is None and any("introspection" in e["message"] for e in result["errors"])


async def _anonymous(http, document: str, variables: dict | None = None) -> dict:
    """An anonymous POST /graphql: refused before its document is parsed (401)."""
    response = await http.post("/graphql", json={"query": document, "variables": variables or {}})
    assert response.status_code == 401, response.text
    assert response.headers["www-authenticate"] == "Bearer"
    result = response.json()
    assert "data" not in result
    assert [e["extensions"]["code"] for e in result["errors"]] == ["UNAUTHENTICATED"]
    return result


@pytest.mark.parametrize("document", [SCHEMA, TYPE])
async def test_anonymous_callers_cannot_introspect(http, document):
    result = await _anonymous(http, document)
    assert "__schema" not in str(result)
    assert "Customer" not in str(result)


@pytest.mark.parametrize("customer_id", [None, 77])
async def test_the_app_proxy_never_introspects(shop, proxy, customer_id):
    assert _refused(await proxy(shop, customer_id, SCHEMA))


async def test_staff_introspect_with_the_query_graphiql_sends(shop):
    result = await post_graphql(shop.http, get_introspection_query(descriptions=True), token=shop.token())
    assert "errors" not in result, result["errors"]
    assert result["data"]["__schema"]["queryType"]["name"] == "Query"


async def test_graphiql_is_served(http):
    response = await http.get("/graphql", headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert "graphiql" in response.text.lower()


async def test_the_depth_limit_counts_introspection_fields(shop):
    deep = "{ __schema { types { fields { type " + "{ ofType " * 12 + "{ name }" + " }" * 12 + " } } } }"
    result = await post_graphql(shop.http, deep, token=shop.token())
    assert result.get("data") is None
    assert any("exceeds maximum operation depth of 15" in e["message"] for e in result["errors"])


async def test_no_field_suggestions_for_anonymous_callers(shop, http, proxy):
    anonymous = await _anonymous(http, "{ shop { domian } }")
    staff = await post_graphql(http, "{ shop { domian } }", token=shop.token())
    storefront = await proxy(shop, 77, "{ me { enroled } }")
    assert "Did you mean" in staff["errors"][0]["message"]
    for result in (anonymous, storefront):
        assert result["errors"]
        assert all("Did you mean" not in e["message"] for e in result["errors"])


async def test_no_enum_suggestions_when_coercing_an_anonymous_callers_variables(shop, http):
    # the variable is refused while it is coerced, before anything runs
    document = (
        "mutation ($t: EarningTrigger!) { updateEarningRule(trigger: $t, input: {}) { userErrors { code } } }"
    )
    variables = {"t": "PURCHAS"}
    anonymous = await _anonymous(http, document, variables)
    staff = await post_graphql(http, document, variables, token=shop.token())
    assert "Did you mean" in staff["errors"][0]["message"]
    assert anonymous["errors"]
    assert "Did you mean" not in anonymous["errors"][0]["message"]


async def _execute(settings, document: str, principal=None) -> dict:
    schema = build_schema(settings)
    result = await schema.execute(document, context_value=Context(settings=settings, principal=principal))
    return {"data": result.data, "errors": [{"message": e.message} for e in result.errors or []]}


STAFF = Staff(merchant_id=1, shop_domain="x.myshopify.com", user_id="1", roles=frozenset({Role.FULL}))


async def test_off_refuses_staff_and_hides_suggestions(settings):
    closed = settings.model_copy(update={"introspection": "off"})
    assert _refused(await _execute(closed, SCHEMA, STAFF))
    typo = await _execute(closed, "{ shop { domian } }", STAFF)
    assert typo["errors"]
    assert "Did you mean" not in typo["errors"][0]["message"]


async def test_open_lets_anyone_introspect(settings):
    opened = settings.model_copy(update={"introspection": "open"})
    assert (await _execute(opened, SCHEMA))["data"] == {"__schema": {"queryType": {"name": "Query"}}}
