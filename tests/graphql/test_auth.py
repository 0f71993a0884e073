"""Staff authentication on POST /graphql: Shopify session tokens (HS256, app secret,
exp/nbf with 10 s leeway, aud = API key, shop from ``dest``). A token that fails is
refused before the request is read: 401 with X-Shopify-Retry-Invalid-Session-Request
(so App Bridge retries with a fresh token), or 403 for a genuine token of a shop that
is not installed. A request without any token gets GraphQL errors."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

import httpx
import jwt
import pytest

from loyalnest.contexts.audit import api as audit
from loyalnest.http.auth import mint_session_token
from tests import payloads
from tests.graphql.conftest import ADJUST, balance_of, customer_gid, only_error, post_graphql
from tests.http.serving import serving

UPDATE_SETTINGS = """
mutation { updateProgramSettings(pointsPerCurrencyUnit: "7") {
  programSettings { pointsPerCurrencyUnit } userErrors { code } } }
"""
SETTINGS = "{ shop { programSettings { pointsPerCurrencyUnit rounding earnOnShipping earnOnTax } } }"


def claims(domain: str, settings: Any, *, now: float | None = None, **overrides: Any) -> dict[str, Any]:
    issued = int(now if now is not None else time.time())
    body: dict[str, Any] = {
        "iss": f"https://{domain}/admin",
        "dest": f"https://{domain}",
        "aud": settings.shopify_api_key,
        "sub": "42",
        "exp": issued + 60,
        "nbf": issued,
        "iat": issued,
        "jti": "a-jti",
        "sid": "a-sid",
    }
    body.update(overrides)
    return {k: v for k, v in body.items() if v is not None}


def signed(body: dict[str, Any], secret: str) -> str:
    return jwt.encode(body, secret, algorithm="HS256")


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


Headers = Callable[[str, Any], dict[str, str]]

# (case id, how to build the request headers, the message the client must get)
MISSING: list[tuple[str, Headers, str]] = [
    ("missing-header", lambda d, s: {}, "missing Authorization: Bearer <session token>"),
    ("not-bearer", lambda d, s: {"Authorization": "Basic dXNlcjpwYXNz"}, "missing Authorization"),
    ("bearer-without-token", lambda d, s: {"Authorization": "Bearer"}, "missing Authorization"),
]

# A token was sent and failed: HTTP 401 with the retry header (the behaviour since
# issue 8; before, HTTP 200 with an UNAUTHENTICATED GraphQL error)
REFUSED: list[tuple[str, Headers, str]] = [
    ("malformed", lambda d, s: bearer("not.a.jwt"), "session token is malformed"),
    ("garbage", lambda d, s: bearer("garbage"), "session token is malformed"),
    (
        "expired-beyond-leeway",
        lambda d, s: bearer(mint_session_token(s, d, ttl_seconds=60, now=time.time() - 75)),
        "session token expired",
    ),
    (
        "not-yet-valid-beyond-leeway",
        lambda d, s: bearer(mint_session_token(s, d, now=time.time() + 30)),
        "session token not yet valid",
    ),
    (
        "nbf-only-in-future",
        lambda d, s: bearer(signed(claims(d, s, nbf=int(time.time()) + 30), s.shopify_api_secret)),
        "session token not yet valid",
    ),
    (
        "wrong-audience",
        lambda d, s: bearer(signed(claims(d, s, aud="another-app"), s.shopify_api_secret)),
        "session token is for another app",
    ),
    (
        "wrong-signature",
        lambda d, s: bearer(signed(claims(d, s), "not-the-app-secret-but-just-as-long-as-one")),
        "session token signature is invalid",
    ),
    (
        "tampered-payload",
        lambda d, s: bearer(_tampered(d, s)),
        "session token signature is invalid",
    ),
    (
        "alg-none",
        lambda d, s: bearer(jwt.encode(claims(d, s), None, algorithm="none")),  # type: ignore[arg-type]
        "session token is malformed",
    ),
    (
        "missing-dest",
        lambda d, s: bearer(signed(claims(d, s, dest=None), s.shopify_api_secret)),
        "session token lacks the dest claim",
    ),
    (
        "missing-exp",
        lambda d, s: bearer(signed(claims(d, s, exp=None), s.shopify_api_secret)),
        "session token lacks the exp claim",
    ),
    (
        "issuer-of-another-shop",
        lambda d, s: bearer(
            signed(claims(d, s, iss="https://other.myshopify.com/admin"), s.shopify_api_secret)
        ),
        "session token issuer does not match its shop",
    ),
    (
        "unknown-role",
        lambda d, s: bearer(mint_session_token(s, d, roles=["admin:god"])),
        "session token names an unknown role",
    ),
    (
        "roles-not-strings",
        lambda d, s: bearer(signed(claims(d, s, roles=[{"admin:full": True}]), s.shopify_api_secret)),
        "session token names an unknown role",
    ),
    (
        "roles-not-a-list",
        lambda d, s: bearer(signed(claims(d, s, roles="admin:full"), s.shopify_api_secret)),
        "session token names an unknown role",
    ),
    (
        "issuer-of-another-shop-without-scheme",
        lambda d, s: bearer(signed(claims(d, s, iss="other.myshopify.com/admin"), s.shopify_api_secret)),
        "session token issuer does not match its shop",
    ),
    (
        "dest-over-http",
        lambda d, s: bearer(signed(claims(d, s, dest=f"http://{d}"), s.shopify_api_secret)),
        "session token dest does not name a shop",
    ),
    (
        "dest-not-a-host",
        lambda d, s: bearer(signed(claims(d, s, dest="https://"), s.shopify_api_secret)),
        "session token dest does not name a shop",
    ),
    (
        "sub-with-a-colon",  # would blur the "<user>:<key>" idempotency namespaces
        lambda d, s: bearer(signed(claims(d, s, sub="1:2"), s.shopify_api_secret)),
        "session token names an invalid user",
    ),
    (
        "sub-not-a-string",
        lambda d, s: bearer(signed(claims(d, s, sub=["1"]), s.shopify_api_secret)),
        "session token is malformed",
    ),
    (
        "customer-gid-not-numeric",
        lambda d, s: bearer(signed(claims(d, s, sub="gid://shopify/Customer/x"), s.shopify_api_secret)),
        "session token names an invalid customer",
    ),
]


def _tampered(domain: str, settings: Any) -> str:
    """A valid token of another shop whose payload was swapped for this shop's."""
    header, _, signature = mint_session_token(settings, "other-shop.myshopify.com").split(".")
    body = jwt.encode(claims(domain, settings), settings.shopify_api_secret, algorithm="HS256").split(".")[1]
    return f"{header}.{body}.{signature}"


async def test_valid_session_token_resolves_the_shop_of_dest(shop, http):
    result = await post_graphql(http, "{ shop { domain name currency plan } }", token=shop.token())
    assert "errors" not in result, result
    assert result["data"]["shop"] == {
        "domain": shop.domain,
        "name": "Test Shop",
        "currency": "USD",
        "plan": "free",
    }


@pytest.mark.parametrize(
    "build",
    [
        pytest.param(
            lambda d, s: mint_session_token(s, d, ttl_seconds=60, now=time.time() - 65), id="exp-5s-ago"
        ),
        pytest.param(lambda d, s: mint_session_token(s, d, now=time.time() + 5), id="nbf-5s-ahead"),
        pytest.param(
            lambda d, s: signed(claims(d, s), s.shopify_api_secret_previous),  # rotation
            id="previous-secret",
        ),
        pytest.param(lambda d, s: signed(claims(d, s, iss=None), s.shopify_api_secret), id="no-iss"),
        pytest.param(lambda d, s: signed(claims(d, s, sid=None), s.shopify_api_secret), id="no-sid"),
        pytest.param(  # as Shopify's own test helper (getJwt) writes them: no scheme
            lambda d, s: signed(claims(d, s, iss=f"{d}/admin", dest=d), s.shopify_api_secret),
            id="iss-and-dest-without-scheme",
        ),
        pytest.param(
            lambda d, s: signed(claims(d, s, iss=f"{d}/admin"), s.shopify_api_secret),
            id="iss-without-scheme",
        ),
        pytest.param(lambda d, s: signed(claims(d, s, sub=None), s.shopify_api_secret), id="no-sub"),
        pytest.param(
            lambda d, s: signed(claims(d.upper(), s, dest=f"https://{d.upper()}"), s.shopify_api_secret),
            id="dest-upper-case",
        ),
    ],
)
async def test_tokens_accepted(shop, http, settings, build):
    result = await post_graphql(http, "{ shop { domain } }", token=build(shop.domain, settings))
    assert result == {"data": {"shop": {"domain": shop.domain}}}


RETRY_HEADER = "X-Shopify-Retry-Invalid-Session-Request"


@pytest.mark.parametrize(("build", "message"), [pytest.param(b, m, id=i) for i, b, m in REFUSED])
async def test_refused_tokens_answer_401_with_the_retry_header_and_change_nothing(
    shop, http, settings, build, message
):
    headers = build(shop.domain, settings)
    before = await shop.gql(SETTINGS)

    for query in ("{ shop { domain } }", UPDATE_SETTINGS):
        response = await http.post("/graphql", json={"query": query}, headers=headers)
        assert response.status_code == 401, response.text
        assert response.headers[RETRY_HEADER] == "1"
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
        result = response.json()
        assert "data" not in result, result
        error = only_error(result)
        assert message in error["message"]
        assert error["extensions"]["code"] == "UNAUTHENTICATED"

    assert await shop.gql(SETTINGS) == before
    assert await audit.list_recent(shop.id) == []


@pytest.mark.parametrize(("build", "message"), [pytest.param(b, m, id=i) for i, b, m in MISSING])
async def test_requests_without_a_token_are_refused_before_parsing_and_change_nothing(
    shop, http, settings, build, message
):
    """Nothing on /graphql answers a caller without a credential, so the document is not
    even parsed: 401 with the reason (no retry header: there is no token to refresh)."""
    headers = build(shop.domain, settings)
    before = await shop.gql(SETTINGS)

    for query in ("{ shop { domain } }", UPDATE_SETTINGS, "{ this is not GraphQL"):
        response = await http.post("/graphql", json={"query": query}, headers=headers)
        assert response.status_code == 401, response.text
        assert response.headers["www-authenticate"] == "Bearer"
        assert RETRY_HEADER not in response.headers  # nothing to retry with a fresh token
        result = response.json()
        assert "data" not in result
        error = only_error(result)
        assert message in error["message"]
        assert error["extensions"]["code"] == "UNAUTHENTICATED"

    assert await shop.gql(SETTINGS) == before
    assert await audit.list_recent(shop.id) == []


async def test_a_genuine_token_of_a_shop_not_installed_is_403_without_retry(shop, http, settings):
    """A fresh token would not help: the shop has not installed the app (or left it)."""
    token = mint_session_token(settings, "nobody-installed-this.myshopify.com")
    response = await http.post("/graphql", json={"query": UPDATE_SETTINGS}, headers=bearer(token))
    assert response.status_code == 403, response.text
    assert RETRY_HEADER not in response.headers
    error = only_error(response.json())
    assert (error["message"], error["extensions"]["code"]) == ("unknown shop", "FORBIDDEN")


async def test_refused_token_cannot_adjust_points(shop, http, settings, drain):
    await shop.webhook(
        "orders/create", payloads.order(1, subtotal="40.00", customer_body=payloads.customer(77))
    )
    await drain()
    gid = await customer_gid(shop, 77)
    expired = mint_session_token(settings, shop.domain, ttl_seconds=60, now=time.time() - 120)

    response = await http.post(
        "/graphql",
        json={"query": ADJUST, "variables": {"id": gid, "delta": -40, "reason": "r"}},
        headers=bearer(expired),
    )

    assert response.status_code == 401
    assert only_error(response.json())["extensions"]["code"] == "UNAUTHENTICATED"
    assert await balance_of(shop, gid) == (40, 40, 1)
    assert await audit.list_recent(shop.id) == []


async def test_with_introspection_open_anonymous_documents_run_and_fields_refuse(shop, settings):
    """LOYALNEST_INTROSPECTION=open: the schema is for anyone, so an anonymous document is
    parsed; every field that needs a principal is null with its own error."""
    async with serving(settings, introspection="open") as (url, _), httpx.AsyncClient(base_url=url) as http:
        schema = await post_graphql(http, "{ __schema { queryType { name } } }")
        assert schema["data"] == {"__schema": {"queryType": {"name": "Query"}}}
        result = await post_graphql(http, '{ customer(id: "Q3VzdG9tZXI6MQ") { id } }')
    assert result["data"] == {"customer": None}
    error = only_error(result)
    assert error["extensions"]["code"] == "UNAUTHENTICATED"
    assert error["message"] == "missing Authorization: Bearer <session token>"
    assert error["path"] == ["customer"]


async def test_each_request_gets_its_own_refusal_message(shop, http, settings):
    """The refusal message is per request: one client's credential problem never shows
    up in the answer to another."""
    expired = mint_session_token(settings, shop.domain, ttl_seconds=60, now=time.time() - 300)
    first = await http.post("/graphql", json={"query": "{ shop { domain } }"}, headers=bearer(expired))
    assert first.status_code == 401
    assert only_error(first.json())["message"] == "session token expired"

    second = await http.post("/graphql", json={"query": "{ shop { domain } }"})
    assert second.status_code == 401
    assert only_error(second.json())["message"] == "missing Authorization: Bearer <session token>"


async def test_a_token_accepted_before_is_refused_once_it_expires(shop, http, settings):
    """Verified tokens are remembered per process; their expiry is not."""
    # exp 8 s ago: still inside the 10 s leeway, so accepted (and remembered) now
    token = mint_session_token(settings, shop.domain, ttl_seconds=60, now=time.time() - 68)
    first = await post_graphql(http, "{ shop { domain } }", token=token)
    assert first["data"]["shop"]["domain"] == shop.domain
    await asyncio.sleep(2.5)  # past exp + leeway
    second = await http.post("/graphql", json={"query": "{ shop { domain } }"}, headers=bearer(token))
    assert second.status_code == 401
    assert second.headers[RETRY_HEADER] == "1"
    assert only_error(second.json())["message"] == "session token expired"


async def test_a_remembered_token_is_checked_again_after_a_secret_change(make_shop, http, settings):
    from loyalnest.http.auth import AuthError, authenticate_session_token

    other = await make_shop()
    token = other.token()
    assert (await authenticate_session_token(token, settings)).merchant_id == other.id
    rotated = settings.model_copy(
        update={
            "shopify_api_secret": "a-new-secret-of-enough-length-0123456789",
            "shopify_api_secret_previous": None,
        }
    )
    with pytest.raises(AuthError, match="signature is invalid"):
        await authenticate_session_token(token, rotated)
