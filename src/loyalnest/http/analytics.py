"""``GET /analytics/exports/{token}``: a completed segment export's CSV, through the
signed, expiring link ``segmentExport.downloadUrl`` hands out (no session: the token
is the authorisation, like a pre-signed storage URL).

- A token that is malformed, not signed by us, expired, or that names an export which
  is gone, not completed or whose content was purged: 404, the same for all (nothing
  tells a guesser which part failed).
- Otherwise 200, ``text/csv`` as an attachment, ``no-store`` (the file holds personal
  data: no cache may keep it) and ``noindex``.

Logs carry the export id and size only: never the token (it is the key to the file) nor
any of the content."""

from __future__ import annotations

import logging

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from loyalnest.contexts.analytics import api as analytics

log = logging.getLogger(__name__)

_NO_STORE = {"Cache-Control": "no-store", "X-Robots-Tag": "noindex"}


async def download_segment_export(request: Request) -> Response:
    download = await analytics.export_download(request.path_params["token"])
    if download is None:
        return Response("not found\n", status_code=404, media_type="text/plain", headers=_NO_STORE)
    log.info(
        "segment export downloaded", extra={"export_id": download.export_id, "bytes": len(download.content)}
    )
    return Response(
        download.content,
        media_type="text/csv; charset=utf-8",
        headers={**_NO_STORE, "Content-Disposition": f'attachment; filename="{download.filename}"'},
    )


# mounted by the app beside the other routes
segment_export_download_route = Route(
    "/analytics/exports/{token}", download_segment_export, methods=["GET"], name="segment_export_download"
)
