"""A bare Strawberry ``{ hello }`` schema, served like the real API (Starlette route,
the same uvicorn settings), as the yardstick for ``loyalnest bench graphql``.

Run: ``python -m loyalnest.devtools.bare_graphql PORT``.
"""

from __future__ import annotations

import gc
import sys

import strawberry
from starlette.applications import Starlette
from starlette.routing import Route
from strawberry.asgi import GraphQL


@strawberry.type
class Query:
    @strawberry.field
    def hello(self) -> str:
        return "world"


def create_app() -> Starlette:
    graphql = GraphQL(strawberry.Schema(query=Query), graphql_ide=None, allow_queries_via_get=False)
    return Starlette(routes=[Route("/graphql", graphql, methods=["GET", "POST"])])


def serve(port: int, host: str = "127.0.0.1") -> None:
    import uvicorn

    from loyalnest.app import server_config

    # The same server settings as ``loyalnest serve``, GC freeze after startup included.
    config = server_config(create_app(), host=host, port=port)
    gc.collect()
    gc.freeze()
    uvicorn.Server(config).run()


if __name__ == "__main__":
    serve(int(sys.argv[1]))
