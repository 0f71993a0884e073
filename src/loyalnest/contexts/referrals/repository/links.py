"""SQL for resolving referral links: read on a cache miss only (links.py keeps the hot
path off PostgreSQL), as asyncpg prepared statements on a read session's connection."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from loyalnest.platform.db import driver_connection


@dataclass(frozen=True, slots=True)
class LinkRow:
    customer_id: int
    code: str
    link_discount_state: str


@dataclass(frozen=True, slots=True)
class ProgramLinkRow:
    enabled: bool
    # bytes or text, as the column stores it: links.py turns it into the HMAC key
    visitor_salt: bytes | str | None


async def get_link(session: AsyncSession, merchant_id: int, code: str) -> LinkRow | None:
    """The advocate owning ``code`` (stored upper case) in this shop."""
    conn = await driver_connection(session, transactional=False)
    row = await conn.fetchrow(
        "SELECT customer_id, code, link_discount_state FROM referral_codes"
        " WHERE merchant_id = $1 AND code = $2",
        merchant_id,
        code,
    )
    return None if row is None else LinkRow(int(row[0]), str(row[1]), str(row[2] or "none"))


async def get_program_link_settings(session: AsyncSession, merchant_id: int) -> ProgramLinkRow | None:
    """Whether the shop's program is on, and its visitor salt (None: no program row)."""
    conn = await driver_connection(session, transactional=False)
    row = await conn.fetchrow(
        "SELECT enabled, visitor_salt FROM referral_programs WHERE merchant_id = $1", merchant_id
    )
    return None if row is None else ProgramLinkRow(bool(row[0]), row[1])
