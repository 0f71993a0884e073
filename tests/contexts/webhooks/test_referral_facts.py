"""The referral facts an order carries (in memory only): present only on an order with
a referral marker, read from Shopify's order shape."""

from __future__ import annotations

from typing import Any

from loyalnest.contexts.webhooks import payloads as parse
from tests import payloads


def _order(**extra: Any) -> dict[str, Any]:
    body = payloads.order(1001, customer_body=payloads.customer(77, email="Fran@Example.com"))
    body.update(extra)
    return body


def test_an_order_without_a_marker_has_no_referral_facts():
    body = _order(
        landing_site="/products/tea?utm_source=x&preferred=1",
        note_attributes=[{"name": "gift_note", "value": "hi"}],
        browser_ip="203.0.113.9",
        discount_codes=[{"code": "WELCOME10", "amount": "5.00", "type": "fixed_amount"}],
    )
    assert parse.parse_order(body).referral is None


def test_each_marker_is_read():
    by_code = parse.parse_order(_order(discount_codes=[{"code": "REF-ABC2345", "amount": "5", "type": "x"}]))
    assert by_code.referral is not None
    assert (by_code.referral.ref_attribute, by_code.referral.landing_ref) == (None, None)
    by_friend_code = parse.parse_order(_order(discount_codes=[{"code": "friend-XYZ23456", "amount": "5"}]))
    assert by_friend_code.referral is not None
    by_attribute = parse.parse_order(
        _order(note_attributes=[{"name": "loyalnest_ref", "value": " abc2345 "}])
    )
    assert by_attribute.referral is not None
    assert by_attribute.referral.ref_attribute == "ABC2345"
    by_landing = parse.parse_order(_order(landing_site="https://shop.example/?utm=a&ref=abc2345"))
    assert by_landing.referral is not None
    assert by_landing.referral.landing_ref == "ABC2345"
    # a value that cannot be a code is no marker
    junk = parse.parse_order(
        _order(landing_site="/?ref=%3Cscript%3E", note_attributes=[{"name": "loyalnest_ref", "value": 5}])
    )
    assert junk.referral is None


def test_the_facts_of_a_marked_order():
    body = _order(
        landing_site="/?ref=ABC2345",
        client_details={"browser_ip": "198.51.100.4", "user_agent": "Mozilla"},
        shipping_address={
            "address1": " 12  Rose   Lane ",
            "address2": None,
            "city": "Leeds",
            "province_code": None,
            "zip": "LS1 4AP",
            "country_code": "GB",
        },
        payment_details={
            "credit_card_bin": "424242",
            "credit_card_number": "•••• •••• •••• 4242",
            "credit_card_company": "Visa",
        },
        email="fran@example.com",
        phone="+44 7700 900123",
    )
    facts = parse.parse_order(body).referral
    assert facts is not None
    assert facts.client_ip == "198.51.100.4"
    assert facts.shipping_address == ("12 rose lane", "", "leeds", "", "ls1 4ap", "gb")
    assert facts.payment_fingerprint == "424242|4242|visa"
    assert facts.customer_created_at is not None
    assert (facts.email, facts.phone) == ("fran@example.com", "+44 7700 900123")
    # browser_ip at the top wins; no payment details, no fingerprint
    body["browser_ip"] = "203.0.113.1"
    del body["payment_details"]
    facts = parse.parse_order(body).referral
    assert facts is not None
    assert (facts.client_ip, facts.payment_fingerprint) == ("203.0.113.1", None)
