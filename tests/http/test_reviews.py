"""POST /webhooks/reviews/{provider}: review apps' webhooks, signed with the shop's
review-webhook secret. A published product review earns the review rule's points once
per product per customer; every refusal stores and awards nothing."""

from __future__ import annotations

import base64
import hashlib
import hmac
import uuid
from typing import Any

import orjson
import pytest

from tests import payloads
from tests.contexts.earning.conftest import earnings, set_rule
from tests.contexts.earning.review_payloads import judgeme, yotpo
from tests.contexts.support import ledger_rows

SECRET_QUERY = "{ reviewWebhook { secret signatureHeader endpoints { provider path } } }"
_ids = iter(range(90_000, 10**9))


async def secret_of(shop) -> str:
    result = await shop.gql(SECRET_QUERY)
    return result["data"]["reviewWebhook"]["secret"]


def sign(secret: str, body: bytes, *, hex_digest: bool = False) -> str:
    digest = hmac.new(secret.encode(), body, hashlib.sha256).digest()
    return digest.hex() if hex_digest else base64.b64encode(digest).decode()


async def post_review(
    shop,
    provider: str,
    body: dict[str, Any] | bytes,
    *,
    secret: str | None = None,
    signature: str | None = None,
    shop_param: str | None = None,
    headers: dict[str, str] | None = None,
    hex_digest: bool = False,
):
    raw = body if isinstance(body, bytes) else orjson.dumps(body)
    sent = {"Content-Type": "application/json", **(headers or {})}
    if signature is None and secret is not None:
        signature = sign(secret, raw, hex_digest=hex_digest)
    if signature is not None:
        sent["X-LoyalNest-Hmac-Sha256"] = signature
    params = {} if shop_param == "" else {"shop": shop_param or shop.domain}
    return await shop.http.post(f"/webhooks/reviews/{provider}", content=raw, params=params, headers=sent)


@pytest.fixture
async def program_shop(make_shop):
    return await make_shop(shipped_program=True)


@pytest.fixture
async def reviewer(program_shop, drain):
    """A customer of the shop (known by email) and the shop's secret."""
    sid = next(_ids)
    body = payloads.customer(sid, email=f"Reviewer{sid}@Example.com", marketing="not_subscribed")
    assert (await program_shop.webhook("customers/create", body)).status_code == 200
    await drain()
    return sid, f"reviewer{sid}@example.com", await secret_of(program_shop)


def _judgeme(email: str, *, review_id: int = 1, product: int = 7001, **overrides) -> dict:
    return judgeme(id=review_id, product_external_id=product, reviewer={"email": email}, **overrides)


def _yotpo(email: str, *, review_id: str = "219", product: str = "sku-77", **overrides) -> dict:
    return yotpo(id=review_id, external_product_id=product, customer_email=email, **overrides)


async def _reviews(shop, sid) -> list[int]:
    return [points for source, points in await earnings(shop.id, sid) if source == "review"]


async def test_a_published_review_earns_once_per_product(program_shop, reviewer):
    sid, email, secret = reviewer
    first = await post_review(program_shop, "judgeme", _judgeme(email), secret=secret)
    assert (first.status_code, first.json()) == (200, {"status": "awarded"})
    # the same review again, and a second review of the same product
    again = await post_review(program_shop, "judgeme", _judgeme(email), secret=secret)
    second = await post_review(program_shop, "judgeme", _judgeme(email, review_id=2), secret=secret)
    assert again.json() == second.json() == {"status": "already_awarded"}
    # another product earns again (through Yotpo this time)
    other = await post_review(program_shop, "yotpo", _yotpo(email.upper(), product="7002"), secret=secret)
    assert other.json() == {"status": "awarded"}
    assert await _reviews(program_shop, sid) == [100, 100]
    refs = [r["source_ref"] for r in await ledger_rows(program_shop.id) if r["source"] == "review"]
    assert refs == ["product:7001", "product:7002"]


async def test_judgeme_and_yotpo_reviews_of_one_product_earn_once(program_shop, reviewer):
    sid, email, secret = reviewer
    await post_review(program_shop, "judgeme", _judgeme(email, product=55), secret=secret)
    answer = await post_review(program_shop, "yotpo", _yotpo(email, product="55"), secret=secret)
    assert answer.json() == {"status": "already_awarded"}
    assert await _reviews(program_shop, sid) == [100]


async def test_hex_signatures_and_the_shop_header_work_too(program_shop, reviewer):
    sid, email, secret = reviewer
    answer = await post_review(
        program_shop,
        "yotpo",
        _yotpo(email),
        secret=secret,
        hex_digest=True,
        shop_param="",
        headers={"X-LoyalNest-Shop-Domain": program_shop.domain.upper()},
    )
    assert (answer.status_code, answer.json()) == (200, {"status": "awarded"})
    assert await _reviews(program_shop, sid) == [100]


@pytest.mark.parametrize(
    ("provider", "body", "status"),
    [
        ("judgeme", lambda e: _judgeme(e, published=False), "not_published"),
        ("judgeme", lambda e: _judgeme(e, hidden=True), "not_published"),
        ("yotpo", lambda e: _yotpo(e, deleted="true"), "not_published"),
        ("yotpo", lambda e: _yotpo(e, product="yotpo_site_reviews"), "store_review"),
        ("judgeme", lambda e: _judgeme("stranger@example.com"), "unknown_reviewer"),
    ],
)
async def test_reviews_that_earn_nothing_are_still_accepted(program_shop, reviewer, provider, body, status):
    sid, email, secret = reviewer
    answer = await post_review(program_shop, provider, body(email), secret=secret)
    assert (answer.status_code, answer.json()) == (200, {"status": status})
    assert await _reviews(program_shop, sid) == []


async def test_rule_switched_off_earns_nothing(program_shop, reviewer):
    sid, email, secret = reviewer
    await set_rule(program_shop, "REVIEW", enabled=False)
    answer = await post_review(program_shop, "judgeme", _judgeme(email), secret=secret)
    assert answer.json() == {"status": "rule_disabled"}
    await set_rule(program_shop, "REVIEW", enabled=True, points=40)
    answer = await post_review(program_shop, "judgeme", _judgeme(email), secret=secret)
    assert answer.json() == {"status": "awarded"}
    assert await _reviews(program_shop, sid) == [40]


def _forged(secret: str, raw: bytes) -> str:
    return sign(secret + "x", raw)


@pytest.mark.parametrize(
    "signature",
    [
        None,  # missing
        "",
        "not-a-signature",
        "sha256=" + "00" * 32,
        "forged",  # made with another secret (below)
        "tampered",  # the right secret over another body (below)
    ],
)
async def test_forged_or_missing_signatures_are_401_and_award_nothing(program_shop, reviewer, signature):
    sid, email, secret = reviewer
    body = _judgeme(email)
    raw = orjson.dumps(body)
    if signature == "forged":
        signature = _forged(secret, raw)
    elif signature == "tampered":
        signature = sign(secret, orjson.dumps(_judgeme(email, review_id=99)))
    answer = await post_review(program_shop, "judgeme", raw, signature=signature)
    assert answer.status_code == 401, answer.text
    assert await _reviews(program_shop, sid) == []


async def test_another_shops_secret_does_not_sign_for_this_shop(program_shop, make_shop, reviewer):
    sid, email, _ = reviewer
    other = await make_shop(shipped_program=True)
    answer = await post_review(program_shop, "judgeme", _judgeme(email), secret=await secret_of(other))
    assert answer.status_code == 401
    # nor does this shop's secret make the other shop accept it
    mine = await secret_of(program_shop)
    answer = await post_review(program_shop, "judgeme", _judgeme(email), secret=mine, shop_param=other.domain)
    assert answer.status_code == 401
    assert await _reviews(program_shop, sid) == []


async def _forget_secret(shop) -> None:
    """A shop installed before secrets were made at install: it has none."""
    from sqlalchemy import text

    from loyalnest.platform.uow import unit_of_work

    async with unit_of_work() as uow:
        await uow.session.execute(
            text("DELETE FROM review_webhook_secrets WHERE merchant_id = :m"), {"m": shop.id}
        )


async def _secret_rows(shop) -> int:
    from tests.contexts.support import scalar

    return int(await scalar("SELECT count(*) FROM review_webhook_secrets WHERE merchant_id = :m", m=shop.id))


async def test_a_shop_that_never_made_a_secret_accepts_nothing(make_shop):
    shop = await make_shop(shipped_program=True)
    await _forget_secret(shop)
    raw = orjson.dumps(_judgeme("a@example.com"))
    answer = await post_review(shop, "judgeme", raw, signature=sign("", raw))
    assert answer.status_code == 401


async def test_the_secret_is_made_at_install_and_reading_it_writes_nothing(make_shop):
    shop = await make_shop()
    assert await _secret_rows(shop) == 1  # made by the install, before anyone asked
    first = await secret_of(shop)
    assert await secret_of(shop) == first


async def test_reading_a_missing_secret_creates_none_and_the_mutation_makes_it(make_shop):
    shop = await make_shop()
    await _forget_secret(shop)
    for _ in range(2):
        result = await shop.gql("{ shop { domain } reviewWebhook { secret } }")
        assert result == {"data": {"shop": {"domain": shop.domain}, "reviewWebhook": None}}
    assert await _secret_rows(shop) == 0  # a query has no side effect
    made = await shop.gql(
        "mutation { rotateReviewWebhookSecret { reviewWebhook { secret rotatedAt } userErrors { code } } }"
    )
    payload = made["data"]["rotateReviewWebhookSecret"]
    assert payload["userErrors"] == []
    assert payload["reviewWebhook"]["rotatedAt"] is None
    assert await secret_of(shop) == payload["reviewWebhook"]["secret"]


async def test_rotation_replaces_the_secret_at_once(program_shop, reviewer):
    _sid, email, old = reviewer
    result = await program_shop.gql(
        "mutation { rotateReviewWebhookSecret { reviewWebhook { secret } userErrors { code } } }"
    )
    new = result["data"]["rotateReviewWebhookSecret"]["reviewWebhook"]["secret"]
    assert new != old
    assert len(new) >= 40
    assert (await post_review(program_shop, "judgeme", _judgeme(email), secret=old)).status_code == 401
    answer = await post_review(program_shop, "judgeme", _judgeme(email), secret=new)
    assert answer.json() == {"status": "awarded"}
    assert await secret_of(program_shop) == new


async def test_body_over_1_mib_is_413(program_shop, reviewer):
    sid, email, secret = reviewer
    body = _judgeme(email, body="x" * (1024 * 1024))
    answer = await post_review(program_shop, "judgeme", body, secret=secret)
    assert answer.status_code == 413
    assert await _reviews(program_shop, sid) == []


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"{not json", "not valid JSON"),
        (b"[1, 2]", "body is not an object"),
        (orjson.dumps(_judgeme("a@example.com", review_id=None)), "review id is missing"),
        (orjson.dumps(_judgeme("a@example.com", product=None)), "product id is missing"),
        (orjson.dumps(judgeme(reviewer={})), "reviewer email is missing"),
        (orjson.dumps(_judgeme("a@example.com", rating=11)), "rating"),
    ],
)
async def test_malformed_bodies_are_400(program_shop, reviewer, raw, message):
    sid, _, secret = reviewer
    answer = await post_review(program_shop, "judgeme", raw, secret=secret)
    assert answer.status_code == 400
    assert message in answer.json()["error"]
    assert await _reviews(program_shop, sid) == []


async def test_unknown_shop_provider_or_missing_shop(program_shop, reviewer):
    _, email, secret = reviewer
    unknown = await post_review(
        program_shop, "judgeme", _judgeme(email), secret=secret, shop_param="nope.myshopify.com"
    )
    assert unknown.status_code == 404
    provider = await post_review(program_shop, "stamped", _judgeme(email), secret=secret)
    assert provider.status_code == 404
    missing = await post_review(program_shop, "judgeme", _judgeme(email), secret=secret, shop_param="")
    assert missing.status_code == 400
    get = await program_shop.http.get(f"/webhooks/reviews/judgeme?shop={program_shop.domain}")
    assert get.status_code == 405


async def test_unknown_shops_are_not_remembered(program_shop, reviewer):
    """A ?shop= chosen by an unauthenticated caller must leave nothing behind: every
    remembered miss would be memory anyone can fill."""
    from loyalnest.contexts.merchants import queries as merchant_queries

    _, email, secret = reviewer
    domains = [f"probe{uuid.uuid4().hex[:12]}.myshopify.com" for _ in range(20)]
    for domain in domains:
        answer = await post_review(program_shop, "judgeme", _judgeme(email), secret=secret, shop_param=domain)
        assert answer.status_code == 404
    assert not [domain for domain in domains if domain in merchant_queries._domain_cache]


@pytest.mark.parametrize(
    ("shop_param", "signature", "status"),
    [
        ("evil.example.com", "sha256=" + "00" * 32, 400),  # not a shop domain
        ("x" * 5000 + ".myshopify.com", "sha256=" + "00" * 32, 400),
        ("{shop}", "not-a-signature", 401),  # no HMAC-SHA256 could look like that
        ("{shop}", "a" * 10_000, 401),
    ],
)
async def test_what_can_be_refused_without_the_database_is_refused_before_any_lookup(
    program_shop, reviewer, monkeypatch, shop_param, signature, status
):
    from loyalnest.contexts.merchants import queries as merchant_queries

    _, email, _ = reviewer
    lookups: list[str] = []
    real = merchant_queries.get_by_domain

    async def counting(domain: str):
        lookups.append(domain)
        return await real(domain)

    monkeypatch.setattr(merchant_queries, "get_by_domain", counting)
    merchant_queries.forget_domain(program_shop.domain)
    answer = await post_review(
        program_shop,
        "judgeme",
        _judgeme(email),
        signature=signature,
        shop_param=shop_param.replace("{shop}", program_shop.domain),
    )
    assert answer.status_code == status, answer.text
    assert lookups == []
