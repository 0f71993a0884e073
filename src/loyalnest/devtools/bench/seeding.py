"""What a bench needs in the database and how it reads it back: the bench shop, its
customers and awarded orders, the earn-row count (what "fully awarded" means), and
the raw ceiling: the bare award transaction run directly (no HTTP, no queue)."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Sequence

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from loyalnest.contexts.customers import api as customers
from loyalnest.contexts.earning import api as earning
from loyalnest.contexts.merchants import api as merchants
from loyalnest.devtools.shopify_data import Catalog, FakeCustomer, FakeOrder
from loyalnest.platform.db import read_session
from loyalnest.platform.uow import unit_of_work

POLL_INTERVAL_SECONDS = 0.025


# --- database probes and seeding -------------------------------------------------------


async def earn_count(merchant_id: int) -> int:
    """Orders of the shop that earned points: what "fully awarded" means (an order's row
    records its points in the transaction that writes its ledger rows).

    Counted on ``order_points`` (one row per order), not on the ledger's ``earn`` rows:
    the bench polls this every 25 ms while it measures, and counting the ledger walked
    every row of the shop's ledger on each poll (about 3 ms per 10,000 rows, measured),
    6.4 rows per order with a tier and campaign program against 1 without: a cost that
    grew with the program and that only the program's run paid."""
    async with read_session() as session:
        result = await session.execute(
            text("SELECT count(*) FROM order_points WHERE merchant_id = :m AND points_earned > 0"),
            {"m": merchant_id},
        )
        return int(result.scalar_one())


async def wait_for_earn_count(merchant_id: int, target: int, *, timeout: float) -> tuple[int, float]:
    """Poll until ``target`` of the shop's orders earned points; (count, perf_counter
    when seen)."""
    deadline = time.monotonic() + timeout
    while True:
        count = await earn_count(merchant_id)
        if count >= target or time.monotonic() > deadline:
            return count, time.perf_counter()
        await asyncio.sleep(POLL_INTERVAL_SECONDS)


async def seed_shop(domain: str | None = None) -> merchants.MerchantDTO:
    domain = domain or f"bench-{uuid.uuid4().hex[:10]}.myshopify.com"
    async with unit_of_work() as uow:
        return await merchants.install_shop(uow, shop_domain=domain, name="Bench Shop", currency="USD")


async def drop_shop(merchant_id: int, *, attempts: int = 5) -> None:
    """Delete a bench shop and, by cascade, everything it accumulated (so repeated runs
    do not grow the development database by tens of thousands of rows each). The
    worker may still be at the shop's follow-up jobs (a million imported customers'
    analytics): a deadlock with them is tried again."""
    for attempt in range(attempts):
        try:
            async with unit_of_work() as uow:
                await uow.session.execute(text("DELETE FROM merchants WHERE id = :m"), {"m": merchant_id})
            return
        except DBAPIError as exc:
            if not _deadlocked(exc) or attempt == attempts - 1:
                raise
            await asyncio.sleep(1 + attempt)


def _deadlocked(exc: BaseException) -> bool:
    seen: BaseException | None = exc
    while seen is not None:
        if getattr(seen, "sqlstate", None) == "40P01":
            return True
        seen = seen.__cause__ or getattr(seen, "orig", None)
    return False


def _facts(customer: FakeCustomer) -> customers.ShopifyCustomerFacts:
    return customers.ShopifyCustomerFacts(
        shopify_customer_id=customer.shopify_id,
        email=customer.email,
        first_name=customer.first_name,
        last_name=customer.last_name,
        phone=customer.phone,
        accepts_marketing=customer.accepts_marketing,
        shopify_updated_at=customer.created_at,
    )


def _order_facts(order: FakeOrder, customer_id: int) -> earning.OrderFacts:
    return earning.OrderFacts(
        shopify_order_id=order.shopify_id,
        customer_id=customer_id,
        currency="USD",
        subtotal=order.subtotal,
        shipping=order.shipping,
        tax=order.tax,
        taxes_included=False,
    )


async def create_customers(
    merchant_id: int, people: Sequence[FakeCustomer], *, per_transaction: int = 200
) -> list[int]:
    ids: list[int] = []
    for start in range(0, len(people), per_transaction):
        async with unit_of_work() as uow:
            for person in people[start : start + per_transaction]:
                ids.append(await customers.upsert_from_shopify(uow, merchant_id, _facts(person)))
    return ids


async def measure_award_baseline(
    merchant_id: int, *, orders: int, concurrency: int, per_transaction: int, catalog: Catalog
) -> tuple[int, float]:
    """The raw ceiling: ``earning.award_orders`` called directly in units of work
    (no HTTP, no queue), ``per_transaction`` orders per unit of work (awarded together,
    as the worker does with a batch), ``concurrency`` units of work at once. Customers
    are created first, untimed. Returns (orders awarded, seconds)."""
    people = [catalog.customer() for _ in range(orders)]
    customer_ids = await create_customers(merchant_id, people)
    facts = [_order_facts(catalog.order(p), cid) for p, cid in zip(people, customer_ids, strict=True)]
    chunks = iter([facts[i : i + per_transaction] for i in range(0, len(facts), per_transaction)])
    awarded = 0

    async def worker() -> None:
        nonlocal awarded
        for chunk in chunks:
            async with unit_of_work() as uow:
                results = await earning.award_orders(uow, merchant_id, chunk)
            awarded += sum(1 for points_awarded in results if points_awarded)

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(max(1, concurrency))))
    return awarded, time.perf_counter() - started


async def vacuum_analyze(database_url: str, tables: Sequence[str] = ()) -> bool:
    """``VACUUM (ANALYZE)`` the bench's database between runs, as autovacuum would on a
    production server. Some development servers run with ``autovacuum = off``: there
    every run would find the dead rows of all the runs before it (and plans made for
    empty tables), penalising whichever side of a comparison runs later. Returns
    whether the server has autovacuum off (the bench says so in its notes)."""
    import asyncpg

    url = "postgresql://" + database_url.split("://", 1)[1]
    connection = await asyncpg.connect(url)
    try:
        autovacuum = await connection.fetchval("SHOW autovacuum")
        # table names are the caller's constants, never input
        await connection.execute("VACUUM (ANALYZE) " + ", ".join(tables))
    finally:
        await connection.close()
    return autovacuum != "on"


async def analyze(database_url: str) -> None:
    """``ANALYZE`` the bench's database: statistics that know the shop has orders, as
    autovacuum keeps them on a live server. A run starting from a VACUUM ANALYZE of
    emptied tables (``vacuum_analyze``) would otherwise be planned for tables believed
    empty: PostgreSQL then reads a shop's whole slice of an index and filters where it
    should probe its keys (an O(shop) statement per batch), which no production server
    with statistics does and which penalises whichever side writes more tables."""
    import asyncpg

    connection = await asyncpg.connect("postgresql://" + database_url.split("://", 1)[1])
    try:
        await connection.execute("ANALYZE")
    finally:
        await connection.close()


async def ledger_rows_per_order(merchant_id: int) -> float:
    """Ledger rows written per order awarded (the base ``earn`` row and whatever tiers and
    campaigns added): what a program costs the ledger."""
    async with read_session() as session:
        result = await session.execute(
            text(
                "SELECT count(*), count(*) FILTER (WHERE kind = 'earn' AND source = 'order')"
                " FROM points_ledger WHERE merchant_id = :m"
            ),
            {"m": merchant_id},
        )
        rows, orders = result.one()
    return rows / orders if orders else 0.0
