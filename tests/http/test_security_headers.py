"""Security headers on every answer, over real HTTP: nosniff, a frame-ancestors policy
fit for an app embedded in Shopify admin, and no caching of answers that carry PII or
discount codes."""

from __future__ import annotations

import httpx
import pytest

from tests.http.serving import RawConnection

FRAME_ANCESTORS = "frame-ancestors https://*.myshopify.com https://admin.shopify.com"


def _assert_secure(response: httpx.Response) -> None:
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["content-security-policy"] == FRAME_ANCESTORS
    assert "x-frame-options" not in response.headers  # it would forbid Shopify admin


async def test_graphql_answers_are_never_cached(shop):
    response = await shop.http.post(
        "/graphql",
        json={"query": "{ shop { domain } }"},
        headers={"Authorization": f"Bearer {shop.token()}"},
    )
    assert response.status_code == 200
    _assert_secure(response)
    assert response.headers["cache-control"] == "no-store"


async def test_storefront_answers_are_never_cached(http):
    response = await http.post("/proxy/graphql", json={"query": "{ __typename }"})
    _assert_secure(response)
    assert response.headers["cache-control"] == "no-store"


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/health", 200),
        ("GET", "/metrics", 200),
        ("GET", "/nowhere", 404),
        ("POST", "/webhooks/shopify", 401),
        ("POST", "/webhooks/reviews/judgeme", 401),
        ("GET", "/webhooks/shopify", 405),
    ],
)
async def test_every_route_and_refusal_carries_them(http, method, path, status):
    response = await http.request(method, path, content=b"{}")
    assert response.status_code == status
    _assert_secure(response)


async def test_a_body_refused_for_its_size_carries_them(server, settings):
    connection = await RawConnection.open(int(server.rsplit(":", 1)[1]))
    try:
        await connection.send(
            b"POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: %d\r\n\r\n"
            % (settings.graphql_max_body_bytes + 1)
        )
        answer = await connection.answer(timeout=5)
    finally:
        await connection.close()
    head = answer.split(b"\r\n\r\n", 1)[0].decode().lower()
    assert head.startswith("http/1.1 413")
    assert "x-content-type-options: nosniff" in head
    assert f"content-security-policy: {FRAME_ANCESTORS}" in head
    assert "cache-control: no-store" in head


async def test_graphiql_still_renders(http, settings):
    response = await http.get("/graphql", headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert "graphiql" in response.text.lower()
    # the page's own, stricter policy, still framed only by Shopify admin
    policy = response.headers["content-security-policy"]
    assert policy.endswith(FRAME_ANCESTORS)
    assert "script-src 'self'" in policy
    assert response.headers["x-content-type-options"] == "nosniff"


def test_a_route_with_its_own_policy_keeps_it_and_is_framed_by_the_same_rule():
    """For pages that set a policy of their own (GraphiQL served locally, say)."""
    from loyalnest.http.security_headers import _with_security_headers

    headers = dict(
        _with_security_headers(
            [(b"content-security-policy", b"default-src 'self';"), (b"cache-control", b"max-age=3600")]
        )
    )
    assert headers[b"content-security-policy"] == b"default-src 'self'; " + FRAME_ANCESTORS.encode()
    assert headers[b"cache-control"] == b"max-age=3600"  # a route that chose caching keeps it
    assert headers[b"x-content-type-options"] == b"nosniff"
