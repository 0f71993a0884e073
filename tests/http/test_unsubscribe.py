"""GET/POST /notifications/unsubscribe through the real server: the page changes
nothing, the RFC 8058 one-click POST unsubscribes without login, forged tokens are 400."""

from __future__ import annotations

from urllib.parse import urlparse

from loyalnest.contexts.notifications import api as notifications
from tests.contexts.notifications.support import make_customer

ONE_CLICK = {"Content-Type": "application/x-www-form-urlencoded"}


def _path(url: str) -> str:
    parsed = urlparse(url)
    return f"{parsed.path}?{parsed.query}"


async def _subscribed(shop_id: int, customer: int) -> bool:
    prefs = await notifications.get_preferences(shop_id, customer)
    return next(p.subscribed for p in prefs if (p.type, p.channel) == ("reward_issued", "email"))


async def test_the_page_then_the_one_click_post(http, shop) -> None:
    customer = await make_customer(shop.id)
    path = _path(notifications.unsubscribe_url(shop.id, customer, "reward_issued", "email"))
    page = await http.get(path)
    assert page.status_code == 200
    assert '<form method="post"' in page.text
    assert await _subscribed(shop.id, customer)  # a GET (a mail scanner) changes nothing

    done = await http.post(path, content=b"List-Unsubscribe=One-Click", headers=ONE_CLICK)
    assert done.status_code == 200
    assert not await _subscribed(shop.id, customer)
    again = await http.post(path, content=b"List-Unsubscribe=One-Click", headers=ONE_CLICK)
    assert again.status_code == 200


async def test_forged_or_incomplete_requests_are_refused(http, shop) -> None:
    customer = await make_customer(shop.id)
    path = _path(notifications.unsubscribe_url(shop.id, customer, "reward_issued", "email"))
    forged = path[:-3] + ("AAA" if not path.endswith("AAA") else "BBB")
    assert (await http.get(forged)).status_code == 400
    assert (
        await http.post(forged, content=b"List-Unsubscribe=One-Click", headers=ONE_CLICK)
    ).status_code == 400
    # a POST without the RFC 8058 body is not a one-click unsubscribe
    assert (await http.post(path, content=b"", headers=ONE_CLICK)).status_code == 400
    assert (await http.get("/notifications/unsubscribe")).status_code == 400
    assert await _subscribed(shop.id, customer)
