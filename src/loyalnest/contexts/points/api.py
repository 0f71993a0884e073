"""Public door of the points context."""

from __future__ import annotations

import logging
from datetime import timedelta

from loyalnest.contexts.points import repository, service
from loyalnest.contexts.points.dto import (
    AccountDTO,
    ExpiringPointsDTO,
    ExpiryReport,
    LedgerEntryDTO,
    LedgerMismatch,
    LedgerPage,
    LotMismatch,
    OrderFacts,
    OrderLine,
    PostingResult,
    RefundFacts,
    RefundLine,
)
from loyalnest.contexts.points.events import PointsBalanceChanged, balance_channel
from loyalnest.platform.db import plain_connection, read_session
from loyalnest.platform.timeutil import utcnow
from loyalnest.platform.uow import UnitOfWork, unit_of_work

__all__ = [
    "EXPIRE_LOTS_ACTOR",
    "MAX_EXPIRING_WITHIN_DAYS",
    "POINTS_QUEUE",
    "RELEASE_PENDING_ACTOR",
    "REMINDER_DAYS",
    "AccountDTO",
    "ExpiringPointsDTO",
    "ExpiryReport",
    "LedgerEntryDTO",
    "LedgerMismatch",
    "LedgerPage",
    "LotMismatch",
    "OrderFacts",
    "OrderLine",
    "PointsBalanceChanged",
    "PostingResult",
    "RefundFacts",
    "RefundLine",
    "adjust_points",
    "award_order_points",
    "award_points",
    "balance_channel",
    "cancel_order",
    "expire_lots",
    "get_accounts",
    "get_expiring_points",
    "get_pending_points",
    "list_transactions",
    "recent_transactions_for_customers",
    "record_product_tags",
    "refund_order",
    "release_pending_points",
    "return_points",
    "spend_points",
    "verify_ledger",
    "verify_lots",
]

log = logging.getLogger(__name__)

POINTS_QUEUE = "points"
EXPIRE_LOTS_ACTOR = "points.expire_lots"
RELEASE_PENDING_ACTOR = "points.release_pending"
# Due lots (pending orders) looked at per pass step; each shop's share is one transaction.
PASS_BATCH_SIZE = 500
MAX_BATCHES_PER_PASS = 100
# ``expiringPoints(within:)`` looks this far ahead at most.
MAX_EXPIRING_WITHIN_DAYS = 3660
REMINDER_DAYS = service.REMINDER_DAYS

award_order_points = service.award_order_points
# products/create and products/update: the tags the purchase rule's excluded tags match
record_product_tags = service.record_product_tags
cancel_order = service.cancel_order
refund_order = service.refund_order


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
    """A staff member's manual change; refuses to go below zero (INSUFFICIENT_POINTS)."""
    return await service.adjust_points(
        uow,
        merchant_id=merchant_id,
        customer_id=customer_id,
        delta=delta,
        reason=reason,
        actor=actor,
        idempotency_key=idempotency_key,
    )


async def award_points(
    uow: UnitOfWork,
    *,
    merchant_id: int,
    customer_id: int,
    points: int,
    rule: str,
    source_ref: str | None,
    idempotency_key: str,
    reason: str | None = None,
    actor: str | None = None,
) -> PostingResult:
    """Earn ``points`` under an earning rule (``rule`` names it: signup, newsletter,
    birthday, review, custom, ...). The one door for every non-order earning, so what
    later multiplies earnings (tiers, campaigns) applies in one place. A replayed
    ``idempotency_key`` changes nothing and returns the first entry."""
    if points <= 0:
        raise ValueError("an award must be positive")
    return await service.post(
        uow,
        merchant_id=merchant_id,
        customer_id=customer_id,
        delta=points,
        kind="earn",
        source=rule,
        source_ref=source_ref,
        idempotency_key=idempotency_key,
        reason=reason,
        actor=actor,
    )


async def spend_points(
    uow: UnitOfWork,
    *,
    merchant_id: int,
    customer_id: int,
    points: int,
    source: str,
    source_ref: str | None,
    idempotency_key: str,
    actor: str | None = None,
) -> PostingResult:
    """Spend ``points`` (a redemption): all or nothing, raising ``InsufficientPoints``
    when the balance is short. Safe under concurrency: the account row is locked for
    the rest of the caller's transaction. The points come out of the customer's
    oldest lots first; lots whose time has come expire first (they are never spent)."""
    if points <= 0:
        raise ValueError("a spend must be positive")
    return await service.post(
        uow,
        merchant_id=merchant_id,
        customer_id=customer_id,
        delta=-points,
        kind="redeem",
        source=source,
        source_ref=source_ref,
        idempotency_key=idempotency_key,
        actor=actor,
    )


async def return_points(
    uow: UnitOfWork,
    *,
    merchant_id: int,
    customer_id: int,
    points: int,
    source: str,
    source_ref: str | None,
    idempotency_key: str,
    reason: str | None = None,
) -> PostingResult:
    """Give back points spent by ``spend_points`` (a discount code Shopify refused, or
    one that expired unused). Not an earning: lifetime earned does not move.

    The points go back into the lots the spend(s) with the same ``source`` and
    ``source_ref`` took them from, with those lots' own expiry (newest lots first for a
    partial return); points whose lot has expired since come back as a new lot under
    the shop's current expiry rule."""
    if points <= 0:
        raise ValueError("a return must be positive")
    return await service.post(
        uow,
        merchant_id=merchant_id,
        customer_id=customer_id,
        delta=points,
        kind="redeem_return",
        source=source,
        source_ref=source_ref,
        idempotency_key=idempotency_key,
        reason=reason,
    )


async def get_accounts(merchant_id: int, customer_ids: list[int]) -> dict[int, AccountDTO]:
    """Balances by customer id; customers without postings yet get a zero account."""
    async with plain_connection() as connection:
        rows = await repository.get_accounts(connection, merchant_id, customer_ids)
    found = {row.customer_id: AccountDTO(row.customer_id, row.balance, row.lifetime_earned) for row in rows}
    return {cid: found.get(cid, AccountDTO(cid, 0, 0)) for cid in customer_ids}


async def list_transactions(
    merchant_id: int, customer_id: int, *, before_id: int | None, first: int
) -> LedgerPage:
    async with plain_connection() as connection:
        rows = await repository.list_entries(
            connection, merchant_id, customer_id, before_id=before_id, limit=first + 1
        )
    return LedgerPage(items=[service.to_entry_dto(r) for r in rows[:first]], has_next_page=len(rows) > first)


async def recent_transactions_for_customers(
    merchant_id: int, customer_ids: list[int], *, first: int
) -> dict[int, LedgerPage]:
    """First page of several customers' histories in one query (DataLoader batch)."""
    async with plain_connection() as connection:
        rows = await repository.list_entries_for_customers(
            connection, merchant_id, customer_ids, limit=first + 1
        )
    grouped: dict[int, list[LedgerEntryDTO]] = {cid: [] for cid in customer_ids}
    for row in rows:
        grouped[row.customer_id].append(service.to_entry_dto(row))
    return {
        cid: LedgerPage(items=entries[:first], has_next_page=len(entries) > first)
        for cid, entries in grouped.items()
    }


async def verify_ledger(uow: UnitOfWork, merchant_id: int | None = None) -> list[LedgerMismatch]:
    """Accounts whose balance, ledger sum and open lots' remaining points do not all
    agree (should be none)."""
    return await service.verify_ledger(uow, merchant_id)


async def verify_lots(uow: UnitOfWork, merchant_id: int | None = None) -> list[LotMismatch]:
    """Lots whose remaining points are not their points less what ledger entries took
    from them and gave back (should be none)."""
    return await service.verify_lots(uow, merchant_id)


async def get_pending_points(merchant_id: int, customer_ids: list[int]) -> dict[int, int]:
    """Points held as pending (not yet spendable) by customer id; 0 for none."""
    async with read_session() as session:
        found = await repository.pending_points(session, merchant_id, customer_ids)
    return {cid: found.get(cid, 0) for cid in customer_ids}


async def get_expiring_points(
    merchant_id: int, customer_ids: list[int], *, within_days: int
) -> dict[int, ExpiringPointsDTO]:
    """By customer id: the points of open lots expiring within ``within_days`` days
    (lots whose time has come but that the expiry pass has not reached yet included),
    and the earliest expiry of any open lot."""
    if not 0 <= within_days <= MAX_EXPIRING_WITHIN_DAYS:
        raise ValueError(f"within_days must be between 0 and {MAX_EXPIRING_WITHIN_DAYS}")
    async with read_session() as session:
        found = await repository.expiring_points(
            session, merchant_id, customer_ids, until=utcnow() + timedelta(days=within_days)
        )
    return {cid: ExpiringPointsDTO(*found.get(cid, (0, None))) for cid in customer_ids}


async def expire_lots(
    *, batch_size: int = PASS_BATCH_SIZE, max_batches: int = MAX_BATCHES_PER_PASS
) -> ExpiryReport:
    """The expiry pass (``points.expire_lots``, hourly): every lot whose time has come
    gives up its unspent remainder, one ``expire`` row each, once; then the reminders
    for points expiring within ``REMINDER_DAYS`` are recorded. Safe to run twice or
    concurrently: a lot is expired under its owner's account lock, and only while it
    still holds points. A shop that fails is logged and skipped for this pass."""
    now = utcnow()
    expired = 0
    failed: set[int] = set()
    for _ in range(max_batches):
        async with read_session() as session:
            due = await repository.customers_with_due_lots(
                session, now=now, limit=batch_size, skip_shops=sorted(failed)
            )
        if not due:
            break
        by_shop: dict[int, list[int]] = {}
        for merchant_id, customer_id in due:
            by_shop.setdefault(merchant_id, []).append(customer_id)
        for merchant_id, customer_ids in by_shop.items():
            try:
                async with unit_of_work() as uow:
                    expired += await service.expire_due(uow, merchant_id, customer_ids)
            except Exception:
                log.exception("expiring points failed", extra={"merchant_id": merchant_id})
                failed.add(merchant_id)
    async with unit_of_work() as uow:
        recorded, cancelled = await service.record_expiry_reminders(uow, now=now)
    return ExpiryReport(expired, recorded, cancelled, tuple(sorted(failed)))


async def release_pending_points(
    *, batch_size: int = PASS_BATCH_SIZE, max_batches: int = MAX_BATCHES_PER_PASS
) -> int:
    """The release pass (``points.release_pending``): pending points whose period is
    over become spendable, each order's as its ``earn``. Idempotent: a row is released
    once, under its order's lock, and the earning has the order's own key. Returns the
    points released."""
    now = utcnow()
    released = 0
    failed: set[int] = set()
    for _ in range(max_batches):
        async with read_session() as session:
            due = [
                (m, o)
                for m, o in await repository.due_pending(session, now=now, limit=batch_size)
                if m not in failed
            ]
        if not due:
            break
        by_shop: dict[int, list[int]] = {}
        for merchant_id, order_id in due:
            by_shop.setdefault(merchant_id, []).append(order_id)
        for merchant_id, order_ids in by_shop.items():
            try:
                async with unit_of_work() as uow:
                    released += await service.release_pending(uow, merchant_id, order_ids)
            except Exception:
                log.exception("releasing pending points failed", extra={"merchant_id": merchant_id})
                failed.add(merchant_id)
    return released
