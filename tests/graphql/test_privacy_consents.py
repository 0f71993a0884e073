"""Consents through the HTTP endpoints: the storefront's me.consents and updateMyConsents
(Shopify-signed app-proxy requests), the staff's customer.consents, consentHistory and
recordCustomerConsents (session tokens), defaults, the append-only history, the audit
trail, roles, and the wall between shops."""

from __future__ import annotations

import itertools
from typing import Any

from loyalnest.graphql.core.ids import encode_id
from tests.contexts.support import rows
from tests.graphql.conftest import count_statements, create_customers, post_proxy, proxy_params

_shopify_ids = itertools.count(71_000_000)

CONSENTS = "type granted isDefault source changedAt"
ME = f"{{ me {{ consents {{ {CONSENTS} }} }} }}"
UPDATE_MINE = f"""
mutation ($changes: [ConsentInput!]!) {{
  updateMyConsents(changes: $changes) {{ consents {{ {CONSENTS} }} userErrors {{ field message code }} }}
}}
"""
STAFF = f"""
query ($id: ID!, $first: Int, $after: String) {{
  customer(id: $id) {{
    consents {{ {CONSENTS} }}
    consentHistory(first: $first, after: $after) {{
      totalCount
      pageInfo {{ hasNextPage hasPreviousPage endCursor }}
      nodes {{ type granted source actor occurredAt recordedAt }}
    }}
  }}
}}
"""
RECORD = f"""
mutation ($id: ID!, $changes: [ConsentInput!]!) {{
  recordCustomerConsents(customerId: $id, changes: $changes) {{
    consents {{ {CONSENTS} }} userErrors {{ field message code }}
  }}
}}
"""


async def customer(shop: Any, drain: Any, **spec: Any) -> tuple[int, int]:
    """A customer the shop told us about with customers/create: (our id, Shopify id)."""
    shopify_id = next(_shopify_ids)
    await create_customers(shop, drain, [{"id": shopify_id, **spec}])
    found = await rows(
        "select id from customers where merchant_id = :m and shopify_customer_id = :s",
        m=shop.id,
        s=shopify_id,
    )
    return found[0]["id"], shopify_id


async def mine(http: Any, settings: Any, shop: Any, shopify_id: int) -> list[dict[str, Any]]:
    result = await post_proxy(http, proxy_params(settings, shop.domain, shopify_id), ME)
    assert "errors" not in result, result
    return result["data"]["me"]["consents"]


async def update_mine(
    http: Any, settings: Any, shop: Any, shopify_id: int, changes: list[dict[str, Any]]
) -> dict[str, Any]:
    result = await post_proxy(
        http, proxy_params(settings, shop.domain, shopify_id), UPDATE_MINE, {"changes": changes}
    )
    assert "errors" not in result, result
    return result["data"]["updateMyConsents"]


def states(consents: list[dict[str, Any]]) -> dict[str, tuple[bool, bool, str | None]]:
    return {c["type"]: (c["granted"], c["isDefault"], c["source"]) for c in consents}


DEFAULTS = {
    "NEWSLETTER": (False, True, None),
    "SMS_MARKETING": (False, True, None),
    "RFM_TRACKING": (True, True, None),
    "REFERRALS": (True, True, None),
    "PROFILING": (True, True, None),
}


async def test_defaults_choices_and_the_history(shop, drain, http, settings):
    ours, shopify_id = await customer(shop, drain, marketing="not_subscribed")
    assert states(await mine(http, settings, shop, shopify_id)) == DEFAULTS

    changed = await update_mine(
        http,
        settings,
        shop,
        shopify_id,
        [{"type": "NEWSLETTER", "granted": True}, {"type": "PROFILING", "granted": False}],
    )
    assert changed["userErrors"] == []
    assert states(changed["consents"]) == {
        **DEFAULTS,
        "NEWSLETTER": (True, False, "STOREFRONT"),
        "PROFILING": (False, False, "STOREFRONT"),
    }
    # the same choices again change nothing and add no history
    again = await update_mine(
        http,
        settings,
        shop,
        shopify_id,
        [{"type": "NEWSLETTER", "granted": True}, {"type": "PROFILING", "granted": False}],
    )
    assert states(again["consents"]) == states(changed["consents"])
    assert states(await mine(http, settings, shop, shopify_id)) == states(changed["consents"])

    gid = encode_id("Customer", ours)
    staff = (await shop.gql(STAFF, {"id": gid, "first": 1}))["data"]["customer"]
    assert states(staff["consents"]) == states(changed["consents"])
    history = staff["consentHistory"]
    assert history["totalCount"] == 2
    assert history["pageInfo"]["hasNextPage"] is True
    # newest first: profiling was recorded after newsletter
    [newest] = history["nodes"]
    assert (newest["type"], newest["granted"], newest["source"], newest["actor"]) == (
        "PROFILING",
        False,
        "STOREFRONT",
        f"customer:{ours}",
    )
    rest = (await shop.gql(STAFF, {"id": gid, "first": 5, "after": history["pageInfo"]["endCursor"]}))["data"]
    older = rest["customer"]["consentHistory"]
    assert [(n["type"], n["granted"]) for n in older["nodes"]] == [("NEWSLETTER", True)]
    assert older["pageInfo"] == {
        "hasNextPage": False,
        "hasPreviousPage": True,
        "endCursor": older["pageInfo"]["endCursor"],
    }

    backwards = await shop.gql(
        "query ($id: ID!) { customer(id: $id) { consentHistory(last: 1) { totalCount } } }", {"id": gid}
    )
    assert [e["extensions"]["code"] for e in backwards["errors"]] == ["BAD_USER_INPUT"]

    # the table is append-only: the rows are the changes; the audit trail has one entry each
    audited_before = await rows(
        "select id from audit_entries where merchant_id = :m and action like 'consent.%'", m=shop.id
    )
    assert len(audited_before) == 2
    stored = await rows(
        "select type, granted, source, actor from privacy_consents where merchant_id = :m order by id",
        m=shop.id,
    )
    assert stored == [
        {"type": "newsletter", "granted": True, "source": "storefront", "actor": f"customer:{ours}"},
        {"type": "profiling", "granted": False, "source": "storefront", "actor": f"customer:{ours}"},
    ]
    audited = await rows(
        "select actor, action, target_type, target_id, details->>'type' as type from audit_entries"
        " where merchant_id = :m and action like 'consent.%' order by id",
        m=shop.id,
    )
    assert audited == [
        {
            "actor": f"customer:{ours}",
            "action": "consent.granted",
            "target_type": "Customer",
            "target_id": str(ours),
            "type": "newsletter",
        },
        {
            "actor": f"customer:{ours}",
            "action": "consent.revoked",
            "target_type": "Customer",
            "target_id": str(ours),
            "type": "profiling",
        },
    ]


async def test_a_type_twice_is_refused_and_nothing_is_recorded(shop, drain, http, settings):
    _, shopify_id = await customer(shop, drain, marketing="not_subscribed")
    refused = await update_mine(
        http,
        settings,
        shop,
        shopify_id,
        [{"type": "REFERRALS", "granted": False}, {"type": "REFERRALS", "granted": True}],
    )
    assert refused["consents"] is None
    assert [(e["field"], e["code"]) for e in refused["userErrors"]] == [(["changes", "type"], "DUPLICATE")]
    assert await rows("select 1 from privacy_consents where merchant_id = :m", m=shop.id) == []


async def test_a_customer_the_shop_never_told_us_about(shop, http, settings):
    unknown = next(_shopify_ids)
    assert await mine(http, settings, shop, unknown) == []
    refused = await update_mine(http, settings, shop, unknown, [{"type": "NEWSLETTER", "granted": True}])
    assert refused["consents"] is None
    assert [e["code"] for e in refused["userErrors"]] == ["NOT_ENROLLED"]


async def test_staff_record_consents_by_role(shop, drain):
    ours, _ = await customer(shop, drain, marketing="subscribed")
    gid = encode_id("Customer", ours)
    support = shop.token(roles=["admin:support"], user_id="77")
    recorded = (
        await shop.gql(
            RECORD,
            {
                "id": gid,
                "changes": [
                    {"type": "SMS_MARKETING", "granted": True},
                    {"type": "NEWSLETTER", "granted": False},
                ],
            },
            token=support,
        )
    )["data"]["recordCustomerConsents"]
    assert recorded["userErrors"] == []
    found = states(recorded["consents"])
    assert found["SMS_MARKETING"] == (True, False, "STAFF")
    assert found["NEWSLETTER"] == (False, False, "STAFF")
    history = (await shop.gql(STAFF, {"id": gid, "first": 10}, token=support))["data"]["customer"][
        "consentHistory"
    ]
    # customers/create said subscribed (source SHOPIFY), then staff recorded two changes
    assert [(n["type"], n["source"], n["actor"]) for n in history["nodes"]] == [
        ("NEWSLETTER", "STAFF", "staff:77"),
        ("SMS_MARKETING", "STAFF", "staff:77"),
        ("NEWSLETTER", "SHOPIFY", "shopify"),
    ]
    assert await rows(
        "select actor, action from audit_entries where merchant_id = :m and action like 'consent.%'"
        " and actor = 'staff:77' order by id",
        m=shop.id,
    ) == [
        {"actor": "staff:77", "action": "consent.granted"},
        {"actor": "staff:77", "action": "consent.revoked"},
    ]

    # analysts neither read nor record them
    analyst = shop.token(roles=["admin:analytics"])
    read = await shop.gql(STAFF, {"id": gid}, token=analyst)
    assert read["data"]["customer"]["consents"] is None
    assert read["data"]["customer"]["consentHistory"] is None
    assert {e["extensions"]["code"] for e in read["errors"]} == {"FORBIDDEN"}
    refused = await shop.gql(
        RECORD, {"id": gid, "changes": [{"type": "PROFILING", "granted": False}]}, token=analyst
    )
    assert refused["data"]["recordCustomerConsents"] is None
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert (
        await rows("select 1 from privacy_consents where merchant_id = :m and type = 'profiling'", m=shop.id)
        == []
    )


async def test_set_rfm_tracking_is_the_rfm_tracking_consent(shop, drain):
    ours, _ = await customer(shop, drain, marketing="not_subscribed")
    gid = encode_id("Customer", ours)
    done = await shop.gql(
        "mutation ($id: ID!) { setRfmTracking(customerId: $id, enabled: false)"
        " { tracked userErrors { code } } }",
        {"id": gid},
    )
    assert done["data"]["setRfmTracking"] == {"tracked": False, "userErrors": []}
    found = states((await shop.gql(STAFF, {"id": gid}))["data"]["customer"]["consents"])
    assert found["RFM_TRACKING"] == (False, False, "STAFF")


async def test_shop_a_neither_reads_nor_changes_shop_bs_consents(make_shop, drain, http, settings):
    a, b = await make_shop(), await make_shop()
    b_customer, b_shopify = await customer(b, drain, marketing="not_subscribed")
    gid = encode_id("Customer", b_customer)

    # A's staff token: B's customer is no customer of A's
    read = await a.gql(STAFF, {"id": gid})
    assert read["data"]["customer"] is None
    refused = (await a.gql(RECORD, {"id": gid, "changes": [{"type": "PROFILING", "granted": False}]}))[
        "data"
    ]["recordCustomerConsents"]
    assert refused == {
        "consents": None,
        "userErrors": [{"field": ["customerId"], "message": "customer not found", "code": "NOT_FOUND"}],
    }

    # A's storefront, signed in as B's customer's Shopify id: A never heard of them
    assert await mine(http, settings, a, b_shopify) == []
    storefront = await update_mine(http, settings, a, b_shopify, [{"type": "PROFILING", "granted": False}])
    assert [e["code"] for e in storefront["userErrors"]] == ["NOT_ENROLLED"]

    # one Shopify id known to both shops: each shop's choices stay its own
    a_customer, _ = await customer(a, drain, marketing="not_subscribed")
    a_twin = next(_shopify_ids)
    await create_customers(a, drain, [{"id": a_twin, "marketing": "not_subscribed"}])
    await create_customers(b, drain, [{"id": a_twin, "marketing": "not_subscribed"}])
    mine_in_a = await update_mine(http, settings, a, a_twin, [{"type": "REFERRALS", "granted": False}])
    assert states(mine_in_a["consents"])["REFERRALS"] == (False, False, "STOREFRONT")
    assert states(await mine(http, settings, b, a_twin)) == DEFAULTS

    assert await rows("select 1 from privacy_consents where merchant_id = :m", m=b.id) == []
    assert states((await b.gql(STAFF, {"id": gid}))["data"]["customer"]["consents"]) == DEFAULTS
    assert a_customer != b_customer


async def test_an_explicit_choice_confirming_the_default_is_kept_once(shop, drain, http, settings):
    _, shopify_id = await customer(shop, drain, marketing="not_subscribed")
    for _ in range(2):
        confirmed = await update_mine(
            http, settings, shop, shopify_id, [{"type": "REFERRALS", "granted": True}]
        )
        assert states(confirmed["consents"])["REFERRALS"] == (True, False, "STOREFRONT")
    stored = await rows("select type, granted from privacy_consents where merchant_id = :m", m=shop.id)
    assert stored == [{"type": "referrals", "granted": True}]


CUSTOMERS_CONSENTS = "{ customers(first: 20) { nodes { id consents { type granted source } } } }"


async def _consents_list(make_shop: Any, drain: Any, n: int) -> int:
    shop = await make_shop()
    for i in range(n):
        await customer(shop, drain, marketing="subscribed" if i % 2 else "not_subscribed")
    await shop.gql("{ shop { domain } }")  # the shop is now in the per-process cache
    with count_statements() as statements:
        result = await shop.gql(CUSTOMERS_CONSENTS)
    assert "errors" not in result, result
    nodes = result["data"]["customers"]["nodes"]
    assert len(nodes) == n
    newsletter = [next(c for c in node["consents"] if c["type"] == "NEWSLETTER") for node in nodes]
    assert [c["granted"] for c in newsletter] == [bool(i % 2) for i in range(n)]
    return len(statements)


async def test_consents_across_a_customers_list_cost_the_same_for_2_and_12(make_shop, drain):
    """customer.consents resolves through one DataLoader batch per request."""
    few = await _consents_list(make_shop, drain, 2)
    many = await _consents_list(make_shop, drain, 12)
    assert few == many
