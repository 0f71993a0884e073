"""The privacy context's two links, without login (the signed token is the credential):

- ``GET /privacy/exports/{token}``: a data request's archive (zip), through the link
  staff read in ``privacyRequest.export.downloadUrl`` and in their email (and the
  customer, in theirs, when they asked). A token that is malformed, forged, expired,
  or names an archive that is gone: 404, the same for all. Otherwise 200, an
  attachment, ``no-store`` (it holds personal data: no cache may keep it), and the
  download is audited.
- ``GET /privacy/confirm/{token}``: the page the customer's confirmation email links
  to, saying what the request will do, with a button that POSTs; it changes nothing
  (mail scanners fetch every link, and an erasure they triggered would be a choice the
  customer never made).
  ``POST``: confirms the request, which goes to work at once. A forged or expired
  link is 404; a link used already (a replay) or a request expired is 410, for GET and
  POST alike; nothing changes then.

Logs carry request ids and sizes only: never a token (it is the key) nor any content.
"""

from __future__ import annotations

import logging
from html import escape

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from loyalnest.contexts.privacy import api as privacy

log = logging.getLogger(__name__)

_NO_STORE = {"Cache-Control": "no-store", "X-Robots-Tag": "noindex", "Referrer-Policy": "no-referrer"}
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
_FORM = (
    '<form method="post"><button type="submit" style="font-size:1rem;padding:.6rem 1.2rem">'
    "{label}</button></form>"
)
# a refusal's HTTP status by its code
_STATUS = {"invalid": 404, "expired": 410, "used": 410}


def _page(title: str, message: str, *, form: str = "", status: int = 200) -> HTMLResponse:
    return HTMLResponse(
        _PAGE.format(title=escape(title), message=escape(message), form=form),
        status_code=status,
        headers=_NO_STORE,
    )


async def download_export(request: Request) -> Response:
    download = await privacy.export_download(request.path_params["token"])
    if download is None:
        return Response("not found\n", status_code=404, media_type="text/plain", headers=_NO_STORE)
    await privacy.note_download(download.merchant_id, download.request_id)
    log.info(
        "data export downloaded", extra={"request_id": download.request_id, "bytes": len(download.content)}
    )
    return Response(
        download.content,
        media_type="application/zip",
        headers={**_NO_STORE, "Content-Disposition": f'attachment; filename="{download.filename}"'},
    )


def _ask(request_type: str) -> HTMLResponse:
    """The page a GET shows: what the button will do, said before it is pressed."""
    if request_type == "customer_redact":
        return _page(
            "Confirm the erasure of your data",
            "You asked the shop's loyalty program to erase the personal data it holds about you. "
            "This closes your loyalty account: your points, and any points still pending, are lost, "
            "and your unused reward codes and your referral link stop working. It cannot be undone. "
            "If you did not ask, close this page and nothing happens.",
            form=_FORM.format(label="Erase my data"),
        )
    return _page(
        "Confirm your request for a copy of your data",
        "You asked the shop's loyalty program for a copy of the personal data it holds about you. "
        "Press the button to confirm; if you did not ask, close this page and nothing happens.",
        form=_FORM.format(label="Send me my data"),
    )


async def confirm_request(request: Request) -> Response:
    token = request.path_params["token"]
    try:
        if request.method == "GET":
            return _ask(await privacy.link_request(token))
        confirmed = await privacy.confirm_link(token)
    except privacy.LinkRefused as exc:
        message = exc.message[:1].upper() + exc.message[1:] + "."
        return _page("This link cannot be used", message, status=_STATUS[exc.reason])
    log.info("privacy request confirmed", extra={"request_id": confirmed.id, "type": confirmed.type})
    done = (
        "Your data will be erased and your loyalty account closed shortly."
        if confirmed.type == "customer_redact"
        else "We are preparing a copy of your data; we will email you a download link when it is ready."
    )
    return _page("Request confirmed", done)


export_download_route = Route("/privacy/exports/{token}", download_export, methods=["GET"])
confirm_route = Route("/privacy/confirm/{token}", confirm_request, methods=["GET", "POST"])
