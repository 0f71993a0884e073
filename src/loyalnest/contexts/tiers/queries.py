"""Reads of the tiers context; each opens its own short read session."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from decimal import Decimal

from loyalnest.contexts.merchants import api as merchants
from loyalnest.contexts.tiers import repository, rules
from loyalnest.contexts.tiers.dto import (
    CustomerTierDTO,
    RetierRunDTO,
    TierDTO,
    TierHistoryDTO,
    TierHistoryPage,
    TierProgressDTO,
    TierSettingsDTO,
    to_customer_tier_dto,
    to_history_dto,
    to_run_dto,
    to_settings_dto,
    to_tier_dto,
)
from loyalnest.platform.db import read_session
from loyalnest.platform.timeutil import utcnow

MAX_PAGE = 100


async def list_tiers(merchant_id: int) -> list[TierDTO]:
    """The shop's ladder, lowest rank first."""
    async with read_session() as session:
        rows = await repository.live_tiers(session, merchant_id, transactional=False)
    return [to_tier_dto(row) for row in rows]


async def get_tiers(merchant_id: int, tier_ids: Sequence[int]) -> dict[int, TierDTO]:
    """Tiers by id, deleted ones included (the history names them); unknown ids absent."""
    if not tier_ids:
        return {}
    async with read_session() as session:
        rows = await repository.tiers_by_id(session, merchant_id, sorted(set(tier_ids)), transactional=False)
    return {row.id: to_tier_dto(row) for row in rows}


async def _timezone(merchant_id: int) -> str:
    return (await merchants.get_timezones([merchant_id])).get(merchant_id, "UTC")


async def get_settings(merchant_id: int) -> TierSettingsDTO:
    async with read_session() as session:
        row = await repository.get_settings(session, merchant_id, transactional=False)
    return to_settings_dto(merchant_id, row, await _timezone(merchant_id))


async def get_customer_tiers(merchant_id: int, customer_ids: Sequence[int]) -> dict[int, CustomerTierDTO]:
    """Where each customer stands (one entry per id; never evaluated: no tier)."""
    ids = sorted(set(customer_ids))
    if not ids:
        return {}
    async with read_session() as session:
        rows = await repository.standings(session, merchant_id, ids, transactional=False)
        live = {t.id for t in await repository.live_tiers(session, merchant_id, transactional=False)}
    return {c: to_customer_tier_dto(merchant_id, c, rows.get(c), live) for c in ids}


async def get_progress(merchant_id: int, customer_ids: Sequence[int]) -> dict[int, TierProgressDTO]:
    """What each customer needs for the next tier and to keep the current one, from the
    metric over the shop's window as of now (not as of their last evaluation)."""
    ids = sorted(set(customer_ids))
    if not ids:
        return {}
    shop = await merchants.get_merchant(merchant_id)
    tz_name = shop.iana_timezone if shop else "UTC"
    currency = shop.currency if shop else ""
    tz = rules.zone(tz_name)
    now = utcnow()
    async with read_session() as session:
        tiers = await repository.live_tiers(session, merchant_id, transactional=False)
        settings = await repository.get_settings(session, merchant_id, transactional=False)
        dto = to_settings_dto(merchant_id, settings, tz_name)
        standings = await repository.standings(session, merchant_id, ids, transactional=False)
        values = await repository.metrics(
            session,
            merchant_id,
            ids,
            metric=dto.metric,
            since=rules.window_start(dto.period, now, tz),
            until=now + timedelta(days=1),
            transactional=False,
        )
    rungs = [rules.Rung(t.id, t.rank or 0, t.threshold) for t in tiers]
    live = {t.id for t in tiers}
    policy = rules.Policy(dto.period, dto.retention, tz)
    result: dict[int, TierProgressDTO] = {}
    for customer_id in ids:
        row = standings.get(customer_id)
        tier_id = row.tier_id if row is not None and row.tier_id in live else None
        value = values.get(customer_id, Decimal(0))
        p = rules.progress(
            rungs,
            metric=dto.metric,
            value=value,
            tier_id=tier_id,
            retain_until_at=row.retain_until if row else None,
            policy=policy,
            now=now,
        )
        result[customer_id] = TierProgressDTO(
            customer_id=customer_id,
            metric=p.metric,
            value=p.value,
            tier_id=tier_id,
            next_tier_id=p.next_tier_id,
            to_next=p.to_next,
            next_by=p.next_by,
            to_keep=p.to_keep,
            keep_by=p.keep_by,
            percent=p.percent,
            next_summary=rules.describe(p.metric, p.to_next, p.next_by, tz, currency) if p.to_next else None,
            keep_summary=rules.describe(p.metric, p.to_keep, p.keep_by, tz, currency) if p.to_keep else None,
        )
    return result


async def list_history(
    merchant_id: int,
    customer_id: int,
    *,
    first: int,
    after_id: int | None = None,
    before_id: int | None = None,
    backward: bool = False,
) -> TierHistoryPage:
    """A customer's changes of tier, newest first, keyset-paginated on the id: the
    ``first`` after the cursor ``after_id`` (older ones), or ``backward`` the ``first``
    just before ``before_id`` (newer ones)."""
    limit = max(1, min(first, MAX_PAGE))
    async with read_session() as session:
        rows = await repository.list_history(
            session,
            merchant_id,
            customer_id,
            older_than=after_id,
            newer_than=before_id,
            limit=limit + 1,
            backward=backward,
        )
    more = len(rows) > limit
    if backward:
        kept = rows[1:] if more else rows
        return TierHistoryPage(
            [to_history_dto(r) for r in kept], has_next_page=before_id is not None, has_previous_page=more
        )
    return TierHistoryPage(
        [to_history_dto(r) for r in rows[:limit]], has_next_page=more, has_previous_page=after_id is not None
    )


async def count_history(merchant_id: int, customer_id: int) -> int:
    async with read_session() as session:
        return await repository.count_history(session, merchant_id, customer_id)


async def first_history_pages(
    merchant_id: int, customer_ids: list[int], *, first: int
) -> dict[int, TierHistoryPage]:
    """The first page of several customers' histories in one query (DataLoader batch)."""
    limit = max(1, min(first, MAX_PAGE))
    async with read_session() as session:
        rows = await repository.first_history_pages(session, merchant_id, customer_ids, limit=limit + 1)
    grouped: dict[int, list[TierHistoryDTO]] = {cid: [] for cid in customer_ids}
    for row in rows:
        grouped[row.customer_id].append(to_history_dto(row))
    return {
        cid: TierHistoryPage(items[:limit], has_next_page=len(items) > limit)
        for cid, items in grouped.items()
    }


async def count_histories(merchant_id: int, customer_ids: list[int]) -> dict[int, int]:
    """Changes of tier per customer (``totalCount``; DataLoader batch)."""
    async with read_session() as session:
        found = await repository.count_histories(session, merchant_id, customer_ids)
    return {cid: found.get(cid, 0) for cid in customer_ids}


async def latest_retier(merchant_id: int) -> RetierRunDTO | None:
    """The shop's most recent whole-shop re-tier (None: never)."""
    async with read_session() as session:
        row = await repository.latest_run(session, merchant_id)
    return None if row is None else to_run_dto(row)


async def get_retier(merchant_id: int, run_id: int) -> RetierRunDTO | None:
    async with read_session() as session:
        row = await repository.get_run(session, merchant_id, run_id, transactional=False)
    return None if row is None else to_run_dto(row)


async def tier_member_counts(merchant_id: int) -> dict[int, int]:
    """{tier id: customers standing in it now} (analytics' tier distribution)."""
    async with read_session() as session:
        return await repository.tier_member_counts(session, merchant_id)
