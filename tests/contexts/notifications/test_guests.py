"""Messages to someone who is not a customer yet (a referral invite, a friend's welcome
code): the address given with the cause is encrypted into the row at once, the real
worker renders in the locale asked for and sends to that address, the footer tells a
guest why the message came, and an address that cannot take a channel is skipped with
its reason."""

from __future__ import annotations

import email.policy
from datetime import UTC, datetime, time, timedelta
from email import message_from_bytes
from typing import Any

import pytest
from sqlalchemy import text as sql

from loyalnest.contexts.notifications import api as notifications
from loyalnest.contexts.notifications import defaults
from loyalnest.contexts.notifications.models import RECIPIENT_CONTEXT
from loyalnest.platform.crypto import get_keyring
from loyalnest.platform.uow import unit_of_work
from tests.contexts.notifications.support import (
    configure,
    deliveries,
    make_customer,
    outbox_for,
    set_smtp,
    set_twilio,
    settle,
)

LINK = "https://mapleandmoss.com/apps/loyalnest/r/7QK4M2X"


def invite(
    cause: str, to: str, *, locale: str | None = "de", advocate: str = "Sam"
) -> notifications.Outgoing:
    return notifications.Outgoing(
        "referral_invite",
        cause,
        None,
        {"advocate_first_name": advocate, "offer": "10 € Rabatt", "link": LINK},
        recipient=to,
        locale=locale,
    )


async def queue(merchant_id: int, *items: notifications.Outgoing) -> int:
    async with unit_of_work() as uow:
        return await notifications.queue_messages(uow, merchant_id, list(items))


def _mime(raw: bytes) -> Any:
    return message_from_bytes(raw, policy=email.policy.default)


async def test_an_invite_reaches_a_guest_in_the_locale_asked_for(shop, sink, drain) -> None:
    await set_smtp(shop.id, sink)
    async with unit_of_work() as uow:
        queued = await notifications.queue_messages(
            uow, shop.id, [invite("invite:1", "Friend.Of.Sam@Example.com")]
        )
        assert queued == 1
        # in the row before anything is sent (read before the commit: the deliver_batch
        # message goes out after it, and the real worker may take the row at once):
        # encrypted under the recipient column's AAD, the locale asked for, no customer
        found = await uow.session.execute(
            sql(
                "select customer_id, status, recipient_enc, locale from notification_deliveries"
                " where merchant_id = :m"
            ),
            {"m": shop.id},
        )
        [raw] = found.mappings().all()
    assert (raw["customer_id"], raw["status"], raw["locale"]) == (None, "queued", "de")
    assert "friend" not in raw["recipient_enc"].lower()
    assert "example" not in raw["recipient_enc"].lower()
    assert (
        get_keyring().decrypt(raw["recipient_enc"], context=RECIPIENT_CONTEXT) == "Friend.Of.Sam@Example.com"
    )

    await drain()  # the outbox's deliver_batch, on the real worker
    [row] = await deliveries(shop.id)
    assert (row["type"], row["channel"], row["status"], row["provider"], row["locale"]) == (
        "referral_invite",
        "email",
        "sent",
        "smtp",
        "de",
    )
    [received] = sink.wait_for(1)
    assert received.rcpt_tos == ("Friend.Of.Sam@Example.com",)
    mime = _mime(received.raw)
    assert mime["Content-Language"] == "de"
    assert mime["Subject"] == "Sam lädt dich zu Maple & Moss ein"
    # no customer, so no one-click token to offer (it names a customer)
    assert mime["List-Unsubscribe"] is None
    html = mime.get_body(("html",)).get_content()
    text = mime.get_body(("plain",)).get_content()
    assert "Dein Willkommensangebot: 10 € Rabatt." in text
    assert f"Angebot sichern: {LINK}" in text  # the button leads to the referral link
    assert f'href="{LINK}"' in html
    # a guest is not told they are a member; the guest footer says why the mail came
    assert defaults.footer("de") not in text
    assert defaults.guest_footer("de") in text
    assert "Hallo," in text  # no name to greet

    # the cause again (a retried request): nothing new is queued or sent
    assert await queue(shop.id, invite("invite:1", "Friend.Of.Sam@Example.com")) == 0
    await drain()
    assert len(await deliveries(shop.id)) == 1
    assert len(sink.messages) == 1


async def test_the_log_masks_a_guest_and_a_delivery_twice_sends_once(shop, sink, drain) -> None:
    await set_smtp(shop.id, sink)
    await queue(shop.id, invite("invite:2", "lina@example.org", locale="ar"))
    await drain()
    # a second pass (the sweep, an at-least-once redelivery) finds nothing to send
    await notifications.deliver_batch(shop.id)
    await drain()
    page = await notifications.list_deliveries(
        shop.id, status=None, type_name=None, channel=None, customer_id=None, first=10, after=None
    )
    assert [(d.type, d.status, d.customer_id, d.recipient_masked, d.locale) for d in page.items] == [
        ("referral_invite", "sent", None, "l***@example.org", "ar")
    ]
    [received] = sink.wait_for(1)
    mime = _mime(received.raw)
    assert mime["Content-Language"] == "ar"
    assert 'dir="rtl"' in mime.get_body(("html",)).get_content()


async def test_an_unknown_locale_falls_back_to_the_shops(shop, sink) -> None:
    await set_smtp(shop.id, sink)
    await configure(shop.id, default_locale="fr")
    await queue(
        shop.id,
        invite("invite:3", "a@example.com", locale="xx-YY"),
        invite("invite:4", "b@example.com", locale=None, advocate=""),
        invite("invite:5", "c@example.com", locale="pt-BR"),
    )
    found = {r["idempotency_key"]: r for r in await settle(shop.id)}
    # the log records the locale the message was written in
    assert found["referral_invite:invite:3:email"]["locale"] == "fr"
    subjects = {m.rcpt_tos[0]: _mime(m.raw)["Subject"] for m in sink.wait_for(3)}
    assert subjects["a@example.com"] == "Sam vous invite chez Maple & Moss"
    assert subjects["b@example.com"] == "Une invitation à découvrir Maple & Moss"
    assert subjects["c@example.com"] == "Sam convida você para a Maple & Moss"  # pt-BR -> pt
    by_to = {m.rcpt_tos[0]: _mime(m.raw)["Content-Language"] for m in sink.messages}
    assert by_to == {"a@example.com": "fr", "b@example.com": "fr", "c@example.com": "pt"}


async def test_a_merchants_own_footer_stays_under_the_guest_line(shop, sink) -> None:
    await set_smtp(shop.id, sink)
    await configure(shop.id, footer={"de": "Maple & Moss GmbH, Hauptstraße 1, 10115 Berlin"})
    await queue(shop.id, invite("invite:6", "gast@example.de"))
    await settle(shop.id)
    [received] = sink.wait_for(1)
    text = _mime(received.raw).get_body(("plain",)).get_content()
    assert defaults.guest_footer("de") in text
    assert "Hauptstraße 1, 10115 Berlin" in text
    assert text.index(defaults.guest_footer("de")) < text.index("Hauptstraße 1")


async def test_an_address_of_the_wrong_kind_is_skipped_with_its_reason(shop, sink, sms) -> None:
    await set_smtp(shop.id, sink)
    await set_twilio(shop.id, sms)
    # the shop sends invites by email and SMS; no quiet hours in the way
    await configure(
        shop.id, enabled={"referral_invite": ("email", "sms")}, quiet_start=time(3, 0), quiet_end=time(3, 0)
    )
    queued = await queue(
        shop.id, invite("invite:7", "mail@example.com"), invite("invite:8", "+1 555 010-2030")
    )
    # two rows wait to be sent; the two a wrong address kind cannot take are only recorded
    assert queued == 2
    found = {r["idempotency_key"]: r for r in await settle(shop.id)}
    assert {k: (r["status"], r["reason"]) for k, r in found.items()} == {
        "referral_invite:invite:7:email": ("sent", None),
        "referral_invite:invite:7:sms": ("skipped", "recipient_mismatch: email address for sms"),
        "referral_invite:invite:8:email": ("skipped", "recipient_mismatch: phone address for email"),
        "referral_invite:invite:8:sms": ("sent", None),
    }
    # a skipped row keeps no address at all
    assert found["referral_invite:invite:7:sms"]["recipient_enc"] is None
    assert found["referral_invite:invite:8:email"]["recipient_enc"] is None
    assert [m.rcpt_tos for m in sink.messages] == [("mail@example.com",)]
    [text] = sms.messages
    assert text.to == "+15550102030"  # what people type, as the provider takes it
    assert "Sam lädt dich ein" in text.body
    assert LINK in text.body


async def test_something_that_is_no_address_is_recorded_not_sent(shop, sink) -> None:
    await set_smtp(shop.id, sink)
    assert await queue(shop.id, invite("invite:9", "not an address")) == 0  # nothing will go out
    [row] = await deliveries(shop.id)
    assert (row["status"], row["reason"], row["recipient_enc"]) == ("skipped", "invalid_recipient", None)
    # nothing waits, so no deliver_batch was asked for
    assert await outbox_for(shop.id) == []


async def test_a_welcome_code_is_sealed_and_reaches_the_friend(shop, sink, drain) -> None:
    await set_smtp(shop.id, sink)
    expires = datetime(2027, 1, 31, 12, 0, tzinfo=UTC)
    await queue(
        shop.id,
        notifications.Outgoing(
            "referral_friend_code",
            "referral:41",
            None,
            {"offer": "10 % Rabatt", "expires_at": expires},
            sealed={"code": "FRIEND-7QK4M2XD"},
            recipient="neu@example.de",
            locale="de-AT",
        ),
    )
    await drain()
    [row] = await deliveries(shop.id)
    assert (row["status"], row["locale"]) == ("sent", "de")
    assert "FRIEND-7QK4M2XD" not in row["variables"]
    [received] = sink.wait_for(1)
    text = _mime(received.raw).get_body(("plain",)).get_content()
    assert "FRIEND-7QK4M2XD" in text
    assert "Dein Angebot: 10 % Rabatt." in text


async def test_an_address_of_a_customer_who_unsubscribed_is_not_written_to(shop, sink) -> None:
    await set_smtp(shop.id, sink)
    customer = await make_customer(shop.id, email="gone@example.com")
    async with unit_of_work() as uow:
        await notifications.set_preferences(
            uow,
            merchant_id=shop.id,
            customer_id=customer,
            changes=[notifications.PreferenceChange("referral_invite", "email", False)],
        )
    await queue(shop.id, invite("invite:10", "gone@example.com"), invite("invite:11", "here@example.com"))
    found = {r["idempotency_key"]: r for r in await settle(shop.id)}
    assert (
        found["referral_invite:invite:10:email"]["status"],
        found["referral_invite:invite:10:email"]["reason"],
    ) == (
        "skipped",
        "opted_out",
    )
    assert found["referral_invite:invite:11:email"]["status"] == "sent"
    assert [m.rcpt_tos for m in sink.messages] == [("here@example.com",)]


async def test_quiet_hours_hold_a_guests_sms_too(shop, sms) -> None:
    await set_twilio(shop.id, sms)
    now = datetime.now(UTC)
    start = (now - timedelta(hours=1)).time().replace(second=0, microsecond=0)
    end = (now + timedelta(hours=1)).time().replace(second=0, microsecond=0)
    await configure(shop.id, enabled={"referral_invite": ("sms",)}, quiet_start=start, quiet_end=end)
    await queue(shop.id, invite("invite:12", "+15550102031", locale="ja"))
    [row] = await settle(shop.id)
    assert (row["status"], row["reason"], row["locale"]) == ("held", "quiet_hours", "ja")
    assert sms.messages == []


async def test_a_recipient_is_for_a_guest_of_a_customer_message_only(shop) -> None:
    customer = await make_customer(shop.id)
    both = notifications.Outgoing(
        "referral_rewarded", "referral:1", customer, {"points": 500}, recipient="x@example.com"
    )
    staff = notifications.Outgoing("import_finished", "import:9", None, {}, recipient="x@example.com")
    for item in (both, staff):
        with pytest.raises(ValueError, match="recipient"):
            await queue(shop.id, item)
    assert await deliveries(shop.id) == []


async def test_the_advocates_reward_goes_to_the_customer_in_their_language(shop, sink) -> None:
    await set_smtp(shop.id, sink)
    advocate = await make_customer(shop.id, email="adwokat@example.pl", first_name="Ola", locale="pl")
    await queue(
        shop.id,
        notifications.Outgoing(
            "referral_rewarded", "referral:7:advocate", advocate, {"friend_first_name": "Kuba", "points": 22}
        ),
    )
    [row] = await settle(shop.id)
    assert (row["status"], row["customer_id"], row["locale"]) == ("sent", advocate, "pl")
    [received] = sink.wait_for(1)
    mime = _mime(received.raw)
    assert mime["Subject"] == "Dopisaliśmy Ci 22 punkty za polecenie"
    assert mime["List-Unsubscribe"] is not None  # a customer: the one-click link as always
    text = mime.get_body(("plain",)).get_content()
    assert "Cześć Ola," in text
    assert "Kuba" in text
    assert defaults.footer("pl") in text


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("  Ana@Example.com ", ("email", "Ana@Example.com")),
        ("+1 (555) 010-2030", ("phone", "+15550102030")),
        ("06.12.34.56.78", ("phone", "0612345678")),
        ("12345", None),  # too short for any phone
        ("+1234567890123456", None),  # longer than E.164 allows
        ("ana@", None),
        ("call me", None),
    ],
)
def test_what_a_typed_address_is(typed: str, expected: tuple[str, str] | None) -> None:
    from loyalnest.contexts.notifications import rules

    assert rules.address_kind(typed) == expected


def test_which_channel_an_address_can_take() -> None:
    from loyalnest.contexts.notifications import rules

    email, phone = rules.address_kind("a@example.com"), rules.address_kind("+15550102030")
    assert rules.recipient_mismatch("email", email) is None
    assert rules.recipient_mismatch("sms", phone) is None
    assert rules.recipient_mismatch("sms", email) == "recipient_mismatch: email address for sms"
    assert rules.recipient_mismatch("email", phone) == "recipient_mismatch: phone address for email"
    assert rules.recipient_mismatch("email", None) == "invalid_recipient"
