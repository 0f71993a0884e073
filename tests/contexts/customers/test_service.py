"""Customer profiles from customers/create|update (and order payloads): every fact kept,
readable through GraphQL, encrypted at rest, findable by email through the blind index,
and never overwritten by an older payload."""

from __future__ import annotations

import uuid

from loyalnest.contexts.webhooks import api as webhooks
from loyalnest.platform.crypto import get_keyring
from tests import payloads
from tests.contexts.support import broker_unreachable, customer, inbox_rows, rows

_ids = iter(range(20_000, 10**9))

PII = {
    "email": "Zelda.Quimby@Example.org",
    "first_name": "Zelda",
    "last_name": "Quimbyfrost",
    "phone": "+15555550177",
    "birthday": "1987-06-05",
}

SEARCH = """
query ($q: String) { customers(first: 10, search: $q) { nodes { shopifyId email } } }
"""


def _profile(shopify_id: int, **overrides) -> dict:
    values = {**PII, **overrides}
    return payloads.customer(
        shopify_id,
        email=values["email"],
        first_name=values["first_name"],
        last_name=values["last_name"],
        phone=values["phone"],
        birthday=values["birthday"],
        tags=values.get("tags", "VIP, newsletter"),
        updated_at=values.get("updated_at", "2026-11-01T10:00:00-05:00"),
        marketing=values.get("marketing", "subscribed"),
    )


async def _send(shop, drain, topic: str, body: dict) -> None:
    response = await shop.webhook(topic, body)
    assert response.status_code == 200, response.text
    await drain()


async def _search(shop, term: str) -> list[str]:
    result = await shop.gql(SEARCH, {"q": term})
    assert "errors" not in result, result
    return [n["shopifyId"] for n in result["data"]["customers"]["nodes"]]


def _plaintexts() -> list[str]:
    values = [
        PII["email"],
        PII["email"].lower(),
        PII["first_name"],
        PII["last_name"],
        PII["phone"],
        PII["birthday"],
    ]
    return [*values, "5555550177", "Quimby"]


class TestProfile:
    async def test_create_keeps_every_fact_readable_through_graphql(self, shop, drain):
        sid = next(_ids)
        await _send(shop, drain, "customers/create", _profile(sid))
        found = await customer(shop, sid)
        assert found is not None
        assert {
            k: found[k] for k in ("shopifyId", "email", "firstName", "lastName", "phone", "birthday")
        } == {
            "shopifyId": str(sid),
            "email": PII["email"],
            "firstName": "Zelda",
            "lastName": "Quimbyfrost",
            "phone": "+15555550177",
            "birthday": "1987-06-05",
        }
        assert found["acceptsMarketing"] is True
        assert sorted(found["tags"]) == ["VIP", "newsletter"]
        assert found["state"] == "enabled"

    async def test_update_changes_the_profile(self, shop, drain):
        sid = next(_ids)
        await _send(shop, drain, "customers/create", _profile(sid))
        await _send(
            shop,
            drain,
            "customers/update",
            _profile(
                sid,
                email="zq@example.net",
                last_name="Married",
                phone="+15555550999",
                birthday="1987-06-06",
                marketing="unsubscribed",
                tags="gold",
                updated_at="2026-11-02T10:00:00-05:00",
            ),
        )
        found = await customer(shop, sid)
        assert (found["email"], found["lastName"], found["phone"], found["birthday"]) == (
            "zq@example.net",
            "Married",
            "+15555550999",
            "1987-06-06",
        )
        assert found["acceptsMarketing"] is False
        assert found["tags"] == ["gold"]
        # the blind index moved with the email
        assert await _search(shop, "zq@example.net") == [str(sid)]
        assert await _search(shop, PII["email"]) == []

    async def test_older_update_arriving_late_does_not_overwrite(self, shop, drain):
        sid = next(_ids)
        newer = _profile(sid, email="new@example.com", last_name="Newer", updated_at="2026-11-03T10:00:00Z")
        older = _profile(sid, email="old@example.com", last_name="Older", updated_at="2026-11-02T10:00:00Z")
        await _send(shop, drain, "customers/update", newer)
        await _send(shop, drain, "customers/update", older)
        found = await customer(shop, sid)
        assert (found["email"], found["lastName"]) == ("new@example.com", "Newer")
        assert await _search(shop, "old@example.com") == []
        assert [r["outcome"] for r in await inbox_rows(shop.id)] == ["processed", "processed"]

    async def test_an_orders_customer_object_does_not_wipe_birthday_or_consent(self, shop, drain):
        """Order payloads carry a customer without metafields (so no birthday) and, in
        older API versions, without marketing consent: what they do not say is kept."""
        sid = next(_ids)
        await _send(shop, drain, "customers/create", _profile(sid))
        order_customer = payloads.customer(sid, email=PII["email"], updated_at="2026-11-05T10:00:00Z")
        del order_customer["email_marketing_consent"]
        await _send(shop, drain, "orders/create", payloads.order(next(_ids), customer_body=order_customer))
        found = await customer(shop, sid)
        assert found["birthday"] == "1987-06-05"
        assert found["acceptsMarketing"] is True
        assert found["pointsBalance"] == 100

    async def test_update_without_metafields_keeps_the_birthday(self, shop, drain):
        sid = next(_ids)
        await _send(shop, drain, "customers/create", _profile(sid))
        update = payloads.customer(sid, email=PII["email"], updated_at="2026-11-06T10:00:00Z")
        await _send(shop, drain, "customers/update", update)
        assert (await customer(shop, sid))["birthday"] == "1987-06-05"

    async def test_customer_first_seen_in_an_order_gets_defaults(self, shop, drain):
        sid = next(_ids)
        body = payloads.customer(sid)
        del body["email_marketing_consent"]
        await _send(shop, drain, "orders/create", payloads.order(next(_ids), customer_body=body))
        found = await customer(shop, sid)
        assert (found["birthday"], found["acceptsMarketing"], found["email"]) == (
            None,
            False,
            "jane@example.com",
        )


# An order's customer object as Shopify sends it to an app without access to protected
# customer data: no email, names, phone, addresses or tags (and no metafields).
def _protected_fields_left_out(shopify_id: int, *, updated_at: str) -> dict:
    return {
        "id": shopify_id,
        "created_at": "2026-10-01T10:00:00-05:00",
        "updated_at": updated_at,
        "state": "enabled",
        "note": None,
        "verified_email": True,
        "multipass_identifier": None,
        "tax_exempt": False,
        "currency": "USD",
        "tax_exemptions": [],
        "admin_graphql_api_id": f"gid://shopify/Customer/{shopify_id}",
    }


PROFILE_AS_SUPPORT = """
query ($sid: ID!) {
  customerByShopifyId(shopifyId: $sid) {
    email firstName lastName phone birthday acceptsMarketing tags state pointsBalance
  }
}
"""


async def _profile_as_support(shop, sid: int) -> dict:
    """The profile as a support agent (a role allowed to read contact details) sees it."""
    result = await shop.gql(PROFILE_AS_SUPPORT, {"sid": str(sid)}, token=shop.token(roles=["admin:support"]))
    assert "errors" not in result, result
    return result["data"]["customerByShopifyId"]


class TestPartialCustomerObjects:
    """Only the facts a payload carries may change the stored profile (issue 8, item 19)."""

    async def test_an_order_without_protected_fields_wipes_nothing(self, shop, drain):
        sid = next(_ids)
        await _send(shop, drain, "customers/create", _profile(sid))
        before = await _profile_as_support(shop, sid)
        partial = _protected_fields_left_out(sid, updated_at="2026-11-05T10:00:00Z")
        await _send(shop, drain, "orders/create", payloads.order(next(_ids), customer_body=partial))
        after = await _profile_as_support(shop, sid)
        assert after == {**before, "pointsBalance": 100}
        assert (after["email"], after["firstName"], after["lastName"], after["phone"]) == (
            PII["email"],
            "Zelda",
            "Quimbyfrost",
            "+15555550177",
        )
        assert sorted(after["tags"]) == ["VIP", "newsletter"]
        assert after["birthday"] == "1987-06-05"
        assert after["acceptsMarketing"] is True
        # the tag and the email blind index still find the customer
        assert await _search(shop, "VIP") == [str(sid)]
        assert await _search(shop, PII["email"]) == [str(sid)]
        [inbox_outcome] = {r["outcome"] for r in await inbox_rows(shop.id)}
        assert inbox_outcome == "processed"

    async def test_a_field_sent_as_null_is_cleared_and_the_rest_kept(self, shop, drain):
        sid = next(_ids)
        await _send(shop, drain, "customers/create", _profile(sid))
        partial = {
            **_protected_fields_left_out(sid, updated_at="2026-11-05T10:00:00Z"),
            "phone": None,
            "tags": "gold",
        }
        await _send(shop, drain, "orders/create", payloads.order(next(_ids), customer_body=partial))
        after = await _profile_as_support(shop, sid)
        assert after["phone"] is None
        assert after["tags"] == ["gold"]
        assert (after["email"], after["firstName"], after["lastName"]) == (
            PII["email"],
            "Zelda",
            "Quimbyfrost",
        )
        assert await _search(shop, "gold") == [str(sid)]
        assert await _search(shop, "VIP") == []

    async def test_a_customers_update_without_protected_fields_wipes_nothing(self, shop, drain):
        sid = next(_ids)
        await _send(shop, drain, "customers/create", _profile(sid))
        update = {
            **_protected_fields_left_out(sid, updated_at="2026-11-06T10:00:00Z"),
            "email_marketing_consent": {"state": "unsubscribed", "opt_in_level": "single_opt_in"},
        }
        await _send(shop, drain, "customers/update", update)
        after = await _profile_as_support(shop, sid)
        assert after["acceptsMarketing"] is False  # what it carried changed
        assert (after["email"], after["lastName"], after["phone"]) == (
            PII["email"],
            "Quimbyfrost",
            "+15555550177",
        )
        assert sorted(after["tags"]) == ["VIP", "newsletter"]

    async def test_a_customer_first_seen_without_protected_fields_gets_defaults(self, shop, drain):
        sid = next(_ids)
        partial = _protected_fields_left_out(sid, updated_at="2026-11-05T10:00:00Z")
        await _send(shop, drain, "orders/create", payloads.order(next(_ids), customer_body=partial))
        after = await _profile_as_support(shop, sid)
        assert (after["email"], after["firstName"], after["phone"], after["tags"]) == (None, None, None, [])
        assert after["pointsBalance"] == 100


class TestEncryptionAtRest:
    async def test_no_plaintext_in_any_column_and_ciphertexts_carry_the_key_id(self, shop, drain):
        sid = next(_ids)
        await _send(shop, drain, "customers/create", _profile(sid))
        [row] = await rows("select * from customers where merchant_id = :m", m=shop.id)
        stored = " ".join(str(v) for v in row.values())
        for plain in _plaintexts():
            assert plain.lower() not in stored.lower(), f"{plain!r} stored in clear"
        kid = get_keyring().current_kid
        for column in ("email_enc", "first_name_enc", "last_name_enc", "phone_enc", "birthday_enc"):
            assert row[column].startswith(f"{kid}:"), column
        assert row["shopify_customer_id"] == sid
        assert len(row["email_bidx"]) == 64
        # and the ciphertexts are the real thing: they decrypt to the profile
        assert get_keyring().decrypt(row["email_enc"], context=b"customers.email") == PII["email"]

    async def test_email_blind_index_finds_the_customer(self, make_shop, drain):
        shop, other = await make_shop(), await make_shop()
        sid = next(_ids)
        await _send(shop, drain, "customers/create", _profile(sid))
        assert await _search(shop, PII["email"]) == [str(sid)]
        assert await _search(shop, f"  {PII['email'].upper()} ") == [str(sid)]
        assert await _search(shop, "someone.else@example.org") == []
        assert await _search(other, PII["email"]) == []  # another shop's customer
        assert await _search(shop, str(sid)) == [str(sid)]
        assert await _search(shop, "VIP") == [str(sid)]

    async def test_inbox_row_holds_no_plaintext_and_is_cleared_after_processing(self, shop, drain):
        sid = next(_ids)
        event_id = uuid.uuid4().hex
        with broker_unreachable():  # keep it in the inbox long enough to look at
            response = await shop.webhook("customers/create", _profile(sid), event_id=event_id)
        assert response.json() == {"status": "accepted"}
        [row] = await inbox_rows(shop.id)
        assert row["processed_at"] is None
        assert row["payload_enc"].startswith(f"{get_keyring().current_kid}:")
        for plain in _plaintexts():
            assert plain.lower() not in row["payload_enc"].lower()
        assert await webhooks.process_webhook(shop.id, row["id"]) == 1
        [row] = await inbox_rows(shop.id)
        assert row["outcome"] == "processed"
        assert row["payload_enc"] is None
        assert (await customer(shop, sid))["email"] == PII["email"]
