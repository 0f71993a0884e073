"""The files GraphiQL's page loads, and the route that serves them.

The third-party files are the exact npm builds Strawberry's own GraphiQL template loads
from unpkg (the same versions and the same sha384 SRI hashes), vendored under
``static/`` by ``python -m loyalnest.devtools.vendor_graphiql``; ``static/README.md``
names their packages and licenses. Only the names listed here are served: nothing else
under ``static/`` (licenses, the README) is reachable over HTTP.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import anyio
from starlette.requests import Request
from starlette.responses import FileResponse, PlainTextResponse, Response
from starlette.routing import Route

STATIC_DIR = Path(__file__).parent / "static"
ASSETS_PATH = "/graphiql/static"


@dataclass(frozen=True, slots=True)
class Vendored:
    """One file copied verbatim from an npm package."""

    name: str  # the file's name under static/ and in its URL (versioned: never changes)
    package: str
    version: str
    member: str  # its path inside the package's npm tarball
    license: str
    integrity: str  # sha384 SRI of the file, as Strawberry's template pins it


# In the order the page loads them: each UMD bundle reads the globals of those before it
# (React, ReactDOM, then GraphiQL, then the explorer plugin, which uses GraphiQL.React).
VENDORED: tuple[Vendored, ...] = (
    Vendored(
        "react-18.2.0.production.min.js",
        "react",
        "18.2.0",
        "umd/react.production.min.js",
        "MIT",
        "sha384-tMH8h3BGESGckSAVGZ82T9n90ztNXxvdwvdM6UoR56cYcf+0iGXBliJ29D+wZ/x8",
    ),
    Vendored(
        "react-dom-18.2.0.production.min.js",
        "react-dom",
        "18.2.0",
        "umd/react-dom.production.min.js",
        "MIT",
        "sha384-bm7MnzvK++ykSwVJ2tynSE5TRdN+xL418osEVF2DE/L/gfWHj91J2Sphe582B1Bh",
    ),
    Vendored(
        "graphiql-3.8.3.min.js",
        "graphiql",
        "3.8.3",
        "graphiql.min.js",
        "MIT",
        "sha384-HbRVEFG0JGJZeAHCJ9Xm2+tpknBQ7QZmNlO/DgZtkZ0aJSypT96YYGRNod99l9Ie",
    ),
    Vendored(
        "graphiql-3.8.3.min.css",
        "graphiql",
        "3.8.3",
        "graphiql.min.css",
        "MIT",
        "sha384-Mq3vbRBY71jfjQAt/DcjxUIYY33ksal4cgdRt9U/hNPvHBCaT2JfJ/PTRiPKf0aM",
    ),
    Vendored(
        "graphiql-plugin-explorer-1.0.2.umd.js",
        "@graphiql/plugin-explorer",
        "1.0.2",
        "dist/index.umd.js",
        "MIT",
        "sha384-2oonKe47vfHIZnmB6ZZ10vl7T0Y+qrHQF2cmNTaFDuPshpKqpUMGMc9jgj9MLDZ9",
    ),
    Vendored(
        "graphiql-plugin-explorer-1.0.2.css",
        "@graphiql/plugin-explorer",
        "1.0.2",
        "dist/style.css",
        "MIT",
        "sha384-5DFJlDPW2tSATRbM8kzoP1j194jexLswuNmClWoRr2Q0x7R68JIQzPHZ02Faktwi",
    ),
)

# Ours: the page's script (no inline script, so the page's CSP can forbid them) and styles.
OWN_SCRIPT = "loyalnest-graphiql.js"
OWN_STYLE = "loyalnest-graphiql.css"

# Declared rather than guessed: under X-Content-Type-Options: nosniff a browser refuses
# a script or a stylesheet served with any other type, and mimetypes' answer for .js
# depends on the machine (the Windows registry has made it text/plain).
_MEDIA_TYPES = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8"}
# a vendored file's name carries its version, so its contents never change under a URL
_IMMUTABLE = "public, max-age=31536000, immutable"
# ours change with the app: a browser asks again (a 304 when unchanged)
_REVALIDATE = "no-cache"

_CACHING: dict[str, str] = {
    **{asset.name: _IMMUTABLE for asset in VENDORED},
    OWN_SCRIPT: _REVALIDATE,
    OWN_STYLE: _REVALIDATE,
}


def asset_url(request: Request, name: str) -> str:
    # under root_path when the app is mounted below a prefix
    return f"{request.scope.get('root_path', '')}{ASSETS_PATH}/{name}"


async def serve_asset(request: Request) -> Response:
    name = request.path_params["name"]
    caching = _CACHING.get(name)
    if caching is None:
        return PlainTextResponse("Not Found", 404)
    path = STATIC_DIR / name
    stat = await anyio.to_thread.run_sync(os.stat, path)
    response = FileResponse(
        path, media_type=_MEDIA_TYPES[path.suffix], headers={"Cache-Control": caching}, stat_result=stat
    )
    etag = response.headers["etag"]
    if etag in {tag.strip() for tag in request.headers.get("if-none-match", "").split(",")}:
        return Response(status_code=304, headers={"ETag": etag, "Cache-Control": caching})
    return response


def graphiql_routes() -> list[Route]:
    """The asset route (public files, no authentication): mounted only when GraphiQL is on."""
    return [Route(ASSETS_PATH + "/{name}", serve_asset, methods=["GET", "HEAD"])]
