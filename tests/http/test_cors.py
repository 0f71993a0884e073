"""CORS over real HTTP: the configured origins (the dashboard, Shopify's UI-extension
sandbox) get a correct preflight and their answers readable; any other origin gets no
Access-Control-Allow-Origin; never "*", never credentials; nothing at all when no
origin is configured."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from tests.http.serving import serving

DASHBOARD = "https://dashboard.example.com"
EXTENSIONS = "https://extensions.shopifycdn.com"
STRANGER = "https://evil.example.net"


@pytest.fixture
async def cors_client(broker, settings) -> AsyncIterator[httpx.AsyncClient]:
    async with serving(settings, cors_origins=f"{DASHBOARD}, {EXTENSIONS}") as (url, _):
        async with httpx.AsyncClient(base_url=url, timeout=30) as client:
            yield client


def _preflight(origin: str, method: str = "POST", headers: str = "authorization, content-type") -> dict:
    return {
        "Origin": origin,
        "Access-Control-Request-Method": method,
        "Access-Control-Request-Headers": headers,
    }


def _vary(response: httpx.Response) -> set[str]:
    return {part.strip().lower() for value in response.headers.get_list("vary") for part in value.split(",")}


@pytest.mark.parametrize("origin", [DASHBOARD, EXTENSIONS])
@pytest.mark.parametrize("path", ["/graphql", "/proxy/graphql"])
async def test_preflight_from_an_allowed_origin(cors_client, origin, path):
    response = await cors_client.options(path, headers=_preflight(origin))
    assert response.status_code == 200, response.text
    assert response.headers["access-control-allow-origin"] == origin
    methods = {m.strip() for m in response.headers["access-control-allow-methods"].split(",")}
    assert {"GET", "POST"} <= methods
    allowed = {h.strip().lower() for h in response.headers["access-control-allow-headers"].split(",")}
    assert {"authorization", "content-type"} <= allowed
    assert "access-control-allow-credentials" not in response.headers
    assert int(response.headers["access-control-max-age"]) > 0
    assert "origin" in _vary(response)


async def test_a_bearer_request_from_an_allowed_origin_is_readable(cors_client, shop):
    response = await cors_client.post(
        "/graphql",
        json={"query": "{ shop { domain } }"},
        headers={"Origin": EXTENSIONS, "Authorization": f"Bearer {shop.token()}"},
    )
    assert response.status_code == 200
    assert response.json()["data"]["shop"]["domain"] == shop.domain
    assert response.headers["access-control-allow-origin"] == EXTENSIONS
    assert "access-control-allow-credentials" not in response.headers
    assert "origin" in _vary(response)
    # App Bridge must be able to read the retry hint on a 401 (issue 8, item 6)
    exposed = response.headers["access-control-expose-headers"].lower()
    assert "x-shopify-retry-invalid-session-request" in exposed


async def test_other_origins_get_nothing_to_read(cors_client, shop):
    preflight = await cors_client.options("/graphql", headers=_preflight(STRANGER))
    assert preflight.status_code == 400
    assert "access-control-allow-origin" not in preflight.headers
    # a look-alike of an allowed origin is another origin
    for origin in (STRANGER, DASHBOARD + ".evil.net", "http://dashboard.example.com", "null"):
        response = await cors_client.post(
            "/graphql",
            json={"query": "{ shop { domain } }"},
            headers={"Origin": origin, "Authorization": f"Bearer {shop.token()}"},
        )
        assert "access-control-allow-origin" not in response.headers, origin
        assert "origin" in _vary(response)


async def test_preflight_for_a_method_or_header_not_allowed_is_refused(cors_client):
    for headers in (_preflight(DASHBOARD, method="DELETE"), _preflight(DASHBOARD, headers="x-custom")):
        response = await cors_client.options("/graphql", headers=headers)
        assert response.status_code == 400, headers


async def test_no_origins_configured_means_no_cors_headers(http):
    preflight = await http.options("/graphql", headers=_preflight(DASHBOARD))
    assert preflight.status_code == 405
    response = await http.post("/graphql", json={"query": "{ __typename }"}, headers={"Origin": DASHBOARD})
    for answer in (preflight, response):
        assert not [name for name in answer.headers if name.lower().startswith("access-control-")]
