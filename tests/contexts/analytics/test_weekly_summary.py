"""The ``weekly_summary`` staff email (off by default): the program's last whole week in
the shop's timezone, queued by the hourly ``analytics.queue_weekly_summaries`` for the
shops that switched it on, once per week, and delivered over SMTP with the week's
points earned and redeemed, new members and rewards issued."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from loyalnest.contexts.analytics.commands.weekly_summaries import queue_weekly_summaries
from loyalnest.contexts.analytics.rules.program import previous_week
from loyalnest.contexts.analytics.tasks.program import (
    ANALYTICS_QUEUE,
    QUEUE_WEEKLY_SUMMARIES_ACTOR,
    REFRESH_PROGRAM_ROLLUPS_ACTOR,
)
from loyalnest.contexts.rewards import api as rewards
from loyalnest.devtools.provider_fakes import SmtpSink
from loyalnest.platform import queue
from loyalnest.platform.timeutil import utcnow
from tests.contexts.notifications.support import deliveries, set_smtp, settle
from tests.contexts.rewards import support as rewards_support

TURN_ON = """
mutation { updateNotificationSettings(input: {types: [{type: WEEKLY_SUMMARY, channels: [EMAIL]}],
                                              staffEmail: "owner@shop.test"}) { userErrors { code } } }
"""


def test_the_week_is_the_last_whole_one_in_the_shops_timezone() -> None:
    # Monday 7 December 2026, 03:00 UTC: already Monday in Paris, still Sunday in Los Angeles
    now = datetime(2026, 12, 7, 3, 0, tzinfo=UTC)
    assert previous_week(now, "Europe/Paris") == (date(2026, 11, 30), date(2026, 12, 6))
    assert previous_week(now, "America/Los_Angeles") == (date(2026, 11, 23), date(2026, 11, 29))
    # any moment of a week names the week before it
    assert previous_week(datetime(2026, 12, 13, 22, 59, tzinfo=UTC), "Europe/Paris") == (
        date(2026, 11, 30),
        date(2026, 12, 6),
    )


async def test_a_shop_that_switched_it_on_gets_its_week_once(make_shop: Any, drain: Any) -> None:
    shop, quiet = await make_shop(), await make_shop()
    assert (await shop.gql(TURN_ON))["data"]["updateNotificationSettings"]["userErrors"] == []
    # the quiet shop switched it on, then off again
    assert (await quiet.gql(TURN_ON))["data"]["updateNotificationSettings"]["userErrors"] == []
    off = (
        "mutation { updateNotificationSettings(input: {types: [{type: WEEKLY_SUMMARY, channels: []}]})"
        " { userErrors { code } } }"
    )
    assert (await quiet.gql(off))["data"]["updateNotificationSettings"]["userErrors"] == []
    with rewards_support.admin_fake() as fake, SmtpSink() as sink:
        await rewards_support.connect_shop(shop, fake)
        await set_smtp(shop.id, sink)
        # the week: two new members earn 1,000 and 500; one spends 300 on a code
        ada = await rewards_support.customer_with_points(shop.id, 8_101, 1_000)
        await rewards_support.customer_with_points(shop.id, 8_102, 500)
        reward = await rewards_support.make_reward(shop.id, points_cost=300, value=Decimal("10"))
        await rewards.redeem_reward(merchant_id=shop.id, customer_id=ada, reward_id=reward, actor="test")
        await rewards_support.customer_with_points(quiet.id, 8_103, 700)
        queue.send(REFRESH_PROGRAM_ROLLUPS_ACTOR, ANALYTICS_QUEUE, {})
        await drain()

        # a week on, this week is the last whole one
        next_week = utcnow() + timedelta(days=7)
        assert await queue_weekly_summaries(now=next_week) == 1
        assert await queue_weekly_summaries(now=next_week) == 0  # once per week
        [row] = [r for r in await settle(shop.id) if r["type"] == "weekly_summary"]
        assert (row["status"], row["customer_id"]) == ("sent", None)
        [message] = [m for m in sink.wait_for(1) if "this week" in m.message["Subject"]]
        assert message.rcpt_tos == ("owner@shop.test",)
        text = message.message.get_body(("plain",)).get_content()
        for line in ("Points earned: 1,500", "Points redeemed: 300", "New members: 2", "Rewards issued: 1"):
            assert line in text, text
        # a shop that switched it off is told nothing
        assert await deliveries(quiet.id, type_name="weekly_summary") == []

        # the hourly actor on the real broker: this week is not over, the week before is
        # owed (nothing happened in it) and queued once, however often the actor runs
        queue.send(QUEUE_WEEKLY_SUMMARIES_ACTOR, ANALYTICS_QUEUE, {})
        queue.send(QUEUE_WEEKLY_SUMMARIES_ACTOR, ANALYTICS_QUEUE, {})
        await drain()
        await settle(shop.id)
        owed = await deliveries(shop.id, type_name="weekly_summary")
        assert [r["status"] for r in owed] == ["sent", "sent"]
        assert await deliveries(quiet.id, type_name="weekly_summary") == []
