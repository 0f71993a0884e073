"""The transport's own field of ``Me``: a token for the WebSocket endpoint.

It belongs to no context (it authenticates a graphql-transport-ws connection, as the
app proxy's signature authenticates an HTTP request), so the GraphQL layer adds it to
``Me`` itself, after every context's fields."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from loyalnest.http.auth import mint_customer_token


@strawberry.type
class MeSession:
    @strawberry.field(
        description="A 15-minute token for `connection_init` {customerToken} on the "
        "WebSocket endpoint, to subscribe to myPointsBalanceChanged."
    )
    def subscription_token(self, info: Info) -> str:
        return mint_customer_token(info.context.settings, info.context.customer)
