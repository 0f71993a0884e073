"""Posting: every balance change is one ledger entry, written once (idempotency
key), in the caller's unit of work, with its lot bookkeeping and a live update after
commit. A batch of postings costs a handful of statements whatever its size."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from loyalnest.contexts.points import repository, rules
from loyalnest.contexts.points.dto import LedgerEntryDTO, Posting, PostingResult
from loyalnest.contexts.points.events import PointsBalanceChanged, balance_channel
from loyalnest.contexts.points.ledger.batch import PostingBatch
from loyalnest.contexts.points.repository import LedgerRow
from loyalnest.platform.errors import InsufficientPoints
from loyalnest.platform.timeutil import utcnow
from loyalnest.platform.uow import UnitOfWork


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
        origin_type=row.origin_type,
        origin_id=row.origin_id,
    )


def _written_entry(entry: repository.NewEntry, entry_id: int, created_at: datetime) -> LedgerEntryDTO:
    """The row as written: what was sent, with the id and time the database gave it."""
    return LedgerEntryDTO(
        id=entry_id,
        customer_id=entry.customer_id,
        delta=entry.delta,
        kind=entry.kind,
        source=entry.source,
        source_ref=entry.source_ref,
        shortfall=entry.shortfall,
        balance_after=entry.balance_after,
        reason=entry.reason,
        actor=entry.actor,
        created_at=created_at,
        origin_type=entry.origin_type,
        origin_id=entry.origin_id,
    )


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
    origin_type: str | None = None,
    origin_id: int | None = None,
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
        origin_type=origin_type,
        origin_id=origin_id,
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


async def expire_due(
    uow: UnitOfWork, merchant_id: int, customer_ids: Sequence[int], *, dated: bool = False
) -> int:
    """Expire the unspent remainder of the customers' lots whose time has come: one
    ``expire`` row per lot (key ``expire:lot:<id>``), once. Returns the rows written.
    ``dated``: each row is dated when its lot expired (after an import's history), not
    now."""
    _, expired = await _post(uow, merchant_id, [], sweep=customer_ids, dated=dated)
    return expired


async def _post(
    uow: UnitOfWork,
    merchant_id: int,
    postings: Sequence[Posting],
    *,
    sweep: Sequence[int] = (),
    dated: bool = False,
) -> tuple[list[PostingResult], int]:
    """``post_many``, plus expiring the due lots of the ``sweep`` customers first.
    Returns the postings' results and the number of expire rows written."""
    if not postings and not sweep:
        return [], 0
    session = uow.session
    accounts = await repository.lock_accounts(
        session, merchant_id, [p.customer_id for p in postings] + list(sweep)
    )
    batch = PostingBatch(uow, merchant_id, utcnow(), accounts)
    debtors = {p.customer_id for p in postings if p.delta < 0} | set(sweep)
    if debtors:
        batch.add_lots(await repository.open_lots(session, merchant_id, sorted(debtors)))
        batch.read_open_lots_of = debtors
    first_keys = [p.take_first_from for p in postings if p.delta < 0 and p.take_first_from]
    first_lots = await repository.lots_of_entries(session, merchant_id, first_keys) if first_keys else {}
    for customer_id in sorted(set(sweep)):
        batch.sweep(customer_id, batch.now if dated else None)
    slots: list[int | PostingResult] = []  # index into entries, or a settled replay
    for posting in postings:
        if posting.idempotency_key in batch.keys:  # the same key twice in one batch: one posting
            slots.append(batch.keys[posting.idempotency_key])
            continue
        customer_id = posting.customer_id
        account = accounts[customer_id]
        if posting.delta < 0:
            swept_before = len(batch.entries)
            batch.sweep(customer_id, posting.occurred_at)
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
                    origin_type=posting.origin_type,
                    origin_id=posting.origin_id,
                    created_at=posting.occurred_at,
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
            await batch.open_lot(key, customer_id, applied, expires_at=posting.expires_at)
    entries = batch.entries
    if not entries:
        return [slot for slot in slots if isinstance(slot, PostingResult)], 0
    unread_active = batch.follow_activity()
    written = await repository.write_postings(
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
    dtos = [_written_entry(entry, *written[entry.idempotency_key]) for entry in entries]
    for dto, lifetime in zip(dtos, batch.lifetimes, strict=True):
        event = PointsBalanceChanged(
            merchant_id=merchant_id,
            customer_id=dto.customer_id,
            entry_id=dto.id,
            kind=dto.kind,
            delta=dto.delta,
            balance=dto.balance_after,
            lifetime_earned=lifetime,
        )
        uow.publish(balance_channel(merchant_id, dto.customer_id), event.to_payload())
    results: list[PostingResult] = []
    announced: set[int] = set()
    for slot in slots:
        if isinstance(slot, PostingResult):
            results.append(slot)
            continue
        results.append(PostingResult(entry=dtos[slot], created=slot not in announced))
        announced.add(slot)
    expired = sum(1 for entry in entries if entry.kind == "expire")
    return results, expired


async def existing_entries(
    uow: UnitOfWork, merchant_id: int, keys: Sequence[str]
) -> dict[str, LedgerEntryDTO]:
    """The entries already posted under any of ``keys`` (in the caller's transaction)."""
    if not keys:
        return {}
    rows = await repository.get_entries_by_keys(uow.session, merchant_id, keys)
    return {row.idempotency_key: to_entry_dto(row) for row in rows}


async def customers_with_entries_besides(
    uow: UnitOfWork, merchant_id: int, customer_ids: Sequence[int], key_prefixes: Sequence[str]
) -> set[int]:
    """Of these customers, those the ledger shows doing something besides the entries
    keyed with these prefixes (an import's revert keeps such customers)."""
    return await repository.customers_with_entries_besides(
        uow.session, merchant_id, customer_ids, key_prefixes
    )


async def keyed_credits(
    uow: UnitOfWork, merchant_id: int, keys: dict[int, str]
) -> dict[int, tuple[int, int]]:
    """{customer: (points credited, points still in their lots)} of the credits keyed
    ``keys[customer]`` or ``keys[customer]:<anything>``: what an import gave each
    customer, and how much of it is left to take back."""
    return await repository.keyed_credits(uow.session, merchant_id, keys)


async def origins_before(
    uow: UnitOfWork, merchant_id: int, origin_type: str, origin_ids: Sequence[int], before: dict[int, int]
) -> set[tuple[int, int]]:
    """{(customer, origin id)}: which of ``origin_ids`` (of ``origin_type``) the
    customer's entries posted before entry ``before[customer]`` came from."""
    return await repository.origins_before(uow.session, merchant_id, origin_type, origin_ids, before)


async def origin_totals(
    uow: UnitOfWork,
    merchant_id: int,
    origin_type: str,
    origin_ids: Sequence[int],
    customer_ids: Sequence[int],
) -> dict[tuple[int, int], tuple[int, int]]:
    """{(customer, origin id): (entries that earned, net points)} of the customers'
    entries from these origins: the earnings count once each, reversals lower the
    points (in the caller's transaction)."""
    return await repository.origin_totals(uow.session, merchant_id, origin_type, origin_ids, customer_ids)


async def _existing(uow: UnitOfWork, merchant_id: int, idempotency_key: str) -> PostingResult | None:
    row = await repository.get_entry_by_key(uow.session, merchant_id, idempotency_key)
    if row is None:
        return None
    return PostingResult(entry=to_entry_dto(row), created=False)
