"""/notifications/unsubscribe: the signed link in every customer email, without login.

- ``GET ?t=<token>``: a small confirmation page with a POST form. It changes nothing:
  mail scanners and link previews fetch every link in a message, and an unsubscribe
  they trigger would be a customer's choice they never made.
- ``POST ?t=<token>``: RFC 8058 one-click (the mail client posts
  ``List-Unsubscribe=One-Click`` to the ``List-Unsubscribe`` URL), or the page's form.
  Records the opt-out for that type and channel at once and answers 200.

A forged or malformed token is 400 with nothing changed; so is a token issued before
the customer's latest re-subscribe to that type (a replay of an old email's link).
"""

from __future__ import annotations

from html import escape
from urllib.parse import parse_qs

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from loyalnest.contexts.notifications import api as notifications

MAX_BODY_BYTES = 4096
_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>{title}</title></head>
<body style="font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;color:#222">
<h1 style="font-size:1.4rem">{title}</h1>
<p>{message}</p>
{form}
</body></html>
"""  # noqa: E501


def _page(title: str, message: str, *, status: int = 200, form: str = "") -> HTMLResponse:
    body = _PAGE.format(title=escape(title), message=escape(message), form=form)
    return HTMLResponse(body, status_code=status, headers={"Cache-Control": "no-store"})


def _what(type_name: str | None) -> str:
    found = next((t for t in notifications.message_types() if t.name == type_name), None)
    return found.topic or found.description.rstrip(".").lower() if found else "these messages"


def _refused() -> HTMLResponse:
    return _page(
        "This link does not work",
        "The unsubscribe link is not valid (it may have been changed, or replaced by a newer one). "
        "Use the link in a recent message, or manage your preferences in your account.",
        status=400,
    )


async def unsubscribe_page(request: Request) -> Response:
    token = request.query_params.get("t", "")
    if request.method == "GET":
        found = notifications.read_unsubscribe_token(token)
        if not found.ok:
            return _refused()
        form = (
            f'<form method="post" action="?t={escape(token, quote=True)}">'
            '<input type="hidden" name="List-Unsubscribe" value="One-Click">'
            '<button type="submit" style="padding:.6rem 1.2rem;font-size:1rem">Unsubscribe</button></form>'
        )
        channel = "emails" if found.channel == "email" else "text messages"
        return _page("Unsubscribe", f"Stop receiving {channel} about: {_what(found.type)}?", form=form)
    body = await request.body()
    if len(body) > MAX_BODY_BYTES:
        return Response(status_code=413)
    fields = parse_qs(body.decode("latin-1"))
    if fields.get("List-Unsubscribe") != ["One-Click"]:
        return _refused()
    result = await notifications.unsubscribe(token)
    if not result.ok:
        return _refused()
    channel = "emails" if result.channel == "email" else "text messages"
    return _page(
        "You are unsubscribed", f"You will not receive {channel} about {_what(result.type)} any more."
    )
