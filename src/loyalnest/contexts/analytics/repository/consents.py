"""SQL of what analytics keeps of consents: profiling exclusions, and the erasure of a
customer's RFM traces when they revoke ``rfm_tracking``."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession


async def add_profiling_exclusion(session: AsyncSession, merchant_id: int, customer_id: int) -> bool:
    result = await session.execute(
        text(
            "INSERT INTO analytics_profiling_exclusions (merchant_id, customer_id) VALUES (:m, :c)"
            " ON CONFLICT DO NOTHING RETURNING customer_id"
        ),
        {"m": merchant_id, "c": customer_id},
    )
    return result.first() is not None


async def remove_profiling_exclusion(session: AsyncSession, merchant_id: int, customer_id: int) -> bool:
    result = await session.execute(
        text(
            "DELETE FROM analytics_profiling_exclusions WHERE merchant_id = :m AND customer_id = :c"
            " RETURNING customer_id"
        ),
        {"m": merchant_id, "c": customer_id},
    )
    return result.first() is not None


async def delete_rfm_traces(session: AsyncSession, merchant_id: int, customer_id: int) -> int:
    """The customer's score row, segment history and custom segment memberships (what
    RFM tracking knew about them); returns the rows deleted. The shop's daily counts
    per segment are aggregates and stay."""
    deleted = 0
    for table in ("analytics_customer_rfm", "analytics_segment_history", "analytics_custom_segment_members"):
        result = await session.execute(
            text(f"DELETE FROM {table} WHERE merchant_id = :m AND customer_id = :c"),
            {"m": merchant_id, "c": customer_id},
        )
        deleted += int(result.rowcount or 0)  # type: ignore[attr-defined]
    return deleted
