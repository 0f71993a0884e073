"""Points business rules. Every balance change is one ledger posting, written once
(idempotency key), in the caller's unit of work."""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from decimal import Decimal

from loyalnest.contexts.audit import api as audit
from loyalnest.contexts.merchants import api as merchants
from loyalnest.contexts.points import repository, rules
from loyalnest.contexts.points.dto import (
    LedgerEntryDTO,
    LedgerMismatch,
    LotMismatch,
    OrderFacts,
    PostingResult,
    RefundFacts,
)
from loyalnest.contexts.points.events import PointsBalanceChanged, balance_channel
from loyalnest.contexts.points.repository import AccountState, LedgerRow, OrderRow
from loyalnest.platform.errors import DomainError, InsufficientPoints, ValidationFailed
from loyalnest.platform.timeutil import utcnow
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
    # A debit takes first from the lot opened by the entry with this key (a reversal
    # takes back its own order's points), then from the others, oldest first.
    take_first_from: str | None = None
    # Of a shortfall debit (a reversal), points already gone to expiry: they are not
    # taken again from other lots, only recorded in the shortfall.
    lapsed: int = 0


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
    take_first_from: str | None = None,
    lapsed: int = 0,
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
        take_first_from=take_first_from,
        lapsed=lapsed,
    )
    [result] = await post_many(uow, merchant_id, [posting])
    return result


async def post_many(uow: UnitOfWork, merchant_id: int, postings: Sequence[Posting]) -> list[PostingResult]:
    """Post several balance changes in order, with the rules of ``post`` applied to each
    in turn (a customer's later posting sees the balance the earlier one left), in a
    handful of statements whatever their number: lock the accounts, read the lots of
    customers being debited, write the ledger rows with their lots, write the balances.

    Lots: a positive posting of a spendable kind opens a lot, expiring by the shop's
    rule (a returned redemption refills the lots it took from instead); a debit takes
    from open lots oldest first, after the customer's lots whose time has come have
    expired (so no lot is ever spent after its expiry, whenever the expiry pass runs).

    A key already used is a replay: nothing moves. With a single posting that is
    settled here; in a batch it cannot be (the balances after it were computed on the
    assumption it moves), so ``ConcurrentPosting`` is raised for the caller to retry.
    """
    results, _ = await _post(uow, merchant_id, postings)
    return results


async def expire_due(uow: UnitOfWork, merchant_id: int, customer_ids: Sequence[int]) -> int:
    """Expire the unspent remainder of the customers' lots whose time has come: one
    ``expire`` row per lot (key ``expire:lot:<id>``), once. Returns the rows written."""
    _, expired = await _post(uow, merchant_id, [], sweep=customer_ids)
    return expired


@dataclass(slots=True)
class _Lot:
    """A lot as a batch reads and changes it."""

    id: int
    customer_id: int
    points: int
    remaining: int
    expires_at: datetime | None
    activity_days: int | None
    changed: bool = False


@dataclass(slots=True)
class _NewLot:
    idempotency_key: str
    customer_id: int
    points: int
    expires_at: datetime | None
    activity_days: int | None


class _Batch:
    """The working state of one ``_post`` call: locked accounts, the lots read, and
    what will be written."""

    def __init__(self, uow: UnitOfWork, merchant_id: int, now: datetime, accounts: dict[int, AccountState]):
        self.uow = uow
        self.merchant_id = merchant_id
        self.now = now
        self.accounts = accounts
        self.lots: dict[int, _Lot] = {}
        self.lots_of: dict[int, list[_Lot]] = {}
        self.read_open_lots_of: set[int] = set()
        self.swept: set[int] = set()
        self.entries: list[repository.NewEntry] = []
        self.lifetimes: list[int] = []  # lifetime earned after each entry (for its live update)
        self.keys: dict[str, int] = {}
        self.new_lots: list[_NewLot] = []
        self.consumptions: list[repository.Consumption] = []
        self.active: set[int] = set()  # customers with activity in this batch
        self.returned: dict[tuple[int, str, str], int] = {}  # given back in this batch
        self._expiry: tuple[str, int | None, str] | None = None

    def add_lots(self, rows: Sequence[repository.LotRow]) -> None:
        for row in rows:
            if row.id not in self.lots:  # what the batch did to a lot wins over the read
                lot = _Lot(
                    row.id, row.customer_id, row.points, row.remaining, row.expires_at, row.activity_days
                )
                self.lots[row.id] = lot
                self.lots_of.setdefault(row.customer_id, []).append(lot)

    def open_lots(self, customer_id: int) -> list[_Lot]:
        """The customer's open lots known to the batch, in earning order."""
        return sorted(
            (lot for lot in self.lots_of.get(customer_id, ()) if lot.remaining > 0), key=lambda lot: lot.id
        )

    def add_entry(self, entry: repository.NewEntry, lifetime: int) -> int:
        self.keys[entry.idempotency_key] = len(self.entries)
        self.entries.append(entry)
        self.lifetimes.append(lifetime)
        return len(self.entries) - 1

    def take(self, key: str, customer_id: int, amount: int, first: Sequence[int] = ()) -> None:
        lots = self.open_lots(customer_id)
        plain = [rules.Lot(lot.id, lot.remaining) for lot in lots]
        by_id = {lot.id: lot for lot in lots}
        for lot_id, points in rules.take_from_lots(plain, amount, first=first):
            lot = by_id[lot_id]
            lot.remaining -= points
            lot.changed = True
            self.consumptions.append(repository.Consumption(key, lot_id, points))

    def sweep(self, customer_id: int) -> None:
        """Expire the customer's due lots (once per batch, before their first debit)."""
        if customer_id in self.swept:
            return
        self.swept.add(customer_id)
        account = self.accounts[customer_id]
        for lot in self.open_lots(customer_id):
            if not rules.is_due(rules.Lot(lot.id, lot.remaining, lot.expires_at), self.now):
                continue
            key = f"expire:lot:{lot.id}"
            account.balance -= lot.remaining
            self.add_entry(
                repository.NewEntry(
                    customer_id=customer_id,
                    delta=-lot.remaining,
                    kind="expire",
                    source="expiry",
                    source_ref=f"lot:{lot.id}",
                    idempotency_key=key,
                    shortfall=0,
                    balance_after=account.balance,
                    reason=None,
                    actor=None,
                ),
                account.lifetime_earned,
            )
            self.take(key, customer_id, lot.remaining, first=[lot.id])

    async def lot_expiry(self, customer_id: int) -> rules.LotExpiry:
        """The expiry of a lot opened now for the customer, under the shop's rule."""
        if self._expiry is None:
            settings = await _program_settings(self.uow, self.merchant_id)
            timezone = "UTC"
            if settings.expiry_policy in (rules.END_OF_MONTH, rules.END_OF_YEAR):
                merchant = await merchants.get_merchant_in(self.uow, self.merchant_id)
                timezone = merchant.iana_timezone if merchant is not None else "UTC"
            self._expiry = (settings.expiry_policy, settings.expiry_days, timezone)
        policy, days, timezone = self._expiry
        return rules.lot_expiry(
            policy,
            days,
            earned_at=self.now,
            last_activity_at=self.accounts[customer_id].last_activity_at,
            timezone=timezone,
        )

    async def open_lot(self, key: str, customer_id: int, points: int) -> None:
        expiry = await self.lot_expiry(customer_id)
        self.new_lots.append(_NewLot(key, customer_id, points, expiry.expires_at, expiry.activity_days))

    async def give_back(self, posting: Posting, key: str, points: int) -> None:
        """A returned redemption refills the lots it took from, newest first, with their
        own expiry; what was taken from lots that have expired since (or cannot be
        found) comes back as a lot of its own under the current rule."""
        fresh = points
        if posting.source_ref is not None:
            ref = (posting.customer_id, posting.source, posting.source_ref)
            found = await repository.redemption_lots(
                self.uow.session, self.merchant_id, posting.customer_id, posting.source, posting.source_ref
            )
            self.add_lots(found.lots)
            already = found.returned + self.returned.get(ref, 0)
            self.returned[ref] = self.returned.get(ref, 0) + points
            last_activity = self.accounts[posting.customer_id].last_activity_at or self.now
            for lot_id, part in rules.give_back(found.taken, already, points):
                lot = self.lots[lot_id]
                if lot.expires_at is not None and lot.expires_at <= self.now:
                    continue  # its time has passed: these points start a lot of their own
                lot.remaining += part
                if lot.activity_days is not None and lot.expires_at is not None:
                    # back among the open lots, it follows the latest activity again
                    lot.expires_at = max(lot.expires_at, last_activity + timedelta(days=lot.activity_days))
                lot.changed = True
                self.consumptions.append(repository.Consumption(key, lot_id, -part))
                fresh -= part
        if fresh > 0:
            await self.open_lot(key, posting.customer_id, fresh)

    def merged_consumptions(self) -> list[repository.Consumption]:
        """One row per entry and lot (a return may refill a lot in two parts, when
        two redemptions under one reference took from it)."""
        merged: dict[tuple[str, int], int] = {}
        for c in self.consumptions:
            merged[(c.idempotency_key, c.lot_id)] = merged.get((c.idempotency_key, c.lot_id), 0) + c.points
        return [
            repository.Consumption(key, lot_id, points) for (key, lot_id), points in merged.items() if points
        ]

    def follow_activity(self) -> list[int]:
        """Move the expiry of lots that follow activity, for customers active in this
        batch; returns the active customers whose open lots were not read (the write
        statement moves theirs)."""
        for lot in self.lots.values():
            if lot.customer_id in self.active and lot.remaining > 0:
                moved = rules.moved_expiry(
                    rules.Lot(lot.id, lot.remaining, lot.expires_at, lot.activity_days), self.now
                )
                if moved != lot.expires_at:
                    lot.expires_at = moved
                    lot.changed = True
        for new in self.new_lots:
            if new.customer_id in self.active and new.activity_days is not None:
                new.expires_at = rules.moved_expiry(
                    rules.Lot(0, new.points, new.expires_at, new.activity_days), self.now
                )
        return sorted(self.active - self.read_open_lots_of)


async def _post(
    uow: UnitOfWork, merchant_id: int, postings: Sequence[Posting], *, sweep: Sequence[int] = ()
) -> tuple[list[PostingResult], int]:
    """``post_many``, plus expiring the due lots of the ``sweep`` customers first.
    Returns the postings' results and the number of expire rows written."""
    if not postings and not sweep:
        return [], 0
    session = uow.session
    accounts = await repository.lock_accounts(
        session, merchant_id, [p.customer_id for p in postings] + list(sweep)
    )
    batch = _Batch(uow, merchant_id, utcnow(), accounts)
    debtors = {p.customer_id for p in postings if p.delta < 0} | set(sweep)
    if debtors:
        batch.add_lots(await repository.open_lots(session, merchant_id, sorted(debtors)))
        batch.read_open_lots_of = debtors
    first_keys = [p.take_first_from for p in postings if p.delta < 0 and p.take_first_from]
    first_lots = await repository.lots_of_entries(session, merchant_id, first_keys) if first_keys else {}
    for customer_id in sorted(set(sweep)):
        batch.sweep(customer_id)
    slots: list[int | PostingResult] = []  # index into entries, or a settled replay
    for posting in postings:
        if posting.idempotency_key in batch.keys:  # the same key twice in one batch: one posting
            slots.append(batch.keys[posting.idempotency_key])
            continue
        customer_id = posting.customer_id
        account = accounts[customer_id]
        if posting.delta < 0:
            swept_before = len(batch.entries)
            batch.sweep(customer_id)
            if len(postings) == 1 and len(batch.entries) > swept_before:
                # a replayed debit must not be refused, nor write expiries beside it
                existing = await _existing(uow, merchant_id, posting.idempotency_key)
                if existing is not None:
                    return [existing], 0
        applied, shortfall = posting.delta, 0
        if posting.delta < 0:
            wanted = -posting.delta - (min(posting.lapsed, -posting.delta) if posting.allow_shortfall else 0)
            if wanted > account.balance:
                if not posting.allow_shortfall:
                    # a replay of a debit that already went through must not be refused
                    existing = await _existing(uow, merchant_id, posting.idempotency_key)
                    if existing is not None:
                        slots.append(existing)
                        continue
                    raise InsufficientPoints(
                        f"balance is {account.balance} points; {-posting.delta} needed", field="delta"
                    )
                wanted = account.balance
            applied, shortfall = -wanted, -posting.delta - wanted
        lifetime = max(
            account.lifetime_earned + rules.lifetime_change(posting.kind, applied, -posting.delta), 0
        )
        account.balance += applied
        account.lifetime_earned = lifetime
        if rules.is_activity(posting.kind, applied):
            account.last_activity_at = batch.now
            batch.active.add(customer_id)
        key = posting.idempotency_key
        slots.append(
            batch.add_entry(
                repository.NewEntry(
                    customer_id=customer_id,
                    delta=applied,
                    kind=posting.kind,
                    source=posting.source,
                    source_ref=posting.source_ref,
                    idempotency_key=key,
                    shortfall=shortfall,
                    balance_after=account.balance,
                    reason=posting.reason,
                    actor=posting.actor,
                ),
                lifetime,
            )
        )
        if applied < 0:
            first = posting.take_first_from
            batch.take(key, customer_id, -applied, first=[first_lots[first]] if first in first_lots else [])
        elif applied > 0 and posting.kind == "redeem_return":
            await batch.give_back(posting, key, applied)
        elif applied > 0 and posting.kind in rules.LOT_KINDS:
            await batch.open_lot(key, customer_id, applied)
    entries = batch.entries
    if not entries:
        return [slot for slot in slots if isinstance(slot, PostingResult)], 0
    unread_active = batch.follow_activity()
    written = {
        row.idempotency_key: row
        for row in await repository.write_postings(
            session,
            merchant_id,
            entries,
            lots=[
                repository.NewLot(n.idempotency_key, n.points, n.expires_at, n.activity_days)
                for n in batch.new_lots
            ],
            consumptions=batch.merged_consumptions(),
            lot_changes=[
                repository.LotChange(lot.id, lot.remaining, lot.expires_at)
                for lot in batch.lots.values()
                if lot.changed
            ],
            activity_at=batch.now if unread_active else None,
            follow_activity_of=unread_active,
        )
    }
    if len(written) < len(entries):
        if len(entries) > 1:
            raise ConcurrentPosting("an idempotency key of this batch was already used")
        # the only posting is a replay: nothing moved, answer with the first entry
        existing = await _existing(uow, merchant_id, entries[0].idempotency_key)
        assert existing is not None
        return [existing], 0
    await repository.set_balances(
        session, merchant_id, {e.customer_id: accounts[e.customer_id] for e in entries}
    )
    results: list[PostingResult] = []
    announced: set[int] = set()
    for index, entry in enumerate(entries):
        row = written[entry.idempotency_key]
        event = PointsBalanceChanged(
            merchant_id=merchant_id,
            customer_id=row.customer_id,
            entry_id=row.id,
            kind=row.kind,
            delta=row.delta,
            balance=row.balance_after,
            lifetime_earned=batch.lifetimes[index],
        )
        uow.publish(balance_channel(merchant_id, row.customer_id), event.to_payload())
    for slot in slots:
        if isinstance(slot, PostingResult):
            results.append(slot)
            continue
        row = written[entries[slot].idempotency_key]
        results.append(PostingResult(entry=to_entry_dto(row), created=slot not in announced))
        announced.add(slot)
    expired = sum(1 for entry in entries if entry.kind == "expire")
    return results, expired


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
    if not result.created and (
        result.entry.customer_id != customer_id
        or result.entry.delta != delta
        or result.entry.reason != reason
    ):
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


def _earn_key(shopify_order_id: int) -> str:
    """The key of an order's earning, whether awarded at once or released from pending."""
    return f"{_order_ref(shopify_order_id)}:earn"


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
    found = await repository.lock_pending(uow.session, merchant_id, [order.shopify_order_id])
    pending = found[0] if found else None
    if pending is not None and pending.status == "pending":
        # still held back: what the refund or cancellation takes is simply not released
        left = order.points_earned - target
        status = "cancelled" if left <= 0 or order.cancelled else "pending"
        await repository.update_pending(
            uow.session, merchant_id, [replace(pending, points=max(left, 0), status=status)]
        )
        order.points_reversed = target
        return
    # The order's points come back out of its own lot first (refunding an order removes
    # those points, not older ones), then oldest first from the others for the part
    # that was spent. The part its lot lost to expiry is gone already: it is not taken
    # a second time (it shows in the entry's shortfall). Due lots expire first, so that
    # part is known exactly.
    earn_key = _earn_key(order.shopify_order_id)
    await expire_due(uow, merchant_id, [order.customer_id])
    lapsed = 0
    lot = await repository.lot_of_entry(uow.session, merchant_id, earn_key)
    if lot is not None:
        remaining, expired = lot
        lapsed = max(min(owed - min(owed, remaining), expired - order.points_lapsed), 0)
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
        take_first_from=earn_key,
        lapsed=lapsed,
    )
    order.points_reversed = target
    order.points_lapsed += lapsed


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


async def _excluded_products(
    uow: UnitOfWork, merchant_id: int, settings: merchants.ProgramSettingsDTO, product_ids: Sequence[int]
) -> frozenset[int]:
    """Of these products, those whose lines earn nothing: excluded by id, or carrying an
    excluded tag (known from products/create and products/update webhooks; a product
    never seen there is not excluded by tag). One statement, only when tags are set."""
    excluded = frozenset(settings.excluded_product_ids)
    if not settings.excluded_product_tags or not product_ids:
        return excluded
    tagged = await repository.products_tagged(
        uow.session, merchant_id, product_ids, settings.excluded_product_tags
    )
    return excluded | tagged


async def record_product_tags(
    uow: UnitOfWork, merchant_id: int, product_id: int, tags: Sequence[str], updated_at: datetime | None
) -> None:
    normalised = sorted({merchants.normalise_tag(tag) for tag in tags if merchants.normalise_tag(tag)})
    await repository.upsert_product_tags(uow.session, merchant_id, product_id, normalised, updated_at)


def _eligible_amount(
    order: OrderFacts, settings: merchants.ProgramSettingsDTO, excluded_products: frozenset[int]
) -> Decimal:
    """The part of the order that earns: after discounts, without the lines of excluded
    products, shipping and tax as the merchant says."""
    excluded, excluded_tax = rules.excluded_amounts(
        [
            (line.product_id, rules.line_amount(line.price, line.quantity, line.discount), line.tax)
            for line in order.lines
        ],
        excluded_products,
    )
    return rules.eligible_amount(
        subtotal=order.subtotal - excluded,
        shipping=order.shipping,
        tax=max(order.tax - excluded_tax, Decimal(0)),
        taxes_included=order.taxes_included,
        earn_on_shipping=settings.earn_on_shipping,
        earn_on_tax=settings.earn_on_tax,
    )


def _purchase_points(order: OrderFacts, eligible: Decimal, settings: merchants.ProgramSettingsDTO) -> int:
    """What the purchase rule gives an order: nothing when it is off or the order's
    subtotal (after discounts, as the customer saw it) is below the minimum."""
    if not settings.purchase_enabled:
        return 0
    if settings.min_order_amount is not None and order.subtotal < settings.min_order_amount:
        return 0
    return rules.points_for_amount(eligible, settings.points_per_currency_unit, settings.rounding)


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
    held: list[repository.PendingRow] = []
    release_at = utcnow() + timedelta(days=settings.pending_days)
    excluded = await _excluded_products(
        uow,
        merchant_id,
        settings,
        [line.product_id for order in orders for line in order.lines if line.product_id is not None],
    )
    for order_id, index in first.items():
        order, row = orders[index], rows[order_id]
        if row.eligible_amount is not None:
            continue  # seen before: replay or a create after another order payload
        eligible = _eligible_amount(order, settings, excluded)
        row.customer_id = order.customer_id
        row.eligible_amount = eligible
        row.currency = order.currency
        row.taxes_included = order.taxes_included
        changed.append(row)
        if row.cancelled:
            continue  # the cancellation came first: nothing to award, nothing to leave behind
        points = _purchase_points(order, eligible, settings)
        if points <= 0:
            continue
        if settings.pending_days > 0:
            # held back for the pending period: ``release_pending`` posts them later
            # under the same key an immediate award would have used
            held.append(repository.PendingRow(order_id, order.customer_id, points, release_at, "pending"))
            row.points_earned = points
            continue
        postings.append(
            Posting(
                customer_id=order.customer_id,
                delta=points,
                kind="earn",
                source="order",
                source_ref=_order_ref(order_id),
                idempotency_key=_earn_key(order_id),
            )
        )
        posted.append((index, row))
    for (index, row), result in zip(posted, await post_many(uow, merchant_id, postings), strict=True):
        if result.created:
            awarded[index] = result.entry.delta
        row.points_earned = result.entry.delta
    await repository.insert_pending(uow.session, merchant_id, held)
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
    # lines of excluded products earned nothing: refunding them takes nothing back
    products = await _excluded_products(
        uow, merchant_id, settings, [line.product_id for line in refund.lines if line.product_id is not None]
    )
    excluded, excluded_tax = rules.excluded_amounts(
        [(line.product_id, line.subtotal, line.tax) for line in refund.lines], products
    )
    line_tax = max(refund.line_tax - excluded_tax, Decimal(0))
    amount = rules.eligible_amount(
        subtotal=refund.line_subtotal - excluded,
        shipping=refund.shipping,
        tax=line_tax,
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
        line_tax=line_tax,
        # before its order is seen, whether prices include tax is unknown (see models)
        provisional=row.eligible_amount is None,
    ):
        return  # this refund was handled before
    row.refunded_amount = Decimal(row.refunded_amount) + amount
    if row.customer_id is None:
        row.customer_id = refund.customer_id
    await _reverse_to_target(uow, merchant_id, row, key=f"refund:{refund.shopify_refund_id}")
    await repository.update_orders(uow.session, merchant_id, [row])


async def release_pending(uow: UnitOfWork, merchant_id: int, shopify_order_ids: Sequence[int]) -> int:
    """Post the pending points of these orders that are due, as each order's ``earn``
    (the key an immediate award would have used). The order rows are locked first, as
    every webhook of an order does, so a refund or cancellation arriving meanwhile is
    seen before or after, never halfway. Returns the points released."""
    now = utcnow()
    await repository.upsert_orders(uow.session, merchant_id, shopify_order_ids)
    due = await repository.lock_pending(uow.session, merchant_id, shopify_order_ids, due_at=now)
    postings = [
        Posting(
            customer_id=row.customer_id,
            delta=row.points,
            kind="earn",
            source="order",
            source_ref=_order_ref(row.shopify_order_id),
            idempotency_key=_earn_key(row.shopify_order_id),
        )
        for row in due
        if row.points > 0
    ]
    await post_many(uow, merchant_id, postings)
    await repository.update_pending(
        uow.session,
        merchant_id,
        [replace(row, status="released" if row.points > 0 else "cancelled") for row in due],
    )
    return sum(p.delta for p in postings)


REMINDER_DAYS = 30


async def record_expiry_reminders(uow: UnitOfWork, *, now: datetime) -> tuple[int, int]:
    """Record the "points expiring soon" reminders that are due (lots expiring within
    ``REMINDER_DAYS``), one per customer and expiry date in the shop's timezone, and
    cancel due reminders whose date no longer has points expiring. Returns (recorded,
    cancelled)."""
    session = uow.session
    until = now + timedelta(days=REMINDER_DAYS)
    shops = await repository.shops_with_lots_expiring(session, after=now, until=until)
    stale_shops = await repository.shops_with_due_reminders(session, now=now)
    timezones = await merchants.get_timezones(sorted(set(shops) | set(stale_shops)))
    recorded = await repository.record_expiry_reminders(
        session, after=now, until=until, timezones={m: timezones[m] for m in shops if m in timezones}
    )
    cancelled = await repository.cancel_stale_reminders(
        session, now=now, timezones={m: timezones[m] for m in stale_shops if m in timezones}
    )
    return recorded, cancelled


async def verify_ledger(uow: UnitOfWork, merchant_id: int | None) -> list[LedgerMismatch]:
    rows = await repository.find_ledger_mismatches(uow.session, merchant_id)
    return [
        LedgerMismatch(merchant_id=m, customer_id=c, balance=b, ledger_sum=s, lots_remaining=o)
        for m, c, b, s, o in rows
    ]


async def verify_lots(uow: UnitOfWork, merchant_id: int | None) -> list[LotMismatch]:
    rows = await repository.find_lot_mismatches(uow.session, merchant_id)
    return [
        LotMismatch(merchant_id=m, lot_id=lot, customer_id=c, points=p, remaining=r, consumed=used)
        for m, lot, c, p, r, used in rows
    ]
