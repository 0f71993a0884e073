"""``GET /imports/exports/{token}``: a customer export's file (the customers, or their
points history), through the signed link ``export.downloadUrl`` /
``historyDownloadUrl`` hands out (no session: the token is the credential, valid an
hour and never past the export's expiry).

- A token that is malformed, forged, expired, of another purpose, or naming an export
  that is not completed, expired, or has no such file: 404, the same for all.
- Otherwise 200, ``text/csv`` as an attachment named after the export, ``no-store``
  (every customer's personal data: no cache may keep it) and ``noindex``; the file is
  decrypted as it streams out (memory stays flat whatever its size), and the download
  is audited.

Logs carry the export id only: never the token (it is the key) nor any content."""

from __future__ import annotations

import logging

from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route

from loyalnest.contexts.imports import export_api as exports

log = logging.getLogger(__name__)

_NO_STORE = {"Cache-Control": "no-store", "X-Robots-Tag": "noindex", "Referrer-Policy": "no-referrer"}


async def download_customer_export(request: Request) -> Response:
    download = await exports.open_download(request.path_params["token"])
    if download is None:
        return Response("not found\n", status_code=404, media_type="text/plain", headers=_NO_STORE)
    await exports.note_download(download)
    log.info("customer export downloaded", extra={"export_id": download.export_id, "file": download.file})
    return StreamingResponse(
        download.chunks,
        media_type="text/csv; charset=utf-8",
        headers={**_NO_STORE, "Content-Disposition": f'attachment; filename="{download.filename}"'},
    )


# mounted by the app beside the other routes
customer_export_download_route = Route(
    "/imports/exports/{token}", download_customer_export, methods=["GET"], name="customer_export_download"
)
