"""SQL of ``referral_programs``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

import orjson
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession


@dataclass(frozen=True, slots=True)
class ProgramRow:
    merchant_id: int
    enabled: bool
    friend_kind: str
    friend_value: Decimal | None
    friend_min_order: Decimal | None
    friend_code_validity_days: int
    advocate_kind: str
    advocate_points: int
    advocate_reward_id: int | None
    min_order_subtotal: Decimal
    confirmation_days: int
    claim_validity_days: int
    monthly_cap: int
    milestones: list[dict[str, int]]
    tier_multiplier_applies: bool
    velocity_per_week: int
    disposable_domains_blocked: bool
    disposable_domains_extra: list[str]
    disposable_domains_allowed: list[str]
    checks: dict[str, bool]
    visitor_salt: str
    created_at: datetime
    updated_at: datetime


_COLUMNS = ", ".join(ProgramRow.__slots__)
JSON_FIELDS = frozenset({"milestones", "disposable_domains_extra", "disposable_domains_allowed", "checks"})
# the fields ``update_program`` may write
EDITABLE = tuple(
    name
    for name in ProgramRow.__slots__
    if name not in {"merchant_id", "visitor_salt", "created_at", "updated_at"}
)


async def get_program(session: AsyncSession, merchant_id: int, *, lock: bool = False) -> ProgramRow | None:
    sql = f"SELECT {_COLUMNS} FROM referral_programs WHERE merchant_id = :m"
    if lock:
        sql += " FOR UPDATE"
    row = (await session.execute(text(sql), {"m": merchant_id})).first()
    return None if row is None else ProgramRow(*row)


async def insert_defaults(session: AsyncSession, merchant_id: int, visitor_salt: str) -> None:
    """The shop's program with every default (disabled); a row already there is kept."""
    await session.execute(
        text(
            "INSERT INTO referral_programs (merchant_id, visitor_salt) VALUES (:m, :salt)"
            " ON CONFLICT (merchant_id) DO NOTHING"
        ),
        {"m": merchant_id, "salt": visitor_salt},
    )


async def update_program(session: AsyncSession, merchant_id: int, values: dict[str, Any]) -> ProgramRow:
    unknown = set(values) - set(EDITABLE)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    assignments = ", ".join(
        f"{name} = CAST(:{name} AS jsonb)" if name in JSON_FIELDS else f"{name} = :{name}" for name in values
    )
    params = {
        name: orjson.dumps(value).decode() if name in JSON_FIELDS else value for name, value in values.items()
    }
    row = (
        await session.execute(
            text(
                f"UPDATE referral_programs SET {assignments}, updated_at = now()"
                f" WHERE merchant_id = :m RETURNING {_COLUMNS}"
            ),
            {**params, "m": merchant_id},
        )
    ).one()
    return ProgramRow(*row)
