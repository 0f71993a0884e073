"""/notifications/unsubscribe: the signed link in every customer email, without login.

- ``GET ?t=<token>``: a small confirmation page with a POST form. It changes nothing:
  mail scanners and link previews fetch every link in a message, and an unsubscribe
  they trigger would be a customer's choice they never made.
- ``POST ?t=<token>``: RFC 8058 one-click (the mail client posts
  ``List-Unsubscribe=One-Click`` to the ``List-Unsubscribe`` URL), or the page's form.
  Records the opt-out for that type and channel at once and answers 200.

A forged or malformed token is 400 with nothing changed; so is a token issued before
the customer's latest re-subscribe to that type (a replay of an old email's link).

The page speaks the message's language: the link carries it as ``lang`` (unsigned: it
only picks words). Only a shipped locale is taken (``de-AT`` -> ``de``); without a usable
``lang`` the browser's ``Accept-Language`` is asked, then English. Its words come from
the context's shipped phrases (plain text, escaped here); ``dir="rtl"`` for Arabic,
Hebrew and Persian.
"""

from __future__ import annotations

from html import escape
from urllib.parse import parse_qs, urlencode

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from loyalnest.contexts.notifications import api as notifications

MAX_BODY_BYTES = 4096
FALLBACK_LOCALE = "en"
# an Accept-Language header is read this far, this many languages at most
MAX_ACCEPT_LANGUAGE = 512
MAX_ACCEPT_ENTRIES = 16
_PAGE = """<!doctype html>
<html lang="{lang}" dir="{dir}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>{title}</title></head>
<body style="font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;color:#222">
<h1 style="font-size:1.4rem">{title}</h1>
<p>{message}</p>
{form}
</body></html>
"""  # noqa: E501


def _accepted(header: str) -> list[str]:
    """The languages of an Accept-Language header, most wanted first (q=0 and ``*``
    dropped; equal weights keep their order)."""
    weighted: list[tuple[float, int, str]] = []
    for index, entry in enumerate(header[:MAX_ACCEPT_LANGUAGE].split(",")[:MAX_ACCEPT_ENTRIES]):
        tag, _, params = entry.strip().partition(";")
        weight = 1.0
        name, _, value = params.strip().partition("=")
        if name.strip().lower() == "q":
            try:
                weight = float(value)
            except ValueError:
                continue
        if tag and tag != "*" and weight > 0:
            weighted.append((-weight, index, tag))
    return [tag for _, _, tag in sorted(weighted)]


def page_locale(request: Request) -> str:
    """The shipped locale the page speaks: ``lang``'s, else the browser's first one we
    ship, else English."""
    found = notifications.shipped_locale(request.query_params.get("lang"))
    if found is not None:
        return found
    for tag in _accepted(request.headers.get("accept-language", "")):
        found = notifications.shipped_locale(tag)
        if found is not None:
            return found
    return FALLBACK_LOCALE


def _page(locale: str, title: str, message: str, *, status: int = 200, form: str = "") -> HTMLResponse:
    body = _PAGE.format(
        lang=escape(locale, quote=True),
        dir="rtl" if notifications.is_rtl(locale) else "ltr",
        title=escape(title),
        message=escape(message),
        form=form,
    )
    headers = {"Cache-Control": "no-store", "Content-Language": locale}
    return HTMLResponse(body, status_code=status, headers=headers)


def _sentence(
    words: dict[str, str], key: str, locale: str, type_name: str | None, channel: str | None
) -> str:
    what = words["email"] if channel == "email" else words["sms"]
    topic = notifications.message_topic(locale, type_name)
    return words[key].replace("{channel}", what).replace("{topic}", topic)


def _refused(locale: str) -> HTMLResponse:
    words = notifications.unsubscribe_page_words(locale)
    return _page(locale, words["refused_title"], words["refused"], status=400)


async def unsubscribe_page(request: Request) -> Response:
    token = request.query_params.get("t", "")
    locale = page_locale(request)
    words = notifications.unsubscribe_page_words(locale)
    if request.method == "GET":
        found = notifications.read_unsubscribe_token(token)
        if not found.ok:
            return _refused(locale)
        action = "?" + urlencode({"t": token, "lang": locale})
        form = (
            f'<form method="post" action="{escape(action, quote=True)}">'
            '<input type="hidden" name="List-Unsubscribe" value="One-Click">'
            '<button type="submit" style="padding:.6rem 1.2rem;font-size:1rem">'
            f"{escape(words['button'])}</button></form>"
        )
        question = _sentence(words, "question", locale, found.type, found.channel)
        return _page(locale, words["title"], question, form=form)
    body = await request.body()
    if len(body) > MAX_BODY_BYTES:
        return Response(status_code=413)
    fields = parse_qs(body.decode("latin-1"))
    if fields.get("List-Unsubscribe") != ["One-Click"]:
        return _refused(locale)
    result = await notifications.unsubscribe(token)
    if not result.ok:
        return _refused(locale)
    return _page(locale, words["done_title"], _sentence(words, "done", locale, result.type, result.channel))
