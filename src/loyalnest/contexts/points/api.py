"""Public door of the points context."""

from __future__ import annotations

from loyalnest.contexts.points import repository, service
from loyalnest.contexts.points.dto import (
    AccountDTO,
    LedgerEntryDTO,
    LedgerMismatch,
    LedgerPage,
    OrderFacts,
    PostingResult,
    RefundFacts,
)
from loyalnest.contexts.points.events import PointsBalanceChanged, balance_channel
from loyalnest.platform.db import read_session
from loyalnest.platform.uow import UnitOfWork

__all__ = [
    "AccountDTO",
    "LedgerEntryDTO",
    "LedgerMismatch",
    "LedgerPage",
    "OrderFacts",
    "PointsBalanceChanged",
    "PostingResult",
    "RefundFacts",
    "adjust_points",
    "award_order_points",
    "award_points",
    "balance_channel",
    "cancel_order",
    "get_accounts",
    "list_transactions",
    "recent_transactions_for_customers",
    "refund_order",
    "return_points",
    "spend_points",
    "verify_ledger",
]

award_order_points = service.award_order_points
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
    the rest of the caller's transaction."""
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
    one that expired unused). Not an earning: lifetime earned does not move."""
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
    async with read_session() as session:
        rows = await repository.get_accounts(session, merchant_id, customer_ids)
    found = {row.customer_id: AccountDTO(row.customer_id, row.balance, row.lifetime_earned) for row in rows}
    return {cid: found.get(cid, AccountDTO(cid, 0, 0)) for cid in customer_ids}


async def list_transactions(
    merchant_id: int, customer_id: int, *, before_id: int | None, first: int
) -> LedgerPage:
    async with read_session() as session:
        rows = await repository.list_entries(
            session, merchant_id, customer_id, before_id=before_id, limit=first + 1
        )
    return LedgerPage(items=[service.to_entry_dto(r) for r in rows[:first]], has_next_page=len(rows) > first)


async def recent_transactions_for_customers(
    merchant_id: int, customer_ids: list[int], *, first: int
) -> dict[int, LedgerPage]:
    """First page of several customers' histories in one query (DataLoader batch)."""
    async with read_session() as session:
        rows = await repository.list_entries_for_customers(
            session, merchant_id, customer_ids, limit=first + 1
        )
    grouped: dict[int, list[LedgerEntryDTO]] = {cid: [] for cid in customer_ids}
    for row in rows:
        grouped[row.customer_id].append(service.to_entry_dto(row))
    return {
        cid: LedgerPage(items=entries[:first], has_next_page=len(entries) > first)
        for cid, entries in grouped.items()
    }


async def verify_ledger(uow: UnitOfWork, merchant_id: int | None = None) -> list[LedgerMismatch]:
    """Accounts whose balance is not the sum of their ledger rows (should be none)."""
    return await service.verify_ledger(uow, merchant_id)
