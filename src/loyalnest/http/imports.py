"""The imports context's two links, without a session (the signed token is the
credential):

- ``PUT /imports/uploads/{token}``: a large import file (up to 2 GB), streamed to disk
  as it arrives, encrypted; memory stays flat whatever the size. A declared size over
  2 GB is refused (413) before a byte is read; a forged or expired link is 404, one used
  already 409. 202 with the import's id and status: validation runs next.
- ``GET /imports/errors/{token}``: an import's error report (CSV; ``no-store``: it
  quotes the rows).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from loyalnest.contexts.imports import api as imports
from loyalnest.graphql.core.ids import encode_id
from loyalnest.platform.errors import DomainError

log = logging.getLogger(__name__)

_NO_STORE = {"Cache-Control": "no-store", "X-Robots-Tag": "noindex", "Referrer-Policy": "no-referrer"}


def _declared(request: Request) -> int | None:
    value = request.headers.get("content-length")
    return int(value) if value is not None and value.isdigit() else None


async def upload_file(request: Request) -> Response:
    async def chunks() -> AsyncIterator[bytes]:
        async for chunk in request.stream():
            if chunk:
                yield chunk

    try:
        record = await imports.upload(
            request.path_params["token"], chunks(), declared_bytes=_declared(request)
        )
    except imports.UploadRefused as exc:
        return JSONResponse({"error": exc.message}, status_code=exc.status, headers=_NO_STORE)
    except DomainError as exc:
        return JSONResponse({"error": exc.message}, status_code=409, headers=_NO_STORE)
    log.info("import file received", extra={"import_id": record.id, "bytes": record.file_bytes})
    return JSONResponse(
        {"importId": encode_id("Import", record.id), "status": record.status.upper()},
        status_code=202,
        headers=_NO_STORE,
    )


async def download_error_report(request: Request) -> Response:
    found = await imports.error_report(request.path_params["token"])
    if found is None:
        return Response("not found\n", status_code=404, media_type="text/plain", headers=_NO_STORE)
    name, content = found
    return Response(
        content,
        media_type="text/csv; charset=utf-8",
        headers={**_NO_STORE, "Content-Disposition": f'attachment; filename="{name}"'},
    )


upload_route = Route("/imports/uploads/{token}", upload_file, methods=["PUT"])
error_report_route = Route("/imports/errors/{token}", download_error_report, methods=["GET"])
