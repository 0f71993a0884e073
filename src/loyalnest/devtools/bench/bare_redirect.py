"""A bare Starlette app answering every ``GET /proxy/r/{code}`` with the same 302 a
referral link gets, served like the real API (the same uvicorn settings, GC frozen
after startup): the yardstick for ``loyalnest bench referrals``.

Run: ``python -m loyalnest.devtools.bench.bare_redirect PORT``.
"""

from __future__ import annotations

import gc
import sys

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route


async def redirect(request: Request) -> Response:
    code = request.path_params["code"]
    return Response(
        status_code=302,
        headers={
            "Location": f"https://bare.myshopify.com/discount/REF-{code}?redirect=%2F%3Fref%3D{code}",
            "Cache-Control": "no-store",
            "Referrer-Policy": "strict-origin-when-cross-origin",
        },
    )


def create_app() -> Starlette:
    return Starlette(routes=[Route("/proxy/r/{code}", redirect, methods=["GET"])])


def serve(port: int, host: str = "127.0.0.1") -> None:
    import uvicorn

    from loyalnest.app import server_config

    config = server_config(create_app(), host=host, port=port)
    gc.collect()
    gc.freeze()
    uvicorn.Server(config).run()


if __name__ == "__main__":
    serve(int(sys.argv[1]))
