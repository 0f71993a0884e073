"""POST /webhooks/shopify over real HTTP: what is refused (and that nothing is stored),
what is accepted, and that a delivery is stored once however often it comes."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import uuid
from collections.abc import AsyncIterator

import httpx
import orjson
import pytest

from tests import payloads
from tests.conftest import webhook_headers
from tests.contexts.support import customer_count, inbox_rows, ledger_rows, rows, scalar
from tests.http.serving import RawConnection, serving, status_of

ORDER = payloads.order(77, subtotal="50.00", customer_body=payloads.customer(700))


def _headers(shop, body: bytes, **overrides: str | None) -> dict[str, str]:
    headers = webhook_headers(
        body, topic="orders/create", shop_domain=shop.domain, secret=shop.settings.shopify_api_secret
    )
    for name, value in overrides.items():
        header = {
            "hmac": "X-Shopify-Hmac-Sha256",
            "topic": "X-Shopify-Topic",
            "event_id": "X-Shopify-Event-Id",
            "webhook_id": "X-Shopify-Webhook-Id",
            "shop_domain": "X-Shopify-Shop-Domain",
        }[name]
        if value is None:
            headers.pop(header)
        else:
            headers[header] = value
    return headers


async def _post(shop, body: bytes, **overrides: str | None) -> httpx.Response:
    return await shop.http.post("/webhooks/shopify", content=body, headers=_headers(shop, body, **overrides))


async def _assert_nothing_stored(shop, drain) -> None:
    await drain()
    assert await inbox_rows(shop.id) == []
    assert await customer_count(shop.id) == 0
    assert await ledger_rows(shop.id) == []


def _sign(secret: str, body: bytes) -> str:
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


class TestRefused:
    async def test_forged_hmac(self, shop, drain):
        body = orjson.dumps(ORDER)
        response = await _post(shop, body, hmac=base64.b64encode(b"x" * 32).decode())
        assert response.status_code == 401
        assert response.json() == {"error": "invalid HMAC signature"}
        await _assert_nothing_stored(shop, drain)

    async def test_garbage_hmac(self, shop, drain):
        response = await _post(shop, orjson.dumps(ORDER), hmac="not base64 at all")
        assert response.status_code == 401
        await _assert_nothing_stored(shop, drain)

    async def test_missing_hmac(self, shop, drain):
        response = await _post(shop, orjson.dumps(ORDER), hmac=None)
        assert response.status_code == 401
        await _assert_nothing_stored(shop, drain)

    async def test_valid_hmac_made_with_the_wrong_secret(self, shop, drain):
        response = await shop.webhook("orders/create", ORDER, secret="some-other-apps-secret")
        assert response.status_code == 401
        await _assert_nothing_stored(shop, drain)

    async def test_signature_of_another_body(self, shop, drain):
        body = orjson.dumps(ORDER)
        signed_for = orjson.dumps({**ORDER, "subtotal_price": "1.00"})
        response = await _post(shop, body, hmac=_sign(shop.settings.shopify_api_secret, signed_for))
        assert response.status_code == 401
        await _assert_nothing_stored(shop, drain)

    async def test_body_naming_another_shop(self, make_shop, drain):
        shop, other = await make_shop(), await make_shop()
        body = {**ORDER, "shop_domain": other.domain}
        response = await shop.webhook("orders/create", body)
        assert response.status_code == 401
        assert response.json() == {"error": "body belongs to another shop"}
        await _assert_nothing_stored(shop, drain)
        await _assert_nothing_stored(other, drain)

    async def test_myshopify_domain_naming_another_shop(self, make_shop, drain):
        shop, other = await make_shop(), await make_shop()
        response = await shop.webhook("orders/create", {**ORDER, "myshopify_domain": other.domain})
        assert response.status_code == 401
        await _assert_nothing_stored(shop, drain)

    async def test_unknown_shop(self, shop, drain):
        event_id = uuid.uuid4().hex
        before = await scalar("select count(*) from shopify_webhook_inbox")
        response = await shop.webhook(
            "orders/create", ORDER, shop_domain=f"nobody-{event_id[:8]}.myshopify.com", event_id=event_id
        )
        assert response.status_code == 404
        assert response.json() == {"error": "unknown shop"}
        await drain()
        assert await scalar("select count(*) from shopify_webhook_inbox") == before
        assert (
            await scalar(
                "select count(*) from shopify_webhook_inbox where event_id like :e", e=f"%{event_id}"
            )
            == 0
        )

    async def test_missing_shop_domain_header(self, shop, drain):
        response = await _post(shop, orjson.dumps(ORDER), shop_domain=None)
        assert response.status_code == 404
        await _assert_nothing_stored(shop, drain)

    @pytest.mark.parametrize("body", [b"{not json", b"", b'{"id": 1', b"\xff\xfe"])
    async def test_malformed_json_with_a_valid_hmac(self, shop, drain, body):
        response = await shop.webhook("orders/create", body)
        assert response.status_code == 400
        assert response.json() == {"error": "body is not valid JSON"}
        await _assert_nothing_stored(shop, drain)

    @pytest.mark.parametrize("body", [b"[1, 2]", b'"order"', b"null", b"42", b"true"])
    async def test_json_that_is_not_an_object(self, shop, drain, body):
        response = await shop.webhook("orders/create", body)
        assert response.status_code == 400
        assert response.json() == {"error": "body must be a JSON object"}
        await _assert_nothing_stored(shop, drain)

    async def test_missing_topic(self, shop, drain):
        response = await _post(shop, orjson.dumps(ORDER), topic=None)
        assert response.status_code == 400
        assert "Topic" in response.json()["error"]
        await _assert_nothing_stored(shop, drain)

    async def test_missing_event_and_webhook_id(self, shop, drain):
        response = await _post(shop, orjson.dumps(ORDER), event_id=None, webhook_id=None)
        assert response.status_code == 400
        assert "Event-Id" in response.json()["error"]
        await _assert_nothing_stored(shop, drain)

    async def test_overlong_event_id_counts_as_missing(self, shop, drain):
        response = await _post(shop, orjson.dumps(ORDER), event_id="e" * 256, webhook_id=None)
        assert response.status_code == 400
        await _assert_nothing_stored(shop, drain)

    async def test_event_id_too_long_to_store_is_a_clear_400(self, shop, drain):
        response = await _post(shop, orjson.dumps(ORDER), event_id="e" * 250)
        assert response.status_code == 400
        await _assert_nothing_stored(shop, drain)

    async def test_topic_too_long_to_store_is_a_clear_400(self, shop, drain):
        response = await _post(shop, orjson.dumps(ORDER), topic="orders/" + "x" * 150)
        assert response.status_code == 400
        await _assert_nothing_stored(shop, drain)


def _big_body(size: int = 5 * 1024 * 1024) -> bytes:
    filler = "x" * (size - 100)
    return orjson.dumps({"id": 1, "note": filler})


class TestTooLarge:
    async def test_declared_content_length(self, shop, server, drain):
        body = _big_body()
        async with httpx.AsyncClient(base_url=server, timeout=30) as client:
            response = await client.post("/webhooks/shopify", content=body, headers=_headers(shop, body))
        assert response.status_code == 413
        await _assert_nothing_stored(shop, drain)

    async def test_chunked_without_content_length(self, shop, server, drain):
        body = _big_body()
        headers = _headers(shop, body)

        async def chunks() -> AsyncIterator[bytes]:
            for start in range(0, len(body), 64 * 1024):
                yield body[start : start + 64 * 1024]

        async with httpx.AsyncClient(base_url=server, timeout=30) as client:
            request = client.build_request("POST", "/webhooks/shopify", content=chunks(), headers=headers)
            assert "content-length" not in request.headers
            assert request.headers["transfer-encoding"] == "chunked"
            response = await client.send(request)
        assert response.status_code == 413
        await _assert_nothing_stored(shop, drain)

    async def test_body_just_under_the_limit_is_accepted(self, shop, drain):
        limit = shop.settings.webhook_max_body_bytes
        body = orjson.dumps({**ORDER, "note": "x" * (limit - len(orjson.dumps(ORDER)) - 20)})
        assert len(body) <= limit
        response = await shop.webhook("orders/create", body)
        assert response.status_code == 200
        await drain()
        assert len(await inbox_rows(shop.id)) == 1


class TestSlowBody:
    async def test_a_body_that_never_finishes_is_408_counted_and_not_stored(self, shop, settings, drain):
        # The route is served ahead of the app's middleware stack, so it keeps the body
        # deadline itself, and counts the refusal as its other refusals.
        body = orjson.dumps(ORDER)
        headers = _headers(shop, body)
        head = f"POST /webhooks/shopify HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: {len(body)}\r\n"
        head += "".join(f"{name}: {value}\r\n" for name, value in headers.items()) + "\r\n"
        async with serving(settings, http_body_timeout_seconds=0.5) as (_, port):
            connection = await RawConnection.open(port)
            try:
                await connection.send(head.encode() + body[: len(body) // 2])
                answer = await connection.answer(timeout=5)  # the server closes it
            finally:
                await connection.close()
        assert status_of(answer) == 408, answer
        assert orjson.loads(answer.split(b"\r\n\r\n", 1)[1]) == {
            "error": "request body not received within 0.5 seconds"
        }
        metrics = (await shop.http.get("/metrics")).text
        assert 'outcome="timeout",topic="unverified"' in metrics
        await _assert_nothing_stored(shop, drain)


class TestAccepted:
    async def test_previous_secret_is_accepted_during_rotation(self, shop, drain):
        previous = shop.settings.shopify_api_secret_previous
        assert previous
        response = await shop.webhook("orders/create", ORDER, secret=previous)
        assert response.status_code == 200
        assert response.json() == {"status": "accepted"}
        await drain()
        [row] = await inbox_rows(shop.id)
        assert row["outcome"] == "processed"

    async def test_webhook_id_is_the_fallback_dedupe_key(self, shop, drain):
        body = orjson.dumps(ORDER)
        webhook_id = uuid.uuid4().hex
        first = await _post(shop, body, event_id=None, webhook_id=webhook_id)
        again = await _post(shop, body, event_id=None, webhook_id=webhook_id)
        assert (first.status_code, first.json()) == (200, {"status": "accepted"})
        assert (again.status_code, again.json()) == (200, {"status": "duplicate"})
        await drain()
        [row] = await inbox_rows(shop.id)
        assert row["event_id"] == f"orders/create:{webhook_id}"

    async def test_shop_domain_header_is_case_insensitive(self, shop, drain):
        response = await shop.webhook(
            "orders/create", {**ORDER, "shop_domain": shop.domain.upper()}, shop_domain=shop.domain.upper()
        )
        assert response.status_code == 200
        await drain()
        assert len(await inbox_rows(shop.id)) == 1

    async def test_topic_we_do_not_handle_is_stored_and_ignored(self, shop, drain):
        response = await shop.webhook("collections/update", {"id": 5, "title": "Mug"})
        assert response.status_code == 200
        await drain()
        [row] = await inbox_rows(shop.id)
        assert row["outcome"] == "ignored"
        assert row["payload_enc"] is None

    # every compliance topic is handled by the privacy context (tests/contexts/privacy):
    # its request is logged with the row, and the payload naming the customer goes
    @pytest.mark.parametrize(
        ("topic", "kind"),
        [("customers/data_request", "data_request"), ("customers/redact", "customer_redact")],
    )
    async def test_compliance_topics_are_handed_to_the_privacy_context(self, shop, drain, topic, kind):
        body = {"shop_domain": shop.domain, "customer": {"id": 5, "email": "gdpr@example.com"}}
        response = await shop.webhook(topic, body)
        assert response.status_code == 200
        await drain()
        [row] = await inbox_rows(shop.id)
        assert (row["outcome"], row["payload_enc"]) == ("processed", None)
        [request] = await rows("select type, status from privacy_requests where merchant_id = :m", m=shop.id)
        assert request == {"type": kind, "status": "completed"}

    async def test_same_delivery_three_times_at_once_is_stored_and_awarded_once(self, shop, drain):
        event_id = uuid.uuid4().hex
        responses = await asyncio.gather(
            *(shop.webhook("orders/create", ORDER, event_id=event_id) for _ in range(3))
        )
        assert [r.status_code for r in responses] == [200, 200, 200]
        assert sorted(r.json()["status"] for r in responses) == ["accepted", "duplicate", "duplicate"]
        await drain()
        [row] = await inbox_rows(shop.id)
        assert row["outcome"] == "processed"
        ledger = await ledger_rows(shop.id)
        assert [(e["delta"], e["kind"]) for e in ledger] == [(50, "earn")]

    async def test_same_event_id_of_another_topic_is_another_delivery(self, shop, drain):
        event_id = uuid.uuid4().hex
        first = await shop.webhook("customers/create", payloads.customer(700), event_id=event_id)
        second = await shop.webhook("orders/create", ORDER, event_id=event_id)
        assert first.json() == second.json() == {"status": "accepted"}
        await drain()
        assert len(await inbox_rows(shop.id)) == 2

    async def test_same_event_id_in_two_shops_is_two_deliveries(self, make_shop, drain):
        shop, other = await make_shop(), await make_shop()
        event_id = uuid.uuid4().hex
        assert (await shop.webhook("orders/create", ORDER, event_id=event_id)).json()["status"] == "accepted"
        assert (await other.webhook("orders/create", ORDER, event_id=event_id)).json()["status"] == "accepted"
        await drain()
        assert [e["delta"] for e in await ledger_rows(shop.id)] == [50]
        assert [e["delta"] for e in await ledger_rows(other.id)] == [50]


class TestMetricLabels:
    """/metrics keeps one series per label value for the life of the process: labels
    come only from verified requests and a known set of topics."""

    async def _metrics(self, shop) -> str:
        response = await shop.http.get("/metrics")
        assert response.status_code == 200
        return response.text

    async def test_unsigned_topics_never_become_labels(self, shop, drain):
        topics = [f"probe/{uuid.uuid4().hex}" for _ in range(5)]
        for topic in topics:
            forged = await _post(shop, orjson.dumps(ORDER), topic=topic, hmac="forged")
            assert forged.status_code == 401
        too_large = await _post(shop, _big_body(), topic=topics[0])
        assert too_large.status_code == 413
        metrics = await self._metrics(shop)
        assert not [topic for topic in topics if topic in metrics]
        assert 'outcome="bad_signature",topic="unverified"' in metrics
        assert 'outcome="too_large",topic="unverified"' in metrics
        await _assert_nothing_stored(shop, drain)

    async def test_signed_topics_outside_the_known_set_are_labelled_other(self, shop, drain):
        topic = f"collections/{uuid.uuid4().hex[:20]}"
        response = await shop.webhook(topic, {"id": 5})
        assert response.status_code == 200
        metrics = await self._metrics(shop)
        assert topic not in metrics
        assert 'outcome="accepted",topic="other"' in metrics
        await drain()
        [row] = await inbox_rows(shop.id)
        assert row["topic"] == topic  # stored as sent: only the label is folded

    async def test_known_topics_keep_their_label(self, shop, drain):
        assert (await shop.webhook("orders/create", ORDER)).status_code == 200
        assert 'outcome="accepted",topic="orders/create"' in await self._metrics(shop)
        await drain()

    def test_every_topic_the_app_processes_has_its_own_label(self):
        from loyalnest.contexts.webhooks.commands import READERS, UNHANDLED_OUTCOMES
        from loyalnest.http.webhooks import METRIC_TOPICS

        assert set(READERS) | set(UNHANDLED_OUTCOMES) <= METRIC_TOPICS
