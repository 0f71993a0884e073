"""customers/redact through the signed webhook route, checked on the raw database: after
it, no text, varchar, json or bytea column of any table holds the customer's email,
phone, names or birthday, in plain text or under any configured key (every declared
encrypted column is decrypted, the inbox's compressed payloads opened), and no Redis
key or value of the deployment does; the ledger's amounts stay under the customer's id
(verify-ledger holds: the autouse check after every test)."""

from __future__ import annotations

import base64
import contextlib
import uuid
import zlib
from typing import Any

import pytest
from sqlalchemy import text

from loyalnest.contexts.analytics import api as analytics
from loyalnest.contexts.earning import api as earning
from loyalnest.platform.crypto import get_keyring
from loyalnest.platform.db import read_session
from loyalnest.platform.key_rotation import encrypted_columns
from loyalnest.platform.redis import get_async_redis, key
from loyalnest.platform.uow import unit_of_work
from tests import payloads
from tests.contexts.campaigns import support as campaigns_support
from tests.contexts.privacy import support
from tests.contexts.support import inbox_rows, rows, scalar
from tests.graphql import referrals_support

pytestmark = pytest.mark.usefixtures("broker")

_SCANNED_TYPES = ("text", "character varying", "json", "jsonb", "bytea")
_EXPORT = "mutation ($segment: String!) { exportSegment(segment: $segment) { userErrors { field code } } }"
_LEDGER = (
    "select delta, kind, created_at from points_ledger"
    " where merchant_id = :m and customer_id = :c order by id"
)


def _person() -> dict[str, str]:
    tag = uuid.uuid4().hex[:8]
    year, month, day = int(tag[:4], 16), int(tag[4:6], 16), int(tag[6:], 16)
    return {
        "email": f"zephyrine.{tag}@example.org",
        "first_name": f"Zephyrine{tag}",
        "last_name": f"Quillfeather{tag}",
        "phone": f"+1555{int(tag, 16) % 10_000_000:07d}",
        # a date no other test's customer has (the scan reads every shop)
        "birthday": f"{1901 + year % 39}-{1 + month % 12:02d}-{1 + day % 28:02d}",
    }


def _readable(value: str, contexts: list[bytes]) -> list[str]:
    """The value, and whatever any configured key opens it to (each declared context)."""
    found = [value]
    if ":" not in value[:40]:
        return found
    keyring = get_keyring()
    for context in contexts:
        try:
            plain = keyring.decrypt_bytes(value, context=context)
        except Exception:
            continue
        if plain[:1] == b"\x78":
            with contextlib.suppress(zlib.error):
                plain = zlib.decompress(plain)
        found.append(plain.decode(errors="replace"))
        with contextlib.suppress(ValueError, zlib.error):  # compressed, then base64 (exports)
            found.append(zlib.decompress(base64.b64decode(plain, validate=True)).decode(errors="replace"))
    return found


async def _database_mentions(needles: list[str]) -> list[str]:
    """Every (table.column) whose value shows one of ``needles`` (case-insensitive)."""
    declared: dict[tuple[str, str], list[bytes]] = {}
    for spec in encrypted_columns():
        declared.setdefault((spec.table, spec.column), []).append(spec.context)
    hits: list[str] = []
    lowered = [n.lower() for n in needles]
    async with read_session() as session:
        columns = (
            await session.execute(
                text(
                    "SELECT c.table_name, c.column_name, c.data_type FROM information_schema.columns c"
                    " JOIN information_schema.tables t USING (table_schema, table_name)"
                    " WHERE t.table_schema = current_schema() AND t.table_type = 'BASE TABLE'"
                    " AND c.data_type = ANY(:types) ORDER BY 1, 2"
                ),
                {"types": list(_SCANNED_TYPES)},
            )
        ).all()
        for table, column, data_type in columns:
            cast = f"encode(\"{column}\", 'escape')" if data_type == "bytea" else f'"{column}"::text'
            values = (
                await session.execute(text(f'SELECT {cast} FROM "{table}" WHERE "{column}" IS NOT NULL'))
            ).scalars()
            contexts = declared.get((table, column), [])
            for value in values:
                for readable in _readable(str(value), contexts):
                    if any(n in readable.lower() for n in lowered):
                        hits.append(f"{table}.{column}")
                        break
    return sorted(set(hits))


async def _redis_mentions(needles: list[str]) -> list[str]:
    client = get_async_redis()
    hits = []
    lowered = [n.lower() for n in needles]
    async for name in client.scan_iter(match=key("*"), count=1000):
        shown = [name.decode(errors="replace")]
        if await client.type(name) == b"string":
            shown.append((await client.get(name) or b"").decode(errors="replace"))
        if any(n in s.lower() for s in shown for n in lowered):
            hits.append(name.decode(errors="replace"))
    return hits


async def _customer_with_history(shop: Any, drain: Any, person: dict[str, str], shopify_id: int) -> int:
    body = payloads.customer(
        shopify_id,
        email=person["email"],
        first_name=person["first_name"],
        last_name=person["last_name"],
        phone=person["phone"],
        birthday=person["birthday"],
    )
    await campaigns_support.enable_rule(shop.id, "custom")
    assert (await shop.webhook("customers/create", body)).status_code == 200
    for n in range(3):
        order = payloads.order(shopify_id * 10 + n, subtotal=f"{60 + 70 * n}.00", customer_body=body)
        assert (await shop.webhook("orders/create", order)).status_code == 200
    await drain()
    customer_id = int(
        await scalar(
            "select id from customers where merchant_id = :m and shopify_customer_id = :s",
            m=shop.id,
            s=shopify_id,
        )
    )
    async with unit_of_work() as uow:  # a staff note naming them, in the ledger and the audit trail
        await earning.award_custom(
            uow,
            merchant_id=shop.id,
            customer_id=customer_id,
            points_given=25,
            reason=f"sorry {person['first_name']} {person['last_name']}, {person['email']}",
            actor="staff:1",
            idempotency_key=uuid.uuid4().hex,
        )
    return customer_id


async def test_customers_redact_leaves_no_trace_of_the_person_and_keeps_the_accounts(
    make_shop, drain, http, settings
):
    shop, other = await make_shop(), await make_shop()
    await support.populate(shop, drain, orders=4)  # tiers: tier-change notifications to the customer
    person, bystander = _person(), _person()
    # before they were a customer, a friend sent them a referral: the claim names them
    await referrals_support.enable_program(shop)
    _, advocate = await referrals_support.make_customer(shop)
    code = (await referrals_support.my_referral(http, settings, shop, advocate))["code"]
    claimed = await referrals_support.claim(http, settings, shop, code, person["email"])
    assert claimed["userErrors"] == [], claimed
    customer_id = await _customer_with_history(shop, drain, person, 77_001)
    await _customer_with_history(other, drain, bystander, 77_001)  # the same Shopify id in another shop
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
    # a data request about them still waiting (deferred: no handler yet): it holds their email
    request = {"shop_domain": shop.domain, "customer": {"id": 77_001, "email": person["email"]},
               "orders_requested": [], "data_request": {"id": 5}}  # fmt: skip
    assert (await shop.webhook("customers/data_request", request)).status_code == 200
    await drain()
    needles = list(person.values())
    named = await _database_mentions(needles)
    assert {  # the test starts from data that names the person, everywhere it is kept
        "analytics_exports.content_enc",
        "customers.email_enc",
        "customers.birthday_enc",
        "notification_deliveries.recipient_enc",
        "points_ledger.reason",
        "referrals.friend_email_enc",
        "shopify_webhook_inbox.payload_enc",
    } <= set(named), named
    ledger_before = await rows(_LEDGER, m=shop.id, c=customer_id)

    redact = {"shop_id": 1, "shop_domain": shop.domain, "customer": {"id": 77_001, "email": person["email"],
              "phone": person["phone"]}, "orders_to_redact": [770010, 770011, 770012]}  # fmt: skip
    assert (await shop.webhook("customers/redact", redact)).status_code == 200
    await drain()

    assert await _database_mentions(needles) == []
    assert await _redis_mentions(needles) == []
    # the accounts stay, under the customer's id, which names nobody now
    assert await rows(_LEDGER, m=shop.id, c=customer_id) == ledger_before
    [request_row] = await rows(
        "select type, source, status, customer_ref, result from privacy_requests where merchant_id = :m",
        m=shop.id,
    )
    assert (request_row["type"], request_row["source"], request_row["status"]) == (
        "customer_redact",
        "webhook",
        "completed",
    )
    assert request_row["result"] == {"outcome": "erased", "customer_id": customer_id}
    # the other shop's customer of the same Shopify id is untouched
    assert await _database_mentions(list(bystander.values()))
    # a second delivery (another event id) finds nobody: recorded, nothing else happens
    assert (await shop.webhook("customers/redact", redact)).status_code == 200
    await drain()
    outcomes = [r["result"]["outcome"] for r in await rows(
        "select result from privacy_requests where merchant_id = :m order by id", m=shop.id)]  # fmt: skip
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
    person = _person()
    await _customer_with_history(shop, drain, person, 88_001)
    redact = {"shop_id": 1, "shop_domain": shop.domain, "customer": {"id": 88_001}, "orders_to_redact": []}
    assert (await shop.webhook("customers/redact", redact, secret="forged")).status_code == 401
    await drain()
    assert "customers.email_enc" in await _database_mentions([person["email"]])
    assert await rows("select id from privacy_requests where merchant_id = :m", m=shop.id) == []
