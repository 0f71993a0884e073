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
    "balance_channel",
    "cancel_order",
    "get_accounts",
    "list_transactions",
    "recent_transactions_for_customers",
    "refund_order",
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
