"""Webhook intake and processing.

Intake is as small as it can be (verify, store, hand to a worker) so Shopify gets its
200 fast; the topic handlers run in the ``shopify.process_webhook`` actor, several
waiting rows of a shop per transaction when a backlog builds up.
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from typing import Any

import orjson
from cryptography.exceptions import InvalidTag

from loyalnest.contexts.customers import api as customers
from loyalnest.contexts.earning import api as earning
from loyalnest.contexts.points import api as points
from loyalnest.contexts.rewards import api as rewards
from loyalnest.contexts.shopify import payloads, repository
from loyalnest.contexts.shopify.repository import InboxRow, NewInboxRow
from loyalnest.platform.crypto import KeyringError, get_keyring
from loyalnest.platform.db import get_sessionmaker
from loyalnest.platform.uow import UnitOfWork

log = logging.getLogger(__name__)

PAYLOAD_CONTEXT = b"shopify_webhook_inbox.payload"

Handler = Callable[[UnitOfWork, int, dict[str, Any]], Awaitable[None]]


async def handle_customer_upsert(
    uow: UnitOfWork, merchant_id: int, payload: dict[str, Any], *, signup: bool = False
) -> None:
    """customers/update (and, with ``signup``, customers/create): the profile, then the
    earning rules they trigger. Both awards are keyed once per customer, so a replay
    (or a customers/create that arrives after an order created the profile) is safe."""
    written = await customers.record_customer_webhook(uow, merchant_id, payloads.parse_customer(payload))
    if signup:
        await earning.award_signup(uow, merchant_id=merchant_id, customer_id=written.id)
    if written.marketing_opted_in:
        await earning.award_newsletter(uow, merchant_id=merchant_id, customer_id=written.id)


async def handle_customer_created(uow: UnitOfWork, merchant_id: int, payload: dict[str, Any]) -> None:
    await handle_customer_upsert(uow, merchant_id, payload, signup=True)


def _order_to_award(order: payloads.ParsedOrder, customer_id: int) -> points.OrderFacts:
    return points.OrderFacts(
        shopify_order_id=order.shopify_order_id,
        customer_id=customer_id,
        currency=order.currency or "",
        subtotal=order.subtotal,
        shipping=order.shipping,
        tax=order.tax,
        taxes_included=order.taxes_included,
        lines=tuple(
            points.OrderLine(
                product_id=line.product_id,
                quantity=line.quantity,
                price=line.price,
                discount=line.discount,
                tax=line.tax,
            )
            for line in order.lines
        ),
    )


async def _mark_codes_used(uow: UnitOfWork, merchant_id: int, orders: Sequence[payloads.ParsedOrder]) -> None:
    """Reward codes the orders used become fulfilled redemptions: one call for the
    batch, and none at all when no order carries a discount code. Called before the
    awards, so redemption rows are locked before points accounts, as everywhere else."""
    uses = [
        rewards.CodeUse(shopify_order_id=order.shopify_order_id, code=code)
        for order in orders
        for code in order.discount_codes
    ]
    if uses:
        await rewards.mark_codes_used(uow, merchant_id, uses)


async def handle_order_created(uow: UnitOfWork, merchant_id: int, payload: dict[str, Any]) -> None:
    order = payloads.parse_order(payload)
    await _mark_codes_used(uow, merchant_id, [order])
    if order.customer is None:
        return  # guest checkout: nobody to award
    customer_id = await customers.upsert_from_shopify(uow, merchant_id, order.customer)
    await points.award_order_points(uow, merchant_id=merchant_id, order=_order_to_award(order, customer_id))


async def handle_order_cancelled(uow: UnitOfWork, merchant_id: int, payload: dict[str, Any]) -> None:
    order = payloads.parse_order(payload)
    customer_id = None
    if order.customer is not None:
        customer_id = await customers.upsert_from_shopify(uow, merchant_id, order.customer)
    await points.cancel_order(
        uow, merchant_id=merchant_id, shopify_order_id=order.shopify_order_id, customer_id=customer_id
    )


async def handle_refund_created(uow: UnitOfWork, merchant_id: int, payload: dict[str, Any]) -> None:
    refund = payloads.parse_refund(payload)
    await points.refund_order(
        uow,
        merchant_id=merchant_id,
        refund=points.RefundFacts(
            shopify_refund_id=refund.shopify_refund_id,
            shopify_order_id=refund.shopify_order_id,
            customer_id=None,
            line_subtotal=refund.line_subtotal,
            line_tax=refund.line_tax,
            shipping=refund.shipping,
            lines=tuple(
                points.RefundLine(product_id=line.product_id, subtotal=line.subtotal, tax=line.tax)
                for line in refund.lines
            ),
        ),
    )


async def handle_product_upsert(uow: UnitOfWork, merchant_id: int, payload: dict[str, Any]) -> None:
    """products/create, products/update: the tags the purchase rule's excluded tags match."""
    product = payloads.parse_product(payload)
    await points.record_product_tags(
        uow, merchant_id, product.shopify_product_id, product.tags, product.updated_at
    )


ORDERS_CREATE = "orders/create"

HANDLERS: dict[str, Handler] = {
    "customers/create": handle_customer_created,
    "customers/update": handle_customer_upsert,
    ORDERS_CREATE: handle_order_created,
    "orders/cancelled": handle_order_cancelled,
    "refunds/create": handle_refund_created,
    "products/create": handle_product_upsert,
    "products/update": handle_product_upsert,
}


def encrypt_payload(raw_body: bytes) -> str:
    return get_keyring().encrypt(raw_body.decode(), context=PAYLOAD_CONTEXT)


def decrypt_payload(row: InboxRow) -> dict[str, Any]:
    if row.payload_enc is None:
        raise payloads.PayloadError("payload already cleared")
    try:
        plaintext = get_keyring().decrypt(row.payload_enc, context=PAYLOAD_CONTEXT)
    except (KeyringError, InvalidTag) as exc:
        # retrying cannot help: its key is gone or the ciphertext is damaged
        raise payloads.PayloadError(f"payload cannot be decrypted: {type(exc).__name__}") from exc
    body = orjson.loads(plaintext)
    if not isinstance(body, dict):
        raise payloads.PayloadError("payload is not a JSON object")
    return body


COMPLIANCE_TOPICS = frozenset({"customers/data_request", "customers/redact", "shop/redact"})

Outcome = tuple[str, str | None]  # "processed" / "ignored" / "failed", and the error


def _rejected(row: InboxRow, exc: Exception) -> Outcome:
    # A payload we cannot read will not improve with retries: park it, visibly.
    log.warning("webhook payload rejected", extra={"topic": row.topic, "inbox_id": row.id, "error": str(exc)})
    return "failed", str(exc)


async def process_row(uow: UnitOfWork, row: InboxRow) -> Outcome:
    """Run the row's topic handler; returns its outcome and error for the inbox."""
    handler = HANDLERS.get(row.topic)
    if handler is None:
        # Shopify's mandatory compliance topics have no handler yet (the privacy context
        # comes later): their payload is kept, encrypted, as "deferred" so they can be
        # acted on then instead of being dropped.
        return ("deferred" if row.topic in COMPLIANCE_TOPICS else "ignored"), None
    try:
        body = decrypt_payload(row)
        await handler(uow, row.merchant_id, body)
    except (payloads.PayloadError, orjson.JSONDecodeError) as exc:
        return _rejected(row, exc)
    return "processed", None


async def process_orders_created(
    uow: UnitOfWork, merchant_id: int, rows: Sequence[InboxRow]
) -> list[Outcome]:
    """Several orders/create rows (consecutive in the inbox) at once: the same work as
    ``handle_order_created`` row by row, batched. Customers are written once each
    (identical facts twice in a batch are one write) and in Shopify-id order, so two
    batches sharing customers lock them in the same order; the awards are made together
    (one statement per step for all of them; see ``points.award_order_points``)."""
    outcomes: list[Outcome] = []
    orders: list[payloads.ParsedOrder] = []
    for row in rows:
        try:
            orders.append(payloads.parse_order(decrypt_payload(row)))
        except (payloads.PayloadError, orjson.JSONDecodeError) as exc:
            outcomes.append(_rejected(row, exc))
            continue
        outcomes.append(("processed", None))
    await _mark_codes_used(uow, merchant_id, orders)
    facts = [order.customer for order in orders if order.customer is not None]
    try:
        distinct = list(dict.fromkeys(facts))
    except TypeError:  # facts that cannot be dict keys: written one by one, in order
        for order in orders:
            if order.customer is not None:
                customer_id = await customers.upsert_from_shopify(uow, merchant_id, order.customer)
                await points.award_order_points(
                    uow, merchant_id=merchant_id, order=_order_to_award(order, customer_id)
                )
        return outcomes
    customer_ids: dict[customers.ShopifyCustomerFacts, int] = {}
    # stable sort: two payloads of one customer keep their inbox order
    for customer in sorted(distinct, key=lambda f: f.shopify_customer_id):
        customer_ids[customer] = await customers.upsert_from_shopify(uow, merchant_id, customer)
    await asyncio.gather(
        *(
            points.award_order_points(
                uow, merchant_id=merchant_id, order=_order_to_award(order, customer_ids[order.customer])
            )
            for order in orders
            if order.customer is not None
        )
    )
    return outcomes


async def process_batch(
    uow: UnitOfWork,
    merchant_id: int,
    inbox_id: int,
    *,
    batch_size: int,
    claimed: list[int] | None = None,
) -> int:
    """Process the given inbox row and, in the same transaction, up to ``batch_size - 1``
    later rows of the shop that are still waiting, in inbox order (runs of orders/create
    together), once no other transaction is processing the shop's inbox (so a shop's
    rows are handled one batch at a time, in order). Returns how many were processed.
    The ids claimed are appended to ``claimed`` (so a caller can retry them one by one
    if the transaction fails)."""
    await repository.lock_shop_inbox(uow.session, merchant_id)
    rows = await repository.claim_pending(uow.session, merchant_id, inbox_id, limit=batch_size)
    if claimed is not None:
        claimed.extend(row.id for row in rows)
    outcomes: list[tuple[int, str, str | None]] = []
    start = 0
    while start < len(rows):
        end = start + 1
        if rows[start].topic == ORDERS_CREATE:
            while end < len(rows) and rows[end].topic == ORDERS_CREATE:
                end += 1
            results = await process_orders_created(uow, merchant_id, rows[start:end])
        else:
            results = [await process_row(uow, rows[start])]
        outcomes += [
            (row.id, outcome, error) for row, (outcome, error) in zip(rows[start:end], results, strict=True)
        ]
        start = end
    await repository.mark_done(uow.session, merchant_id, outcomes)
    return len(rows)


# --- intake: group commit of inbox rows ------------------------------------------------

HandOff = Callable[[list[tuple[int, int]]], None]


async def _store_many(rows: Sequence[NewInboxRow]) -> list[int | None]:
    # One statement outside an explicit transaction: atomic and committed on its own.
    async with get_sessionmaker()() as session:
        return await repository.insert_inbox_many(session, rows)


class InboxWriter:
    """Group commit for the webhook inbox.

    Deliveries arriving together are stored by one INSERT, so one commit (one WAL flush)
    serves many of them. A delivery waits until the statement holding its row has
    committed and its row has been handed to the broker: it is stored before its
    caller answers. At most ``max_in_flight`` statements run at once; a delivery that
    arrives while they are all busy joins the next one. Under light load a delivery is
    written at once, alone; under heavy load batches grow with the load.
    """

    def __init__(self, hand_off: HandOff, *, max_batch: int, max_in_flight: int):
        self._hand_off = hand_off
        self._max_batch = max_batch
        self._max_in_flight = max_in_flight
        self._waiting: list[tuple[NewInboxRow, asyncio.Future[int | None]]] = []
        self._in_flight = 0
        self._tasks: set[asyncio.Task[None]] = set()

    async def store(self, row: NewInboxRow) -> int | None:
        """Store ``row`` once; its new id, or None when the event was stored before."""
        future: asyncio.Future[int | None] = asyncio.get_running_loop().create_future()
        self._waiting.append((row, future))
        if self._in_flight < self._max_in_flight:
            self._start()
        return await future

    def _start(self) -> None:
        batch = self._waiting[: self._max_batch]
        del self._waiting[: self._max_batch]
        self._in_flight += 1
        task = asyncio.create_task(self._write(batch))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _write(self, batch: list[tuple[NewInboxRow, asyncio.Future[int | None]]]) -> None:
        released = False
        try:
            results = await self._store(batch)
            # the database part is done: let the next batch start while this one is
            # handed to the broker
            released = True
            self._release()
            stored = [
                (row.merchant_id, result)
                for (row, _), result in zip(batch, results, strict=True)
                if isinstance(result, int)
            ]
            if stored:
                # the broker client is synchronous: off the event loop, so the loop keeps
                # serving requests while Redis answers
                await asyncio.to_thread(self._hand_off, stored)
            for (_, future), result in zip(batch, results, strict=True):
                if future.done():  # the caller went away; its row is stored all the same
                    continue
                if isinstance(result, BaseException):
                    future.set_exception(result)
                else:
                    future.set_result(result)
        except BaseException as exc:
            for _, future in batch:
                if not future.done():
                    if isinstance(exc, asyncio.CancelledError):
                        future.cancel()
                    else:
                        future.set_exception(exc)
            raise
        finally:
            if not released:
                self._release()

    async def _store(
        self, batch: list[tuple[NewInboxRow, asyncio.Future[int | None]]]
    ) -> list[int | BaseException | None]:
        try:
            return list(await _store_many([row for row, _ in batch]))
        except Exception:
            # one bad row must not fail the deliveries it was batched with
            results: list[int | BaseException | None] = []
            for row, _ in batch:
                try:
                    [new_id] = await _store_many([row])
                    results.append(new_id)
                except Exception as exc:
                    results.append(exc)
            return results

    def _release(self) -> None:
        self._in_flight -= 1
        if self._waiting and self._in_flight < self._max_in_flight:
            self._start()


_writers: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, InboxWriter] = weakref.WeakKeyDictionary()


def inbox_writer(hand_off: HandOff, *, max_batch: int, max_in_flight: int) -> InboxWriter:
    """This event loop's writer (asyncpg connections belong to one loop)."""
    loop = asyncio.get_running_loop()
    writer = _writers.get(loop)
    if writer is None:
        writer = _writers[loop] = InboxWriter(hand_off, max_batch=max_batch, max_in_flight=max_in_flight)
    return writer


# A row that failed this often (Dramatiq's retries included) or was re-sent this often
# is parked as "failed" with its error, for an operator, instead of looping forever.
MAX_ATTEMPTS = 25
MAX_RELAYS = 50


async def stale_pending(uow: UnitOfWork, *, older_than: datetime, limit: int) -> list[tuple[int, int]]:
    return await repository.stale_pending(
        uow.session, older_than=older_than, limit=limit, max_attempts=MAX_ATTEMPTS, max_relays=MAX_RELAYS
    )
