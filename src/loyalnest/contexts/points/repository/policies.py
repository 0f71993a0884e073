"""The shop's expiry policy (``points_expiry_policies``).

Read once per unit of work while posting (the first lot it opens), as a prepared
statement on the session's connection; written rarely (install, the settings screen),
with SQLAlchemy Core.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from loyalnest.contexts.points.models import PointsExpiryPolicy
from loyalnest.platform.db import driver_connection
from loyalnest.platform.timeutil import utcnow


@dataclass(frozen=True, slots=True)
class PolicyRow:
    merchant_id: int
    expiry_policy: str
    expiry_days: int | None
    updated_at: datetime


_TABLE = PointsExpiryPolicy.__table__  # type: ignore[attr-defined]
_COLUMNS = (_TABLE.c.merchant_id, _TABLE.c.expiry_policy, _TABLE.c.expiry_days, _TABLE.c.updated_at)
_POLICY = (
    "SELECT merchant_id, expiry_policy, expiry_days, updated_at FROM points_expiry_policies"
    " WHERE merchant_id = $1"
)


async def get_policy(session: AsyncSession, merchant_id: int, *, transactional: bool) -> PolicyRow | None:
    connection = await driver_connection(session, transactional=transactional)
    record = await connection.fetchrow(_POLICY, merchant_id)
    return None if record is None else PolicyRow(*record)


async def insert_policy(session: AsyncSession, merchant_id: int) -> None:
    """The shop's policy with the defaults (never expire), unless it has one."""
    await session.execute(
        insert(_TABLE).values(merchant_id=merchant_id).on_conflict_do_nothing(index_elements=["merchant_id"])
    )


async def lock_policy(session: AsyncSession, merchant_id: int) -> PolicyRow:
    result = await session.execute(
        select(*_COLUMNS).where(_TABLE.c.merchant_id == merchant_id).with_for_update()
    )
    row = result.one_or_none()
    if row is None:
        raise LookupError(f"merchant {merchant_id} has no expiry policy")
    return PolicyRow(*row)


async def update_policy(
    session: AsyncSession, merchant_id: int, *, expiry_policy: str, expiry_days: int | None
) -> PolicyRow:
    result = await session.execute(
        update(_TABLE)
        .where(_TABLE.c.merchant_id == merchant_id)
        .values(expiry_policy=expiry_policy, expiry_days=expiry_days, updated_at=utcnow())
        .returning(*_COLUMNS)
    )
    return PolicyRow(*result.one())
