"""A subscription event executed once per audience, its result shared by every socket.

Five thousand dashboards on one customer's ``pointsBalanceChanged`` receive the same
event; graphql-core executes the subscription's selection set once per socket and
event, and that execution was half of the fan-out's CPU (about 0.25 ms a socket). The
answer depends only on the event, the document, the operation, its variables and what
the principal may see, so it is computed once for each distinct combination and handed
to every other socket with the same combination:

- the event is the same object for every socket (``pubsub.subscribe(convert=...)``
  converts a message once for all its subscribers);
- ``SharedEvent`` stands in for graphql-core's per-event executor
  (``Executor.build_per_event_executor``): the first socket of an event and audience
  executes it, the others get its ``ExecutionResult`` (errors included: a socket only
  ever shares with sockets of the same audience, whose execution would fail the same
  way). Sockets whose principal this module does not know execute on their own;
- ``encoded_next`` gives the view the JSON of a shared result, encoded once: each
  socket only wraps it in its ``{"id", "type": "next", "payload"}``;
- ``shared_json`` gives graphql/core/ws_fanout.py that JSON by event and key, so the
  other sockets of an audience get their frame written without running at all.

The audience (``audience``) is the principal's kind, its merchant, and for staff its
roles (field permissions go by role), for a customer who they are. A tenant therefore
never gets another tenant's result, whatever the event. Fields under a subscription's
event type may depend on no more of the principal than that: one that shows a staff
user's own data must add the user to ``audience``.

The results are kept in a small FIFO (``MAX_RESULTS``), each entry holding its event,
operation and schema alive so their ids, part of the key, cannot be reused meanwhile. A
result evicted before every socket had it is computed again: slower, never wrong.
"""

from __future__ import annotations

import asyncio
import inspect
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Any

import orjson
from graphql.pyutils import Undefined
from prometheus_client import Counter

from loyalnest.platform.tenancy import Customer, Staff

MAX_RESULTS = 512

EXECUTIONS = Counter(
    "loyalnest_subscription_event_executions_total",
    "Subscription events executed: once per event and audience (document, variables, who may see what)",
)
SHARED = Counter(
    "loyalnest_subscription_event_shared_total",
    "Subscription event results a socket got from another socket's execution of the same event",
)

# an executor's key, computed at its first event: what its socket's results are shared by
_KEY = "_loyalnest_shared_event_key"
_UNSHARED = ("unshared",)  # the key of an executor whose results are never shared


def audience(context: Any) -> tuple[Any, ...] | None:
    """What decides which fields and values the principal may see, as part of the key;
    None (never shared) for a principal this module does not know."""
    principal = getattr(context, "principal", None)
    if type(principal) is Staff:
        return ("staff", principal.merchant_id, principal.roles)
    if type(principal) is Customer:
        return ("customer", principal.merchant_id, principal.customer_id, principal.shopify_customer_id)
    return None


def variables_key(variable_values: Any) -> bytes | None:
    """The operation's variables as the client sent them (equal input, equal coerced
    values); None when they are not plain JSON (never shared)."""
    sources = getattr(variable_values, "sources", None)
    if sources is None:
        return None
    try:
        # a variable left out (its default applies) and one sent as null differ
        return orjson.dumps(
            [[name, source.value] for name, source in sources.items() if source.value is not Undefined],
            option=orjson.OPT_SORT_KEYS,
        )
    except (TypeError, orjson.JSONEncodeError):
        return None


def share_key(executor: Any) -> tuple[Any, ...] | None:
    """Everything but the event that decides an event's result for this executor's
    socket, or None when it must execute on its own."""
    who = audience(executor.context_value)
    variables = variables_key(executor.variable_values)
    if who is None or variables is None:
        return None
    operation = executor.operation
    # ``hide_suggestions`` follows from the principal; kept so a change there cannot
    # make two sockets' error messages differ
    return (id(executor.schema), id(operation), variables, executor.hide_suggestions, who)


class _Entry:
    __slots__ = ("event", "json", "key", "operation", "result", "schema")

    def __init__(self, event: Any, executor: Any, key: tuple[Any, ...], result: Any):
        self.event = event
        self.key = key
        self.operation = executor.operation
        self.schema = executor.schema
        self.result = result  # an ExecutionResult, or the task computing it
        self.json: str | None = None


_results: OrderedDict[tuple[Any, ...], _Entry] = OrderedDict()
# shared results without errors by id(data): their ``{"data": ...}`` encoded once
_encoded: dict[int, _Entry] = {}


class SharedEvent:
    """What ``build_per_event_executor`` returns: graphql-core only calls its
    ``execute_operation``, which answers from another socket's execution of the same
    event for the same audience, or builds the real per-event executor and runs it."""

    __slots__ = ("_build", "_event", "_executor")

    def __init__(self, executor: Any, event: Any, build: Callable[[Any], Any]):
        self._executor = executor
        self._event = event
        self._build = build

    def execute_operation(self, serially: bool | None = None) -> Any:
        executor = self._executor
        key = getattr(executor, _KEY, None)
        if key is None:
            key = share_key(executor) or _UNSHARED
            setattr(executor, _KEY, key)
        if key is _UNSHARED:
            return self._build(self._event).execute_operation(serially)
        event = self._event
        full_key = (id(event), *key)
        entry = _results.get(full_key)
        if entry is not None and entry.event is event:
            result = entry.result
            if not isinstance(result, asyncio.Future):
                SHARED.inc()
                return result
            # a result still being computed can only be awaited on its own event loop
            if result.get_loop() is asyncio.get_running_loop():
                SHARED.inc()
                return _shared(result)
        result = self._build(event).execute_operation(serially)
        EXECUTIONS.inc()
        if inspect.isawaitable(result):
            task = asyncio.ensure_future(result)
            entry = _remember(full_key, _Entry(event, executor, key, task))
            # sockets of this audience await it too: it must not be cancelled with the
            # socket that started it
            task.add_done_callback(lambda done: _settled(full_key, entry, done))
            return _shared(task)
        _register_json(_remember(full_key, _Entry(event, executor, key, result)))
        return result


async def _shared(task: Awaitable[Any]) -> Any:
    return await asyncio.shield(task)


def _remember(full_key: tuple[Any, ...], entry: _Entry) -> _Entry:
    replaced = _results.pop(full_key, None)  # computed on another event loop
    if replaced is not None:
        _forget_json(replaced)
    _results[full_key] = entry
    while len(_results) > MAX_RESULTS:
        _forget_json(_results.popitem(last=False)[1])
    return entry


def _forget_json(entry: _Entry) -> None:
    data = getattr(entry.result, "data", None)
    if _encoded.get(id(data)) is entry:
        del _encoded[id(data)]


def _settled(full_key: tuple[Any, ...], entry: _Entry, task: asyncio.Future[Any]) -> None:
    if task.cancelled() or task.exception() is not None:
        # a failure is not kept for events to come; sockets already waiting share it
        if _results.get(full_key) is entry:
            del _results[full_key]
        return
    entry.result = task.result()
    if _results.get(full_key) is entry:
        _register_json(entry)


def _register_json(entry: _Entry) -> None:
    result = entry.result
    data = getattr(result, "data", None)
    if data is None or getattr(result, "errors", None) or getattr(result, "extensions", None):
        return  # errors are formatted per socket by Strawberry: nothing to encode once
    entry.json = orjson.dumps({"data": data}).decode()
    _encoded[id(data)] = entry


def _shared_entry(message: object) -> _Entry | None:
    if type(message) is not dict or len(message) != 3 or message.get("type") != "next":
        return None
    payload = message.get("payload")
    if type(payload) is not dict or len(payload) != 1:
        return None
    data = payload.get("data")
    entry = _encoded.get(id(data))
    if entry is None or entry.json is None or getattr(entry.result, "data", None) is not data:
        return None
    if type(message.get("id")) is not str:
        return None
    return entry


def encoded_next(message: object) -> str | None:
    """``message`` as JSON when it is a graphql-transport-ws ``next`` carrying a shared
    result (its payload encoded once for every socket); None for anything else."""
    entry = _shared_entry(message)
    if entry is None:
        return None
    operation_id = message["id"]  # type: ignore[index]
    return f'{{"id":{orjson.dumps(operation_id).decode()},"type":"next","payload":{entry.json}}}'


def next_key(message: object) -> tuple[Any, ...] | None:
    """The share key of the result a ``next`` message carries as is (the pipeline
    between execution and the socket left it untouched); None for anything else."""
    entry = _shared_entry(message)
    return None if entry is None else entry.key


def shared_json(event: Any, key: tuple[Any, ...]) -> str | None:
    """The encoded ``{"data": ...}`` of ``event`` for the sockets sharing ``key``, if
    already computed without errors; None otherwise."""
    entry = _results.get((id(event), *key))
    if entry is None or entry.event is not event:
        return None
    return entry.json
