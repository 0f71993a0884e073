"""A subscription event is executed once per audience and its result shared by every
socket of that audience (issue 8, item 24: 5,000 sockets on one customer took 2.4-2.8 s
to be told, half of it graphql-core executing the same event 5,000 times). Through the
real /graphql WebSocket endpoint; executions are counted by the process's own metric on
/metrics. Sharing must never cross tenants, nor principals that may see different things.

``PointsBalanceEvent``, today's only subscription event type, has no role-gated field:
two staff roles get the same fields. That the role is part of what decides sharing is
shown by counting (two roles, two executions) and by the key function itself."""

from __future__ import annotations

import asyncio
import re
import time
from contextlib import AsyncExitStack
from typing import Any

import orjson
from graphql import ExecutionResult, parse

from loyalnest.graphql.core.subscription_events import (
    SharedEvent,
    audience,
    encoded_next,
    share_key,
    variables_key,
)
from loyalnest.platform.tenancy import Customer, Role, Staff
from tests import payloads
from tests.graphql.conftest import WS_TIMEOUT, WsClient, adjust, customer_gid, ws_session
from tests.graphql.test_subscriptions import STAFF_SUBSCRIPTION

EXECUTIONS = "loyalnest_subscription_event_executions_total"
SHARED = "loyalnest_subscription_event_shared_total"
DIRECT = "loyalnest_subscription_direct_frames_total"


async def metric(http: Any, name: str) -> float:
    text = (await http.get("/metrics")).text
    match = re.search(rf"^{name} ([0-9.e+-]+)$", text, re.MULTILINE)
    return float(match.group(1)) if match else 0.0


async def reused(http: Any) -> float:
    """Sockets that got another socket's result: handed it while executing, or sent
    its frame without running at all (graphql/core/ws_fanout.py)."""
    return await metric(http, SHARED) + await metric(http, DIRECT)


class Socket:
    """One staff socket subscribed to a customer's balance changes."""

    def __init__(self, ws: WsClient, op: str):
        self.ws = ws
        self.op = op

    async def next_event(self) -> dict[str, Any]:
        message = await self.ws.receive()
        assert (message.get("id"), message["type"]) == (self.op, "next"), message
        assert "errors" not in message["payload"], message
        return message["payload"]["data"]["pointsBalanceChanged"]


async def open_sockets(
    stack: AsyncExitStack, server: str, token: str, customer: str, count: int
) -> list[Socket]:
    sockets = []
    for _ in range(count):
        ws = await stack.enter_async_context(ws_session(server, {"Authorization": f"Bearer {token}"}))
        sockets.append(Socket(ws, await ws.subscribe(STAFF_SUBSCRIPTION, {"id": customer})))
    return sockets


async def until_all_listen(shop: Any, customer: str, sockets: list[Socket]) -> None:
    """Adjust until one adjustment reaches every socket: only then is each subscription
    known to be registered (not visible from outside), and nothing is left in flight."""
    deadline = time.monotonic() + WS_TIMEOUT
    while True:
        adjusted = (await adjust(shop, customer, 1, "warm-up"))["data"]["adjustPoints"]
        transaction = adjusted["transaction"]["id"]

        async def hears(socket: Socket, transaction: str = transaction) -> bool:
            # drain what came before this adjustment; a socket not yet subscribed then
            # hears nothing within the pause and is asked again with the next one
            try:
                while (await asyncio.wait_for(socket.next_event(), 0.5))["transactionId"] != transaction:
                    pass
            except TimeoutError:
                return False
            return True

        # every socket at once: a round waits one pause, not one per socket still silent
        heard = sum(await asyncio.gather(*(hears(socket) for socket in sockets)))
        if heard == len(sockets):
            return
        assert time.monotonic() < deadline, f"only {heard} of {len(sockets)} sockets heard an update"


async def customer_of(shop: Any, drain: Any, shopify_id: int) -> str:
    await shop.webhook(
        "orders/create",
        payloads.order(shopify_id, subtotal="10.00", customer_body=payloads.customer(shopify_id)),
    )
    await drain()
    return await customer_gid(shop, shopify_id)


async def test_many_sockets_of_a_shop_get_one_execution_of_each_event(shop, server, http, drain):
    customer = await customer_of(shop, drain, 51)
    async with AsyncExitStack() as stack:
        sockets = await open_sockets(stack, server, shop.token(), customer, 20)
        await until_all_listen(shop, customer, sockets)

        executions, shared = await metric(http, EXECUTIONS), await reused(http)
        adjusted = (await adjust(shop, customer, 25, "fan-out"))["data"]["adjustPoints"]
        events = await asyncio.gather(*(socket.next_event() for socket in sockets))

        expected = {
            "customerId": customer,
            "transactionId": adjusted["transaction"]["id"],
            "kind": "ADJUST",
            "delta": 25,
            "pointsBalance": adjusted["customer"]["pointsBalance"],
            "lifetimePoints": adjusted["customer"]["lifetimePoints"],
        }
        assert events == [expected] * len(sockets)
        assert await metric(http, EXECUTIONS) - executions == 1
        assert await reused(http) - shared == len(sockets) - 1


async def test_two_shops_at_the_same_moment_never_see_each_others_events(make_shop, server, http, drain):
    shops = [await make_shop(), await make_shop()]
    # the same Shopify customer id in both shops, the same document for every socket
    customers = [await customer_of(shop, drain, 61) for shop in shops]
    async with AsyncExitStack() as stack:
        sockets = [
            await open_sockets(stack, server, shop.token(), customer, 5)
            for shop, customer in zip(shops, customers, strict=True)
        ]
        for shop, customer, own in zip(shops, customers, sockets, strict=True):
            await until_all_listen(shop, customer, own)

        executions = await metric(http, EXECUTIONS)
        first, second = await asyncio.gather(
            *(
                adjust(shop, customer, 7, "same moment")
                for shop, customer in zip(shops, customers, strict=True)
            )
        )
        # then a marker in each shop: a foreign event would arrive before it
        markers = await asyncio.gather(
            *(adjust(shop, customer, 3, "marker") for shop, customer in zip(shops, customers, strict=True))
        )
        for adjusted, marker, customer, own in zip((first, second), markers, customers, sockets, strict=True):
            for socket in own:
                event = await socket.next_event()
                assert (event["customerId"], event["transactionId"]) == (
                    customer,
                    adjusted["data"]["adjustPoints"]["transaction"]["id"],
                )
                after = await socket.next_event()
                assert after["transactionId"] == marker["data"]["adjustPoints"]["transaction"]["id"]
        assert customers[0] != customers[1]
        # one execution per shop and event: never one shop's result for the other
        assert await metric(http, EXECUTIONS) - executions == 4


async def test_staff_with_different_roles_do_not_share_an_execution(shop, server, http, drain):
    customer = await customer_of(shop, drain, 71)
    async with AsyncExitStack() as stack:
        full = await open_sockets(stack, server, shop.token(roles=["admin:full"]), customer, 3)
        support = await open_sockets(stack, server, shop.token(roles=["admin:support"]), customer, 3)
        # another user with the same roles is the same audience
        support += await open_sockets(
            stack, server, shop.token(roles=["admin:support"], user_id="2"), customer, 2
        )
        await until_all_listen(shop, customer, full + support)

        executions, shared = await metric(http, EXECUTIONS), await reused(http)
        adjusted = (await adjust(shop, customer, 4, "roles"))["data"]["adjustPoints"]
        events = await asyncio.gather(*(socket.next_event() for socket in full + support))
        assert {event["transactionId"] for event in events} == {adjusted["transaction"]["id"]}
        assert all(event == events[0] for event in events)
        assert await metric(http, EXECUTIONS) - executions == 2
        assert await reused(http) - shared == len(full) + len(support) - 2


class _Context:
    def __init__(self, principal: Any):
        self.principal = principal


def staff(merchant_id: int = 1, roles: frozenset[Role] = frozenset({Role.FULL}), user: str = "1") -> Staff:
    return Staff(
        merchant_id=merchant_id, shop_domain=f"s{merchant_id}.myshopify.com", user_id=user, roles=roles
    )


def customer(merchant_id: int = 1, customer_id: int | None = 5) -> Customer:
    return Customer(
        merchant_id=merchant_id,
        shop_domain=f"s{merchant_id}.myshopify.com",
        shopify_customer_id=900 + (customer_id or 0),
        customer_id=customer_id,
    )


def test_the_audience_is_the_principal_kind_merchant_and_roles_or_the_customer():
    def of(principal: Any) -> Any:
        return audience(_Context(principal))

    assert of(staff()) == of(staff(user="2"))  # same shop and roles: what they may see is the same
    assert of(staff()) != of(staff(roles=frozenset({Role.SUPPORT})))
    assert of(staff()) != of(staff(roles=frozenset({Role.FULL, Role.SUPPORT})))
    assert of(staff(merchant_id=1)) != of(staff(merchant_id=2))
    assert of(customer(customer_id=5)) != of(customer(customer_id=6))
    assert of(customer(merchant_id=1)) != of(customer(merchant_id=2))
    assert of(customer()) != of(staff())
    # a principal the sharing does not know is never shared
    assert of(None) is None
    assert of(object()) is None


class _Executor:
    """The attributes ``share_key`` reads from graphql-core's executor."""

    def __init__(
        self, principal: Any, variables: dict[str, Any], *, operation: Any = None, hide: bool = True
    ):
        from graphql.execution.values import VariableValues, VariableValueSource

        self.schema = "schema"
        self.operation = operation if operation is not None else _OPERATION
        self.hide_suggestions = hide
        self.context_value = _Context(principal)
        self.variable_values = VariableValues(
            {name: VariableValueSource(None, value) for name, value in variables.items()},  # type: ignore[arg-type]
            dict(variables),
        )


_OPERATION = parse(STAFF_SUBSCRIPTION).definitions[0]


def test_the_share_key_holds_document_variables_and_audience():
    key = share_key(_Executor(staff(), {"id": "a"}))
    assert key is not None
    assert key == share_key(_Executor(staff(user="2"), {"id": "a"}))
    assert key != share_key(_Executor(staff(), {"id": "b"}))
    assert key != share_key(_Executor(staff(merchant_id=2), {"id": "a"}))
    assert key != share_key(_Executor(staff(roles=frozenset({Role.ANALYTICS})), {"id": "a"}))
    other_document = parse(STAFF_SUBSCRIPTION).definitions[0]
    assert key != share_key(_Executor(staff(), {"id": "a"}, operation=other_document))
    assert key != share_key(_Executor(staff(), {"id": "a"}, hide=False))
    assert share_key(_Executor(None, {"id": "a"})) is None
    # left out (its default applies) and sent as null are different inputs
    assert variables_key(_Executor(staff(), {}).variable_values) != variables_key(
        _Executor(staff(), {"id": None}).variable_values
    )
    # key order in an input object does not matter; values that are not JSON are not shared
    assert variables_key(_Executor(staff(), {"o": {"a": 1, "b": 2}}).variable_values) == variables_key(
        _Executor(staff(), {"o": {"b": 2, "a": 1}}).variable_values
    )
    assert share_key(_Executor(staff(), {"id": object()})) is None


class _AsyncEventExecutor(_Executor):
    """graphql-core's executor for an event whose fields resolve asynchronously: its
    ``execute_operation`` returns an awaitable."""

    def __init__(self, principal: Any, executions: list[Any]):
        super().__init__(principal, {"id": "a"})
        self.executions = executions

    def build_per_event_executor(self, event: Any) -> _AsyncEventExecutor:
        return self

    def execute_operation(self, serially: bool | None = None) -> Any:
        async def execute() -> Any:
            self.executions.append(self)
            await asyncio.sleep(0.05)
            return ExecutionResult({"seen": id(self)})

        return execute()


async def test_an_event_still_executing_is_awaited_by_the_others_and_outlives_its_starter():
    executions: list[Any] = []
    event = object()
    sockets = [_AsyncEventExecutor(staff(merchant_id=424242), executions) for _ in range(3)]
    results = [SharedEvent(s, event, s.build_per_event_executor).execute_operation(False) for s in sockets]
    # the socket that started the execution goes away before it finishes
    starter = asyncio.ensure_future(results[0])
    await asyncio.sleep(0)
    starter.cancel()
    others = await asyncio.gather(*results[1:])
    assert len(executions) == 1
    assert others[0] is others[1]
    assert others[0].data == {"seen": id(executions[0])}
    # another merchant executes on its own
    foreign = _AsyncEventExecutor(staff(merchant_id=434343), executions)
    await SharedEvent(foreign, event, foreign.build_per_event_executor).execute_operation(False)
    assert len(executions) == 2


class _SyncEventExecutor(_Executor):
    def execute_operation(self, serially: bool | None = None) -> Any:
        return ExecutionResult({"pointsBalanceChanged": {"delta": 1, "customerId": 'a"b'}})


def test_a_shared_result_is_encoded_once_and_wrapped_per_socket():
    executor = _SyncEventExecutor(staff(merchant_id=525252), {"id": "a"})
    result = SharedEvent(executor, object(), lambda event: executor).execute_operation(False)
    message = {"id": 'op "1"', "type": "next", "payload": {"data": result.data}}
    encoded = encoded_next(message)
    assert encoded is not None
    assert orjson.loads(encoded) == message
    # equal data that is not a shared result, or a message with more in it, is left to the view
    assert encoded_next({**message, "payload": {"data": dict(result.data)}}) is None
    assert encoded_next({**message, "payload": {"data": result.data, "errors": []}}) is None
    assert encoded_next({"data": result.data}) is None
