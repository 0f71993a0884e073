"""shop/update keeps the shop as Shopify has it (signed webhooks through the real route,
the real worker): its name, contact email (sealed at rest), currency and timezone. A
field Shopify leaves out or sends unreadable is kept, a delivery older than one applied
changes nothing, and one shop's update never reaches another. Staff alerts (and test
emails) reach the contact email until the shop sets a staff email."""

from __future__ import annotations

from typing import Any

from loyalnest.contexts.merchants import api as merchants
from loyalnest.contexts.notifications import api as notifications
from loyalnest.devtools.provider_fakes import SmtpSink
from loyalnest.platform.uow import unit_of_work
from tests import payloads
from tests.contexts.notifications.support import (
    configure,
    make_customer,
    publish,
    reward_issued,
    set_smtp,
    settle,
)
from tests.contexts.support import scalar

STAFF_ALERTS = "{ notificationSettings { staffEmail staffAlertsTo } }"


def _update(**fields: Any) -> dict[str, Any]:
    return {**payloads.shopify_sample_shop_update(), **fields}


async def _merchant(merchant_id: int) -> merchants.MerchantDTO:
    merchant = await merchants.get_merchant(merchant_id)
    assert merchant is not None
    return merchant


async def test_shopifys_sample_payload_updates_the_shop(make_shop, drain) -> None:
    shop = await make_shop(currency="EUR")
    response = await shop.webhook("shop/update", payloads.shopify_sample_shop_update())
    assert response.status_code == 200
    await drain()
    merchant = await _merchant(shop.id)
    # Shopify's sample has no IANA timezone: the shop keeps its own
    assert (merchant.name, merchant.currency, merchant.iana_timezone) == ("Super Toys", "USD", "UTC")
    assert merchants.shop_email(merchant) == "super@supertoys.com"
    # sealed at rest, under a key id: no plaintext in the row
    stored = await scalar("select email_enc from merchants where id = :m", m=shop.id)
    assert "supertoys" not in stored
    assert (
        await scalar(
            "select outcome from shopify_webhook_inbox where merchant_id = :m and topic = 'shop/update'",
            m=shop.id,
        )
        == "processed"
    )
    # staff alerts reach the shop's email now, until the shop sets a staff email
    read = await shop.gql(STAFF_ALERTS)
    assert read["data"]["notificationSettings"] == {
        "staffEmail": None,
        "staffAlertsTo": "super@supertoys.com",
    }


async def test_a_later_update_wins_whatever_order_they_come_in(make_shop, drain) -> None:
    shop = await make_shop()
    # the API has the shop cached from here on
    assert (await shop.gql("{ shop { name } }"))["data"]["shop"] == {"name": "Test Shop"}
    newer = _update(
        name="Toys Two",
        email="two@toys.test",
        iana_timezone="Europe/Paris",
        updated_at="2026-12-04T10:00:00Z",
    )
    older = _update(
        name="Toys One",
        email="one@toys.test",
        iana_timezone="America/New_York",
        updated_at="2026-12-04T09:00:00Z",
    )
    assert (await shop.webhook("shop/update", newer)).status_code == 200
    await drain()
    assert (await shop.webhook("shop/update", older)).status_code == 200
    await drain()
    merchant = await _merchant(shop.id)
    assert (merchant.name, merchant.iana_timezone) == ("Toys Two", "Europe/Paris")
    assert merchants.shop_email(merchant) == "two@toys.test"
    # the API says so too (its cached copy of the shop was forgotten)
    read = await shop.gql("{ shop { name currency ianaTimezone } }")
    assert read["data"]["shop"] == {"name": "Toys Two", "currency": "USD", "ianaTimezone": "Europe/Paris"}


async def test_what_is_missing_or_unreadable_is_kept(make_shop, drain) -> None:
    shop = await make_shop(currency="EUR")
    first = _update(iana_timezone="Europe/Berlin", updated_at="2026-12-04T10:00:00Z")
    assert (await shop.webhook("shop/update", first)).status_code == 200
    await drain()
    odd = {
        "id": 548380009,
        "name": "   ",
        "email": "not an email",
        "currency": "XYZ",  # not ISO 4217
        "iana_timezone": "Mars/Olympus_Mons",
        "updated_at": "2026-12-04T11:00:00Z",
    }
    assert (await shop.webhook("shop/update", odd)).status_code == 200
    await drain()
    merchant = await _merchant(shop.id)
    assert (merchant.name, merchant.currency, merchant.iana_timezone) == (
        "Super Toys",
        "USD",
        "Europe/Berlin",
    )
    assert merchants.shop_email(merchant) == "super@supertoys.com"


async def test_a_shop_whose_currency_changed_in_shopify_earns_in_it(make_shop, drain) -> None:
    # orders in another currency than the shop's earn nothing (currency_mismatch): a shop
    # that switched currency in Shopify earned nothing from then on until shop/update came
    shop = await make_shop(currency="EUR")
    customer = payloads.customer(9_301)
    assert (await shop.webhook("shop/update", _update(currency="USD"))).status_code == 200
    await drain()
    order = payloads.order(9_302, subtotal="80.00", currency="USD", customer_body=customer)
    assert (await shop.webhook("orders/create", order)).status_code == 200
    await drain()
    assert (
        await scalar(
            "select sum(delta) from points_ledger where merchant_id = :m and source = 'order'", m=shop.id
        )
        == 80
    )


async def test_a_shops_update_reaches_no_other_shop(make_shop, drain) -> None:
    shop, other = await make_shop(), await make_shop()
    assert (await shop.webhook("shop/update", payloads.shopify_sample_shop_update())).status_code == 200
    await drain()
    untouched = await _merchant(other.id)
    assert (untouched.name, untouched.currency) == ("Test Shop", "USD")
    assert merchants.shop_email(untouched) is None
    read = await other.gql(STAFF_ALERTS)
    assert read["data"]["notificationSettings"] == {"staffEmail": None, "staffAlertsTo": None}
    # a body naming another shop than the one that signed it is refused, and changes
    # neither
    named = _update(name="Other", myshopify_domain=shop.domain)
    assert (await other.webhook("shop/update", named)).status_code == 401
    await drain()
    assert (await _merchant(shop.id)).name == "Super Toys"
    assert (await _merchant(other.id)).name == "Test Shop"


async def test_a_forged_update_changes_nothing(make_shop, drain) -> None:
    shop = await make_shop()
    response = await shop.webhook("shop/update", _update(name="Forged"), secret="not-the-secret")
    assert response.status_code == 401
    await drain()
    assert (await _merchant(shop.id)).name == "Test Shop"


async def test_staff_messages_go_to_the_shops_email_until_a_staff_email_is_set(make_shop, drain) -> None:
    shop = await make_shop()
    with SmtpSink() as sink:
        await _staff_alerts(shop, sink, drain)


async def _staff_alerts(shop: Any, sink: SmtpSink, drain: Any) -> None:
    # a shop that set no staff email: its contact email from shop/update it is
    await set_smtp(shop.id, sink)
    update = {**payloads.shopify_sample_shop_update(), "email": "owner@supertoys.test"}
    assert (await shop.webhook("shop/update", update)).status_code == 200
    await drain()
    finished = notifications.Outgoing(
        "import_finished", "import:1", None, {"customers_imported": 10, "points_imported": 500, "errors": 0}
    )
    async with unit_of_work() as uow:
        assert await notifications.queue_messages(uow, shop.id, [finished]) == 1
    [row] = await settle(shop.id)
    assert row["status"] == "sent"
    [message] = sink.wait_for(1)
    assert message.rcpt_tos == ("owner@supertoys.test",)
    # the staff email, once set, is where they go
    await configure(shop.id, staff_email="alerts@supertoys.test")
    again = notifications.Outgoing(
        "import_finished", "import:2", None, {"customers_imported": 1, "points_imported": 5, "errors": 0}
    )
    async with unit_of_work() as uow:
        assert await notifications.queue_messages(uow, shop.id, [again]) == 1
    await settle(shop.id)
    assert sink.wait_for(2)[1].rcpt_tos == ("alerts@supertoys.test",)


async def test_messages_speak_the_shops_language_until_the_shop_picks_one(make_shop, drain) -> None:
    shop = await make_shop()
    # Shopify's sample says en; a Canadian French shop says fr-CA: the French templates
    update = _update(primary_locale="fr-CA", updated_at="2026-12-04T10:00:00Z")
    assert (await shop.webhook("shop/update", update)).status_code == 200
    await drain()
    assert (await _merchant(shop.id)).primary_locale == "fr-CA"
    read = await shop.gql("{ notificationSettings { defaultLocale } }")
    assert read["data"]["notificationSettings"] == {"defaultLocale": "fr"}
    with SmtpSink() as sink:
        await set_smtp(shop.id, sink)
        # a customer whose own locale Shopify never said
        zoe = await make_customer(shop.id, email="zoe@example.com", first_name="Zoé", locale=None)
        await publish(reward_issued(shop.id, zoe, redemption_id=81, code="LN-FR-0081"))
        await drain()
        await settle(shop.id)
        [received] = sink.wait_for(1)
        assert received.message["Content-Language"] == "fr"
        # the locale the shop picks wins; cleared, the shop's language again
        chosen = await shop.gql(
            "mutation ($l: String) { updateNotificationSettings(input: {defaultLocale: $l}) {"
            " notificationSettings { defaultLocale } userErrors { code } } }",
            {"l": "de"},
        )
        assert chosen["data"]["updateNotificationSettings"] == {
            "notificationSettings": {"defaultLocale": "de"},
            "userErrors": [],
        }
        await publish(reward_issued(shop.id, zoe, redemption_id=82, code="LN-DE-0082"))
        await drain()
        await settle(shop.id)
        assert sink.wait_for(2)[1].message["Content-Language"] == "de"
        cleared = await shop.gql(
            "mutation ($l: String) { updateNotificationSettings(input: {defaultLocale: $l}) {"
            " notificationSettings { defaultLocale } userErrors { code } } }",
            {"l": None},
        )
        assert cleared["data"]["updateNotificationSettings"]["notificationSettings"] == {
            "defaultLocale": "fr"
        }
    # a shop whose language has no templates here: en
    other = await make_shop()
    assert (await other.webhook("shop/update", _update(primary_locale="sw"))).status_code == 200
    await drain()
    read = await other.gql("{ notificationSettings { defaultLocale } }")
    assert read["data"]["notificationSettings"] == {"defaultLocale": "en"}
