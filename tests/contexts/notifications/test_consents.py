"""Marketing messages follow the customer's consents per channel (privacy's
``newsletter`` for email, ``sms_marketing`` for SMS), decided at send time, while
transactional messages (a redemption's code) still go; through the real SMTP sink and
SMS fake."""

from __future__ import annotations

from datetime import UTC, datetime, time

from loyalnest.contexts.earning.events import EarnedPart, PointsEarned
from loyalnest.contexts.privacy import api as privacy
from loyalnest.platform.uow import unit_of_work
from tests.contexts.notifications.support import (
    configure,
    make_customer,
    publish,
    reward_issued,
    set_smtp,
    set_twilio,
    settle,
)


def birthday(merchant_id: int, customer_id: int) -> PointsEarned:
    """A birthday's points: the ``birthday`` message is marketing."""
    return PointsEarned(
        merchant_id=merchant_id,
        customer_id=customer_id,
        rule="birthday",
        source_ref=None,
        occurred_at=datetime.now(UTC),
        parts=(EarnedPart(f"birthday:{customer_id}:2026", "earn", "rule", None, 200),),
    )


async def choose(merchant_id: int, customer_id: int, **granted: bool) -> None:
    """The customer's choices, recorded as the storefront records them."""
    async with unit_of_work() as uow:
        await privacy.record_consents(
            uow,
            merchant_id=merchant_id,
            customer_id=customer_id,
            choices=[privacy.ConsentChoice(type=t, granted=g) for t, g in granted.items()],
            source="storefront",
            actor=f"customer:{customer_id}",
        )


async def test_marketing_needs_the_channels_consent_transactional_always_goes(shop, sink, sms) -> None:
    await set_smtp(shop.id, sink)
    await set_twilio(shop.id, sms)
    await configure(
        shop.id,
        enabled={"birthday": ("email", "sms"), "reward_issued": ("email", "sms")},
        quiet_start=time(3, 0),
        quiet_end=time(3, 0),
    )
    # Shopify says Ana accepts email marketing; she revoked the newsletter in the widget
    ana = await make_customer(shop.id, email="ana@example.com", phone="+15550000001", accepts_marketing=True)
    await choose(shop.id, ana, newsletter=False)
    # Bo never accepted marketing in Shopify; he granted both in the widget
    bo = await make_customer(shop.id, email="bo@example.com", phone="+15550000002", accepts_marketing=False)
    await choose(shop.id, bo, newsletter=True, sms_marketing=True)
    # Cy accepts email marketing in Shopify and chose nothing here: email yes, SMS no
    cy = await make_customer(shop.id, email="cy@example.com", phone="+15550000003", accepts_marketing=True)

    await publish(
        birthday(shop.id, ana),
        birthday(shop.id, bo),
        birthday(shop.id, cy),
        reward_issued(shop.id, ana, redemption_id=41),
    )
    found = {
        (r["customer_id"], r["type"], r["channel"]): (r["status"], r["reason"]) for r in await settle(shop.id)
    }
    assert found == {
        (ana, "birthday", "email"): ("skipped", "no_consent"),
        (ana, "birthday", "sms"): ("skipped", "no_consent"),
        (bo, "birthday", "email"): ("sent", None),
        (bo, "birthday", "sms"): ("sent", None),
        (cy, "birthday", "email"): ("sent", None),
        (cy, "birthday", "sms"): ("skipped", "no_consent"),
        # the redemption's code is transactional: it reaches Ana on both channels
        (ana, "reward_issued", "email"): ("sent", None),
        (ana, "reward_issued", "sms"): ("sent", None),
    }
    assert sorted(m.rcpt_tos[0] for m in sink.messages) == [
        "ana@example.com",
        "bo@example.com",
        "cy@example.com",
    ]
    assert sorted(m.to for m in sms.messages) == ["+15550000001", "+15550000002"]
    assert next(m.body for m in sms.messages if m.to == "+15550000001").count("LN-AAAA-BBBB") == 1


async def test_a_revocation_applies_to_messages_already_waiting(shop, sink) -> None:
    await set_smtp(shop.id, sink)
    await configure(shop.id, enabled={"birthday": ("email",)})
    bo = await make_customer(shop.id, email="bo@example.com", accepts_marketing=False)
    await choose(shop.id, bo, newsletter=True)
    # the message is owed, then Bo revokes before it is sent: it is decided at send time
    await publish(birthday(shop.id, bo))
    await choose(shop.id, bo, newsletter=False)
    [row] = await settle(shop.id)
    assert (row["status"], row["reason"]) == ("skipped", "no_consent")
    assert sink.messages == []
