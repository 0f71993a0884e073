"""Delivery end to end against real providers on loopback: the event's transaction
writes the row and one outbox message per shop, the actor renders and sends through the
primary then the fallback, and the log says exactly what happened."""

from __future__ import annotations

import email.policy
import json
from datetime import UTC, datetime, time, timedelta
from email import message_from_bytes

import pytest
from sqlalchemy import text

from loyalnest.contexts.earning.events import EarnedPart, PointsEarned
from loyalnest.contexts.notifications import api as notifications
from loyalnest.contexts.notifications import registry, repository
from loyalnest.contexts.rewards.events import PointsReturned
from loyalnest.platform.uow import unit_of_work
from tests.contexts.notifications.support import (
    configure,
    deliveries,
    make_customer,
    outbox_for,
    publish,
    reward_issued,
    set_klaviyo,
    set_smtp,
    set_twilio,
    settle,
)
from tests.contexts.points.helpers import execute


def _mime(received: bytes) -> email.message.EmailMessage:
    return message_from_bytes(received, policy=email.policy.default)  # type: ignore[return-value]


async def test_a_reward_code_reaches_the_inbox_once_with_unsubscribe_headers(shop, sink, drain) -> None:
    await set_smtp(shop.id, sink)
    customer = await make_customer(shop.id, email="layla@example.com", first_name="Layla", locale="ar")
    event = reward_issued(shop.id, customer, redemption_id=71, code="LN-RTL-0071")
    await publish(event)
    await drain()
    found = await settle(shop.id)

    assert [(r["type"], r["channel"], r["status"], r["provider"]) for r in found] == [
        ("reward_issued", "email", "sent", "smtp")
    ]
    row = found[0]
    assert row["idempotency_key"] == "reward_issued:71:email"
    assert row["locale"] == "ar"
    # neither the code nor the address is stored in clear
    assert "LN-RTL-0071" not in row["variables"]
    assert "LN-RTL-0071" not in (row["sealed_enc"] or "")
    assert "layla" not in row["recipient_enc"]

    [received] = sink.wait_for(1)
    mime = _mime(received.raw)
    assert mime["To"] == "layla@example.com"
    assert mime["Content-Language"] == "ar"
    assert mime["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert str(mime["List-Unsubscribe"]).strip().startswith("<http")
    assert "/notifications/unsubscribe?t=" in mime["List-Unsubscribe"]
    # the page the link opens speaks the message's language
    assert "&lang=ar>" in str(mime["List-Unsubscribe"]).replace(" ", "").replace("\n", "")
    assert row["provider_message_id"] == mime["Message-ID"]
    html = mime.get_body(("html",)).get_content()
    text = mime.get_body(("plain",)).get_content()
    assert 'dir="rtl"' in html
    assert "LN-RTL-0071" in html
    assert "LN-RTL-0071" in text

    # the same event again (a replayed webhook, a retried transaction): no second row, no mail
    await publish(event)
    await drain()
    await settle(shop.id)
    assert len(await deliveries(shop.id)) == 1
    assert len(sink.messages) == 1


async def test_a_rolled_back_cause_owes_nothing(shop) -> None:
    customer = await make_customer(shop.id)

    async def owe_then_fail() -> None:
        async with unit_of_work() as uow:
            await uow.publish_events([reward_issued(shop.id, customer, redemption_id=5)])
            raise RuntimeError("the redemption failed")

    with pytest.raises(RuntimeError):
        await owe_then_fail()
    assert await deliveries(shop.id) == []
    assert await outbox_for(shop.id) == []


async def test_one_actor_message_per_shop_per_transaction(shop) -> None:
    """Many messages owed in one transaction leave as one deliver_batch message."""
    customers = [await make_customer(shop.id, email=f"c{i}@example.com") for i in range(5)]
    async with unit_of_work() as uow:
        await uow.publish_events(
            [reward_issued(shop.id, c, redemption_id=1000 + i) for i, c in enumerate(customers)]
        )
        await uow.session.flush()
        pending = await uow.session.execute(
            text(
                "select count(*) from outbox_messages where actor_name = 'notifications.deliver_batch'"
                " and (kwargs->>'merchant_id')::bigint = :m"
            ),
            {"m": shop.id},
        )
        assert pending.scalar() == 1
    assert len(await deliveries(shop.id)) == 5


async def test_who_gets_nothing_and_why(shop, sink) -> None:
    await set_smtp(shop.id, sink)
    await configure(shop.id, enabled={"birthday": ("email",), "points_returned": ("email",)})
    no_email = await make_customer(shop.id, email=None)
    no_consent = await make_customer(shop.id, email="quiet@example.com", accepts_marketing=False)
    consenting = await make_customer(shop.id, email="party@example.com", accepts_marketing=True)
    opted_out = await make_customer(shop.id, email="gone@example.com")
    at = datetime.now(UTC)

    def birthday(customer: int) -> PointsEarned:
        return PointsEarned(
            merchant_id=shop.id,
            customer_id=customer,
            rule="birthday",
            source_ref=None,
            occurred_at=at,
            parts=(EarnedPart(f"birthday:{customer}:2026", "earn", "rule", None, 200),),
        )

    # the customer unsubscribes after the row was written: respected at once. (In the same
    # transaction: the delivery job leaves at its commit, and a worker that ran it before a
    # second transaction changed the preference would rightly send.)
    async with unit_of_work() as uow:
        await uow.publish_events(
            [
                reward_issued(shop.id, no_email, redemption_id=1),
                birthday(no_consent),
                birthday(consenting),
                PointsReturned(shop.id, opted_out, 9, "$10 off", 500, "unused"),
            ]
        )
        await notifications.set_preferences(
            uow,
            merchant_id=shop.id,
            customer_id=opted_out,
            changes=[notifications.PreferenceChange("points_returned", "email", False)],
        )
    found = {(r["customer_id"], r["type"]): r for r in await settle(shop.id)}
    assert (found[(no_email, "reward_issued")]["status"], found[(no_email, "reward_issued")]["reason"]) == (
        "skipped",
        "no_recipient",
    )
    assert found[(no_consent, "birthday")]["reason"] == "no_consent"
    assert found[(consenting, "birthday")]["status"] == "sent"
    assert found[(opted_out, "points_returned")]["reason"] == "opted_out"
    assert [m.rcpt_tos for m in sink.messages] == [("party@example.com",)]


async def test_a_type_turned_off_writes_no_row(shop) -> None:
    customer = await make_customer(shop.id)
    await configure(shop.id, enabled={"reward_issued": ()})
    await publish(reward_issued(shop.id, customer, redemption_id=3))
    assert await deliveries(shop.id) == []


async def test_the_fallback_sends_when_the_primary_is_down(shop, klaviyo) -> None:
    from loyalnest.devtools.provider_fakes import SmtpSink

    dead = SmtpSink().start()
    port = dead.port
    dead.stop()  # nothing listens there any more: connection refused
    await set_provider_at(shop.id, port)
    await set_klaviyo(shop.id, klaviyo, role="fallback")
    customer = await make_customer(shop.id, email="fallback@example.com")
    await publish(reward_issued(shop.id, customer, redemption_id=44, code="LN-FALL-BACK"))
    [row] = await settle(shop.id)
    assert (row["status"], row["provider"]) == ("sent", "klaviyo")
    [event] = klaviyo.events
    assert event.unique_id == "reward_issued:44:email"
    assert event.properties["code"] == "LN-FALL-BACK"
    assert event.profile.get("email") == "fallback@example.com"


async def set_provider_at(merchant_id: int, port: int) -> None:
    from tests.contexts.notifications.support import set_provider

    await set_provider(
        merchant_id,
        notifications.ProviderInput(
            channel="email",
            role="primary",
            kind="smtp",
            settings={"host": "127.0.0.1", "port": port, "security": "none", "from_address": "r@shop.test"},
        ),
    )


async def test_a_bounce_fails_the_row_without_retrying_forever(shop, sink) -> None:
    await set_smtp(shop.id, sink)
    sink.reject("nobody@example.com")
    customer = await make_customer(shop.id, email="nobody@example.com")
    await publish(reward_issued(shop.id, customer, redemption_id=8))
    [row] = await settle(shop.id)
    assert row["status"] == "failed"
    assert "BOUNCED" in row["reason"]
    assert row["attempts"] == 1
    assert sink.messages == []


async def test_a_provider_down_holds_the_row_and_it_goes_out_later(shop, sink) -> None:
    await set_smtp(shop.id, sink)
    sink.fail_next(3, code=451)  # all three attempts deferred
    customer = await make_customer(shop.id, email="later@example.com")
    await publish(reward_issued(shop.id, customer, redemption_id=12))
    [row] = await settle(shop.id)
    assert row["status"] == "held"
    assert row["reason"].startswith("retrying:")
    assert row["not_before"] > datetime.now(UTC)
    # time passes: the sweep wakes the shop and the row goes out (same key, once)
    await execute(
        "update notification_deliveries set not_before = now() - interval '1 second' where merchant_id = :m",
        m=shop.id,
    )
    woken = await notifications.sweep()
    # (a sweep of a test running beside this one, in another process, may have woken it)
    assert shop.id in woken or (await deliveries(shop.id))[0]["status"] != "held"
    [row] = await settle(shop.id)
    assert (row["status"], row["attempts"]) == ("sent", 2)
    assert len(sink.messages) == 1


async def test_sms_waits_for_the_end_of_quiet_hours(shop, sms) -> None:
    await set_twilio(shop.id, sms)
    now = datetime.now(UTC)
    start = (now - timedelta(hours=1)).time().replace(second=0, microsecond=0)
    end = (now + timedelta(hours=1)).time().replace(second=0, microsecond=0)
    await configure(shop.id, enabled={"reward_issued": ("sms",)}, quiet_start=start, quiet_end=end)
    customer = await make_customer(shop.id, email=None, phone="+15551234567")
    await publish(reward_issued(shop.id, customer, redemption_id=30))
    [row] = await settle(shop.id)
    assert (row["status"], row["reason"]) == ("held", "quiet_hours")
    expected_end = datetime.combine((now + timedelta(hours=1)).date(), end, tzinfo=UTC)
    assert abs((row["not_before"] - expected_end).total_seconds()) < 1
    assert sms.messages == []
    # the quiet hours end
    await configure(shop.id, quiet_start=time(3, 0), quiet_end=time(3, 0))
    await execute("update notification_deliveries set not_before = now() where merchant_id = :m", m=shop.id)
    [row] = await settle(shop.id)
    assert row["status"] == "sent"
    [message] = sms.messages
    assert message.to == "+15551234567"
    assert "LN-AAAA-BBBB" in message.body


async def test_tenancy_of_the_log(make_shop, sink) -> None:
    a, b = await make_shop(), await make_shop()
    await set_smtp(a.id, sink)
    customer = await make_customer(a.id)
    await publish(reward_issued(a.id, customer, redemption_id=1))
    await settle(a.id)
    assert (
        await notifications.list_deliveries(
            b.id, status=None, type_name=None, channel=None, customer_id=None, first=10, after=None
        )
    ).items == []
    page = await notifications.list_deliveries(
        a.id, status=None, type_name=None, channel=None, customer_id=None, first=10, after=None
    )
    assert [(d.type, d.status, d.recipient_masked) for d in page.items] == [
        ("reward_issued", "sent", "a***@example.com")
    ]
    assert (await notifications.count_deliveries(a.id))["sent"] == 1
    assert (await notifications.count_deliveries(b.id))["sent"] == 0
    # b's deliver_batch never touches a's rows
    await notifications.deliver_batch(b.id)


async def test_tier_changes_and_points_earned_speak_the_customers_language(shop, sink) -> None:
    from decimal import Decimal

    from loyalnest.contexts.tiers import api as tiers
    from loyalnest.contexts.tiers.events import TierChanged

    await set_smtp(shop.id, sink)
    await configure(shop.id, enabled={"points_earned": ("email",)})
    async with unit_of_work() as uow:
        silver = await tiers.create_tier(
            uow,
            merchant_id=shop.id,
            actor="staff:test",
            data=tiers.TierInput(names=[("en", "Silver")], default_locale="en", threshold=Decimal(100)),
        )
        gold = await tiers.create_tier(
            uow,
            merchant_id=shop.id,
            actor="staff:test",
            data=tiers.TierInput(
                names=[("en", "Gold"), ("de", "Gold-Stufe")],
                default_locale="en",
                threshold=Decimal(500),
                perks=[("de", "Kostenloser Versand")],
            ),
        )
    customer = await make_customer(shop.id, email="hans@example.com", first_name="Hans", locale="de-AT")
    at = datetime.now(UTC)
    await publish(
        TierChanged(shop.id, customer, silver.id, gold.id, "qualified", at),
        TierChanged(shop.id, customer, None, silver.id, "import", at),  # imports notify nobody
    )
    await publish(
        PointsEarned(
            merchant_id=shop.id,
            customer_id=customer,
            rule="review",
            source_ref="review:1",
            occurred_at=at,
            parts=(EarnedPart("review:1", "earn", "rule", None, 50),),
        )
    )
    found = {r["type"]: r for r in await settle(shop.id)}
    assert set(found) == {"tier_changed", "points_earned"}
    assert all(r["status"] == "sent" and r["locale"] == "de" for r in found.values())
    by_type = {
        ("tier" if "Gold-Stufe" in m.message.get_body(("plain",)).get_content() else "points"): m
        for m in sink.messages
    }
    tier_text = by_type["tier"].message.get_body(("plain",)).get_content()
    assert "Kostenloser Versand" in tier_text
    points_text = by_type["points"].message.get_body(("plain",)).get_content()
    assert "(Bewertung)" in points_text  # the reason in the message's words, not "Review"
    assert "lang=de" in points_text  # the unsubscribe link, for a page in German


async def test_points_earned_words_its_reason_when_sent(shop, sink) -> None:
    from decimal import Decimal

    from loyalnest.contexts.earning.events import OrderContext

    await set_smtp(shop.id, sink)
    await configure(shop.id, enabled={"points_earned": ("email", "sms")})
    polish = await make_customer(shop.id, email="zofia@example.com", first_name="Zofia", locale="pl")
    arabic = await make_customer(shop.id, email="layla@example.com", locale="ar")
    at = datetime.now(UTC)

    def earned(customer: int, rule: str, key: str, order: OrderContext | None = None) -> PointsEarned:
        return PointsEarned(
            merchant_id=shop.id,
            customer_id=customer,
            rule=rule,
            source_ref=key,
            occurred_at=at,
            parts=(EarnedPart(key, "earn" if rule != "referral" else "referral", "rule", None, 120),),
            order=order,
        )

    order = OrderContext(5123456789, Decimal("60.00"), Decimal("60.00"), "USD")
    await publish(
        earned(polish, "order", "order:5123456789", order),
        earned(arabic, "signup", "signup:9"),
        # a referral reward is the referrals context's message (referral_rewarded), not this one
        earned(arabic, "referral", "referral:9:advocate"),
    )
    found = await settle(shop.id)
    emails = [r for r in found if r["channel"] == "email"]
    assert sorted((r["status"], r["locale"]) for r in emails) == [("sent", "ar"), ("sent", "pl")]
    # the row stores facts, not English words
    stored = {r["locale"]: json.loads(r["variables"]) for r in emails}
    assert "reason" not in stored["pl"]
    assert (stored["pl"]["trigger"], stored["pl"]["order_number"]) == ("order", "5123456789")
    assert (stored["ar"]["trigger"], stored["ar"]["order_number"]) == ("signup", "")
    texts = {
        m.message["Content-Language"]: m.message.get_body(("plain",)).get_content() for m in sink.wait_for(2)
    }
    assert "(Zamówienie nr 5123456789)" in texts["pl"]
    assert "Order" not in texts["pl"]
    assert "(التسجيل)" in texts["ar"]
    assert "Sign" not in texts["ar"]


async def test_staff_messages_go_to_the_staff_email(shop, sink) -> None:
    await set_smtp(shop.id, sink)
    await configure(shop.id, staff_email="owner@shop.test")
    async with unit_of_work() as uow:
        queued = await notifications.queue_messages(
            uow,
            shop.id,
            [
                notifications.Outgoing(
                    "import_finished",
                    "import:1",
                    None,
                    {"customers_imported": 10, "points_imported": 500, "errors": 0},
                )
            ],
        )
    assert queued == 1
    [row] = await settle(shop.id)
    assert (row["status"], row["customer_id"]) == ("sent", None)
    [message] = sink.wait_for(1)
    assert message.rcpt_tos == ("owner@shop.test",)
    assert message.message["List-Unsubscribe"] is None


async def test_privacy_answers_ignore_opt_outs_and_carry_no_unsubscribe_link(shop, sink) -> None:
    """A privacy request's confirmation and its export are answers the law requires: they
    reach a customer who unsubscribed from everything (a preference row for the privacy
    type itself too, however it got there) and offer no unsubscribe link."""
    await set_smtp(shop.id, sink)
    customer = await make_customer(shop.id, email="nora@example.com", first_name="Nora")
    everything_off = [
        (t.name, channel, False)
        for t in registry.TYPES.values()
        if t.audience == "customer"
        for channel in t.channels
    ]
    at = datetime.now(UTC) + timedelta(days=7)
    async with unit_of_work() as uow:
        await repository.set_preferences(uow.session, shop.id, customer, everything_off)
        queued = await notifications.queue_messages(
            uow,
            shop.id,
            [
                notifications.Outgoing(
                    "privacy_request_confirm",
                    "privacy:1",
                    customer,
                    {
                        "request_type": "customer_redact",
                        "confirm_url": "https://example.com/confirm?t=abc",
                        "points_forfeited": 1250,
                        "link_expires_at": at,
                    },
                ),
                notifications.Outgoing(
                    "privacy_export_ready",
                    "privacy:2",
                    customer,
                    {"download_url": "https://example.com/download?t=def", "expires_at": at},
                ),
                notifications.Outgoing(
                    "points_returned",
                    "privacy-test:9",
                    customer,
                    {"points": 500, "reward_title": "$10 off", "reason": "unused"},
                ),
            ],
        )
    assert queued == 3
    found = {r["type"]: r for r in await settle(shop.id)}
    assert found["points_returned"]["reason"] == "opted_out"  # an ordinary type: the opt-out holds
    assert (found["privacy_request_confirm"]["status"], found["privacy_export_ready"]["status"]) == (
        "sent",
        "sent",
    )
    received = {m.message["Subject"]: m.message for m in sink.wait_for(2)}
    assert len(received) == 2
    for mime in received.values():
        assert mime["List-Unsubscribe"] is None
        assert mime["List-Unsubscribe-Post"] is None
        html = mime.get_body(("html",)).get_content()
        text = mime.get_body(("plain",)).get_content()
        assert "/notifications/unsubscribe" not in html + text
    confirm = next(m for s, m in received.items() if "erasure" in s)
    text = confirm.get_body(("plain",)).get_content()
    assert "1,250 points" in text
    assert "https://example.com/confirm?t=abc" in text


async def test_an_uninstalled_shops_customers_get_only_what_the_law_requires(shop, sink) -> None:
    await set_smtp(shop.id, sink)
    customer = await make_customer(shop.id, email="left@example.com")
    await execute("update merchants set uninstalled_at = now() where id = :m", m=shop.id)
    async with unit_of_work() as uow:
        await uow.publish_events([reward_issued(shop.id, customer, redemption_id=3)])
        await notifications.queue_messages(
            uow,
            shop.id,
            [
                notifications.Outgoing(
                    type="privacy_export_ready",
                    cause="request:77",
                    customer_id=customer,
                    variables={"expires_at": datetime.now(UTC) + timedelta(days=30)},
                    sealed={"download_url": "https://loyalnest.example/privacy/exports/x"},
                )
            ],
        )
    found = {r["type"]: (r["status"], r["reason"]) for r in await settle(shop.id)}
    assert found == {"reward_issued": ("skipped", "shop_uninstalled"), "privacy_export_ready": ("sent", None)}
    assert [m.rcpt_tos for m in sink.messages] == [("left@example.com",)]
