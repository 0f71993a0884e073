"""A customer's own privacy requests, through the storefront (the signed app proxy) and
the link emailed to them (a real SMTP server on loopback): nothing runs until the link
is followed, a replayed link changes nothing, asking twice finds the first request, and
an erasure closes the account and forfeits the points it warned about."""

from __future__ import annotations

import re
from typing import Any

import pytest

from loyalnest.devtools.provider_fakes import SmtpSink
from loyalnest.platform.uow import unit_of_work
from tests import payloads
from tests.contexts.notifications.support import set_smtp
from tests.contexts.privacy import support
from tests.contexts.support import execute, rows, scalar
from tests.graphql.conftest import post_proxy, proxy_params

pytestmark = pytest.mark.usefixtures("broker")

_MY_DATA = "mutation { requestMyData { request { id type status downloadUrl } userErrors { code message } } }"
_ERASE = """
mutation {
  requestErasure { request { id type status } pointsForfeited warning userErrors { code message } }
}
"""
_MINE = "{ myPrivacyRequests { id type status downloadUrl completedAt } }"
_LINK = re.compile(rb"https?://[^\s\"'<>]+/privacy/confirm/[A-Za-z0-9_\-.=]+")


async def _as_customer(http: Any, settings: Any, shop: Any, shopify_id: int, query: str) -> dict[str, Any]:
    result = await post_proxy(http, proxy_params(settings, shop.domain, shopify_id), query)
    assert "errors" not in result, result
    return result["data"]


def _confirm_path(sink: SmtpSink, address: str) -> str:
    [mail] = sink.messages_to(address)
    body = mail.message.get_body(preferencelist=("plain",))
    assert body is not None
    text = body.get_content().encode()
    found = _LINK.search(text)
    assert found is not None, text
    return "/" + found.group().decode().split("://", 1)[1].split("/", 1)[1]


async def _member(shop: Any, drain: Any, shopify_id: int) -> dict[str, str]:
    person = support.person()
    body = payloads.customer(shopify_id, email=person["email"], first_name=person["first_name"])
    assert (await shop.webhook("customers/create", body)).status_code == 200
    order = payloads.order(shopify_id * 10, subtotal="120.00", customer_body=body)
    assert (await shop.webhook("orders/create", order)).status_code == 200
    await drain()
    return person


async def test_a_customer_asks_for_their_data_confirms_by_email_and_downloads_it(shop, drain, http, settings):
    person = await _member(shop, drain, 51_001)
    with SmtpSink() as sink:
        await set_smtp(shop.id, sink)
        asked = (await _as_customer(http, settings, shop, 51_001, _MY_DATA))["requestMyData"]
        assert asked["userErrors"] == []
        assert (asked["request"]["type"], asked["request"]["status"]) == ("DATA_REQUEST", "UNCONFIRMED")
        await drain()
        # nothing runs before the link is followed
        assert await scalar("select count(*) from privacy_exports where merchant_id = :m", m=shop.id) == 0
        again = (await _as_customer(http, settings, shop, 51_001, _MY_DATA))["requestMyData"]
        assert again["request"]["id"] == asked["request"]["id"]  # asking twice: the same request
        await drain()
        sink.wait_for(1, timeout=10)
        path = _confirm_path(sink, person["email"])  # one email, however often they asked
        # a page, not an action: mail scanners fetch links
        page = await http.get(path)
        assert page.status_code == 200
        assert b'method="post"' in page.content
        assert b"a copy of the personal data" in page.content  # it says what the button does
        assert (
            await scalar("select status from privacy_requests where merchant_id = :m", m=shop.id)
            == "unconfirmed"
        )
        confirmed = await http.post(path)
        assert confirmed.status_code == 200, confirmed.text
        await drain()
        replayed = await http.post(path)
        assert replayed.status_code == 410
        assert (await http.get(path)).status_code == 410  # the page says so too, with no button
        assert b'method="post"' not in (await http.get(path)).content
        sink.wait_for(2, timeout=10)
        ready = sink.messages_to(person["email"])[-1].raw
        assert b"/privacy/exports/" in ready
    [mine] = (await _as_customer(http, settings, shop, 51_001, _MINE))["myPrivacyRequests"]
    assert (mine["type"], mine["status"]) == ("DATA_REQUEST", "COMPLETED")
    download = await http.get("/" + mine["downloadUrl"].split("://", 1)[1].split("/", 1)[1])
    assert download.status_code == 200
    assert download.content[:2] == b"PK"
    [request] = await rows(
        "select source, status, confirmed_at is not null as confirmed from privacy_requests"
        " where merchant_id = :m",
        m=shop.id,
    )
    assert request == {"source": "storefront", "status": "completed", "confirmed": True}
    actions = [r["action"] for r in await rows(
        "select action from audit_entries where merchant_id = :m and target_type = 'PrivacyRequest'"
        " order by id",
        m=shop.id)]  # fmt: skip
    assert actions[:2] == ["privacy.data_request_asked", "privacy.data_request_confirmed"]


async def test_erasure_warns_of_the_points_lost_and_closes_the_account_once_confirmed(
    shop, drain, http, settings
):
    person = await _member(shop, drain, 52_001)
    customer_id = int(
        await scalar(
            "select id from customers where merchant_id = :m and shopify_customer_id = 52001", m=shop.id
        )
    )
    balance = int(
        await scalar(
            "select balance from points_accounts where merchant_id = :m and customer_id = :c",
            m=shop.id,
            c=customer_id,
        )
    )
    assert balance > 0
    with SmtpSink() as sink:
        await set_smtp(shop.id, sink)
        asked = (await _as_customer(http, settings, shop, 52_001, _ERASE))["requestErasure"]
        assert asked["userErrors"] == []
        assert asked["pointsForfeited"] == balance
        assert f"your {balance:,} points and any points still pending are lost" in asked["warning"]
        twice = (await _as_customer(http, settings, shop, 52_001, _ERASE))["requestErasure"]
        assert twice["request"]["id"] == asked["request"]["id"]
        await drain()
        # a borrowed session asked: until the owner of the mailbox confirms, nothing is erased
        assert "customers.email_enc" in await support.database_mentions([person["email"]])
        sink.wait_for(1, timeout=10)
        path = _confirm_path(sink, person["email"])
        assert str(balance).encode() in sink.messages_to(person["email"])[0].raw.replace(b",", b"")
        page = await http.get(path)  # before the button: what erasure does, and that it is final
        assert (page.status_code, b"Erase my data" in page.content) == (200, True)
        assert b"closes your loyalty account" in page.content
        assert b"cannot be undone" in page.content
        assert (await http.post(path)).status_code == 200
        await drain()
        assert (await http.post(path)).status_code == 410  # replayed after use
    assert await support.database_mentions([person["email"], person["first_name"]]) == []
    assert (
        await scalar(
            "select balance from points_accounts where merchant_id = :m and customer_id = :c",
            m=shop.id,
            c=customer_id,
        )
        == 0
    )
    # the account is closed: the session now finds no account to ask anything for
    result = await post_proxy(http, proxy_params(settings, shop.domain, 52_001), _ERASE)
    assert result["data"]["requestErasure"]["userErrors"][0]["code"] == "NOT_ENROLLED"


async def test_a_link_never_followed_expires_and_then_refuses(shop, drain, http, settings):
    await _member(shop, drain, 53_001)
    with SmtpSink() as sink:
        await set_smtp(shop.id, sink)
        (await _as_customer(http, settings, shop, 53_001, _MY_DATA))["requestMyData"]
        await drain()
        sink.wait_for(1, timeout=10)
        [mail] = sink.messages
        path = _confirm_path(sink, mail.rcpt_tos[0])
    await execute(
        "update privacy_requests set received_at = now() - interval '3 days' where merchant_id = :m",
        m=shop.id,
    )
    async with unit_of_work() as uow:
        uow.enqueue("privacy.sweep_requests", queue_name="privacy")
    await drain()
    assert await scalar("select status from privacy_requests where merchant_id = :m", m=shop.id) == "expired"
    assert (await http.post(path)).status_code == 410
    assert (await http.get(path)).status_code == 410
    assert (await http.get(path[:-3] + "AAA")).status_code == 404  # forged
    assert await scalar("select count(*) from privacy_exports where merchant_id = :m", m=shop.id) == 0


async def test_storefront_requests_are_refused_without_an_account_or_an_email_and_across_shops(
    make_shop, drain, http, settings
):
    shop, other = await make_shop(), await make_shop()
    unknown = (await _as_customer(http, settings, shop, 54_404, _MY_DATA))["requestMyData"]
    assert unknown["userErrors"][0]["code"] == "NOT_ENROLLED"
    no_email = payloads.customer(54_002, email=None)
    assert (await shop.webhook("customers/create", no_email)).status_code == 200
    await drain()
    refused = (await _as_customer(http, settings, shop, 54_002, _MY_DATA))["requestMyData"]
    assert refused["userErrors"][0]["code"] == "NO_EMAIL"
    assert await scalar("select count(*) from privacy_requests where merchant_id = :m", m=shop.id) == 0
    # a customer of the other shop with the same Shopify id sees none of this shop's requests
    await _member(shop, drain, 54_003)
    (await _as_customer(http, settings, shop, 54_003, _MY_DATA))["requestMyData"]
    assert (await _as_customer(http, settings, other, 54_003, _MINE))["myPrivacyRequests"] == []
    # staff are not storefront customers
    staff = await shop.gql(_MINE)
    assert staff["data"]["myPrivacyRequests"] is None
