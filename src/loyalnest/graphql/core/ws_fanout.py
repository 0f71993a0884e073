"""Leader/follower fan-out of shared subscription results over graphql-transport-ws.

With the result of an event computed once per audience (subscription_events.py), what
each of 5,000 sockets still cost was the pipeline between its pub/sub queue and its
socket: waking its operation task, graphql-core's and Strawberry's async iterators and
extension hooks, the send through Strawberry, Starlette and uvicorn (about 0.1 ms a
socket and event, measured). Here a socket whose operation's result is shared gets its
``next`` frame written by the pub/sub reader itself, in the loop that hands the message
out, once another socket of its group (the leader) has computed the result:

- ``FanoutTransportWSHandler`` gives each operation a ``_Sink``, set as
  ``pubsub.direct_sink`` for the operation's task, so a subscription resolver that asks
  for it (``pubsub.subscribe(..., direct=True)``) registers it with its subscriber;
- the sink's group is the share key of the last ``next`` the operation sent through the
  normal pipeline, and only when that frame carried the shared result untouched (no
  errors, no extensions: ``subscription_events.next_key``). A result with errors, or an
  operation whose results are not shared, leaves it without a group: normal path;
- ``pubsub`` offers a message to the sink only when nothing is queued or in flight for
  that subscriber, so the direct frame cannot overtake an earlier one; a ``complete``
  (from the client or the server) unregisters the operation first, after which the sink
  declines;
- the frame is written only if uvicorn takes it without waiting: a client that is not
  reading (the transport paused its writing) gets the message through its bounded queue
  instead, which ends it as lagging if it stays behind. Memory stays bounded either way.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

import orjson
from prometheus_client import Counter
from starlette.websockets import WebSocketState
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
    Operation,
)
from strawberry.subscriptions.protocols.graphql_transport_ws.types import Message

from loyalnest.graphql.core.subscription_events import next_key, shared_json
from loyalnest.platform import pubsub

DIRECT_FRAMES = Counter(
    "loyalnest_subscription_direct_frames_total",
    "Subscription results written straight to a socket from the shared result of its group",
)


class _Sink:
    """One subscription operation's direct writes (``pubsub.DirectSink``)."""

    __slots__ = ("_handler", "_operation", "_prefix", "group")

    def __init__(self, handler: FanoutTransportWSHandler, operation: Operation[Any, Any]):
        self._handler = handler
        self._operation = operation
        self._prefix = f'{{"id":{orjson.dumps(operation.id).decode()},"type":"next","payload":'
        self.group: Hashable | None = None

    def deliver(self, value: Any) -> bool | None:
        group = self.group
        operation = self._operation
        handler = self._handler
        if group is None or operation.completed or handler.operations.get(operation.id) is not operation:
            return False  # its own task handles it (or ends)
        encoded = shared_json(value, group)  # type: ignore[arg-type]
        if encoded is None:
            return None
        websocket = handler.websocket.ws  # type: ignore[attr-defined]
        if websocket.application_state is not WebSocketState.CONNECTED:
            return False
        if not _send_now(websocket, self._prefix + encoded + "}"):
            return False
        DIRECT_FRAMES.inc()
        return True


def _send_now(websocket: Any, frame: str) -> bool:
    """Write ``frame`` if the server takes it without waiting. uvicorn's send waits
    (for its transport's ``resume_writing``) before it writes anything, so a send that
    would wait is abandoned there, unwritten."""
    send = websocket.send({"type": "websocket.send", "text": frame})
    try:
        send.send(None)
    except StopIteration:
        return True
    except Exception:
        return False  # closed meanwhile: its task finds out on its own
    send.close()
    return False


class FanoutTransportWSHandler(BaseGraphQLTransportWSHandler[Any, Any]):
    """graphql-transport-ws with direct writes of shared results (see the module)."""

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self._sinks: dict[str, _Sink] = {}

    async def run_operation(self, operation: Operation[Any, Any]) -> None:
        sink = _Sink(self, operation)
        self._sinks[operation.id] = sink
        # the operation's own task: its subscription resolver subscribes in this context
        pubsub.direct_sink.set(sink)
        try:
            await super().run_operation(operation)
        finally:
            if self._sinks.get(operation.id) is sink:
                del self._sinks[operation.id]

    async def send_message(self, message: Message) -> None:
        if message.get("type") == "next":
            sink = self._sinks.get(message["id"])  # type: ignore[typeddict-item]
            if sink is not None:
                sink.group = next_key(message)
        await super().send_message(message)
