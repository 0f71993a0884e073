"""SQL of ``referral_invites``."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession


async def count_invites(
    session: AsyncSession, merchant_id: int, advocate_customer_id: int, since: datetime | None = None
) -> int:
    sql = "SELECT count(*) FROM referral_invites WHERE merchant_id = :m AND advocate_customer_id = :a"
    params: dict[str, Any] = {"m": merchant_id, "a": advocate_customer_id}
    if since is not None:
        sql += " AND created_at >= :since"
        params["since"] = since
    return int((await session.execute(text(sql), params)).scalar_one())


async def insert_invite(
    session: AsyncSession, merchant_id: int, advocate_customer_id: int, channel: str, recipient_bidx: str
) -> int:
    return int(
        (
            await session.execute(
                text(
                    "INSERT INTO referral_invites"
                    " (merchant_id, advocate_customer_id, channel, recipient_bidx)"
                    " VALUES (:m, :a, :ch, :r) RETURNING id"
                ),
                {"m": merchant_id, "a": advocate_customer_id, "ch": channel, "r": recipient_bidx},
            )
        ).scalar_one()
    )


async def add_opt_outs(session: AsyncSession, merchant_id: int, customer_id: int, bidxs: list[str]) -> None:
    if not bidxs:
        return
    await session.execute(
        text(
            "INSERT INTO referral_invite_opt_outs (merchant_id, customer_id, recipient_bidx)"
            " SELECT :m, :c, b FROM unnest(CAST(:b AS text[])) AS b ON CONFLICT DO NOTHING"
        ),
        {"m": merchant_id, "c": customer_id, "b": bidxs},
    )


async def remove_opt_outs(session: AsyncSession, merchant_id: int, customer_id: int) -> None:
    await session.execute(
        text("DELETE FROM referral_invite_opt_outs WHERE merchant_id = :m AND customer_id = :c"),
        {"m": merchant_id, "c": customer_id},
    )


async def opted_out(session: AsyncSession, merchant_id: int, recipient_bidxs: list[str]) -> bool:
    """Whether the address (its index under every configured blind key) opted out."""
    found = await session.execute(
        text(
            "SELECT 1 FROM referral_invite_opt_outs WHERE merchant_id = :m"
            " AND recipient_bidx = ANY(CAST(:b AS text[])) LIMIT 1"
        ),
        {"m": merchant_id, "b": recipient_bidxs},
    )
    return found.first() is not None
