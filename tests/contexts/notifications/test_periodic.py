"""The hourly pass: points' due expiry reminders become delivery rows, 1,000 per
transaction, each reminder handed on exactly once; then they go out like any message."""

from __future__ import annotations

from loyalnest.contexts.notifications import api as notifications
from tests.contexts.notifications.support import deliveries, make_customer, set_smtp, settle
from tests.contexts.points.helpers import execute
from tests.contexts.support import rows


async def _due_reminders(merchant_id: int, customer_id: int, count: int) -> None:
    # what points.expire_lots records 30 days ahead (one per customer and expiry day)
    await execute(
        "insert into points_expiry_reminders"
        " (merchant_id, customer_id, expires_on, expires_at, points, status)"
        " select :m, :c, current_date + 30 + i, now() + make_interval(days => 30 + i), 100 + i, 'due'"
        " from generate_series(0, :n - 1) as i",
        m=merchant_id,
        c=customer_id,
        n=count,
    )


async def test_a_big_backlog_is_queued_in_batches_once(shop) -> None:
    customer = await make_customer(shop.id)
    await _due_reminders(shop.id, customer, 2500)
    assert await notifications.queue_expiry_reminders(batch_size=1000) >= 2500
    found = await deliveries(shop.id, type_name="points_expiring")
    assert len(found) == 2500
    assert len({r["idempotency_key"] for r in found}) == 2500
    left = await rows(
        "select count(*) as n from points_expiry_reminders where merchant_id = :m and status = 'due'",
        m=shop.id,
    )
    assert left[0]["n"] == 0
    # a second pass finds nothing to hand on
    await notifications.queue_expiry_reminders(batch_size=1000)
    assert len(await deliveries(shop.id, type_name="points_expiring")) == 2500


async def test_a_reminder_reaches_the_customer(shop, sink) -> None:
    await set_smtp(shop.id, sink)
    customer = await make_customer(shop.id, email="soon@example.com", locale="pl")
    await _due_reminders(shop.id, customer, 1)
    await notifications.queue_expiry_reminders()
    [row] = await settle(shop.id)
    assert (row["type"], row["status"], row["locale"]) == ("points_expiring", "sent", "pl")
    [message] = sink.wait_for(1)
    assert message.message["Content-Language"] == "pl"
    assert "100" in message.message.get_body(("plain",)).get_content()
