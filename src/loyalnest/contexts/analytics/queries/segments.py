"""Reads of analytics' segments, each on its own short connection: built-in segment
counts and trends, members of a built-in or custom segment, transitions between two
dates, custom segments and who is in them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from loyalnest.contexts.analytics.commands.segments import to_dto
from loyalnest.contexts.analytics.dto.segments import CustomSegmentDTO, SegmentCountDTO, SegmentTransitionDTO
from loyalnest.contexts.analytics.repository import segments as repository
from loyalnest.contexts.analytics.rules.rfm_segments import SEGMENTS
from loyalnest.contexts.merchants import api as merchants
from loyalnest.contexts.notifications import api as notifications
from loyalnest.platform.db import plain_connection
from loyalnest.platform.timeutil import utcnow

CUSTOM_PREFIX = "custom:"
MAX_TRANSITION_DAYS = 366


async def shop_timezone(merchant_id: int) -> ZoneInfo:
    name = (await merchants.get_timezones([merchant_id])).get(merchant_id, "UTC")
    try:
        return ZoneInfo(name)
    except (KeyError, ValueError):
        return ZoneInfo("UTC")


async def shop_locale(merchant_id: int) -> str:
    """The shop's default locale (its notification settings'; ``en`` by default)."""
    return (await notifications.get_settings(merchant_id)).default_locale


async def segment_counts(merchant_id: int, *, now: datetime | None = None) -> list[SegmentCountDTO]:
    """Every built-in segment in match order with its live count, share and the change
    against the daily counts 7 and 30 shop-local days ago."""
    tz = await shop_timezone(merchant_id)
    today = (now or utcnow()).astimezone(tz).date()
    week, month = today - timedelta(days=7), today - timedelta(days=30)
    async with plain_connection() as conn:
        live = await repository.segment_counts(conn, merchant_id)
        daily = await repository.daily_counts(conn, merchant_id, [week, month])
    total = sum(live.values())

    def change(day: date, slug: str) -> int | None:
        counts = daily.get(day)
        return None if counts is None else live.get(slug, 0) - counts.get(slug, 0)

    return [
        SegmentCountDTO(
            slug=slug,
            customers=live.get(slug, 0),
            share=live.get(slug, 0) / total if total else 0.0,
            change_7_days=change(week, slug),
            change_30_days=change(month, slug),
        )
        for slug in SEGMENTS
    ]


def parse_segment_key(segment: str) -> str | int:
    """A built-in slug, or a custom segment's id from ``custom:<id>``; ``ValueError`` otherwise."""
    if segment.startswith(CUSTOM_PREFIX):
        raw = segment[len(CUSTOM_PREFIX) :]
        if not raw.isdigit():
            raise ValueError(f"bad custom segment key {segment!r}")
        return int(raw)
    if segment not in SEGMENTS:
        raise ValueError(f"unknown segment {segment!r}")
    return segment


async def customers_in_segment(
    merchant_id: int, segment: str, after_customer_id: int | None, limit: int
) -> list[int]:
    """Up to ``limit`` members of a built-in segment (slug) or custom one (``custom:<id>``)
    after ``after_customer_id``, by customer id (a keyset walk for exports and email
    nudges). An unknown key or another shop's custom segment has no members."""
    try:
        key = parse_segment_key(segment)
    except ValueError:
        return []
    after = after_customer_id or 0
    async with plain_connection() as conn:
        if isinstance(key, int):
            return await repository.custom_members_after(conn, merchant_id, key, after, limit)
        return await repository.builtin_members_after(conn, merchant_id, key, after, limit)


async def count_in_segment(merchant_id: int, segment: str) -> int:
    """How many customers ``customers_in_segment`` walks through for this key."""
    try:
        key = parse_segment_key(segment)
    except ValueError:
        return 0
    async with plain_connection() as conn:
        if isinstance(key, int):
            return await repository.count_custom(conn, merchant_id, key)
        return await repository.count_builtin(conn, merchant_id, key)


async def segment_transitions(merchant_id: int, start: date, end: date) -> list[SegmentTransitionDTO]:
    """Customers who moved between segments from the start of ``start`` to the end of
    ``end`` (shop-local days, both included): each customer's first state in the range
    against its last, most moved first."""
    tz = await shop_timezone(merchant_id)
    since = datetime.combine(start, time.min, tzinfo=tz)
    until = datetime.combine(end + timedelta(days=1), time.min, tzinfo=tz)
    async with plain_connection() as conn:
        rows = await repository.transitions(conn, merchant_id, since, until)
    return [SegmentTransitionDTO(a, b, n) for a, b, n in rows]


async def list_custom_segments(merchant_id: int) -> list[CustomSegmentDTO]:
    async with plain_connection() as conn:
        rows = await repository.list_segments(conn, merchant_id)
    return [to_dto(row) for row in rows]


async def get_custom_segments(merchant_id: int, segment_ids: Sequence[int]) -> dict[int, CustomSegmentDTO]:
    if not segment_ids:
        return {}
    async with plain_connection() as conn:
        rows = await repository.segments_by_id(conn, merchant_id, sorted(set(segment_ids)))
    return {row.id: to_dto(row) for row in rows}


async def custom_segments_of(
    merchant_id: int, customer_ids: Sequence[int]
) -> dict[int, list[CustomSegmentDTO]]:
    """Each customer's custom segments (a DataLoader batch: two statements), one entry per id."""
    ids = sorted(set(customer_ids))
    if not ids:
        return {}
    async with plain_connection() as conn:
        pairs = await repository.segment_ids_of_customers(conn, merchant_id, ids)
        rows = (
            await repository.segments_by_id(conn, merchant_id, sorted({s for _, s in pairs})) if pairs else []
        )
    by_id = {row.id: to_dto(row) for row in rows}
    out: dict[int, list[CustomSegmentDTO]] = {cid: [] for cid in ids}
    for cid, sid in pairs:
        if sid in by_id:
            out[cid].append(by_id[sid])
    return out
