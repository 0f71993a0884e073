"""``GET /proxy/r/{code}``: a referral link as Shopify's app proxy forwards it, through
the real HTTP server. Signed requests redirect (302, no-store) and count a click;
tampered ones are refused (400) and unknown, foreign or switched-off codes answer 404,
with nothing counted; one visitor's thousand clicks in a minute count once as a visitor
and up to the per-minute limit as clicks; warm, the route sends no SQL at all."""

from __future__ import annotations

import time
from urllib.parse import quote

from tests.contexts.points.helpers import execute
from tests.contexts.referrals.link_support import (
    daily,
    flush,
    forget_cached_links,
    program_with_advocate,
    set_program,
)
from tests.graphql.conftest import count_statements, proxy_params

VISITOR = {"X-Forwarded-For": "198.51.100.23, 10.0.0.1", "User-Agent": "Mozilla/5.0 (test)"}


async def click(http, settings, shop, code, *, headers=None, **signing):
    params = proxy_params(settings, shop.domain, None, **signing)
    return await http.get(f"/proxy/r/{code}", params=params, headers=headers or VISITOR)


async def test_a_link_redirects_to_the_shop_and_counts_the_click(shop, http, settings, drain):
    advocate_id, code = await program_with_advocate(shop)
    response = await click(http, settings, shop, code)
    assert response.status_code == 302, response.text
    assert response.headers["location"] == f"https://{shop.domain}/?ref={code}"
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["referrer-policy"] == "strict-origin-when-cross-origin"
    await flush(drain)
    [row] = await daily(shop)
    assert (row["advocate_customer_id"], row["clicks"], row["unique_visitors"]) == (advocate_id, 1, 1)


async def test_with_its_link_discount_the_redirect_applies_it(shop, http, settings):
    advocate_id, code = await program_with_advocate(shop)
    await execute(
        "update referral_codes set link_discount_state = 'created'"
        " where merchant_id = :m and customer_id = :c",
        m=shop.id,
        c=advocate_id,
    )
    forget_cached_links()
    response = await click(http, settings, shop, code.lower())
    assert response.status_code == 302
    assert response.headers["location"] == (
        f"https://{shop.domain}/discount/REF-{code}?redirect={quote(f'/?ref={code}', safe='')}"
    )


async def test_tampered_or_stale_requests_are_refused_and_count_nothing(shop, http, settings, drain):
    _, code = await program_with_advocate(shop)
    params = proxy_params(settings, shop.domain, None)
    forged = {**params, "signature": "0" * 64}
    moved = {**params, "timestamp": str(int(params["timestamp"]) + 1)}  # signed value changed
    extra = {**params, "logged_in_customer_id": "7"}  # a parameter Shopify signed differently
    for query in (forged, moved, extra, {k: v for k, v in params.items() if k != "signature"}):
        response = await http.get(f"/proxy/r/{code}", params=query, headers=VISITOR)
        assert response.status_code == 400, (query, response.text)
        assert "location" not in response.headers
    stale = await click(http, settings, shop, code, timestamp=time.time() - 3600)
    assert stale.status_code == 400
    wrong_secret = await click(http, settings, shop, code, secret="not-the-app-secret")
    assert wrong_secret.status_code == 400
    await flush(drain)
    assert await daily(shop) == []


async def test_unknown_foreign_and_switched_off_codes_are_404_and_count_nothing(
    shop, make_shop, http, settings, drain
):
    _, _code = await program_with_advocate(shop)
    other = await make_shop()
    _, other_code = await program_with_advocate(other, 777)
    for unknown in ("ZZZZZZZ", "0OIL1", other_code):
        response = await click(http, settings, shop, unknown)
        assert response.status_code == 404, unknown
        assert "does not work" in response.text
        assert response.headers["cache-control"] == "no-store"

    off = await make_shop()
    _, off_code = await program_with_advocate(off, 778)
    await set_program(off, enabled=False)
    assert (await click(http, settings, off, off_code)).status_code == 404

    await flush(drain)
    assert await daily(shop) == []
    assert await daily(other) == []
    assert await daily(off) == []


async def test_a_thousand_clicks_from_one_visitor_are_all_redirected_but_counted_once(
    shop, http, settings, drain
):
    _, code = await program_with_advocate(shop)
    statuses = set()
    for _ in range(1000):
        statuses.add((await click(http, settings, shop, code)).status_code)
    assert statuses == {302}
    await flush(drain)
    [row] = await daily(shop)
    # the minute may turn during the loop: at most two windows' worth
    limit = settings.referral_click_limit_per_minute
    assert row["unique_visitors"] == 1
    assert limit <= row["clicks"] <= 2 * limit


async def test_a_warm_link_sends_no_sql(shop, http, settings):
    _, code = await program_with_advocate(shop)
    assert (await click(http, settings, shop, code)).status_code == 302  # fills the caches
    with count_statements() as statements:
        for _ in range(3):
            assert (await click(http, settings, shop, code)).status_code == 302
    assert statements == []
    # a cold process finds the link in Redis; it reads only the shop's salt and
    # timezone (once per process and shop), never the link itself
    forget_cached_links()
    with count_statements() as statements:
        assert (await click(http, settings, shop, code)).status_code == 302
    assert len(statements) <= 3  # the shop's salt and timezone, once per process


async def test_a_link_shared_with_tracking_parameters_still_works(shop, http, settings):
    """Facebook appends ``fbclid`` to shared links and newsletters ``utm_*``: Shopify
    signs them with the rest, and the link must still redirect."""
    _, code = await program_with_advocate(shop)
    extra = {"fbclid": "IwAR0abc-XYZ_123", "utm_source": "newsletter", "utm_campaign": "spring"}
    response = await click(http, settings, shop, code, extra=extra)
    assert response.status_code == 302, response.text


async def test_parameters_that_could_move_a_signed_boundary_are_refused(shop, http, settings, drain):
    """An extra name ending with one of Shopify's (``xshop``), one that is the end of
    one (``op`` after a value ending in ``sh``), or a value holding ``shop=`` could make
    a signed string verify under another cut: refused even when signed, nothing counted."""
    _, code = await program_with_advocate(shop)
    for extra in (
        {"xshop": "evil.myshopify.com"},
        {"op": "1"},
        {"utm_source": "a&shop=evil"},
        {"Fbclid": "1"},
    ):
        response = await click(http, settings, shop, code, extra=extra)
        assert response.status_code == 400, (extra, response.text)
    await flush(drain)
    assert await daily(shop) == []
