"""The shop's purchase rule (``purchase_rules``).

Read once per unit of work that awards or refunds orders, as a prepared statement on
the session's connection; written rarely (install, the settings screen), with
SQLAlchemy Core.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from loyalnest.contexts.earning.models import PurchaseRule
from loyalnest.platform.db import driver_connection


@dataclass(frozen=True, slots=True)
class PurchaseRow:
    merchant_id: int
    purchase_enabled: bool
    points_per_currency_unit: Decimal
    min_order_amount: Decimal | None
    excluded_product_ids: list[int]
    excluded_product_tags: list[str]
    rounding: str
    earn_on_shipping: bool
    earn_on_tax: bool
    pending_days: int
    updated_at: datetime
    test_orders_earn: bool
    earn_on: str


_NAMES = (
    "merchant_id",
    "purchase_enabled",
    "points_per_currency_unit",
    "min_order_amount",
    "excluded_product_ids",
    "excluded_product_tags",
    "rounding",
    "earn_on_shipping",
    "earn_on_tax",
    "pending_days",
    "updated_at",
    "test_orders_earn",
    "earn_on",
)
_TABLE = PurchaseRule.__table__  # type: ignore[attr-defined]
_COLUMNS = tuple(_TABLE.c[name] for name in _NAMES)
_RULE = f"SELECT {', '.join(_NAMES)} FROM purchase_rules WHERE merchant_id = $1"


def _row(values: Any) -> PurchaseRow:
    return PurchaseRow(*values)


async def get_purchase_rule(
    session: AsyncSession, merchant_id: int, *, transactional: bool
) -> PurchaseRow | None:
    connection = await driver_connection(session, transactional=transactional)
    record = await connection.fetchrow(_RULE, merchant_id)
    return None if record is None else _row(record)


async def insert_purchase_rule(session: AsyncSession, merchant_id: int, **values: Any) -> None:
    """The shop's rule with the table's defaults and ``values``, unless it has one."""
    await session.execute(
        insert(_TABLE)
        .values(merchant_id=merchant_id, **values)
        .on_conflict_do_nothing(index_elements=["merchant_id"])
    )


async def lock_purchase_rule(session: AsyncSession, merchant_id: int) -> PurchaseRow:
    result = await session.execute(
        select(*_COLUMNS).where(_TABLE.c.merchant_id == merchant_id).with_for_update()
    )
    row = result.one_or_none()
    if row is None:
        raise LookupError(f"merchant {merchant_id} has no purchase rule")
    return _row(row)


async def update_purchase_rule(session: AsyncSession, merchant_id: int, **values: Any) -> PurchaseRow:
    result = await session.execute(
        update(_TABLE).where(_TABLE.c.merchant_id == merchant_id).values(**values).returning(*_COLUMNS)
    )
    return _row(result.one())
