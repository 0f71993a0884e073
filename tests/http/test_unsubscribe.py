"""GET/POST /notifications/unsubscribe through the real server: the page changes
nothing, the RFC 8058 one-click POST unsubscribes without login, forged tokens are 400."""

from __future__ import annotations

from urllib.parse import urlencode, urlparse

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


# --- the page speaks the message's language ------------------------------------------------


def _with_lang(path: str, lang: str) -> str:
    return f"{path}&{urlencode({'lang': lang})}"


def _lang(page_text: str) -> tuple[str, str]:
    """The page's (lang, dir)."""
    head = page_text.split("<head>", 1)[0]
    lang = head.split('lang="', 1)[1].split('"', 1)[0]
    direction = head.split('dir="', 1)[1].split('"', 1)[0]
    return lang, direction


async def test_the_page_and_its_answer_in_the_messages_language(http, shop) -> None:
    cases = {
        # locale: (words on the page, words after the one-click POST, direction)
        "de": (["Abmelden", "Keine E-Mails mehr", "deine Prämiencodes"], ["Du bist abgemeldet"], "ltr"),
        "ja": (["配信を停止する", "特典コード", "メール"], ["配信を停止しました", "今後、特典コード"], "ltr"),
        "ar": (["إلغاء الاشتراك", "رموز مكافآتك"], ["تم إلغاء اشتراكك", "لن تتلقى"], "rtl"),
    }
    for locale, (asked, answered, direction) in cases.items():
        customer = await make_customer(shop.id)
        url = notifications.unsubscribe_url(shop.id, customer, "reward_issued", "email", locale=locale)
        assert f"lang={locale}" in url
        page = await http.get(_path(url))
        assert page.status_code == 200
        assert _lang(page.text) == (locale, direction)
        assert page.headers["content-language"] == locale
        for words in asked:
            assert words in page.text, (locale, words)
        assert ">Unsubscribe<" not in page.text
        assert "Stop receiving" not in page.text
        # the form posts back in the same language
        assert 'action="?t=' in page.text
        assert f"&amp;lang={locale}" in page.text
        assert await _subscribed(shop.id, customer)

        done = await http.post(_path(url), content=b"List-Unsubscribe=One-Click", headers=ONE_CLICK)
        assert done.status_code == 200
        assert _lang(done.text) == (locale, direction)
        for words in answered:
            assert words in done.text, (locale, words)
        assert not await _subscribed(shop.id, customer)


async def test_sms_and_other_types_name_their_channel_and_topic(http, shop) -> None:
    customer = await make_customer(shop.id)
    url = notifications.unsubscribe_url(shop.id, customer, "points_expiring", "sms", locale="pl")
    page = await http.get(_path(url))
    assert "SMS-ów" in page.text
    assert "wygasające punkty" in page.text
    url = notifications.unsubscribe_url(shop.id, customer, "birthday", "email", locale="he")
    page = await http.get(_path(url))
    assert _lang(page.text) == ("he", "rtl")
    assert "ברכות ליום ההולדת" in page.text


async def test_the_refusal_is_localised(http, shop) -> None:
    customer = await make_customer(shop.id)
    url = notifications.unsubscribe_url(shop.id, customer, "reward_issued", "email", locale="de")
    forged = _path(url).replace("t=", "t=AAA", 1)
    refused = await http.get(forged)
    assert refused.status_code == 400
    assert "Dieser Link funktioniert nicht" in refused.text
    assert _lang(refused.text) == ("de", "ltr")
    # a POST without the RFC 8058 body, in Persian
    url = notifications.unsubscribe_url(shop.id, customer, "reward_issued", "email", locale="fa")
    refused = await http.post(_path(url), content=b"", headers=ONE_CLICK)
    assert refused.status_code == 400
    assert _lang(refused.text) == ("fa", "rtl")
    assert "این پیوند کار نمی‌کند" in refused.text
    # no token at all, with a language
    refused = await http.get("/notifications/unsubscribe?lang=ja")
    assert refused.status_code == 400
    assert "このリンクは無効です" in refused.text
    assert await _subscribed(shop.id, customer)


async def test_unknown_or_hostile_languages_fall_back_safely(http, shop) -> None:
    customer = await make_customer(shop.id)
    path = _path(notifications.unsubscribe_url(shop.id, customer, "reward_issued", "email"))
    assert "lang=" not in path  # no locale given: none in the link
    hostile = '"><script>alert(1)</script>'
    for lang, expected in [
        (hostile, "en"),
        ("xx", "en"),
        ("de-AT", "de"),  # the language of a regional tag we do not ship
        ("zh-cn", "zh-CN"),
        ("pt_BR", "pt"),
        ("e" * 5000, "en"),
        ("", "en"),
    ]:
        page = await http.get(_with_lang(path, lang))
        assert page.status_code == 200, lang
        assert _lang(page.text) == (expected, "ltr"), lang
        assert "<script>" not in page.text
        assert "alert(1)" not in page.text  # the value is never written back, escaped or not
    # a hostile value in the one-click POST's URL does not stop the unsubscribe
    done = await http.post(
        _with_lang(path, hostile), content=b"List-Unsubscribe=One-Click", headers=ONE_CLICK
    )
    assert done.status_code == 200
    assert _lang(done.text) == ("en", "ltr")
    assert "<script>" not in done.text
    assert not await _subscribed(shop.id, customer)


async def test_the_browsers_language_when_the_link_has_none(http, shop) -> None:
    customer = await make_customer(shop.id)
    path = _path(notifications.unsubscribe_url(shop.id, customer, "reward_issued", "email"))
    for header, expected in [
        ("fr-CA,fr;q=0.9,en;q=0.8", "fr"),
        ("xx, tlh;q=0.9, pl;q=0.5", "pl"),  # the first one we ship
        ("de;q=0, en;q=0.2, ja;q=0.7", "ja"),  # by weight; q=0 is "not this one"
        ("he-IL", "he"),
        ("*", "en"),
        ("q=;;,,", "en"),
    ]:
        page = await http.get(path, headers={"Accept-Language": header})
        assert _lang(page.text)[0] == expected, header
    # the link's lang wins over the browser's
    page = await http.get(_with_lang(path, "ko"), headers={"Accept-Language": "de"})
    assert _lang(page.text)[0] == "ko"
    assert "수신 거부" in page.text
    # a lang we do not ship: the browser's, before English
    page = await http.get(_with_lang(path, "xx"), headers={"Accept-Language": "sv"})
    assert _lang(page.text)[0] == "sv"
