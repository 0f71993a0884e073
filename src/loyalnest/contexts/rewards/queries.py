"""Reads of the rewards context; each opens its own read session."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal

from loyalnest.contexts.rewards import repository, rules
from loyalnest.contexts.rewards.dto import (
    ExpiringCode,
    RedemptionDTO,
    RedemptionPage,
    RewardDTO,
    RewardPage,
    to_redemption_dto,
    to_reward_dto,
)
from loyalnest.contexts.rewards.models import CODE_CONTEXT
from loyalnest.platform.crypto import get_keyring
from loyalnest.platform.db import read_session
from loyalnest.platform.paging import window
from loyalnest.platform.timeutil import utcnow

# --- the catalog --------------------------------------------------------------------------


async def codes_expiring_between(
    start: datetime, end: datetime, *, after: tuple[datetime, int] | None = None, limit: int = 1000
) -> list[ExpiringCode]:
    """Issued, unused codes of every shop ending in [start, end), oldest expiry first,
    keyset-paged on (expires_at, redemption id): pass the last one's as ``after``."""
    keyring = get_keyring()
    async with read_session() as session:
        rows = await repository.issued_expiring_between(session, start, end, after=after, limit=limit)
    return [
        ExpiringCode(
            merchant_id=row.merchant_id,
            customer_id=row.customer_id,
            redemption_id=row.id,
            reward_title=row.title,
            code=keyring.decrypt(row.code_enc, context=CODE_CONTEXT),
            expires_at=row.expires_at,
            points_spent=row.points_spent,
        )
        for row in rows
    ]


async def get_rewards(merchant_id: int, reward_ids: Sequence[int]) -> dict[int, RewardDTO]:
    """Rewards by id (archived ones too); unknown ids are absent."""
    async with read_session() as session:
        rows = await repository.get_rewards(session, merchant_id, reward_ids)
    return {row.id: to_reward_dto(row) for row in rows}


async def list_rewards(
    merchant_id: int,
    *,
    after_id: int | None,
    first: int,
    include_archived: bool = False,
    before_id: int | None = None,
    backward: bool = False,
) -> RewardPage:
    """The catalog as staff see it, oldest first: the ``first`` after ``after_id``, or
    with ``backward`` the ``first`` before ``before_id`` (the newest without it)."""
    return await _list_rewards(
        merchant_id,
        after_id=after_id,
        before_id=before_id,
        first=first,
        backward=backward,
        include_archived=include_archived,
        available_at=None,
    )


async def list_available_rewards(
    merchant_id: int,
    *,
    after_id: int | None,
    first: int,
    at: datetime | None = None,
    before_id: int | None = None,
    backward: bool = False,
) -> RewardPage:
    """What customers can redeem now: not archived, inside the active window (paged as
    ``list_rewards``)."""
    return await _list_rewards(
        merchant_id,
        after_id=after_id,
        before_id=before_id,
        first=first,
        backward=backward,
        include_archived=False,
        available_at=at or utcnow(),
    )


async def count_rewards(merchant_id: int, *, include_archived: bool = False) -> int:
    """How many rewards ``list_rewards`` lists, over every page."""
    async with read_session() as session:
        return await repository.count_rewards(session, merchant_id, include_archived=include_archived)


async def count_available_rewards(merchant_id: int, *, at: datetime | None = None) -> int:
    """How many rewards ``list_available_rewards`` lists, over every page."""
    async with read_session() as session:
        return await repository.count_rewards(
            session, merchant_id, include_archived=False, available_at=at or utcnow()
        )


async def _list_rewards(
    merchant_id: int,
    *,
    after_id: int | None,
    before_id: int | None,
    first: int,
    backward: bool,
    include_archived: bool,
    available_at: datetime | None,
) -> RewardPage:
    async with read_session() as session:
        rows = await repository.list_rewards(
            session,
            merchant_id,
            after_id=after_id,
            before_id=before_id,
            backward=backward,
            limit=first + 1,
            include_archived=include_archived,
            available_at=available_at,
        )
    page = window(
        rows, first, backward=backward, after_given=after_id is not None, before_given=before_id is not None
    )
    return RewardPage(
        items=[to_reward_dto(r) for r in page.items],
        has_next_page=page.has_next_page,
        has_previous_page=page.has_previous_page,
    )


async def redemption_counts(merchant_id: int, customer_id: int, reward_ids: Sequence[int]) -> dict[int, int]:
    """How often the customer redeemed each reward (redemptions whose points were not
    given back: what a usage limit counts)."""
    async with read_session() as session:
        found = await repository.count_redemptions(
            session, merchant_id, customer_id, reward_ids, rules.COUNTED_STATUSES, transactional=False
        )
    return {reward_id: found.get(reward_id, 0) for reward_id in reward_ids}


# --- redemptions --------------------------------------------------------------------------


async def list_redemptions(
    merchant_id: int,
    customer_id: int,
    *,
    after_id: int | None = None,
    before_id: int | None = None,
    first: int,
    backward: bool = False,
) -> RedemptionPage:
    """A page of the customer's redemptions (codes decrypted: PII), which list newest
    first: the ``first`` after ``after_id`` in that order (older than it), or with
    ``backward`` the ``first`` before ``before_id`` (newer; the oldest without it)."""
    async with read_session() as session:
        rows = await repository.list_redemptions(
            session,
            merchant_id,
            customer_id,
            before_id=after_id,  # the repository speaks in ids: "after" in this order is older
            after_id=before_id,
            limit=first + 1,
            oldest_first=backward,
        )
    keyring = get_keyring()
    # read oldest first when going backwards: the list's order is newest first
    page = window(
        rows[::-1] if backward else rows,
        first,
        backward=backward,
        after_given=after_id is not None,
        before_given=before_id is not None,
    )
    return RedemptionPage(
        items=[to_redemption_dto(r, keyring) for r in page.items],
        has_next_page=page.has_next_page,
        has_previous_page=page.has_previous_page,
    )


async def count_customers_redemptions(merchant_id: int, customer_ids: Sequence[int]) -> dict[int, int]:
    """Redemptions per customer (DataLoader batch): one indexed count for them all."""
    async with read_session() as session:
        found = await repository.count_customers_redemptions(session, merchant_id, customer_ids)
    return {cid: found.get(cid, 0) for cid in customer_ids}


async def count_rewards_issued(merchant_id: int, start: datetime, end: datetime) -> int:
    """Codes the shop's customers got in [start, end): redemptions whose code exists or
    did (issued, used or expired since), not those still pending or that Shopify refused."""
    async with read_session() as session:
        return await repository.count_issued_between(
            session, merchant_id, start, end, rules.CODE_VISIBLE_STATUSES
        )


async def get_redemptions(merchant_id: int, redemption_ids: Sequence[int]) -> dict[int, RedemptionDTO]:
    """The shop's redemptions by id (DataLoader batch; codes decrypted: PII)."""
    async with read_session() as session:
        rows = await repository.get_redemptions(session, merchant_id, redemption_ids)
    keyring = get_keyring()
    return {row.id: to_redemption_dto(row, keyring) for row in rows}


async def recent_redemptions_for_customers(
    merchant_id: int, customer_ids: Sequence[int], *, first: int
) -> dict[int, RedemptionPage]:
    """First page of several customers' redemptions in one query (DataLoader batch)."""
    async with read_session() as session:
        rows = await repository.list_redemptions_for_customers(
            session, merchant_id, customer_ids, limit=first + 1
        )
    keyring = get_keyring()
    grouped: dict[int, list[RedemptionDTO]] = {cid: [] for cid in customer_ids}
    for row in rows:
        grouped[row.customer_id].append(to_redemption_dto(row, keyring))
    return {
        cid: RedemptionPage(items=items[:first], has_next_page=len(items) > first)
        for cid, items in grouped.items()
    }


# --- analytics ----------------------------------------------------------------------------


async def orders_using_codes(merchant_id: int, shopify_order_ids: Sequence[int]) -> set[int]:
    """Those of the orders that used one of the shop's LoyalNest codes (a fulfilled
    redemption names its order)."""
    if not shopify_order_ids:
        return set()
    async with read_session() as session:
        return await repository.orders_using_codes(session, merchant_id, sorted(set(shopify_order_ids)))


async def point_value(merchant_id: int) -> Decimal | None:
    """What one point is worth in shop currency: the best value per point among the
    shop's live (not archived, inside their window) fixed-amount rewards, the rate a
    customer gets when spending well. None when the shop has no such reward."""
    async with read_session() as session:
        return await repository.point_value(session, merchant_id, utcnow())
