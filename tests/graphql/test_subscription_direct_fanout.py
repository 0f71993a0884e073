"""Shared subscription results written straight to the sockets of a group (issue 8, item
24: past the once-per-audience execution, each of 5,000 sockets still ran Strawberry's
per-result pipeline, 50-70 µs a socket and change). Through the real /graphql WebSocket
endpoint: once a socket's result is known to be shared, its frames come from the pub/sub
reader directly, counted on /metrics, and must be exactly what the socket's own pipeline
would have sent: in order, per operation, per tenant, per variables and role."""

from __future__ import annotations

import asyncio
import itertools
from contextlib import AsyncExitStack
from typing import Any

from tests.graphql.conftest import WsClient, adjust, post_proxy, proxy_params, ws_session
from tests.graphql.test_subscription_sharing import (
    EXECUTIONS,
    SHARED,
    Socket,
    customer_of,
    metric,
    open_sockets,
    until_all_listen,
)
from tests.graphql.test_subscriptions import MY_SUBSCRIPTION, STAFF_SUBSCRIPTION

DIRECT = "loyalnest_subscription_direct_frames_total"
# another selection of the same field: another document, another group
DELTA_ONLY = "subscription ($id: ID!) { pointsBalanceChanged(customerId: $id) { transactionId delta } }"
QUIET = 0.5  # how long a socket that must hear nothing is listened to


async def counters(http: Any) -> tuple[float, float, float]:
    return (await metric(http, EXECUTIONS), await metric(http, SHARED), await metric(http, DIRECT))


async def transaction_of(shop: Any, customer: str, delta: int) -> str:
    adjusted = (await adjust(shop, customer, delta, "direct"))["data"]["adjustPoints"]
    return str(adjusted["transaction"]["id"])


async def hears_nothing(ws: WsClient) -> bool:
    try:
        message = await ws.receive(timeout=QUIET)
    except TimeoutError:
        return True
    raise AssertionError(f"unexpected {message}")


async def all_hear_nothing(sockets: list[WsClient]) -> bool:
    """Each socket hears nothing for QUIET seconds: all listened to at once, so the time
    is one QUIET and not one per socket."""
    return all(await asyncio.gather(*(hears_nothing(ws) for ws in sockets)))


async def skip_what_came(sockets: list[WsClient]) -> None:
    """Read each socket until it has been quiet for QUIET seconds (all at once)."""

    async def skip(ws: WsClient) -> None:
        while True:
            try:
                await asyncio.wait_for(ws.receive(), QUIET)
            except TimeoutError:
                return

    await asyncio.gather(*(skip(ws) for ws in sockets))


async def test_several_changes_reach_every_socket_in_order_written_directly(shop, server, http, drain):
    customer = await customer_of(shop, drain, 81)
    async with AsyncExitStack() as stack:
        sockets = await open_sockets(stack, server, shop.token(), customer, 12)
        await until_all_listen(shop, customer, sockets)

        before = await counters(http)
        # one after the other, without waiting for the sockets in between
        transactions = [await transaction_of(shop, customer, delta) for delta in (1, 2, 3, 4, 5)]
        for socket in sockets:
            heard = [await socket.next_event() for _ in transactions]
            assert [event["transactionId"] for event in heard] == transactions
            assert [event["delta"] for event in heard] == [1, 2, 3, 4, 5]
            # each event's balance, not the latest one five times
            balances = [event["pointsBalance"] for event in heard]
            assert [b - a for a, b in itertools.pairwise(balances)] == [2, 3, 4, 5]
        executions, shared, direct = (
            now - then for now, then in zip(await counters(http), before, strict=True)
        )
        # every frame came from exactly one place: its own execution, a shared one, or
        # written directly; most of them directly
        assert executions + shared + direct == len(sockets) * len(transactions)
        assert direct >= len(sockets) * len(transactions) / 2, (executions, shared, direct)


async def test_a_completed_operation_gets_no_more_frames_while_the_others_do(shop, server, http, drain):
    customer = await customer_of(shop, drain, 82)
    async with AsyncExitStack() as stack:
        sockets = await open_sockets(stack, server, shop.token(), customer, 6)
        # a second operation on the first socket: the same group, its own sink
        first = sockets[0].ws
        second_op = await first.subscribe(STAFF_SUBSCRIPTION, {"id": customer})
        twin = Socket(first, second_op)
        await until_all_listen(shop, customer, sockets[1:])
        # the first socket heard the warm-ups twice, in whatever order: skip them
        await skip_what_came([first])

        await first.send({"id": sockets[0].op, "type": "complete"})
        await sockets[1].ws.send({"id": sockets[1].op, "type": "complete"})
        direct = await metric(http, DIRECT)
        transaction = await transaction_of(shop, customer, 9)
        # the completed operation's sibling on the same socket still hears it
        assert (await twin.next_event())["transactionId"] == transaction
        assert await all_hear_nothing([first, sockets[1].ws])
        for socket in sockets[2:]:
            assert (await socket.next_event())["transactionId"] == transaction
        assert await metric(http, DIRECT) - direct >= 3

        # and so on for later changes
        later = await transaction_of(shop, customer, 10)
        assert (await twin.next_event())["transactionId"] == later
        for socket in sockets[2:]:
            assert (await socket.next_event())["transactionId"] == later
        assert await hears_nothing(sockets[1].ws)


async def test_two_shops_at_once_each_get_only_their_own_frames(make_shop, server, http, drain):
    shops = [await make_shop(), await make_shop()]
    # the same Shopify customer id and the same document in both shops
    customers = [await customer_of(shop, drain, 83) for shop in shops]
    async with AsyncExitStack() as stack:
        sockets = [
            await open_sockets(stack, server, shop.token(), customer, 6)
            for shop, customer in zip(shops, customers, strict=True)
        ]
        for shop, customer, own in zip(shops, customers, sockets, strict=True):
            await until_all_listen(shop, customer, own)

        direct = await metric(http, DIRECT)
        for round_ in range(3):
            # both shops' changes at the same moment
            transactions = await asyncio.gather(
                *(
                    transaction_of(shop, customer, 10 * (index + 1) + round_)
                    for index, (shop, customer) in enumerate(zip(shops, customers, strict=True))
                )
            )
            for index, (customer, own, transaction) in enumerate(
                zip(customers, sockets, transactions, strict=True)
            ):
                for socket in own:
                    event = await socket.next_event()
                    assert (event["customerId"], event["transactionId"], event["delta"]) == (
                        customer,
                        transaction,
                        10 * (index + 1) + round_,
                    )
        assert await all_hear_nothing([socket.ws for own in sockets for socket in own])
        assert customers[0] != customers[1]
        assert await metric(http, DIRECT) - direct >= 3 * 2 * 4


async def test_sockets_with_different_variables_roles_and_documents_get_their_own_frames(
    shop, server, http, drain, settings
):
    alice, bob = await customer_of(shop, drain, 84), await customer_of(shop, drain, 85)
    async with AsyncExitStack() as stack:
        on_alice = await open_sockets(stack, server, shop.token(roles=["admin:full"]), alice, 4)
        on_bob = await open_sockets(stack, server, shop.token(roles=["admin:full"]), bob, 4)
        support = await open_sockets(stack, server, shop.token(roles=["admin:support"]), alice, 4)
        narrow = []
        for _ in range(4):
            ws = await stack.enter_async_context(
                ws_session(server, {"Authorization": f"Bearer {shop.token()}"})
            )
            narrow.append(Socket(ws, await ws.subscribe(DELTA_ONLY, {"id": alice})))
        # bob himself, from the storefront: a customer audience, another document
        me = await post_proxy(http, proxy_params(settings, shop.domain, 85), "{ me { subscriptionToken } }")
        token = me["data"]["me"]["subscriptionToken"]
        storefront = []
        for _ in range(3):
            ws = await stack.enter_async_context(ws_session(server, {"customerToken": token}))
            storefront.append(Socket(ws, await ws.subscribe(MY_SUBSCRIPTION)))

        await until_all_listen(shop, alice, on_alice + support)
        await until_all_listen(shop, bob, on_bob)
        # the narrow and storefront sockets heard the warm-ups: skip them
        await skip_what_came([socket.ws for socket in narrow + storefront])

        direct = await metric(http, DIRECT)
        for delta in (6, 7):
            to_alice = await transaction_of(shop, alice, delta)
            to_bob = await transaction_of(shop, bob, delta + 100)
            for socket in on_alice + support:
                event = await socket.next_event()
                assert (event["customerId"], event["transactionId"], event["delta"]) == (
                    alice,
                    to_alice,
                    delta,
                )
            for socket in narrow:
                assert await socket.next_event() == {"transactionId": to_alice, "delta": delta}
            for socket in on_bob:
                event = await socket.next_event()
                assert (event["customerId"], event["transactionId"], event["delta"]) == (
                    bob,
                    to_bob,
                    delta + 100,
                )
            for socket in storefront:
                message = await socket.ws.receive()
                assert (message["id"], message["type"]) == (socket.op, "next"), message
                event = message["payload"]["data"]["myPointsBalanceChanged"]
                assert set(event) == {"customerId", "kind", "delta", "pointsBalance", "lifetimePoints"}
                assert (event["customerId"], event["delta"]) == (bob, delta + 100)
        assert await all_hear_nothing(
            [socket.ws for socket in on_alice + on_bob + support + narrow + storefront]
        )
        # five groups, each with a leader per change; the others written directly
        assert await metric(http, DIRECT) - direct >= 2 * (4 + 4 + 4 + 4 + 3 - 5) / 2
