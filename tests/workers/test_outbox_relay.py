"""The transactional outbox (UnitOfWork.enqueue): a job leaves only after commit, never
for a rollback, and one whose after-commit send failed is re-sent by the relay."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import text

from loyalnest.contexts.webhooks import api as webhooks
from loyalnest.platform import outbox
from loyalnest.platform.timeutil import utcnow
from loyalnest.platform.uow import unit_of_work
from tests import payloads
from tests.contexts.support import broker_unreachable, inbox_rows, ledger_rows, rows
from workers import scheduler

_ids = iter(range(40_000, 10**9))


class Boom(Exception):
    pass


async def _pending_inbox_row(shop) -> int:
    body = payloads.order(next(_ids), subtotal="15.00", customer_body=payloads.customer(next(_ids)))
    with broker_unreachable():
        response = await shop.webhook("orders/create", body, event_id=uuid.uuid4().hex)
    assert response.json() == {"status": "accepted"}
    [row] = await inbox_rows(shop.id)
    return int(row["id"])


async def _outbox_rows(inbox_id: int) -> list[dict]:
    return await rows(
        "select id, actor_name, queue_name from outbox_messages where kwargs->>'inbox_id' = :i",
        i=str(inbox_id),
    )


def _enqueue(uow, shop, inbox_id: int) -> None:
    uow.enqueue(
        webhooks.PROCESS_WEBHOOK_ACTOR,
        queue_name=webhooks.SHOPIFY_QUEUE,
        merchant_id=shop.id,
        inbox_id=inbox_id,
    )


async def test_committed_job_is_sent_and_its_row_cleared(shop, drain):
    inbox_id = await _pending_inbox_row(shop)
    async with unit_of_work() as uow:
        _enqueue(uow, shop, inbox_id)
    await drain()
    assert await _outbox_rows(inbox_id) == []
    [row] = await inbox_rows(shop.id)
    assert row["outcome"] == "processed"
    assert [e["delta"] for e in await ledger_rows(shop.id)] == [15]


async def test_rolled_back_transaction_sends_nothing(shop, drain):
    inbox_id = await _pending_inbox_row(shop)
    seen_inside: list[int] = []

    async def enqueue_then_fail() -> None:
        async with unit_of_work() as uow:
            _enqueue(uow, shop, inbox_id)
            await uow.session.flush()  # the row existed inside the transaction...
            seen_inside.append(len(await _rows_in(uow, inbox_id)))
            raise Boom

    with pytest.raises(Boom):
        await enqueue_then_fail()
    assert seen_inside == [1]
    await drain()
    assert await _outbox_rows(inbox_id) == []  # ...and went with the rollback
    [row] = await inbox_rows(shop.id)
    assert row["processed_at"] is None  # nothing was sent
    assert await ledger_rows(shop.id) == []
    assert await webhooks.process_webhook(shop.id, inbox_id) == 1  # leave nothing behind


async def test_failed_after_commit_send_is_relayed(shop, drain):
    inbox_id = await _pending_inbox_row(shop)
    with broker_unreachable():
        async with unit_of_work() as uow:
            _enqueue(uow, shop, inbox_id)
    [message] = await _outbox_rows(inbox_id)
    assert (message["actor_name"], message["queue_name"]) == ("shopify.process_webhook", "shopify")
    await drain()
    assert (await inbox_rows(shop.id))[0]["processed_at"] is None

    # the relay takes only rows older than asked for
    async with unit_of_work() as uow:
        assert await outbox.relay_pending(uow.session, older_than=utcnow() - timedelta(hours=1)) == 0
    assert len(await _outbox_rows(inbox_id)) == 1

    async with unit_of_work() as uow:
        assert await outbox.relay_pending(uow.session, older_than=utcnow() + timedelta(seconds=1)) >= 1
    await drain()
    assert await _outbox_rows(inbox_id) == []
    [row] = await inbox_rows(shop.id)
    assert row["outcome"] == "processed"
    assert [e["delta"] for e in await ledger_rows(shop.id)] == [15]


async def test_relay_while_the_broker_is_still_down_keeps_the_row(shop, drain):
    inbox_id = await _pending_inbox_row(shop)
    with broker_unreachable():
        async with unit_of_work() as uow:
            _enqueue(uow, shop, inbox_id)
        async with unit_of_work() as uow:
            assert await outbox.relay_pending(uow.session, older_than=utcnow() + timedelta(seconds=1)) == 0
    assert len(await _outbox_rows(inbox_id)) == 1
    # the scheduler's pass sends it (and the inbox row) once the broker is back
    relayed = await scheduler.relay_once(stale_after_seconds=0)
    assert relayed["outbox_messages"] >= 1
    await drain()
    assert await _outbox_rows(inbox_id) == []
    assert [e["delta"] for e in await ledger_rows(shop.id)] == [15]


async def _rows_in(uow, inbox_id: int) -> list:
    result = await uow.session.execute(
        text("select id from outbox_messages where kwargs->>'inbox_id' = :i"), {"i": str(inbox_id)}
    )
    return list(result.all())
