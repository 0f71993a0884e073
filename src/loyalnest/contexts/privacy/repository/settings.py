"""The shops' own retention limits (``privacy_retention_settings``)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from loyalnest.contexts.privacy import rules

_NAMES = tuple(limit.name for limit in rules.RETENTION)


async def get(session: AsyncSession, merchant_id: int) -> dict[str, int] | None:
    """The shop's limits by name; None for a shop that keeps the defaults."""
    record = (
        await session.execute(
            text(f"SELECT {', '.join(_NAMES)} FROM privacy_retention_settings WHERE merchant_id = :m"),
            {"m": merchant_id},
        )
    ).one_or_none()
    return None if record is None else dict(zip(_NAMES, (int(v) for v in record), strict=True))


async def put(session: AsyncSession, merchant_id: int, values: dict[str, int], *, now: datetime) -> None:
    columns = ", ".join(_NAMES)
    placeholders = ", ".join(f":{name}" for name in _NAMES)
    updates = ", ".join(f"{name} = EXCLUDED.{name}" for name in _NAMES)
    await session.execute(
        text(
            f"INSERT INTO privacy_retention_settings (merchant_id, {columns}, updated_at)"
            f" VALUES (:m, {placeholders}, :now)"
            f" ON CONFLICT (merchant_id) DO UPDATE SET {updates}, updated_at = EXCLUDED.updated_at"
        ),
        {"m": merchant_id, "now": now, **values},
    )


async def custom(session: AsyncSession, name: str) -> dict[int, list[int]]:
    """{days: shops} of the shops whose limit ``name`` is not the default: the
    retention pass deletes for each group with its own cutoff, and for every other shop
    with the default."""
    if name not in _NAMES:
        raise ValueError(name)
    default = rules.LIMITS[name].default
    records = await session.execute(
        text(
            f"SELECT {name}, array_agg(merchant_id) FROM privacy_retention_settings"
            f" WHERE {name} <> :d GROUP BY 1"
        ),
        {"d": default},
    )
    return {int(days): [int(m) for m in shops] for days, shops in records.all()}
