"""Points business rules. Every balance change is one ledger posting, written once
(idempotency key), in the caller's unit of work."""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from loyalnest.contexts.audit import api as audit
from loyalnest.contexts.merchants import api as merchants
from loyalnest.contexts.points import repository, rules
from loyalnest.contexts.points.dto import (
    LedgerEntryDTO,
    LedgerMismatch,
    OrderFacts,
    PostingResult,
    RefundFacts,
)
from loyalnest.contexts.points.events import PointsBalanceChanged, balance_channel
from loyalnest.contexts.points.repository import LedgerRow, OrderRow
from loyalnest.platform.errors import DomainError, InsufficientPoints, ValidationFailed
from loyalnest.platform.uow import UnitOfWork

MAX_ADJUSTMENT = 10_000_000
MAX_REASON_LENGTH = 500

_settings_by_uow: weakref.WeakKeyDictionary[UnitOfWork, dict[int, merchants.ProgramSettingsDTO]] = (
    weakref.WeakKeyDictionary()
)


def to_entry_dto(row: LedgerRow) -> LedgerEntryDTO:
    return LedgerEntryDTO(
        id=row.id,
        customer_id=row.customer_id,
        delta=row.delta,
        kind=row.kind,
        source=row.source,
        source_ref=row.source_ref,
        shortfall=row.shortfall,
        balance_after=row.balance_after,
        reason=row.reason,
        actor=row.actor,
        created_at=row.created_at,
    )


@dataclass(frozen=True)
class Posting:
    """One balance change to post (see ``post``)."""

    customer_id: int
    delta: int
    kind: str
    source: str
    idempotency_key: str
    source_ref: str | None = None
    reason: str | None = None
    actor: str | None = None
    allow_shortfall: bool = False


class ConcurrentPosting(RuntimeError):
    """An idempotency key of a batch turned out to be taken; the caller's transaction
    must be retried (posting one by one settles it exactly)."""


async def post(
    uow: UnitOfWork,
    *,
    merchant_id: int,
    customer_id: int,
    delta: int,
    kind: str,
    source: str,
    idempotency_key: str,
    source_ref: str | None = None,
    reason: str | None = None,
    actor: str | None = None,
    allow_shortfall: bool = False,
) -> PostingResult:
    """Post one balance change.

    A debit larger than the balance raises ``InsufficientPoints`` unless
    ``allow_shortfall`` (reversals): then it takes what is there and records the rest as
    the entry's shortfall, so nothing is silently dropped and the balance never goes
    negative. A replayed idempotency key changes nothing and returns the first entry.
    """
    posting = Posting(
        customer_id=customer_id,
        delta=delta,
        kind=kind,
        source=source,
        idempotency_key=idempotency_key,
        source_ref=source_ref,
        reason=reason,
        actor=actor,
        allow_shortfall=allow_shortfall,
    )
    [result] = await post_many(uow, merchant_id, [posting])
    return result


async def post_many(uow: UnitOfWork, merchant_id: int, postings: Sequence[Posting]) -> list[PostingResult]:
    """Post several balance changes in order, with the rules of ``post`` applied to each
    in turn (a customer's later posting sees the balance the earlier one left), in a
    handful of statements whatever their number: lock the accounts, insert the ledger
    rows, write the balances.

    A key already used is a replay: nothing moves. With a single posting that is
    settled here; in a batch it cannot be (the balances after it were computed on the
    assumption it moves), so ``ConcurrentPosting`` is raised for the caller to retry.
    """
    if not postings:
        return []
    session = uow.session
    accounts = await repository.lock_accounts(session, merchant_id, [p.customer_id for p in postings])
    running = dict(accounts)
    entries: list[repository.NewEntry] = []
    slots: list[int | PostingResult] = []  # index into entries, or a settled replay
    keys: dict[str, int] = {}
    lifetimes: list[int] = []  # lifetime earned after each entry (for its live update)
    for posting in postings:
        if posting.idempotency_key in keys:  # the same key twice in one batch: one posting
            slots.append(keys[posting.idempotency_key])
            continue
        balance, lifetime = running[posting.customer_id]
        applied, shortfall = posting.delta, 0
        if posting.delta < 0 and balance + posting.delta < 0:
            if not posting.allow_shortfall:
                # a replay of a debit that already went through must not be refused
                existing = await _existing(uow, merchant_id, posting.idempotency_key)
                if existing is not None:
                    slots.append(existing)
                    continue
                raise InsufficientPoints(
                    f"balance is {balance} points; {-posting.delta} needed", field="delta"
                )
            applied, shortfall = -balance, -posting.delta - balance
        lifetime = max(lifetime + rules.lifetime_change(posting.kind, applied, -posting.delta), 0)
        running[posting.customer_id] = (balance + applied, lifetime)
        lifetimes.append(lifetime)
        keys[posting.idempotency_key] = len(entries)
        slots.append(len(entries))
        entries.append(
            repository.NewEntry(
                customer_id=posting.customer_id,
                delta=applied,
                kind=posting.kind,
                source=posting.source,
                source_ref=posting.source_ref,
                idempotency_key=posting.idempotency_key,
                shortfall=shortfall,
                balance_after=balance + applied,
                reason=posting.reason,
                actor=posting.actor,
            )
        )
    if not entries:
        return [slot for slot in slots if isinstance(slot, PostingResult)]
    written = {
        row.idempotency_key: row for row in await repository.insert_entries(session, merchant_id, entries)
    }
    if len(written) < len(entries):
        if len(entries) > 1:
            raise ConcurrentPosting("an idempotency key of this batch was already used")
        # the only posting is a replay: nothing moved, answer with the first entry
        existing = await _existing(uow, merchant_id, entries[0].idempotency_key)
        assert existing is not None
        return [existing]
    await repository.set_balances(
        session, merchant_id, {e.customer_id: running[e.customer_id] for e in entries}
    )
    results: list[PostingResult] = []
    announced: set[int] = set()
    for slot in slots:
        if isinstance(slot, PostingResult):
            results.append(slot)
            continue
        row = written[entries[slot].idempotency_key]
        results.append(PostingResult(entry=to_entry_dto(row), created=slot not in announced))
        if slot in announced:
            continue
        announced.add(slot)
        event = PointsBalanceChanged(
            merchant_id=merchant_id,
            customer_id=row.customer_id,
            entry_id=row.id,
            kind=row.kind,
            delta=row.delta,
            balance=row.balance_after,
            lifetime_earned=lifetimes[slot],
        )
        uow.publish(balance_channel(merchant_id, row.customer_id), event.to_payload())
    return results


async def _existing(uow: UnitOfWork, merchant_id: int, idempotency_key: str) -> PostingResult | None:
    row = await repository.get_entry_by_key(uow.session, merchant_id, idempotency_key)
    if row is None:
        return None
    return PostingResult(entry=to_entry_dto(row), created=False)


async def adjust_points(
    uow: UnitOfWork,
    *,
    merchant_id: int,
    customer_id: int,
    delta: int,
    reason: str,
    actor: str,
    idempotency_key: str,
) -> PostingResult:
    reason = reason.strip()
    if delta == 0:
        raise ValidationFailed("delta must not be zero", field="delta")
    if abs(delta) > MAX_ADJUSTMENT:
        raise ValidationFailed(f"delta must be within ±{MAX_ADJUSTMENT}", field="delta")
    if not reason:
        raise ValidationFailed("a reason is required", field="reason")
    if len(reason) > MAX_REASON_LENGTH:
        raise ValidationFailed(f"reason is limited to {MAX_REASON_LENGTH} characters", field="reason")
    result = await post(
        uow,
        merchant_id=merchant_id,
        customer_id=customer_id,
        delta=delta,
        kind="adjust",
        source="staff",
        idempotency_key=f"adjust:{idempotency_key}",
        reason=reason,
        actor=actor,
    )
    if not result.created and (result.entry.delta != delta or result.entry.reason != reason):
        # the key names a different adjustment: a client bug, not a retry (Stripe's rule)
        raise DomainError(
            "idempotencyKey was already used for a different adjustment",
            field="idempotencyKey",
            code="IDEMPOTENCY_KEY_REUSED",
        )
    if result.created:
        await audit.record(
            uow,
            merchant_id=merchant_id,
            actor=actor,
            action="points.adjusted",
            target_type="Customer",
            target_id=str(customer_id),
            details={"delta": delta, "entry_id": result.entry.id},
        )
    return result


def _order_ref(shopify_order_id: int) -> str:
    return f"order:{shopify_order_id}"


async def _program_settings(uow: UnitOfWork, merchant_id: int) -> merchants.ProgramSettingsDTO:
    """The shop's program settings, read once per unit of work: a batch of webhooks
    handled in one transaction earns under one set of rules."""
    cached = _settings_by_uow.setdefault(uow, {})
    found = cached.get(merchant_id)
    if found is None:
        found = cached[merchant_id] = await merchants.get_program_settings_in(uow, merchant_id)
    return found


async def _reverse_to_target(uow: UnitOfWork, merchant_id: int, order: OrderRow, *, key: str) -> None:
    """Bring the order's reversed points up to what its refunds/cancellation call for."""
    if order.customer_id is None or order.eligible_amount is None:
        return
    if order.cancelled:
        target = order.points_earned
    else:
        target = rules.reversal_target(
            order.points_earned, Decimal(order.eligible_amount), Decimal(order.refunded_amount)
        )
    owed = target - order.points_reversed
    if owed <= 0:
        return
    await post(
        uow,
        merchant_id=merchant_id,
        customer_id=order.customer_id,
        delta=-owed,
        kind="reversal",
        source="order",
        source_ref=_order_ref(order.shopify_order_id),
        idempotency_key=key,
        allow_shortfall=True,
    )
    order.points_reversed = target


async def award_order_points(uow: UnitOfWork, *, merchant_id: int, order: OrderFacts) -> int:
    """Award an order's points once. Returns the points awarded by this call (0 for a
    replay, a guest, or an order whose cancellation arrived first).

    Calls made concurrently in one unit of work (``asyncio.gather``) are awarded
    together, DataLoader-style: one statement per step for all of them instead of one
    per order. A lone call is a batch of one; the rules are the same either way.
    """
    loop = asyncio.get_running_loop()
    pending = _awards_by_uow.setdefault(uow, {})
    batch = pending.get(merchant_id)
    if batch is None:
        batch = pending[merchant_id] = _AwardBatch()
        loop.call_soon(_start_award_batch, uow, merchant_id, batch)
    future: asyncio.Future[int] = loop.create_future()
    batch.items.append((order, future))
    try:
        return await future
    except asyncio.CancelledError:
        # the session is the batch's until it is done: never leave it mid-statement
        if batch.task is not None:
            await asyncio.wait([batch.task])
        raise


@dataclass
class _AwardBatch:
    items: list[tuple[OrderFacts, asyncio.Future[int]]] = field(default_factory=list)
    task: asyncio.Task[None] | None = None


_awards_by_uow: weakref.WeakKeyDictionary[UnitOfWork, dict[int, _AwardBatch]] = weakref.WeakKeyDictionary()


def _start_award_batch(uow: UnitOfWork, merchant_id: int, batch: _AwardBatch) -> None:
    """Runs once the calls made together have all joined the batch."""
    pending = _awards_by_uow.get(uow, {})
    if pending.get(merchant_id) is batch:
        del pending[merchant_id]  # calls from now on start the next batch
    batch.task = asyncio.get_running_loop().create_task(_run_award_batch(uow, merchant_id, batch))


async def _run_award_batch(uow: UnitOfWork, merchant_id: int, batch: _AwardBatch) -> None:
    try:
        awarded = await award_orders(uow, merchant_id, [order for order, _ in batch.items])
    except BaseException as exc:
        for _, future in batch.items:
            if future.done():
                continue
            if isinstance(exc, asyncio.CancelledError):
                future.cancel()
            else:
                future.set_exception(exc)
        if not isinstance(exc, Exception):
            raise
        return
    for (_, future), points in zip(batch.items, awarded, strict=True):
        if not future.done():
            future.set_result(points)


async def award_orders(uow: UnitOfWork, merchant_id: int, orders: Sequence[OrderFacts]) -> list[int]:
    """The award pipeline, for one order or many: the points each order's call awarded.

    Each order is awarded once: its ``order_points`` row is created and locked, a row
    already holding an eligible amount is a replay (or came after another order payload)
    and awards nothing, and an order whose cancellation came first records its facts but
    earns nothing. The earn postings go through ``post_many``; refunds that arrived
    before the order take their share back right away.
    """
    awarded = [0] * len(orders)
    first: dict[int, int] = {}  # shopify order id -> index of its first call (later ones are replays)
    for index, order in enumerate(orders):
        first.setdefault(order.shopify_order_id, index)
    rows = await repository.upsert_orders(uow.session, merchant_id, list(first))
    settings = await _program_settings(uow, merchant_id)
    changed: list[OrderRow] = []
    postings: list[Posting] = []
    posted: list[tuple[int, OrderRow]] = []
    for order_id, index in first.items():
        order, row = orders[index], rows[order_id]
        if row.eligible_amount is not None:
            continue  # seen before: replay or a create after another order payload
        eligible = rules.eligible_amount(
            subtotal=order.subtotal,
            shipping=order.shipping,
            tax=order.tax,
            taxes_included=order.taxes_included,
            earn_on_shipping=settings.earn_on_shipping,
            earn_on_tax=settings.earn_on_tax,
        )
        row.customer_id = order.customer_id
        row.eligible_amount = eligible
        row.currency = order.currency
        row.taxes_included = order.taxes_included
        changed.append(row)
        if row.cancelled:
            continue  # the cancellation came first: nothing to award, nothing to leave behind
        points = rules.points_for_amount(eligible, settings.points_per_currency_unit, settings.rounding)
        if points > 0:
            postings.append(
                Posting(
                    customer_id=order.customer_id,
                    delta=points,
                    kind="earn",
                    source="order",
                    source_ref=_order_ref(order_id),
                    idempotency_key=f"{_order_ref(order_id)}:earn",
                )
            )
            posted.append((index, row))
    for (index, row), result in zip(posted, await post_many(uow, merchant_id, postings), strict=True):
        if result.created:
            awarded[index] = result.entry.delta
        row.points_earned = result.entry.delta
    for row in changed:
        if not row.cancelled and row.refunded_amount > 0:
            # refunds that arrived before the order take their share back right away,
            # measured now that the order (and whether its prices hold tax) is known
            row.refunded_amount = await repository.settle_provisional_refunds(
                uow.session, merchant_id, row.shopify_order_id, taxes_included=row.taxes_included
            )
            await _reverse_to_target(
                uow, merchant_id, row, key=f"{_order_ref(row.shopify_order_id)}:early-refunds"
            )
    await repository.update_orders(uow.session, merchant_id, changed)
    return awarded


async def cancel_order(
    uow: UnitOfWork, *, merchant_id: int, shopify_order_id: int, customer_id: int | None
) -> None:
    row = await repository.upsert_order(uow.session, merchant_id, shopify_order_id)
    if row.cancelled:
        return
    row.cancelled = True
    if row.customer_id is None:
        row.customer_id = customer_id
    await _reverse_to_target(uow, merchant_id, row, key=f"{_order_ref(shopify_order_id)}:cancel")
    await repository.update_orders(uow.session, merchant_id, [row])


async def refund_order(uow: UnitOfWork, *, merchant_id: int, refund: RefundFacts) -> None:
    row = await repository.upsert_order(uow.session, merchant_id, refund.shopify_order_id)
    settings = await _program_settings(uow, merchant_id)
    amount = rules.eligible_amount(
        subtotal=refund.line_subtotal,
        shipping=refund.shipping,
        tax=refund.line_tax,
        taxes_included=row.taxes_included,
        earn_on_shipping=settings.earn_on_shipping,
        earn_on_tax=settings.earn_on_tax,
    )
    if not await repository.insert_refund(
        uow.session,
        merchant_id,
        refund.shopify_refund_id,
        refund.shopify_order_id,
        amount,
        line_tax=refund.line_tax,
        # before its order is seen, whether prices include tax is unknown (see models)
        provisional=row.eligible_amount is None,
    ):
        return  # this refund was handled before
    row.refunded_amount = Decimal(row.refunded_amount) + amount
    if row.customer_id is None:
        row.customer_id = refund.customer_id
    await _reverse_to_target(uow, merchant_id, row, key=f"refund:{refund.shopify_refund_id}")
    await repository.update_orders(uow.session, merchant_id, [row])


async def verify_ledger(uow: UnitOfWork, merchant_id: int | None) -> list[LedgerMismatch]:
    rows = await repository.find_ledger_mismatches(uow.session, merchant_id)
    return [LedgerMismatch(merchant_id=m, customer_id=c, balance=b, ledger_sum=s) for m, c, b, s in rows]
