"""Reads of the points context, each on its own short read session or plain
connection (GraphQL resolves sibling fields concurrently)."""

from __future__ import annotations

from datetime import date, timedelta

from loyalnest.contexts.points import repository
from loyalnest.contexts.points.dto import (
    AccountDTO,
    ExpiringPointsDTO,
    ExpiryPolicyDTO,
    HistoryEntryDTO,
    LedgerDays,
    LedgerEntryDTO,
    LedgerPage,
)
from loyalnest.contexts.points.ledger.policy import to_dto as policy_dto
from loyalnest.contexts.points.ledger.posting import to_entry_dto
from loyalnest.contexts.points.repository import aggregates
from loyalnest.contexts.points.repository import history as history_repository
from loyalnest.platform.db import plain_connection, read_session
from loyalnest.platform.paging import window
from loyalnest.platform.timeutil import utcnow

# ``expiringPoints(within:)`` looks this far ahead at most.
MAX_EXPIRING_WITHIN_DAYS = 3660


async def get_accounts(merchant_id: int, customer_ids: list[int]) -> dict[int, AccountDTO]:
    """Balances by customer id; customers without postings yet get a zero account."""
    async with plain_connection() as connection:
        rows = await repository.get_accounts(connection, merchant_id, customer_ids)
    found = {row.customer_id: AccountDTO(row.customer_id, row.balance, row.lifetime_earned) for row in rows}
    return {cid: found.get(cid, AccountDTO(cid, 0, 0)) for cid in customer_ids}


async def list_transactions(
    merchant_id: int,
    customer_id: int,
    *,
    after_id: int | None = None,
    before_id: int | None = None,
    first: int,
    backward: bool = False,
) -> LedgerPage:
    """A page of the customer's ledger, which lists newest first: the ``first`` entries
    after ``after_id`` in that order (older than it), or with ``backward`` the ``first``
    before ``before_id`` (newer than it; the oldest entries without it), still newest first."""
    async with plain_connection() as connection:
        rows = await repository.list_entries(
            connection,
            merchant_id,
            customer_id,
            before_id=after_id,  # the repository speaks in ids: "after" in this order is older
            after_id=before_id,
            limit=first + 1,
            oldest_first=backward,
        )
    # read oldest first when going backwards: the list's order is newest first
    page = window(
        rows[::-1] if backward else rows,
        first,
        backward=backward,
        after_given=after_id is not None,
        before_given=before_id is not None,
    )
    return LedgerPage(
        items=[to_entry_dto(r) for r in page.items],
        has_next_page=page.has_next_page,
        has_previous_page=page.has_previous_page,
    )


async def count_transactions(merchant_id: int, customer_ids: list[int]) -> dict[int, int]:
    """Ledger rows per customer (DataLoader batch): one indexed count for them all."""
    async with plain_connection() as connection:
        found = await repository.count_entries(connection, merchant_id, customer_ids)
    return {cid: found.get(cid, 0) for cid in customer_ids}


async def get_transactions(merchant_id: int, entry_ids: list[int]) -> dict[int, LedgerEntryDTO]:
    """Ledger rows of the shop by id (DataLoader batch); ids of other shops are absent."""
    async with plain_connection() as connection:
        rows = await repository.get_entries(connection, merchant_id, entry_ids)
    return {row.id: to_entry_dto(row) for row in rows}


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
        grouped[row.customer_id].append(to_entry_dto(row))
    return {
        cid: LedgerPage(items=entries[:first], has_next_page=len(entries) > first)
        for cid, entries in grouped.items()
    }


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


async def get_expiry_policy(merchant_id: int) -> ExpiryPolicyDTO:
    """The shop's expiry policy (``LookupError`` for a shop without one)."""
    async with read_session() as session:
        row = await repository.get_policy(session, merchant_id, transactional=False)
    if row is None:
        raise LookupError(f"merchant {merchant_id} has no expiry policy")
    return policy_dto(row)


# --- aggregates for analytics' daily rollups (``repository.aggregates``) ------------------


async def aggregate_ledger_days(
    merchant_id: int, *, timezone: str, from_id: int, first_day: date | None
) -> LedgerDays:
    """The shop's entries with id >= ``from_id`` and local day >= ``first_day`` (None:
    all), summed by shop-local day: by kind, source and sign, and per day."""
    async with read_session() as session:
        # the head first: every entry committed before the scans below is counted in them
        max_id = await aggregates.head_id(session, merchant_id)
        buckets = await aggregates.day_buckets(
            session, merchant_id, timezone=timezone, from_id=from_id, first_day=first_day
        )
        days = await aggregates.day_stats(
            session, merchant_id, timezone=timezone, from_id=from_id, first_day=first_day
        )
    return LedgerDays(tuple(buckets), tuple(days), max_id)


async def active_customers_by_day(
    merchant_id: int, *, timezone: str, from_id: int, first_day: date, last_day: date, window_days: int
) -> dict[date, int]:
    """For each shop-local day of ``first_day``..``last_day``: the customers with their
    own activity (an earning or a spend) in the ``window_days`` days ending that day,
    counting entries with id >= ``from_id`` only (the caller bounds the scan)."""
    async with read_session() as session:
        return await aggregates.active_by_day(
            session,
            merchant_id,
            timezone=timezone,
            from_id=from_id,
            first_day=first_day,
            last_day=last_day,
            window_days=window_days,
        )


async def ledger_heads() -> dict[int, int]:
    """{merchant id: highest ledger entry id} of every shop that has a ledger."""
    async with read_session() as session:
        return await aggregates.ledger_heads(session)


async def customers_with_accounts(merchant_id: int, customer_ids: list[int]) -> set[int]:
    """Those of ``customer_ids`` who have a points account (ever had an entry)."""
    if not customer_ids:
        return set()
    async with read_session() as session:
        return await aggregates.customers_with_accounts(session, merchant_id, sorted(set(customer_ids)))


# --- exports (the imports context writes a shop's customers out, a batch at a time) -------


async def get_points_spent(merchant_id: int, customer_ids: list[int]) -> dict[int, int]:
    """Points each customer redeemed, less what was given back (0 for none)."""
    if not customer_ids:
        return {}
    async with plain_connection() as connection:
        found = await history_repository.points_spent(connection, merchant_id, customer_ids)
    return {cid: found.get(cid, 0) for cid in customer_ids}


async def list_history(
    merchant_id: int, customer_ids: list[int], *, after: tuple[int, int] | None = None, limit: int = 10_000
) -> list[HistoryEntryDTO]:
    """The customers' ledger entries, by customer then in posting order (the order
    lots were opened and debited), each credit with its lot's expiry; at most
    ``limit``, from after ``after`` = (customer id, entry id) of the last one read."""
    if not customer_ids:
        return []
    async with plain_connection() as connection:
        found = await history_repository.history_page(
            connection, merchant_id, customer_ids, after=after or (0, 0), limit=limit
        )
    return [
        HistoryEntryDTO(
            r.id,
            r.customer_id,
            r.delta,
            r.kind,
            r.reason,
            r.created_at,
            r.lot_expires_at,
            r.takes_from,
            r.shortfall,
        )
        for r in found
    ]
