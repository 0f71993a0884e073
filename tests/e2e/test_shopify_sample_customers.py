"""Shopify's own sample customer payloads (its admin's "Send test notification" for
customers/create and customers/update: Bob Biller, 706405506930370084), in the shape the
current API sends and the older one (``accepts_marketing``, ``created_at`` and
``updated_at`` null), through the signed route and the real worker: processed, not
failed; Bob is one customer however often the sample comes."""

from __future__ import annotations

from typing import Any

from tests.contexts.support import balance, customer, inbox_rows, ledger_rows

BOB = 706405506930370084


def current_sample() -> dict[str, Any]:
    return {
        "id": BOB,
        "email": "bob@biller.com",
        "created_at": "2021-12-31T19:00:00-05:00",
        "updated_at": "2021-12-31T19:00:00-05:00",
        "first_name": "Bob",
        "last_name": "Biller",
        "orders_count": 0,
        "state": "disabled",
        "total_spent": "0.00",
        "last_order_id": None,
        "note": "This customer loves ice cream",
        "verified_email": True,
        "multipass_identifier": None,
        "tax_exempt": False,
        "tags": "",
        "last_order_name": None,
        "currency": "USD",
        "phone": None,
        "addresses": [],
        "tax_exemptions": [],
        "email_marketing_consent": None,
        "sms_marketing_consent": None,
        "admin_graphql_api_id": f"gid://shopify/Customer/{BOB}",
    }


def older_sample() -> dict[str, Any]:
    return {
        "id": BOB,
        "email": "bob@biller.com",
        "accepts_marketing": True,
        "created_at": None,
        "updated_at": None,
        "first_name": "Bob",
        "last_name": "Biller",
        "orders_count": 0,
        "state": "disabled",
        "total_spent": "0.00",
        "last_order_id": None,
        "note": "This customer loves ice cream",
        "verified_email": True,
        "multipass_identifier": None,
        "tax_exempt": False,
        "phone": None,
        "tags": "",
        "last_order_name": None,
        "addresses": [],
    }


async def test_the_samples_make_bob_once_and_are_processed(make_shop: Any, drain: Any) -> None:
    shop = await make_shop(shipped_program=True)
    for n, (topic, body) in enumerate(
        (
            ("customers/create", current_sample()),
            ("customers/update", current_sample()),
            ("customers/create", older_sample()),
            ("customers/update", older_sample()),
        )
    ):
        response = await shop.webhook(topic, body, event_id=f"sample-{n}")
        assert response.status_code == 200, response.text
        await drain()
    outcomes = [(r["topic"], r["outcome"], r["last_error"]) for r in await inbox_rows(shop.id)]
    assert all(outcome == "processed" for _, outcome, _ in outcomes), outcomes
    bob = await customer(shop, BOB)
    assert bob is not None
    # the signup points once; the older sample says he accepts marketing: the newsletter
    # points once too
    sources = sorted(r["source"] for r in await ledger_rows(shop.id))
    assert sources == ["newsletter", "signup"]
    assert await balance(shop, BOB) == 300
