"""All SQL of the points context; every call takes the merchant id."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select, text, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from loyalnest.contexts.points.models import OrderPoints, OrderRefund, PointsAccount, PointsLedgerEntry
from loyalnest.platform.timeutil import utcnow


async def lock_account(session: AsyncSession, merchant_id: int, customer_id: int) -> tuple[int, int]:
    """Create the account if needed and lock its row; returns (balance, lifetime)."""
    stmt = (
        insert(PointsAccount)
        .values(merchant_id=merchant_id, customer_id=customer_id, balance=0, lifetime_earned=0)
        .on_conflict_do_update(
            index_elements=["merchant_id", "customer_id"],
            # a no-op update takes the row lock, serialising postings per customer
            set_={"balance": PointsAccount.balance},
        )
        .returning(PointsAccount.balance, PointsAccount.lifetime_earned)  # type: ignore[arg-type]
    )
    balance, lifetime = (await session.execute(stmt)).one()
    return int(balance), int(lifetime)


async def insert_entry(session: AsyncSession, values: dict[str, Any]) -> int | None:
    """Insert a ledger row unless its idempotency key exists; returns the new id or None."""
    stmt = (
        insert(PointsLedgerEntry)
        .values(**values)
        .on_conflict_do_nothing(index_elements=["merchant_id", "idempotency_key"])
        .returning(PointsLedgerEntry.id)  # type: ignore[arg-type]
    )
    new_id = (await session.execute(stmt)).scalar_one_or_none()
    return None if new_id is None else int(new_id)


async def apply_to_account(
    session: AsyncSession, merchant_id: int, customer_id: int, *, delta: int, lifetime_delta: int
) -> None:
    await session.execute(
        update(PointsAccount)
        .where(
            PointsAccount.merchant_id == merchant_id,  # type: ignore[arg-type]
            PointsAccount.customer_id == customer_id,  # type: ignore[arg-type]
        )
        .values(
            balance=PointsAccount.balance + delta,
            lifetime_earned=func.greatest(PointsAccount.lifetime_earned + lifetime_delta, 0),
            updated_at=utcnow(),
        )
    )


async def get_entry_by_key(
    session: AsyncSession, merchant_id: int, idempotency_key: str
) -> PointsLedgerEntry:
    query = select(PointsLedgerEntry).where(
        PointsLedgerEntry.merchant_id == merchant_id,  # type: ignore[arg-type]
        PointsLedgerEntry.idempotency_key == idempotency_key,  # type: ignore[arg-type]
    )
    return (await session.execute(query)).scalar_one()


async def get_entry(session: AsyncSession, merchant_id: int, entry_id: int) -> PointsLedgerEntry | None:
    return await session.get(PointsLedgerEntry, (merchant_id, entry_id))


async def get_accounts(
    session: AsyncSession, merchant_id: int, customer_ids: Sequence[int]
) -> Sequence[PointsAccount]:
    query = select(PointsAccount).where(
        PointsAccount.merchant_id == merchant_id,  # type: ignore[arg-type]
        PointsAccount.customer_id.in_(customer_ids),  # type: ignore[attr-defined]
    )
    return (await session.execute(query)).scalars().all()


async def list_entries(
    session: AsyncSession, merchant_id: int, customer_id: int, *, before_id: int | None, limit: int
) -> Sequence[PointsLedgerEntry]:
    """Newest first, keyset-paginated on the id."""
    query = select(PointsLedgerEntry).where(
        PointsLedgerEntry.merchant_id == merchant_id,  # type: ignore[arg-type]
        PointsLedgerEntry.customer_id == customer_id,  # type: ignore[arg-type]
    )
    if before_id is not None:
        query = query.where(PointsLedgerEntry.id < before_id)  # type: ignore[operator]
    query = query.order_by(PointsLedgerEntry.id.desc()).limit(limit)  # type: ignore[union-attr]
    return (await session.execute(query)).scalars().all()


async def list_entries_for_customers(
    session: AsyncSession, merchant_id: int, customer_ids: Sequence[int], *, limit: int
) -> Sequence[PointsLedgerEntry]:
    """The newest ``limit`` entries of each customer in one query (DataLoader batch)."""
    ranked = (
        select(
            PointsLedgerEntry,
            func.row_number()
            .over(partition_by=PointsLedgerEntry.customer_id, order_by=PointsLedgerEntry.id.desc())  # type: ignore[union-attr]
            .label("rank"),
        )
        .where(
            PointsLedgerEntry.merchant_id == merchant_id,  # type: ignore[arg-type]
            PointsLedgerEntry.customer_id.in_(customer_ids),  # type: ignore[attr-defined]
        )
        .subquery()
    )
    from sqlalchemy.orm import aliased

    entry = aliased(PointsLedgerEntry, ranked)
    query = select(entry).where(ranked.c.rank <= limit).order_by(ranked.c.customer_id, ranked.c.id.desc())
    return (await session.execute(query)).scalars().all()


async def upsert_order(session: AsyncSession, merchant_id: int, shopify_order_id: int) -> OrderPoints:
    """Create the order's row if absent and lock it: every webhook of one order is
    handled one at a time, whatever order they arrive in."""
    await session.execute(
        insert(OrderPoints)
        .values(merchant_id=merchant_id, shopify_order_id=shopify_order_id)
        .on_conflict_do_nothing(index_elements=["merchant_id", "shopify_order_id"])
    )
    query = (
        select(OrderPoints)
        .where(
            OrderPoints.merchant_id == merchant_id,  # type: ignore[arg-type]
            OrderPoints.shopify_order_id == shopify_order_id,  # type: ignore[arg-type]
        )
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return (await session.execute(query)).scalar_one()


async def insert_refund(
    session: AsyncSession, merchant_id: int, shopify_refund_id: int, shopify_order_id: int, amount: Decimal
) -> bool:
    """Record a refund once; False when it had been recorded before."""
    stmt = (
        insert(OrderRefund)
        .values(
            merchant_id=merchant_id,
            shopify_refund_id=shopify_refund_id,
            shopify_order_id=shopify_order_id,
            eligible_amount=amount,
        )
        .on_conflict_do_nothing(index_elements=["merchant_id", "shopify_refund_id"])
        .returning(OrderRefund.shopify_refund_id)  # type: ignore[arg-type]
    )
    return (await session.execute(stmt)).scalar_one_or_none() is not None


async def find_ledger_mismatches(
    session: AsyncSession, merchant_id: int | None
) -> list[tuple[int, int, int, int]]:
    """Accounts whose balance differs from the sum of their ledger rows."""
    sql = """
        SELECT a.merchant_id, a.customer_id, a.balance, COALESCE(l.total, 0) AS ledger_sum
        FROM points_accounts a
        LEFT JOIN (
            SELECT merchant_id, customer_id, SUM(delta) AS total
            FROM points_ledger
            {where_ledger}
            GROUP BY merchant_id, customer_id
        ) l ON l.merchant_id = a.merchant_id AND l.customer_id = a.customer_id
        WHERE a.balance <> COALESCE(l.total, 0) {and_account}
        UNION ALL
        SELECT l.merchant_id, l.customer_id, 0, SUM(l.delta)
        FROM points_ledger l
        LEFT JOIN points_accounts a ON a.merchant_id = l.merchant_id AND a.customer_id = l.customer_id
        WHERE a.customer_id IS NULL {and_ledger}
        GROUP BY l.merchant_id, l.customer_id
        HAVING SUM(l.delta) <> 0
    """
    if merchant_id is None:
        sql = sql.format(where_ledger="", and_account="", and_ledger="")
        rows = (await session.execute(text(sql))).all()
    else:
        sql = sql.format(
            where_ledger="WHERE merchant_id = :m",
            and_account="AND a.merchant_id = :m",
            and_ledger="AND l.merchant_id = :m",
        )
        rows = (await session.execute(text(sql), {"m": merchant_id})).all()
    return [(int(r[0]), int(r[1]), int(r[2]), int(r[3])) for r in rows]
