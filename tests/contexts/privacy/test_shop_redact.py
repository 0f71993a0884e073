"""app/uninstalled and shop/redact through the signed webhook route, checked on the raw
database: after the deletion no table holds a row naming the shop (found through the
catalog, so a table a later issue adds is checked too), the request log proves it, and
the other shop keeps every row."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import text

from loyalnest.contexts.privacy import shop_deletion
from loyalnest.contexts.privacy.api import PRIVACY_QUEUE
from loyalnest.contexts.privacy.repository import requests
from loyalnest.contexts.privacy.tasks import SWEEP_ACTOR
from loyalnest.platform import pubsub, queue, rate_limit
from loyalnest.platform.db import read_session
from loyalnest.platform.redis import get_async_redis, key, shop_domain_key, shop_key
from loyalnest.platform.timeutil import utcnow
from loyalnest.platform.uow import unit_of_work
from tests import payloads
from tests.contexts.privacy import support
from tests.contexts.support import inbox_rows, rows

pytestmark = pytest.mark.usefixtures("broker")

# tables the shop's own activity fills: each must be emptied by the deletion (the
# catalog check covers the others, empty or not)
_FILLED = {
    "analytics_customer_rfm",
    "analytics_orders",
    "audit_entries",
    "campaign_customers",
    "campaigns",
    "campaign_results",
    "customers",
    "customer_tiers",
    "notification_deliveries",
    "order_points",
    "points_accounts",
    "points_ledger",
    "points_lot_consumptions",
    "points_lots",
    "shopify_webhook_inbox",
    "tier_entry_awards",
    "tier_history",
    "tiers",
}


async def _uninstall(shop) -> None:
    response = await shop.webhook(
        "app/uninstalled", {"id": 1, "domain": shop.domain, "myshopify_domain": shop.domain}
    )
    assert response.status_code == 200


async def _requests(merchant_id: int) -> list[dict]:
    return await rows(
        "select type, source, status, result, due_at - received_at as answer_in,"
        " retention_expires_at - completed_at as kept_for"
        " from privacy_requests where merchant_id = :m order by id",
        m=merchant_id,
    )


async def test_shop_redact_deletes_every_row_of_the_shop_and_nothing_of_another(make_shop, drain):
    shop, other = await make_shop(), await make_shop()
    await support.populate(shop, drain)
    await support.populate(other, drain)
    before = await support.shop_rows(shop.id)
    other_before = await support.shop_rows(other.id)
    assert set(before) >= _FILLED, f"the shop's activity did not fill {_FILLED - set(before)}"
    redis = get_async_redis()
    await redis.set(shop_key(shop.id, "test:state"), "1")
    await redis.set(shop_domain_key(shop.domain, "test:link"), "1")
    await redis.set(shop_key(other.id, "test:state"), "1")
    for merchant_id in (shop.id, other.id):  # a shop's rate limit, as the API counts it
        await rate_limit.hit("test:limit", limit=5, window_seconds=600, merchant_id=merchant_id)

    await _uninstall(shop)
    await drain()
    # uninstalled: its ordinary webhooks are refused, its compliance ones are taken
    refused = await shop.webhook("orders/create", payloads.order(1, customer_body=payloads.customer(1)))
    assert refused.status_code == 404
    assert (await shop.webhook("shop/redact", {"shop_id": 1, "shop_domain": shop.domain})).status_code == 200
    await drain()

    assert await support.shop_rows(shop.id) == {"privacy_requests": 1}
    assert await support.shop_rows(other.id) == other_before
    assert await redis.exists(shop_key(shop.id, "test:state"), shop_domain_key(shop.domain, "test:link")) == 0
    assert await redis.exists(shop_key(other.id, "test:state")) == 1
    # no key of the deployment names the shop any more; the other shop's are there
    names = [name.decode() async for name in redis.scan_iter(match=key("*"), count=1000)]
    assert [n for n in names if f":shop:{shop.id}:" in n or shop.domain in n] == []
    assert [n for n in names if f":shop:{other.id}:" in n]
    [request] = await _requests(shop.id)
    assert (request["type"], request["source"], request["status"]) == ("shop_redact", "webhook", "completed")
    assert request["answer_in"] == timedelta(days=30)
    assert request["kept_for"] == timedelta(days=90)
    assert request["result"]["outcome"] == "deleted"
    assert request["result"]["redis_keys"] == 3
    # the log counts what went, table by table
    assert request["result"]["rows"]["points_ledger"] == before["points_ledger"]
    assert request["result"]["rows"]["merchants"] == 1
    # nothing personal in the proof: the shop's domain and counts
    assert set(request["result"]) == {"outcome", "rows", "total_rows", "redis_keys"}


async def test_shop_redact_sent_three_times_is_one_request_and_answered_as_done_afterwards(shop, drain):
    await support.populate(shop, drain, orders=2)
    await _uninstall(shop)
    body = {"shop_id": 1, "shop_domain": shop.domain}
    for _ in range(3):  # three deliveries (distinct event ids) before the worker runs
        assert (await shop.webhook("shop/redact", body)).status_code == 200
    await drain()
    assert [r["status"] for r in await _requests(shop.id)] == ["completed"]

    again = await shop.webhook("shop/redact", body)
    assert (again.status_code, again.json()) == (200, {"status": "done"})
    assert await support.shop_rows(shop.id) == {"privacy_requests": 1}
    # a forged one for the deleted shop is refused before anything is looked up
    forged = await shop.webhook("shop/redact", body, secret="not-the-app-secret")
    assert forged.status_code == 401


async def test_a_forged_shop_redact_deletes_nothing(shop, drain):
    await support.populate(shop, drain, orders=2)
    await _uninstall(shop)
    before = await support.shop_rows(shop.id)
    response = await shop.webhook("shop/redact", {"shop_id": 1, "shop_domain": shop.domain}, secret="forged")
    assert response.status_code == 401
    await drain()
    assert await support.shop_rows(shop.id) == before
    assert await _requests(shop.id) == []


async def test_a_shop_installed_again_before_its_deletion_ran_keeps_its_data(shop, drain):
    from loyalnest.contexts.merchants import api as merchants

    await support.populate(shop, drain, orders=2)
    await _uninstall(shop)
    await drain()
    async with unit_of_work() as uow:  # shop/redact logged, its message not yet handled
        request, _ = await requests.open_request(
            uow.session,
            merchant_id=shop.id,
            shop_domain=shop.domain,
            type="shop_redact",
            source="webhook",
            source_ref="t",
            customer_ref=None,
            external_ref=None,
            status="pending",
            now=utcnow(),
        )
        request_id = request.id
    before = await support.shop_rows(shop.id)
    async with unit_of_work() as uow:  # the merchant comes back (OAuth)
        await merchants.install_shop(uow, shop_domain=shop.domain, name="Back", currency="USD")

    assert await shop_deletion.redact_shop(request_id) is False
    after = await support.shop_rows(shop.id)
    assert after["customers"] == before["customers"]
    assert after["points_ledger"] == before["points_ledger"]
    [request] = await _requests(shop.id)
    assert request["status"] == "completed"
    assert request["result"] == {"outcome": "reinstalled: nothing deleted"}
    await drain()  # what the reinstall queued (a re-tier) runs here, not in the next test


async def test_shop_redact_for_a_shop_whose_uninstall_we_missed_deletes_it_all_the_same(shop, drain):
    await support.populate(shop, drain, orders=2)
    # no app/uninstalled reached us: Shopify's shop/redact is the word that counts
    assert (await shop.webhook("shop/redact", {"shop_id": 1, "shop_domain": shop.domain})).status_code == 200
    await drain()
    assert await support.shop_rows(shop.id) == {"privacy_requests": 1}


async def test_a_shop_whose_shop_redact_never_came_is_deleted_a_week_after_its_uninstall(make_shop, drain):
    shop, recent = await make_shop(), await make_shop()
    await support.populate(shop, drain, orders=2)
    await _uninstall(shop)
    await _uninstall(recent)
    await drain()
    async with read_session() as session:
        await session.execute(
            text("UPDATE merchants SET uninstalled_at = now() - interval '8 days' WHERE id = :m"),
            {"m": shop.id},
        )
        await session.commit()

    # the hourly actor, on the real broker and worker, twice: one request, one deletion
    queue.send(SWEEP_ACTOR, PRIVACY_QUEUE, {})
    queue.send(SWEEP_ACTOR, PRIVACY_QUEUE, {})
    await drain()

    assert await support.shop_rows(shop.id) == {"privacy_requests": 1}
    [request] = await _requests(shop.id)
    assert (request["source"], request["status"]) == ("system", "completed")
    assert "merchants" in await support.shop_rows(recent.id)
    assert await _requests(recent.id) == []
    # run again: nothing left to do
    assert await shop_deletion.sweep() == []


async def test_the_actor_is_idempotent_and_resumes_a_deletion_cut_short(shop, drain):
    await support.populate(shop, drain, orders=3)
    await _uninstall(shop)
    await drain()
    # a first worker took the request, deleted some batches and died: the request
    # stays "processing" (its message is gone with the worker)
    async with unit_of_work() as uow:
        request, _ = await requests.open_request(
            uow.session,
            merchant_id=shop.id,
            shop_domain=shop.domain,
            type="shop_redact",
            source="system",
            source_ref=uuid.uuid4().hex,
            customer_ref=None,
            external_ref=None,
            status="pending",
            now=utcnow(),
        )
        request_id = request.id
    async with read_session() as session:
        await session.execute(
            text("UPDATE privacy_requests SET status = 'processing', started_at = now() WHERE id = :id"),
            {"id": request_id},
        )
        await session.execute(text("DELETE FROM points_lots WHERE merchant_id = :m"), {"m": shop.id})
        await session.commit()
    assert await shop_deletion.redact_shop(request_id) is False  # taken, and not stale yet: left alone
    async with read_session() as session:
        await session.execute(
            text("UPDATE privacy_requests SET started_at = now() - interval '2 hours' WHERE id = :id"),
            {"id": request_id},
        )
        await session.commit()

    assert await shop_deletion.sweep() == [request_id]  # taken over once stale
    await drain()
    assert await support.shop_rows(shop.id) == {"privacy_requests": 1}
    assert await shop_deletion.redact_shop(request_id) is False  # done: nothing more
    assert await inbox_rows(shop.id) == []


async def test_an_uninstalled_shop_is_refused_at_once_and_its_data_kept_for_a_reinstall(shop, drain):
    await support.populate(shop, drain, orders=2)
    query = {"query": "{ customers(first: 1) { totalCount } }"}
    headers = {"Authorization": f"Bearer {shop.token()}"}
    assert (await shop.http.post("/graphql", json=query, headers=headers)).json()["data"]["customers"][
        "totalCount"
    ]

    await _uninstall(shop)
    await drain()

    refused = await shop.http.post("/graphql", json=query, headers=headers)
    assert refused.status_code in (401, 403), refused.text
    [merchant] = await rows("select uninstalled_at, access_token_enc from merchants where id = :m", m=shop.id)
    assert merchant["uninstalled_at"] is not None
    assert merchant["access_token_enc"] is None  # Shopify revoked it with the uninstall
    assert (await support.shop_rows(shop.id))["customers"] == 2  # kept until shop/redact
    assert await _requests(shop.id) == []


async def test_every_api_process_forgets_a_shop_announced_as_changed(shop, drain):
    from loyalnest.contexts.merchants import api as merchants

    query = {"query": "{ customers(first: 1) { totalCount } }"}
    headers = {"Authorization": f"Bearer {shop.token()}"}
    assert (await shop.http.post("/graphql", json=query, headers=headers)).status_code == 200  # cached now
    # another process uninstalled it: this one learns it from the announcement alone
    async with read_session() as session:
        await session.execute(
            text("UPDATE merchants SET uninstalled_at = now() WHERE id = :m"), {"m": shop.id}
        )
        await session.commit()
    assert (await shop.http.post("/graphql", json=query, headers=headers)).status_code == 200  # still cached
    # what the API's lifespan runs (the test server runs without one), in its loop
    following = asyncio.create_task(merchants.follow_shop_changes())
    try:
        for _ in range(500):
            if pubsub.local_subscribers(merchants.SHOP_CHANGED_CHANNEL):
                break
            await asyncio.sleep(0.01)
        await asyncio.sleep(0.05)  # Redis has the subscription
        await pubsub.publish(merchants.SHOP_CHANGED_CHANNEL, {"domain": shop.domain})
        for _ in range(100):
            if (await shop.http.post("/graphql", json=query, headers=headers)).status_code != 200:
                break
            await asyncio.sleep(0.02)
        assert (await shop.http.post("/graphql", json=query, headers=headers)).status_code in (401, 403)
    finally:
        following.cancel()


async def test_a_webhook_of_a_shop_deleted_meanwhile_is_refused_without_failing_the_others(make_shop, drain):
    gone, other = await make_shop(), await make_shop()
    order = payloads.order(5, customer_body=payloads.customer(5))
    assert (await gone.webhook("orders/create", order)).status_code == 200  # the route caches the shop
    await drain()  # handled first: a deletion racing the worker's transaction could deadlock it
    async with read_session() as session:  # deleted by another process (no announcement reached this one)
        await session.execute(text("DELETE FROM merchants WHERE id = :m"), {"m": gone.id})
        await session.commit()

    answers = await asyncio.gather(  # sharing one group commit
        *(gone.webhook("orders/create", payloads.order(10 + n)) for n in range(5)),
        *(other.webhook("orders/create", payloads.order(20 + n)) for n in range(5)),
    )
    assert [a.status_code for a in answers] == [404] * 5 + [200] * 5
    await drain()
    assert len(await inbox_rows(other.id)) == 5


async def test_the_periodic_passes_leave_an_uninstalled_shop_as_it_was_until_it_comes_back(shop, drain):
    from loyalnest.contexts.merchants import api as merchants
    from tests.contexts.points.helpers import execute, expire, release, set_rule

    await set_rule(shop, pending_days=14)
    await support.populate(shop, drain, orders=2)  # some of it pending, some earned
    await set_rule(shop, pending_days=0)
    await shop.webhook(
        "orders/create", payloads.order(88_001, subtotal="30.00", customer_body=payloads.customer(88))
    )
    await drain()
    await execute(
        "update pending_points set release_at = now() - interval '1 second' where merchant_id = :m", m=shop.id
    )
    await execute(
        "update points_lots set expires_at = now() - interval '1 second' where merchant_id = :m", m=shop.id
    )
    await _uninstall(shop)
    await drain()
    ledger = "select count(*) from points_ledger where merchant_id = :m"
    before = await rows(ledger, m=shop.id)

    await release(drain)
    await expire(drain)
    assert await rows(ledger, m=shop.id) == before  # nothing released, nothing expired
    assert await rows(
        "select count(*) from pending_points where merchant_id = :m and status = 'pending'", m=shop.id
    ) != [{"count": 0}]

    async with unit_of_work() as uow:  # the merchant comes back (OAuth): the passes reach it again
        await merchants.install_shop(uow, shop_domain=shop.domain, name="Back", currency="USD")
    await drain()
    await release(drain)
    await expire(drain)
    assert await rows(ledger, m=shop.id) != before
    kinds = await rows("select distinct kind from points_ledger where merchant_id = :m", m=shop.id)
    assert "expire" in {r["kind"] for r in kinds}  # the lots due meanwhile expired now
    assert await rows(
        "select count(*) from pending_points where merchant_id = :m and status = 'pending'", m=shop.id
    ) == [{"count": 0}]
