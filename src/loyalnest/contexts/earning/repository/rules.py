"""The shop's earning rules, the birthdays celebrated, the review-webhook secret.

The rules are read on every customers/create|update webhook and review, so the reads
are asyncpg prepared statements on the session's connection, like the ledger's.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from loyalnest.platform.db import driver_connection


@dataclass(frozen=True, slots=True)
class RuleRow:
    trigger: str
    enabled: bool
    points: int
    updated_at: datetime


_RULE_COLUMNS = "trigger, enabled, points, updated_at"
_RULES = f"SELECT {_RULE_COLUMNS} FROM earning_rules WHERE merchant_id = $1"
_INSERT_RULES = """
INSERT INTO earning_rules (merchant_id, trigger, enabled, points)
SELECT $1, trigger, $2, points FROM unnest($3::text[], $4::int[]) AS d(trigger, points)
ORDER BY trigger
ON CONFLICT (merchant_id, trigger) DO NOTHING
"""
_LOCK_RULE = f"SELECT {_RULE_COLUMNS} FROM earning_rules WHERE merchant_id = $1 AND trigger = $2 FOR UPDATE"
_UPDATE_RULE = f"""
UPDATE earning_rules SET enabled = $3, points = $4, updated_at = now()
WHERE merchant_id = $1 AND trigger = $2
RETURNING {_RULE_COLUMNS}
"""


async def get_rules(session: AsyncSession, merchant_id: int, *, transactional: bool) -> dict[str, RuleRow]:
    connection = await driver_connection(session, transactional=transactional)
    return {r[0]: RuleRow(*r) for r in await connection.fetch(_RULES, merchant_id)}


async def insert_rules(
    session: AsyncSession, merchant_id: int, points: Mapping[str, int], *, enabled: bool
) -> None:
    """Create the rules the shop does not have yet (existing ones are left alone)."""
    connection = await driver_connection(session)
    triggers = sorted(points)
    await connection.execute(_INSERT_RULES, merchant_id, enabled, triggers, [points[t] for t in triggers])


async def lock_earning_rule(session: AsyncSession, merchant_id: int, trigger: str) -> RuleRow | None:
    connection = await driver_connection(session)
    record = await connection.fetchrow(_LOCK_RULE, merchant_id, trigger)
    return None if record is None else RuleRow(*record)


async def update_earning_rule(
    session: AsyncSession, merchant_id: int, trigger: str, *, enabled: bool, points: int
) -> RuleRow:
    connection = await driver_connection(session)
    return RuleRow(*await connection.fetchrow(_UPDATE_RULE, merchant_id, trigger, enabled, points))


# --- birthdays -----------------------------------------------------------------------------

_CLAIM_BIRTHDAYS = """
INSERT INTO earning_birthday_awards (merchant_id, customer_id, year)
SELECT $1, customer_id, $3 FROM unnest($2::bigint[]) AS c(customer_id) ORDER BY customer_id
ON CONFLICT (merchant_id, customer_id, year) DO NOTHING
RETURNING customer_id
"""


async def claim_birthdays(
    session: AsyncSession, merchant_id: int, customer_ids: Sequence[int], year: int
) -> list[int]:
    """Record the customers' birthdays of ``year`` as celebrated; returns those not
    celebrated before (only they are awarded, in the same transaction)."""
    connection = await driver_connection(session)
    records = await connection.fetch(_CLAIM_BIRTHDAYS, merchant_id, sorted(set(customer_ids)), year)
    return sorted(int(r[0]) for r in records)


# --- review webhook secret ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SecretRow:
    secret_enc: str
    created_at: datetime
    rotated_at: datetime | None


_SECRET = "SELECT secret_enc, created_at, rotated_at FROM review_webhook_secrets WHERE merchant_id = $1"
_INSERT_SECRET = """
INSERT INTO review_webhook_secrets (merchant_id, secret_enc) VALUES ($1, $2)
ON CONFLICT (merchant_id) DO NOTHING
"""
_ROTATE_SECRET = """
INSERT INTO review_webhook_secrets (merchant_id, secret_enc) VALUES ($1, $2)
ON CONFLICT (merchant_id) DO UPDATE SET secret_enc = EXCLUDED.secret_enc, rotated_at = now()
RETURNING secret_enc, created_at, rotated_at
"""


async def get_secret(session: AsyncSession, merchant_id: int, *, transactional: bool) -> SecretRow | None:
    connection = await driver_connection(session, transactional=transactional)
    record = await connection.fetchrow(_SECRET, merchant_id)
    return None if record is None else SecretRow(*record)


async def insert_secret(session: AsyncSession, merchant_id: int, secret_enc: str) -> None:
    """Store a first secret unless the shop has one (a concurrent first read's wins)."""
    connection = await driver_connection(session)
    await connection.execute(_INSERT_SECRET, merchant_id, secret_enc)


async def replace_secret(session: AsyncSession, merchant_id: int, secret_enc: str) -> SecretRow:
    connection = await driver_connection(session)
    return SecretRow(*await connection.fetchrow(_ROTATE_SECRET, merchant_id, secret_enc))
