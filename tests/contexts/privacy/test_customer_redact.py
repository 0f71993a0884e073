"""customers/redact through the signed webhook route, checked on the raw database: after
it, no text, varchar, json or bytea column of any table holds the customer's email,
phone, names or birthday, in plain text or under any configured key (every declared
encrypted column is decrypted, the inbox's compressed payloads opened), and no Redis
key or value of the deployment does; the ledger's amounts stay under the customer's id
(verify-ledger holds: the autouse check after every test)."""

from __future__ import annotations

from unittest.mock import ANY

import pytest

from loyalnest.contexts.analytics import api as analytics
from tests import payloads
from tests.contexts.privacy import support
from tests.contexts.support import inbox_rows, rows, scalar
from tests.graphql import referrals_support

pytestmark = pytest.mark.usefixtures("broker")

_EXPORT = "mutation ($segment: String!) { exportSegment(segment: $segment) { userErrors { field code } } }"
_LEDGER = (
    "select delta, kind, created_at from points_ledger"
    " where merchant_id = :m and customer_id = :c order by id"
)


async def test_customers_redact_leaves_no_trace_of_the_person_and_keeps_the_accounts(
    make_shop, drain, http, settings
):
    shop, other = await make_shop(), await make_shop()
    await support.populate(shop, drain, orders=4)  # tiers: tier-change notifications to the customer
    person, bystander = support.person(), support.person()
    # before they were a customer, a friend sent them a referral: the claim names them
    await referrals_support.enable_program(shop)
    _, advocate = await referrals_support.make_customer(shop)
    code = (await referrals_support.my_referral(http, settings, shop, advocate))["code"]
    claimed = await referrals_support.claim(http, settings, shop, code, person["email"])
    assert claimed["userErrors"] == [], claimed
    customer_id = await support.customer_with_history(shop, drain, person, 77_001)
    await support.customer_with_history(
        other, drain, bystander, 77_001
    )  # the same Shopify id in another shop
    # the staff exported the segment they are in: the file lists their email and name
    await analytics.recompute_rfm(shop.id)
    segment = await scalar(
        "select segment from analytics_customer_rfm where merchant_id = :m and customer_id = :c",
        m=shop.id,
        c=customer_id,
    )
    export = (await shop.gql(_EXPORT, {"segment": segment}))["data"]["exportSegment"]
    assert export["userErrors"] == [], export
    await drain()
    # a data request about them was answered: its archive holds everything about them
    request = {"shop_domain": shop.domain, "customer": {"id": 77_001, "email": person["email"]},
               "orders_requested": [], "data_request": {"id": 5}}  # fmt: skip
    assert (await shop.webhook("customers/data_request", request)).status_code == 200
    await drain()
    needles = list(person.values())
    named = await support.database_mentions(needles)
    assert {  # the test starts from data that names the person, everywhere it is kept
        "analytics_exports.content_enc",
        "customers.email_enc",
        "customers.birthday_enc",
        "notification_deliveries.recipient_enc",
        "privacy_exports.content_enc",
        "points_ledger.reason",
        "referrals.friend_email_enc",
    } <= set(named), named
    ledger_before = await rows(_LEDGER, m=shop.id, c=customer_id)

    redact = {"shop_id": 1, "shop_domain": shop.domain, "customer": {"id": 77_001, "email": person["email"],
              "phone": person["phone"]}, "orders_to_redact": [770010, 770011, 770012]}  # fmt: skip
    assert (await shop.webhook("customers/redact", redact)).status_code == 200
    await drain()

    assert await support.database_mentions(needles) == []
    assert await support.redis_mentions(needles) == []
    # the accounts stay, under the customer's id, which names nobody now
    [export_request, request_row] = await rows(
        "select type, source, status, customer_ref, result from privacy_requests where merchant_id = :m"
        " order by id",
        m=shop.id,
    )
    assert (export_request["type"], export_request["status"]) == ("data_request", "completed")
    assert (request_row["type"], request_row["source"], request_row["status"]) == (
        "customer_redact",
        "webhook",
        "completed",
    )
    # the account closed: what was left of their points is forfeited by one ledger row
    forfeited = request_row["result"].pop("points_forfeited")
    assert request_row["result"] == {"outcome": "erased", "customer_id": customer_id}
    assert forfeited > 0
    closing = {"delta": -forfeited, "kind": "adjust", "created_at": ANY}
    assert await rows(_LEDGER, m=shop.id, c=customer_id) == [*ledger_before, closing]
    assert await scalar("select balance from points_accounts where merchant_id = :m and customer_id = :c",
                        m=shop.id, c=customer_id) == 0  # fmt: skip
    # the other shop's customer of the same Shopify id is untouched
    assert await support.database_mentions(list(bystander.values()))
    # a second delivery (another event id) finds nobody: recorded, nothing else happens
    assert (await shop.webhook("customers/redact", redact)).status_code == 200
    await drain()
    outcomes = [r["result"]["outcome"] for r in await rows(
        "select result from privacy_requests where merchant_id = :m and type = 'customer_redact' order by id",
        m=shop.id)]  # fmt: skip
    assert outcomes == ["erased", "unknown customer: nothing held"]
    # a later order of that Shopify customer is a new customer, not the erased one refilled
    body = payloads.customer(77_001, email="back@example.org")
    assert (await shop.webhook("orders/create", payloads.order(990, customer_body=body))).status_code == 200
    await drain()
    assert len(await rows("select id from customers where merchant_id = :m and shopify_customer_id = 77001",
                          m=shop.id)) == 1  # fmt: skip
    assert [r for r in await inbox_rows(shop.id) if r["payload_enc"] is not None] == []


async def test_redacting_a_customer_we_never_saw_succeeds_and_is_recorded(shop, drain):
    nobody = {"id": 404_404, "email": "nobody@example.org"}
    redact = {"shop_id": 1, "shop_domain": shop.domain, "customer": nobody, "orders_to_redact": []}
    assert (await shop.webhook("customers/redact", redact)).status_code == 200
    await drain()
    [request_row] = await rows(
        "select status, result from privacy_requests where merchant_id = :m", m=shop.id
    )
    assert request_row == {"status": "completed", "result": {"outcome": "unknown customer: nothing held"}}


async def test_a_forged_customers_redact_erases_nothing(shop, drain):
    person = support.person()
    await support.customer_with_history(shop, drain, person, 88_001)
    redact = {"shop_id": 1, "shop_domain": shop.domain, "customer": {"id": 88_001}, "orders_to_redact": []}
    assert (await shop.webhook("customers/redact", redact, secret="forged")).status_code == 401
    await drain()
    assert "customers.email_enc" in await support.database_mentions([person["email"]])
    assert await rows("select id from privacy_requests where merchant_id = :m", m=shop.id) == []
