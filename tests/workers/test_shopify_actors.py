"""The shopify.process_webhook actor on the real Redis broker and Dramatiq worker:
idempotent, bad payloads parked without retries, and rows the broker never got are
picked up by the relay."""

from __future__ import annotations

import uuid

import orjson
import pytest
from sqlalchemy import text

from loyalnest.contexts.webhooks import api as webhooks
from loyalnest.contexts.webhooks.payload_crypto import encrypt_payload
from loyalnest.platform.db import get_sessionmaker
from tests import payloads
from tests.contexts.support import broker_unreachable, inbox_rows, ledger_rows, wait_for
from workers import scheduler

_ids = iter(range(30_000, 10**9))


async def _stored_not_sent(shop, topic: str, body: dict | bytes) -> int:
    """Deliver a webhook while the broker is down: stored, answered 200, never enqueued."""
    with broker_unreachable():
        response = await shop.webhook(topic, body, event_id=uuid.uuid4().hex)
    assert response.json() == {"status": "accepted"}
    return max(r["id"] for r in await inbox_rows(shop.id))


def _order(subtotal: str = "20.00", customer_id: int | None = None) -> dict:
    return payloads.order(
        next(_ids), subtotal=subtotal, customer_body=payloads.customer(customer_id or next(_ids))
    )


class TestIdempotency:
    async def test_same_message_twice_awards_once(self, shop, drain, broker):
        inbox_id = await _stored_not_sent(shop, "orders/create", _order("20.00"))
        assert [r["processed_at"] for r in await inbox_rows(shop.id)] == [None]
        webhooks.enqueue_processing(shop.id, inbox_id)
        webhooks.enqueue_processing(shop.id, inbox_id)
        await drain()
        [row] = await inbox_rows(shop.id)
        assert row["outcome"] == "processed"
        assert [e["delta"] for e in await ledger_rows(shop.id)] == [20]

    async def test_processing_twice_directly_is_a_no_op_the_second_time(self, shop, drain):
        inbox_id = await _stored_not_sent(shop, "orders/create", _order("33.00"))
        assert await webhooks.process_webhook(shop.id, inbox_id) == 1
        first = await inbox_rows(shop.id)
        assert await webhooks.process_webhook(shop.id, inbox_id) == 0
        assert await inbox_rows(shop.id) == first
        assert [e["delta"] for e in await ledger_rows(shop.id)] == [33]


class TestUnreadablePayloads:
    async def test_parked_as_failed_without_blocking_the_rest_of_the_batch(self, shop, drain):
        good_first = _order("10.00")
        no_id = _order("999.00")
        del no_id["id"]
        good_last = _order("30.00")
        ids = [
            await _stored_not_sent(shop, "orders/create", good_first),
            await _stored_not_sent(shop, "orders/create", no_id),
            await _stored_not_sent(shop, "orders/create", good_last),
        ]
        # one call handles the whole backlog of the shop in one transaction
        assert await webhooks.process_webhook(shop.id, ids[0]) == 3
        by_id = {r["id"]: r for r in await inbox_rows(shop.id)}
        assert [by_id[i]["outcome"] for i in ids] == ["processed", "failed", "processed"]
        assert "order id" in by_id[ids[1]]["last_error"]
        assert by_id[ids[1]]["attempts"] == 0  # not a retried failure: parked at once
        assert by_id[ids[1]]["payload_enc"] is None
        assert sorted(e["delta"] for e in await ledger_rows(shop.id)) == [10, 30]
        # its own message later finds nothing left to do
        assert await webhooks.process_webhook(shop.id, ids[1]) == 0

    async def test_through_the_worker_no_retry_storm(self, shop, drain, broker):
        bad_bodies = [
            {**_order(), "id": None},
            {**_order(), "id": 2**63},  # does not fit BIGINT: must not reach the database
            {**_order(), "customer": {**payloads.customer(1), "id": "x"}},
            {**_order(), "subtotal_price_set": {"shop_money": {"amount": "1e20"}}},
            {**_order(), "customer": {**payloads.customer(next(_ids)), "state": "s" * 40}},
            {**_order(), "customer": {**payloads.customer(next(_ids)), "updated_at": 1700000000}},
        ]
        for body in bad_bodies:
            assert (await shop.webhook("orders/create", body)).status_code == 200
        assert (await shop.webhook("refunds/create", {"id": 5, "refund_line_items": 7})).status_code == 200
        good = _order("44.00")
        assert (await shop.webhook("orders/create", good)).status_code == 200
        await drain()
        outcomes = [(r["topic"], r["outcome"], r["attempts"]) for r in await inbox_rows(shop.id)]
        assert outcomes == [("orders/create", "failed", 0)] * 6 + [
            ("refunds/create", "failed", 0),
            ("orders/create", "processed", 0),
        ]
        assert [e["delta"] for e in await ledger_rows(shop.id)] == [44]
        # nothing waits for a retry (the queue size counts delayed and unacked messages too)
        assert broker.do_qsize("shopify") == 0

    async def test_payload_that_is_not_json_once_decrypted_is_parked(self, shop, drain):
        """The route refuses non-objects; a row written some other way is still handled."""
        inbox_id = await _stored_not_sent(shop, "orders/create", _order())
        async with get_sessionmaker()() as session, session.begin():
            await session.execute(
                text("update shopify_webhook_inbox set payload_enc = :p where merchant_id = :m and id = :i"),
                {"p": encrypt_payload(orjson.dumps([1, 2])), "m": shop.id, "i": inbox_id},
            )
        assert await webhooks.process_webhook(shop.id, inbox_id) == 1
        [row] = await inbox_rows(shop.id)
        assert row["outcome"] == "failed"

    async def test_payload_that_cannot_be_decrypted_is_parked(self, shop, drain):
        inbox_id = await _stored_not_sent(shop, "orders/create", _order())
        async with get_sessionmaker()() as session, session.begin():
            await session.execute(
                text("update shopify_webhook_inbox set payload_enc = :p where merchant_id = :m and id = :i"),
                {"p": "retired:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "m": shop.id, "i": inbox_id},
            )
        try:
            await webhooks.process_webhook(shop.id, inbox_id)
        finally:
            [row] = await inbox_rows(shop.id)
            if row["outcome"] is None:  # leave nothing for later relays to pick up
                async with get_sessionmaker()() as session, session.begin():
                    await session.execute(
                        text("delete from shopify_webhook_inbox where merchant_id = :m"), {"m": shop.id}
                    )
        assert row["outcome"] == "failed"


class TestRelay:
    async def test_relay_sends_what_the_broker_never_got(self, shop, drain):
        customer_id = next(_ids)
        await _stored_not_sent(shop, "orders/create", _order("25.00", customer_id))
        await drain()
        [row] = await inbox_rows(shop.id)
        assert row["processed_at"] is None  # nobody is coming for it...
        assert await webhooks.relay_stale_webhooks(older_than_seconds=0) >= 1
        await drain()
        [row] = await inbox_rows(shop.id)  # ...until the relay
        assert row["outcome"] == "processed"
        assert [e["delta"] for e in await ledger_rows(shop.id)] == [25]

    async def test_relay_leaves_fresh_rows_alone(self, shop, drain):
        await _stored_not_sent(shop, "orders/create", _order("25.00"))
        await webhooks.relay_stale_webhooks(older_than_seconds=3600)
        await drain()
        [row] = await inbox_rows(shop.id)
        assert row["processed_at"] is None
        assert await webhooks.process_webhook(shop.id, row["id"]) == 1  # leave nothing behind

    async def test_scheduler_relay_once(self, shop, drain):
        await _stored_not_sent(shop, "orders/create", _order("26.00"))
        relayed = await scheduler.relay_once(stale_after_seconds=0)
        assert relayed["webhooks"] >= 1
        await drain()
        await wait_for(lambda: _processed(shop))
        assert [e["delta"] for e in await ledger_rows(shop.id)] == [26]


async def _processed(shop) -> bool:
    return all(r["outcome"] == "processed" for r in await inbox_rows(shop.id))


class TestRelayBookkeeping:
    """The relay re-sends a waiting row at most once per staleness window (not on every
    pass while it sits in the queue), and parks rows that keep failing."""

    async def test_a_relayed_row_is_not_sent_again_within_the_window(self, shop, drain):
        await _stored_not_sent(shop, "orders/create", _order("31.00"))
        [row] = await inbox_rows(shop.id)
        backdate = (
            "UPDATE shopify_webhook_inbox SET received_at = now() - interval '10 minutes' WHERE id = :i"
        )
        await _execute(backdate, i=row["id"])
        with broker_unreachable():  # what the relay sends is lost again: the row stays waiting
            with pytest.raises(Exception):  # noqa: B017,PT011 (any broker error)
                await webhooks.relay_stale_webhooks(older_than_seconds=60)
        [row] = await inbox_rows(shop.id)
        assert row["relays"] == 1
        assert row["relayed_at"] is not None
        # The relay is shop-wide and other tests' rows may be stale too, so each pass is
        # judged by this row's own bookkeeping, not by the count it returns.
        await webhooks.relay_stale_webhooks(older_than_seconds=60)
        [row] = await inbox_rows(shop.id)
        assert row["relays"] == 1  # relayed just now: left alone

        await _execute(
            "UPDATE shopify_webhook_inbox SET relayed_at = now() - interval '5 minutes' WHERE id = :i",
            i=row["id"],
        )
        assert await webhooks.relay_stale_webhooks(older_than_seconds=60) >= 1
        [row] = await inbox_rows(shop.id)
        assert row["relays"] == 2
        await drain()
        await wait_for(lambda: _processed(shop))
        assert [e["delta"] for e in await ledger_rows(shop.id)] == [31]

    async def test_a_row_that_keeps_failing_is_parked_not_relayed_forever(self, shop, drain):
        await _stored_not_sent(shop, "orders/create", _order("32.00"))
        [row] = await inbox_rows(shop.id)
        await _execute(
            "UPDATE shopify_webhook_inbox SET received_at = now() - interval '1 hour', attempts = 25,"
            " last_error = 'OperationalError' WHERE id = :i",
            i=row["id"],
        )
        await webhooks.relay_stale_webhooks(older_than_seconds=60)
        [row] = await inbox_rows(shop.id)
        assert row["relays"] == 0  # parked, not sent
        assert row["outcome"] == "failed"
        assert row["processed_at"] is not None
        assert "gave up after 25 failed attempts" in row["last_error"]
        assert await ledger_rows(shop.id) == []


async def _execute(sql: str, **params: object) -> None:
    async with get_sessionmaker()() as session, session.begin():
        await session.execute(text(sql), params)
