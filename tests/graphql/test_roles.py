"""Staff roles from the session token's "roles" claim: who may change the program,
adjust points, and read customers' contact details."""

from __future__ import annotations

import pytest

from loyalnest.contexts.audit import api as audit
from tests import payloads
from tests.graphql.conftest import adjust, balance_of, customer_gid, error_codes

FULL, POINTS, ANALYTICS, SUPPORT = "admin:full", "admin:points", "admin:analytics", "admin:support"
PII_FIELDS = ("email", "firstName", "lastName", "phone", "birthday")

# roles=None is a token without the claim: Shopify's own tokens, full rights
ROLE_SETS = {
    "shopify-token": None,
    "full": [FULL],
    "points": [POINTS],
    "analytics": [ANALYTICS],
    "support": [SUPPORT],
    "no-roles": [],
    "analytics+support": [ANALYTICS, SUPPORT],
}
MAY_MANAGE_PROGRAM = {"shopify-token", "full"}
MAY_ADJUST = {"shopify-token", "full", "points"}
MAY_SEE_PII = {"shopify-token", "full", "points", "support", "analytics+support"}

PROFILE = """
query ($id: ID!) { customer(id: $id) {
  id pointsBalance lifetimePoints email firstName lastName phone birthday } }
"""


@pytest.fixture
async def customer(shop, drain):
    order = payloads.order(
        10,
        subtotal="50.00",
        customer_body=payloads.customer(600, email="ann@example.com", birthday="1990-05-17"),
    )
    await shop.webhook("orders/create", order)
    await drain()
    return await customer_gid(shop, 600)


@pytest.mark.parametrize("role_set", list(ROLE_SETS))
async def test_update_program_settings_needs_admin_full(shop, role_set):
    token = shop.token(roles=ROLE_SETS[role_set])
    result = await shop.gql(
        'mutation { updateProgramSettings(pointsPerCurrencyUnit: "3") {'
        " programSettings { pointsPerCurrencyUnit } userErrors { code } } }",
        token=token,
    )
    current = await shop.gql("{ shop { programSettings { pointsPerCurrencyUnit } } }")
    rate = current["data"]["shop"]["programSettings"]["pointsPerCurrencyUnit"]
    if role_set in MAY_MANAGE_PROGRAM:
        assert result["data"]["updateProgramSettings"]["userErrors"] == []
        assert rate == "3.0000"
        assert [e.action for e in await audit.list_recent(shop.id)] == ["program_settings.updated"]
    else:
        # the root is nullable: the refusal sits on its own path (issue 8, item 5)
        assert result["data"] == {"updateProgramSettings": None}
        assert error_codes(result) == ["FORBIDDEN"]
        assert result["errors"][0]["message"] == "requires role admin:full"
        assert rate == "1.0000"
        assert await audit.list_recent(shop.id) == []


@pytest.mark.parametrize("role_set", list(ROLE_SETS))
async def test_adjust_points_needs_full_or_points(shop, customer, role_set):
    result = await adjust(shop, customer, 5, token=shop.token(roles=ROLE_SETS[role_set]))
    if role_set in MAY_ADJUST:
        assert result["data"]["adjustPoints"]["userErrors"] == []
        assert await balance_of(shop, customer) == (55, 55, 2)
    else:
        assert result["data"] == {"adjustPoints": None}
        assert error_codes(result) == ["FORBIDDEN"]
        assert result["errors"][0]["message"] == "requires role admin:full or admin:points"
        assert await balance_of(shop, customer) == (50, 50, 1)


@pytest.mark.parametrize("role_set", list(ROLE_SETS))
async def test_pii_needs_full_points_or_support(shop, customer, role_set):
    result = await shop.gql(PROFILE, {"id": customer}, token=shop.token(roles=ROLE_SETS[role_set]))
    node = result["data"]["customer"]
    assert node["id"] == customer
    # everyone with a staff token sees the loyalty standing
    assert (node["pointsBalance"], node["lifetimePoints"]) == (50, 50)
    if role_set in MAY_SEE_PII:
        assert "errors" not in result, result
        assert node["email"] == "ann@example.com"
        assert (node["firstName"], node["lastName"], node["phone"]) == ("Jane", "Doe", "+15555550100")
        assert node["birthday"] == "1990-05-17"
    else:
        assert all(node[f] is None for f in PII_FIELDS)
        assert sorted(e["path"][-1] for e in result["errors"]) == sorted(PII_FIELDS)
        assert set(error_codes(result)) == {"FORBIDDEN"}
        assert {e["message"] for e in result["errors"]} == {
            "requires role admin:full, admin:points or admin:support"
        }


async def test_pii_is_guarded_inside_mutation_payloads_too(shop, customer):
    result = await shop.gql(
        'mutation ($id: ID!) { adjustPoints(customerId: $id, delta: 1, reason: "r") {'
        " customer { pointsBalance email } userErrors { code } } }",
        {"id": customer},
        token=shop.token(roles=[POINTS]),
    )
    assert result["data"]["adjustPoints"]["customer"]["email"] == "ann@example.com"

    listing = await shop.gql(
        "{ customers(first: 5) { nodes { pointsBalance email phone } } }", token=shop.token(roles=[ANALYTICS])
    )
    assert listing["data"]["customers"]["nodes"] == [{"pointsBalance": 51, "email": None, "phone": None}]
    assert sorted(e["path"][-1] for e in listing["errors"]) == ["email", "phone"]


@pytest.mark.parametrize("role_set", list(ROLE_SETS))
async def test_searching_by_email_needs_a_role_that_may_read_it(shop, customer, role_set):
    # a match confirms the address is a customer's as surely as reading `email` would
    document = '{ shop { domain } customers(search: "ann@example.com") { nodes { id } } }'
    result = await shop.gql(document, token=shop.token(roles=ROLE_SETS[role_set]))
    assert result["data"]["shop"] == {"domain": shop.domain}
    if role_set in MAY_SEE_PII:
        assert "errors" not in result, result
        assert result["data"]["customers"]["nodes"] == [{"id": customer}]
    else:
        assert result["data"]["customers"] is None
        error = result["errors"][0]
        assert (error["path"], error_codes(result)) == (["customers"], ["FORBIDDEN"])
        assert (
            error["message"] == "searching by email requires role admin:full, admin:points or admin:support"
        )
        # an address nobody has gets the same refusal: nothing to tell them apart
        other = await shop.gql(
            '{ customers(search: "nobody@example.com") { nodes { id } } }',
            token=shop.token(roles=ROLE_SETS[role_set]),
        )
        assert other["data"]["customers"] is None
        assert error_codes(other) == ["FORBIDDEN"]


@pytest.mark.parametrize("role_set", list(ROLE_SETS))
async def test_ledger_notes_need_a_role_that_may_read_pii(shop, customer, role_set):
    await adjust(shop, customer, 5, reason="called about her divorce")
    result = await shop.gql(
        "query ($id: ID!) { customer(id: $id) { transactions(first: 5) { nodes { delta reason actor } } } }",
        {"id": customer},
        token=shop.token(roles=ROLE_SETS[role_set]),
    )
    nodes = result["data"]["customer"]["transactions"]["nodes"]
    assert sorted(n["delta"] for n in nodes) == [5, 50]  # the rows themselves stay visible
    adjusted = next(n for n in nodes if n["delta"] == 5)
    if role_set in MAY_SEE_PII:
        assert "errors" not in result, result
        assert adjusted["reason"] == "called about her divorce"
        assert adjusted["actor"].startswith("staff:")
    else:
        assert all(n["reason"] is None and n["actor"] is None for n in nodes)
        assert sorted(e["path"][-1] for e in result["errors"]) == ["actor", "actor", "reason", "reason"]
        assert set(error_codes(result)) == {"FORBIDDEN"}
